/* Programming and erasing through the F0/F1 flash controller (flash-f0, flash-f1: the same FPEC),
 * with the sequences of RM0091 and PM0075 ("Unlocking the Flash memory", "Main Flash memory
 * programming", "Page Erase"): KEY1 then KEY2 into FLASH_KEYR clears LOCK; with PG set, each
 * half-word written to flash is programmed; with PER set, FLASH_AR selects the page and STRT
 * erases it; BSY says when the operation is over, PGERR and WRPRTERR (cleared by writing 1)
 * whether it failed. */
#include "protocol.h"
#include "rom.h"

#if BL_FLASH_F0_F1

#define SR_ERRORS (FLASH_SR_PGERR | FLASH_SR_WRPRTERR)

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
	bl_wait(FLASH_SR_ADDR, FLASH_SR_BSY, 0);
	uint32_t sr = FLASH_SR;
	FLASH_SR = sr & (SR_ERRORS | FLASH_SR_EOP);
	return !(sr & SR_ERRORS);
}

bool bl_port_flash_program(uint32_t addr, const uint8_t *data, uint32_t len)
{
	bool ok = true;

	_Static_assert(BJ_FLASH_PROGRAM_BYTES == 2, "this controller programs half-words");
	unlock();
	FLASH_CR |= FLASH_CR_PG;
	for (uint32_t i = 0; i < len && ok; i += 2) {
		*(volatile uint16_t *)(uintptr_t)(addr + i) = (uint16_t)(data[i] | data[i + 1] << 8);
		ok = finished_ok();
	}
	FLASH_CR &= ~FLASH_CR_PG;
	lock();
	return ok;
}

bool bl_port_flash_erase_page(uint32_t page)
{
	unlock();
	FLASH_CR |= FLASH_CR_PER;
	FLASH_AR = BJ_FLASH_BASE + page * BJ_FLASH_PAGE_SIZE;
	FLASH_CR |= FLASH_CR_STRT;
	bool ok = finished_ok();
	FLASH_CR &= ~FLASH_CR_PER;
	lock();
	return ok;
}

#endif
