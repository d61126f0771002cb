/* F0, F1, F4, G0 and L4 (rcc-f0, rcc-f1, rcc-f4, rcc-g0, rcc-l4): the model keeps the reset clock
 * (BJ_RESET_HZ: HSI at 8 MHz on F0/F1 and 16 MHz on F4/G0, MSI at 4 MHz on L4).
 *
 * AN2606 documents a bootloader clock for these families too, but its text for them is not among
 * the sources this project has read (parts/stm32.json, notes/st-bootloader-facts.md), so the model
 * does not invent a PLL setting: nothing is changed here, and Go has nothing to restore. The
 * bootloader's behaviour seen from the USART does not depend on it (usart-v2 measures the baud
 * rate in hardware; usart_v1.c programs its divider from the reset clock). */
#include "rom.h"

#if BL_CLOCK_RESET

void bl_clock_init(void)
{
}

void bl_clock_deinit(void)
{
}

#endif
