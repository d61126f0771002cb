/* Test firmware for tools/tests/test_usart_emulator.py: on reset it jumps straight into the ROM
 * bootloader, with nothing de-initialised, as the shortest user-code jump does. Whether the
 * bootloader then listens on its USART is the ROM's decision (AN2606: on an STM32L011 the empty
 * check sends such a jump back to user flash; on an STM32L031 it stays). Built per part against
 * build/gen/<part>/bj_part.h, so the ROM address comes from the part database. */
#include <stdint.h>

#include "bj_part.h"

extern uint32_t __stack_top; /* jump_to_rom.ld: the end of SRAM */

void reset_handler(void);

__attribute__((section(".vectors"), used)) static const uintptr_t vectors[2] = {
	(uintptr_t)&__stack_top,
	(uintptr_t)reset_handler,
};

__attribute__((noreturn)) void reset_handler(void)
{
	/* The ROM's own vector table, at the start of system memory: its stack pointer, then
	 * its reset handler (Thumb bit already set). */
	uint32_t rom_sp = MMIO32(BJ_SYSMEM_BASE);
	uint32_t rom_entry = MMIO32(BJ_SYSMEM_BASE + 4u);

	__asm__ volatile("msr msp, %0\n\tbx %1" : : "r"(rom_sp), "r"(rom_entry) : "memory");
	__builtin_unreachable();
}
