/* The branch into the ROM, alone in its own small function so a debugger can break exactly at
 * the jump (`break bj_jump`): r0 is the MSP and r1 the address every recipe is about to use. */
#include "probe.h"

__attribute__((naked, noreturn, noinline)) void bj_jump(uint32_t msp, uint32_t pc)
{
	(void)msp;
	(void)pc;
	/* In unprivileged thread mode (psp-unprivileged) the MSR is ignored, as on silicon. */
	__asm volatile("msr msp, r0\n\t"
		       "bx r1\n\t");
}
