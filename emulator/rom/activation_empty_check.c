/* empty-check (L011/L021, F070x6): a jump from user code goes back to user flash unless flash is
 * empty.
 *
 * AN2606 (STM32L01xxx/02xxx): "Due to empty check mechanism present on this product, it is not
 * possible to jump from user code to system bootloader. Such jump results in a jump back to user
 * flash memory space. But if the first 4 bytes of user flash memory (at 0x0800 0000) are empty at
 * the moment of the jump (i.e. erase first sector before jump or execute code from SRAM while
 * flash is empty), then system bootloader is executed when jumped to."
 *
 * AN2606 is silent on two things, and the model takes the simplest reading of each:
 * - "Empty" is the erased state of this part's flash (BJ_FLASH_ERASED: 0x00000000 on L0, whose
 *   flash erases to zero; 0xFFFFFFFF elsewhere), compared as one word.
 * - The check cannot apply when the boot pins themselves selected the bootloader (BOOT0 = 1 is how
 *   every programmed part is reprogrammed), so the ROM first asks what the pins selected at reset.
 */
#include "rom.h"

#if BL_ACTIVATION_EMPTY_CHECK

void bl_activate(void)
{
	if (bl_boot_pins_chose_system_memory())
		return;
	/* The decision the tracer looks for: one load of the first flash word, one compare with the
	 * erased value, one conditional branch back to user code. */
	if (*(volatile const uint32_t *)BJ_FLASH_BASE != BJ_FLASH_ERASED)
		bl_start(BJ_FLASH_BASE);
}

#endif
