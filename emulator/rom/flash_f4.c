/* Programming and erasing through the F4 flash controller (flash-f4), with the sequences of RM0368
 * ("Unlocking the Flash control register", "Programming", "Sector Erase"): KEY1 then KEY2 into
 * FLASH_KEYR clears LOCK; with PG set and PSIZE = x32, each word written to flash is programmed;
 * SER with the sector number in SNB, then STRT, erases a sector; BSY says when the operation is
 * over, the error flags (cleared by writing 1) whether it failed. x32 is RM0368's parallelism for
 * a 2.7-3.6 V supply, the one the emulated part has. The protocol's erase units are the sectors
 * (parts/stm32.json flash.sectors). */
#include "protocol.h"
#include "rom.h"

#if BL_FLASH_F4

#define SR_ERRORS (FLASH_SR_OPERR | FLASH_SR_WRPERR | FLASH_SR_PGAERR | FLASH_SR_PGPERR | FLASH_SR_PGSERR)
#define PSIZE_X32 (FLASH_CR_PSIZE_X32 << FLASH_CR_PSIZE_SHIFT)

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
	FLASH_CR = FLASH_CR_LOCK;
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

	unlock();
	FLASH_CR = FLASH_CR_PG | PSIZE_X32;
	for (uint32_t i = 0; i < len && ok; i += 4) {
		*(volatile uint32_t *)(uintptr_t)(addr + i) =
			data[i] | (uint32_t)data[i + 1] << 8 | (uint32_t)data[i + 2] << 16 | (uint32_t)data[i + 3] << 24;
		ok = finished_ok();
	}
	lock();
	return ok;
}

bool bl_port_flash_erase_page(uint32_t sector)
{
	unlock();
	FLASH_CR = FLASH_CR_SER | PSIZE_X32 | (sector & FLASH_CR_SNB_MASK) << FLASH_CR_SNB_SHIFT;
	FLASH_CR |= FLASH_CR_STRT;
	bool ok = finished_ok();
	lock();
	return ok;
}

#endif
