/* Profiles whose ROM stays in the bootloader when user code jumps to it. */
#include "rom.h"

#if BL_ACTIVATION_STAYS

/* plain (L031, L05x, F030x8, F103, F401): AN2606 documents no check on entry for these parts; the
 * jump lands in the bootloader, which is how AN2606 §4.1 describes jumping to it "from the user
 * code" with the system memory remapped.
 *
 * boot-empty-check (F09x, L43x): these parts have the empty check, but AN2606 describes it only as
 * a boot-mode selection ("main flash empty" in their activation pattern), which the emulator's
 * reset logic performs in hardware; AN2606 gives them no "not possible to jump from user code"
 * note, and jumps on them are reported to work. The model reads that silence as: the ROM does not
 * re-check on entry (recorded as uncertain in parts/stm32.json).
 *
 * g0-empty-flag (G07x): AN2606 (STM32G07xxx/08xxx): "When jumping to the bootloader from user
 * flash, the first operation is to reset the peripherals"; the FLASH_ACR EMPTY flag decides the
 * boot source at reset only, and the emulator's reset logic honours it. */
void bl_activate(void)
{
}

#endif
