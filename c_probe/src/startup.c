/* Vector table, reset handler and fault handler. The reset handler captures the reset flags and
 * updates the record before anything else, and branches early for the reset-flag recipe: before
 * .data and .bss exist, so everything it calls works on the stack and on constants. */
#include "probe.h"

extern uint32_t _estack, _sidata, _sdata, _edata, _sbss, _ebss;

void bj_reset_handler(void);
void bj_fault_entry(void);
void bj_default_handler(void);

#define BJ_VECTORS (BJ_ARCH_EXC_IRQ0 + BJ_NVIC_IRQS)

/* A word per exception number after the initial SP (DDI0419/DDI0403 §B1.5.2, §B1.5.3); the
 * numbers are the part's architecture's (bj_part.h), the ones it does not name stay reserved. */
__attribute__((section(".vectors"), used)) static void (*const bj_vectors[BJ_VECTORS])(void) = {
	[0] = (void (*)(void))&_estack,
	[BJ_ARCH_EXC_RESET] = bj_reset_handler,
	[BJ_ARCH_EXC_NMI] = bj_default_handler,
	[BJ_ARCH_EXC_HARDFAULT] = bj_fault_entry,
#ifdef BJ_ARCH_EXC_MEMMANAGE /* ARMv7-M's configurable faults */
	[BJ_ARCH_EXC_MEMMANAGE] = bj_fault_entry,
	[BJ_ARCH_EXC_BUSFAULT] = bj_fault_entry,
	[BJ_ARCH_EXC_USAGEFAULT] = bj_fault_entry,
#endif
	[BJ_ARCH_EXC_SVCALL] = bj_default_handler,
#ifdef BJ_ARCH_EXC_DEBUGMONITOR
	[BJ_ARCH_EXC_DEBUGMONITOR] = bj_default_handler,
#endif
	[BJ_ARCH_EXC_PENDSV ... BJ_VECTORS - 1] = bj_default_handler,
};

void bj_reset_handler(void)
{
	struct bj_record r;
	bj_boot(&r, bj_capture_reset_causes());
	if (r.f[BJ_REC_RECIPE] == BJ_RECIPE_RESET_FLAG && r.f[BJ_REC_STEP] == BJ_STEP_RESET_REQUESTED &&
	    (r.f[BJ_REC_CAUSES] & BJ_CAUSE_SOFTWARE))
		bj_reset_flag_branch(&r);
	for (uint32_t *s = &_sidata, *d = &_sdata; d < &_edata;)
		*d++ = *s++;
	for (uint32_t *d = &_sbss; d < &_ebss;)
		*d++ = 0;
	bj_main(&r);
}

/* HardFault (and the ARMv7-M faults) with the stacked frame: record the faulting PC, then a
 * system reset so the probe reports what happened. Only reached while the probe's own vector
 * table is in use: after the remap the ROM's handlers run instead. */
__attribute__((used)) static void bj_fault(const uint32_t *frame)
{
	struct bj_record r;
	bj_record_load(&r);
	r.f[BJ_REC_FAULT_PC] = frame[BJ_ARCH_FRAME_RETURN_ADDRESS / sizeof(*frame)];
	bj_checkpoint(&r, BJ_STEP_FAULT);
	bj_system_reset();
}

/* EXC_RETURN bit 2 says which stack holds the frame (DDI0419 §B1.5.8). */
__attribute__((naked)) void bj_fault_entry(void)
{
	__asm volatile("movs r0, #4\n\t"
		       "mov r1, lr\n\t"
		       "tst r0, r1\n\t"
		       "beq 1f\n\t"
		       "mrs r0, psp\n\t"
		       "b 2f\n"
		       "1:\n\t"
		       "mrs r0, msp\n"
		       "2:\n\t"
		       "ldr r1, =bj_fault\n\t"
		       "bx r1\n\t"
		       ".ltorg\n\t");
}

/* SysTick and peripheral interrupts while the probe's vectors are in use (systick-running before
 * the remap, irq-pending on a part without a remap): a peripheral IRQ is disabled so it cannot
 * fire again, SysTick is let through; both return to where they interrupted. */
void bj_default_handler(void)
{
	uint32_t ipsr;
	__asm volatile("mrs %0, ipsr" : "=r"(ipsr));
	uint32_t exception = (ipsr >> BJ_ARCH_XPSR_EXCEPTION_SHIFT) & BJ_ARCH_XPSR_EXCEPTION_MASK;
	if (exception >= BJ_ARCH_EXC_IRQ0) {
		uint32_t irq = exception - BJ_ARCH_EXC_IRQ0;
		(&NVIC_ICER)[irq / 32u] = 1u << (irq % 32u);
	}
}
