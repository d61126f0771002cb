/* Programming and erasing through the G0 and L4 flash controllers (flash-g0, flash-l4: the same
 * registers for what the bootloader does), with the sequences of RM0444 and RM0394 ("Flash memory
 * unlock sequence", "Flash memory programming sequence", "Page erase"): KEY1 then KEY2 into
 * FLASH_KEYR clears LOCK; with PG set, a double word (two word writes, the first at an 8-byte
 * aligned address) is programmed; PER with the page in PNB, then STRT, erases a page; BSY (BSY1 on
 * G0) says when the operation is over, the error flags (cleared by writing 1) whether it failed.
 *
 * Write Memory hands over whole words (AN3155), not always whole double words: the model fills the
 * other half of a double word it has to program with the erased value, which leaves those bytes
 * as they were in an erased page. */
#include "protocol.h"
#include "rom.h"

#if BL_FLASH_G0_L4

#if defined(BJ_FLASH_G0_SR_BSY1)
#define SR_BUSY FLASH_SR_BSY1
#else
#define SR_BUSY FLASH_SR_BSY
#endif

#define SR_ERRORS (FLASH_SR_OPERR | FLASH_SR_PROGERR | FLASH_SR_WRPERR | FLASH_SR_PGAERR | FLASH_SR_SIZERR \
                   | FLASH_SR_PGSERR | FLASH_SR_MISERR | FLASH_SR_FASTERR)

static void unlock(void)
{
	if (FLASH_CR & FLASH_CR_LOCK) {
		FLASH_KEYR = FLASH_KEYR_KEY1;
		FLASH_KEYR = FLASH_KEYR_KEY2;
	}
	FLASH_SR = SR_ERRORS | FLASH_SR_EOP;
}

static void lock(void)
{
	FLASH_CR |= FLASH_CR_LOCK;
}

static bool finished_ok(void)
{
	bl_wait(FLASH_SR_ADDR, SR_BUSY, 0);
	uint32_t sr = FLASH_SR;
	FLASH_SR = sr & (SR_ERRORS | FLASH_SR_EOP);
	return !(sr & SR_ERRORS);
}

static uint32_t word_at(uint32_t addr, uint32_t start, const uint8_t *data, uint32_t len)
{
	if (addr < start || addr - start >= len)
		return BJ_FLASH_ERASED;
	const uint8_t *p = data + (addr - start);
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

bool bl_port_flash_program(uint32_t addr, const uint8_t *data, uint32_t len)
{
	bool ok = true;

	_Static_assert(BJ_FLASH_PROGRAM_BYTES == 8, "this controller programs double words");
	unlock();
	FLASH_CR |= FLASH_CR_PG;
	for (uint32_t dw = addr & ~7u; dw < addr + len && ok; dw += 8) {
		*(volatile uint32_t *)(uintptr_t)dw = word_at(dw, addr, data, len);
		*(volatile uint32_t *)(uintptr_t)(dw + 4) = word_at(dw + 4, addr, data, len);
		ok = finished_ok();
	}
	FLASH_CR &= ~FLASH_CR_PG;
	lock();
	return ok;
}

bool bl_port_flash_erase_page(uint32_t page)
{
	unlock();
	FLASH_CR = (FLASH_CR & ~(FLASH_CR_PNB_MASK << FLASH_CR_PNB_SHIFT)) | FLASH_CR_PER
	           | (page & FLASH_CR_PNB_MASK) << FLASH_CR_PNB_SHIFT;
	FLASH_CR |= FLASH_CR_STRT;
	bool ok = finished_ok();
	FLASH_CR &= ~FLASH_CR_PER;
	lock();
	return ok;
}

#endif
