/* Handing the chip to other code the way a Cortex-M reset does: the stack pointer from the first
 * word of its vector table, then a branch to the second (the reset handler, Thumb bit set). Used
 * by the activation profiles (back to user flash) and by the Go command. */
#include "rom.h"

void bl_start(uint32_t vectors)
{
	uint32_t sp = bl_read32(vectors);
	uint32_t entry = bl_read32(vectors + 4);

	__asm__ volatile("msr msp, %0\n\tbx %1" : : "r"(sp), "r"(entry) : "memory");
	__builtin_unreachable();
}
