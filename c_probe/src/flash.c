/* Erasing the first flash page for the erase-page0 recipe (AN2606: "erase first sector before
 * jump or execute code from SRAM while flash is empty"). The erase runs from SRAM (.ramfunc,
 * copied with .data); the sequence is chosen by the part's FLASH variant. */
#include "probe.h"

#define BJ_RAMFUNC __attribute__((section(".ramfunc"), noinline, long_call))

#if defined(BJ_IP_FLASH_FLASH_L0)
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
#elif defined(BJ_IP_FLASH_FLASH_F0) || defined(BJ_IP_FLASH_FLASH_F1)
/* RM0091 §3.2.2 / PM0075 §2.3.4 "Page erase": unlock with KEY1, KEY2; PER, the page address in
 * AR, STRT; wait for BSY to clear; EOP is cleared by writing it; lock again. */
static BJ_RAMFUNC void erase_page0_from_sram(void)
{
	if (FLASH_CR & FLASH_CR_LOCK) {
		FLASH_KEYR = FLASH_KEYR_KEY1;
		FLASH_KEYR = FLASH_KEYR_KEY2;
	}
	FLASH_CR |= FLASH_CR_PER;
	FLASH_AR = BJ_FLASH_BASE;
	FLASH_CR |= FLASH_CR_STRT;
	for (unsigned n = BJ_POLL_LIMIT; n && (FLASH_SR & FLASH_SR_BSY); n--)
		;
	FLASH_SR = FLASH_SR_EOP;
	FLASH_CR &= ~FLASH_CR_PER;
	FLASH_CR |= FLASH_CR_LOCK;
}
#elif defined(BJ_IP_FLASH_FLASH_F4)
/* RM0368 §3.5.3 "Sector erase": unlock with KEY1, KEY2; SER with SNB = 0 and a PSIZE (x32 at
 * 2.7-3.6 V), STRT; wait for BSY to clear; clear EOP; lock again. Sector 0 (16 KB) holds only the
 * vector table: probe.ld starts the code on the next erase unit. */
static BJ_RAMFUNC void erase_page0_from_sram(void)
{
	if (FLASH_CR & FLASH_CR_LOCK) {
		FLASH_KEYR = FLASH_KEYR_KEY1;
		FLASH_KEYR = FLASH_KEYR_KEY2;
	}
	FLASH_CR = (FLASH_CR & ~(FLASH_CR_SNB_MASK << FLASH_CR_SNB_SHIFT | FLASH_CR_PSIZE_MASK << FLASH_CR_PSIZE_SHIFT)) |
		   FLASH_CR_PSIZE_X32 << FLASH_CR_PSIZE_SHIFT | FLASH_CR_SER;
	FLASH_CR |= FLASH_CR_STRT;
	for (unsigned n = BJ_POLL_LIMIT; n && (FLASH_SR & FLASH_SR_BSY); n--)
		;
	FLASH_SR = FLASH_SR_EOP;
	FLASH_CR &= ~FLASH_CR_SER;
	FLASH_CR |= FLASH_CR_LOCK;
}
#elif defined(BJ_IP_FLASH_FLASH_G0) || defined(BJ_IP_FLASH_FLASH_L4)
#if defined(BJ_IP_FLASH_FLASH_G0)
#define BJ_FLASH_BUSY FLASH_SR_BSY1
#else
#define BJ_FLASH_BUSY FLASH_SR_BSY
#endif
/* RM0444 §3.3.7 / RM0394 §3.3.6 "Page erase": unlock with KEY1, KEY2; wait for BSY(1) to clear;
 * PER with PNB = 0, STRT; wait for BSY(1) to clear; clear EOP; lock again. */
static BJ_RAMFUNC void erase_page0_from_sram(void)
{
	if (FLASH_CR & FLASH_CR_LOCK) {
		FLASH_KEYR = FLASH_KEYR_KEY1;
		FLASH_KEYR = FLASH_KEYR_KEY2;
	}
	for (unsigned n = BJ_POLL_LIMIT; n && (FLASH_SR & BJ_FLASH_BUSY); n--)
		;
	FLASH_CR = (FLASH_CR & ~(FLASH_CR_PNB_MASK << FLASH_CR_PNB_SHIFT)) | FLASH_CR_PER;
	FLASH_CR |= FLASH_CR_STRT;
	for (unsigned n = BJ_POLL_LIMIT; n && (FLASH_SR & BJ_FLASH_BUSY); n--)
		;
	FLASH_SR = FLASH_SR_EOP;
	FLASH_CR &= ~FLASH_CR_PER;
	FLASH_CR |= FLASH_CR_LOCK;
}
#else
#error "c_probe/src/flash.c: no page erase for this part's FLASH variant"
#endif

/* True when flash word 0 reads erased afterwards: what the ROM's empty check looks at. */
bool bj_erase_page0(void)
{
	erase_page0_from_sram();
	return MMIO32(BJ_FLASH_BASE) == BJ_FLASH_ERASED;
}

/* ------------------------------------------------------------------ option bytes (boot-sel) */

#if defined(BJ_IP_FLASH_FLASH_F0) && defined(BJ_OB_USER_ADDR) && defined(FLASH_OBR_BOOT_SEL)
/* RM0091 §4.1: option byte i and its complement form the half-word at BJ_OB_*_ADDR; FLASH_OBR
 * holds the loaded USER byte from WDG_SW (its bit 0) up, Data0 and Data1 as fields, WRPR the
 * four WRP bytes. */
#define BJ_USER_SHIFT ((unsigned)__builtin_ctz(FLASH_OBR_WDG_SW))

static void option_halfword(uint32_t addr, uint32_t byte)
{
	byte &= 0xffu;
	*(volatile uint16_t *)(uintptr_t)addr = (uint16_t)(byte | (~byte & 0xffu) << 8);
	for (unsigned n = BJ_POLL_LIMIT; n && (FLASH_SR & FLASH_SR_BSY); n--)
		;
}

/* RM0091 §3.5.6: unlock FLASH_CR, then OPTKEYR (OPTWRE); erase the option bytes (OPTER, STRT);
 * program every byte again (OPTPG) as loaded now, with USER's BOOT_SEL cleared and RDP at level 0
 * (it is at level 0 already, or we refuse). */
const char *bj_option_clear_boot_sel(void)
{
	uint32_t obr = FLASH_OBR;
	if ((obr >> FLASH_OBR_RDPRT_SHIFT & FLASH_OBR_RDPRT_MASK) != FLASH_OBR_RDPRT_LEVEL0)
		return "read protection is on: the probe does not rewrite the option bytes";
	uint32_t user = obr >> BJ_USER_SHIFT & ~(FLASH_OBR_BOOT_SEL >> BJ_USER_SHIFT);
	uint32_t wrpr = FLASH_WRPR;
	if (FLASH_CR & FLASH_CR_LOCK) {
		FLASH_KEYR = FLASH_KEYR_KEY1;
		FLASH_KEYR = FLASH_KEYR_KEY2;
	}
	FLASH_OPTKEYR = FLASH_OPTKEYR_OPTKEY1;
	FLASH_OPTKEYR = FLASH_OPTKEYR_OPTKEY2;
	FLASH_CR |= FLASH_CR_OPTER;
	FLASH_CR |= FLASH_CR_STRT;
	for (unsigned n = BJ_POLL_LIMIT; n && (FLASH_SR & FLASH_SR_BSY); n--)
		;
	FLASH_CR &= ~FLASH_CR_OPTER;
	FLASH_CR |= FLASH_CR_OPTPG;
	option_halfword(BJ_OB_RDP_ADDR, BJ_OB_RDP_LEVEL0);
	option_halfword(BJ_OB_USER_ADDR, user);
	option_halfword(BJ_OB_DATA0_ADDR, obr >> FLASH_OBR_Data0_SHIFT & FLASH_OBR_Data0_MASK);
	option_halfword(BJ_OB_DATA1_ADDR, obr >> FLASH_OBR_Data1_SHIFT & FLASH_OBR_Data1_MASK);
	option_halfword(BJ_OB_WRP0_ADDR, wrpr);
	option_halfword(BJ_OB_WRP1_ADDR, wrpr >> 8);
	option_halfword(BJ_OB_WRP2_ADDR, wrpr >> 16);
	option_halfword(BJ_OB_WRP3_ADDR, wrpr >> 24);
	FLASH_SR = FLASH_SR_EOP;
	FLASH_CR &= ~FLASH_CR_OPTPG;
	return NULL;
}

bool bj_option_boot_sel(void)
{
	return FLASH_OBR & FLASH_OBR_BOOT_SEL;
}

/* OBL_LAUNCH loads the option bytes with a reset (OBLRSTF). */
void bj_option_reload(void)
{
	FLASH_CR |= FLASH_CR_OBL_LAUNCH;
	for (;;)
		;
}
#elif defined(BJ_PART_PROFILE_EMPTY_CHECK_F04X)
#error "c_probe/src/flash.c: no option-byte sequence for this F04x-profile part's FLASH variant"
#endif
