/* empty-check (L011/L021, F070x6): a jump from user code goes back to user flash unless flash is
 * empty.
 *
 * AN2606 (STM32L01xxx/02xxx): "Due to empty check mechanism present on this product, it is not
 * possible to jump from user code to system bootloader. Such jump results in a jump back to user
 * flash memory space. But if the first 4 bytes of user flash memory (at 0x0800 0000) are empty at
 * the moment of the jump (i.e. erase first sector before jump or execute code from SRAM while
 * flash is empty), then system bootloader is executed when jumped to."
 *
 * AN2606 (STM32F070x6) says the same ("...results in a jump back to user flash space...").
 *
 * AN2606 is silent on two things, and the model takes the simplest reading of each:
 * - "Empty" is the erased state of this part's flash (BJ_FLASH_ERASED: 0x00000000 on L0, whose
 *   flash erases to zero; 0xFFFFFFFF elsewhere), compared as one word.
 * - The check cannot apply when the boot pins themselves selected the bootloader (BOOT0 = 1 is how
 *   a programmed part is reprogrammed), so where the part records what the pins selected at reset
 *   (L0: SYSCFG_CFGR1.BOOT_MODE) the ROM asks that first. F070x6 has no such record (its
 *   SYSCFG_CFGR1.MEM_MODE is also what jump code sets before jumping), so there the model applies
 *   the check on every entry: a programmed F070x6 booted with BOOT0 = 1 goes back to user flash
 *   in the model. That is a limit of the model, not a documented behaviour.
 */
#include "rom.h"

#if BL_ACTIVATION_EMPTY_CHECK

void bl_activate(void)
{
#if BL_BOOT_PINS_SYSCFG_L0
	if (bl_boot_pins_chose_system_memory())
		return;
#endif
	/* The decision the tracer looks for: one load of the first flash word, one compare with the
	 * erased value, one conditional branch back to user code. */
	if (*(volatile const uint32_t *)BJ_FLASH_BASE != BJ_FLASH_ERASED)
		bl_start(BJ_FLASH_BASE);
}

#endif
