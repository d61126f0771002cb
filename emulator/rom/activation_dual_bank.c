/* dual-bank (L07x/L08x): the ROM's dual-bank boot routine runs on every entry that the boot pins
 * did not choose, and starts whichever bank holds valid code.
 *
 * AN2606 Table 2, pattern 7: the bootloader is activated with "Boot0 = 1, nBoot1 = 1, BFB2 = 0",
 * or "Boot0 = 0, BFB2 = 1 and both banks don't contain valid code", or "Boot0 = 1, nBoot1 = 1,
 * BFB2 = 1". AN2606 §4.1: "For STM32L0 series, the jump to system memory from user code is not
 * possible."
 *
 * AN2606 shows the dual-bank flowchart only as an image; the model follows the community reports
 * recorded in parts/stm32.json (COMMUNITY-L07): bank 2 is started if its initial stack pointer
 * points into SRAM, else bank 1 under the same test, and the bootloader runs only if neither is
 * valid. Simplest readings where the sources are silent: "valid" is an initial SP in
 * [SRAM base, SRAM end]; a bank is started at its own address (no UFB bank swap); an entry chosen
 * by the boot pins (BOOT0 = 1) runs the bootloader, as the first and third clauses say.
 */
#include "rom.h"

#if BL_ACTIVATION_DUAL_BANK

static bool bank_is_valid(uint32_t bank_base)
{
	uint32_t sp = *(volatile const uint32_t *)(uintptr_t)bank_base;

	return sp >= BJ_SRAM_BASE && sp - BJ_SRAM_BASE <= BJ_SRAM_SIZE;
}

void bl_activate(void)
{
	if (bl_boot_pins_chose_system_memory())
		return;
	if (bank_is_valid(BJ_FLASH_BANK2_BASE))
		bl_start(BJ_FLASH_BANK2_BASE);
	if (bank_is_valid(BJ_FLASH_BANK1_BASE))
		bl_start(BJ_FLASH_BANK1_BASE);
}

#endif
