/* Erasing the first flash page for the erase-page0 recipe (AN2606: "erase first sector before
 * jump or execute code from SRAM while flash is empty"). The erase runs from SRAM (.ramfunc,
 * copied with .data); the sequence is chosen by the part's FLASH variant. */
#include "probe.h"

#define BJ_RAMFUNC __attribute__((section(".ramfunc"), noinline, long_call))

#if defined(BJ_IP_FLASH_FLASH_L0)
#define BJ_HAVE_ERASE 1
/* RM0377 §3.3.4 "Page erase": unlock PECR then program memory with their key pairs, ERASE and
 * PROG set, write a word of the page, wait for BSY to clear; lock again. */
static BJ_RAMFUNC void erase_page0_from_sram(void)
{
	if (FLASH_PECR & FLASH_PECR_PELOCK) {
		FLASH_PEKEYR = FLASH_PEKEYR_PEKEY1;
		FLASH_PEKEYR = FLASH_PEKEYR_PEKEY2;
	}
	if (FLASH_PECR & FLASH_PECR_PRGLOCK) {
		FLASH_PRGKEYR = FLASH_PRGKEYR_PRGKEY1;
		FLASH_PRGKEYR = FLASH_PRGKEYR_PRGKEY2;
	}
	FLASH_PECR |= FLASH_PECR_ERASE | FLASH_PECR_PROG;
	MMIO32(BJ_FLASH_BASE) = 0;
	for (unsigned n = BJ_POLL_LIMIT; n && (FLASH_SR & FLASH_SR_BSY); n--)
		;
	FLASH_SR = FLASH_SR_EOP;
	FLASH_PECR &= ~(FLASH_PECR_ERASE | FLASH_PECR_PROG);
	FLASH_PECR |= FLASH_PECR_PELOCK;
}
#else
#define BJ_HAVE_ERASE 0
#endif

bool bj_flash_can_erase(void)
{
	return BJ_HAVE_ERASE;
}

/* True when flash word 0 reads erased afterwards: what the ROM's empty check looks at. */
bool bj_erase_page0(void)
{
#if BJ_HAVE_ERASE
	erase_page0_from_sram();
#endif
	return MMIO32(BJ_FLASH_BASE) == BJ_FLASH_ERASED;
}
