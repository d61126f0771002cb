/* Startup for the emulator's test firmware: vector table, .data/.bss, and a HardFault handler
 * that records the stacked frame into the results block. Scenario files provide main() and may
 * override the weak handlers. */
#include "bj_part.h"
#include "fw.h"

extern uint32_t _estack, _sdata, _edata, _sidata, _sbss, _ebss;
int main(void);
void reset_handler(void);

__attribute__((section(".results"), used)) volatile struct fw_results fw;

void fw_record(uint32_t value)
{
	if (fw.n < FW_N_VALUES)
		fw.v[fw.n++] = value;
}

void fw_done(void)
{
	fw.done = FW_DONE;
	for (;;)
		__asm volatile("wfi");
}

static void spin(void)
{
	for (;;)
		;
}

/* The frame the hardware stacked, found from EXC_RETURN bit 2 (PSP or MSP). */
void fw_hardfault_record(uint32_t *frame, uint32_t exc_return);
__attribute__((naked)) void hardfault_handler(void)
{
	__asm volatile("mov r1, lr\n"
		       "movs r0, #4\n"
		       "tst r0, r1\n"
		       "beq 1f\n"
		       "mrs r0, psp\n"
		       "b 2f\n"
		       "1: mrs r0, msp\n"
		       "2: ldr r2, =fw_hardfault_record\n"
		       "bx r2\n");
}

__attribute__((weak)) void fw_on_hardfault(void)
{
	fw_done();
}

void fw_hardfault_record(uint32_t *frame, uint32_t exc_return)
{
	fw.faults++;
	fw.fault_pc = frame[6];
	fw.fault_xpsr = frame[7];
	fw.fault_lr = frame[5];
	fw.fault_exc_return = exc_return;
	fw.fault_sp = (uint32_t)frame;
	fw_on_hardfault();
}

void svc_handler(void) __attribute__((weak, alias("spin_handler")));
void pendsv_handler(void) __attribute__((weak, alias("spin_handler")));
void systick_handler(void) __attribute__((weak, alias("spin_handler")));
void irq_handler(void) __attribute__((weak, alias("spin_handler")));
void spin_handler(void)
{
	spin();
}

__attribute__((section(".vectors"), used)) void (*const fw_vectors[16 + BJ_NVIC_IRQS])(void) = {
	(void (*)(void))&_estack,
	reset_handler,
	spin_handler,       /* NMI */
	hardfault_handler,
	hardfault_handler,  /* MemManage, BusFault, UsageFault: only if enabled (v7-M) */
	hardfault_handler,
	hardfault_handler,
	[11] = svc_handler,
	[14] = pendsv_handler,
	[15] = systick_handler,
	[16 ... 16 + BJ_NVIC_IRQS - 1] = irq_handler,
};

void reset_handler(void)
{
	uint32_t *s = &_sidata, *d = &_sdata;
	while (d < &_edata)
		*d++ = *s++;
	for (d = &_sbss; d < &_ebss;)
		*d++ = 0;
	fw.boots++;
	main();
	fw_done();
}
