/* Programming and erasing through the STM32L0 flash controller (flash-l0), with the sequences of
 * RM0377 §3.3 ("Unlocking the Flash memory", "Word programming", "Page erase"):
 * PEKEYR unlocks FLASH_PECR, PRGKEYR then unlocks program memory; a word written to a flash address
 * programs it; with ERASE and PROG set, a word written anywhere in a page erases that page; BSY
 * says when the operation is over and the error flags (cleared by writing 1) say whether it worked.
 */
#include "protocol.h"
#include "rom.h"

#if BL_FLASH_L0

#define SR_ERRORS (FLASH_SR_WRPERR | FLASH_SR_PGAERR | FLASH_SR_SIZERR | FLASH_SR_OPTVERR | FLASH_SR_RDERR \
                   | FLASH_SR_NOTZEROERR | FLASH_SR_FWWERR)

static void unlock(void)
{
	if (FLASH_PECR & FLASH_PECR_PELOCK) {
		FLASH_PEKEYR = FLASH_PEKEYR_PEKEY1;
		FLASH_PEKEYR = FLASH_PEKEYR_PEKEY2;
	}
	if (FLASH_PECR & FLASH_PECR_PRGLOCK) {
		FLASH_PRGKEYR = FLASH_PRGKEYR_PRGKEY1;
		FLASH_PRGKEYR = FLASH_PRGKEYR_PRGKEY2;
	}
	FLASH_SR = SR_ERRORS | FLASH_SR_EOP;
}

/* Setting PELOCK locks program memory too. */
static void lock(void)
{
	FLASH_PECR |= FLASH_PECR_PELOCK;
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
	for (uint32_t i = 0; i < len && ok; i += 4) {
		uint32_t word = data[i] | (uint32_t)data[i + 1] << 8 | (uint32_t)data[i + 2] << 16 | (uint32_t)data[i + 3] << 24;
		*(volatile uint32_t *)(uintptr_t)(addr + i) = word;
		ok = finished_ok();
	}
	lock();
	return ok;
}

bool bl_port_flash_erase_page(uint32_t page)
{
	unlock();
	FLASH_PECR |= FLASH_PECR_ERASE | FLASH_PECR_PROG;
	*(volatile uint32_t *)(uintptr_t)(BJ_FLASH_BASE + page * BJ_FLASH_PAGE_SIZE) = 0;
	bool ok = finished_ok();
	FLASH_PECR &= ~(FLASH_PECR_ERASE | FLASH_PECR_PROG);
	lock();
	return ok;
}

#endif
