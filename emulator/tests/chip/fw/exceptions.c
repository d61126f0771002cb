/* Exception entry and return on MSP and on PSP: SVC from Thread mode on each stack, PendSV,
 * and a PendSV tail-chained after an SVC. The handlers record EXC_RETURN, the SP they run on,
 * IPSR and the stacked r0-r3; they clobber r0-r3 and r12, which the return must restore. */
#include "bj_part.h"
#include "fw.h"
#include "scenarios.h"


uint32_t after[5];            /* r0-r3, r12 in Thread mode after the SVC returned */
volatile uint32_t pend_in_svc; /* the SVC handler pends PendSV: it must tail-chain */
static uint32_t psp_stack[64] __attribute__((aligned(8)));

uint32_t entry_msp, entry_psp; /* MSP and PSP as the handler found them */

void handler_record(uint32_t tag, uint32_t exc_return, uint32_t *sp, uint32_t ipsr)
{
	uint32_t *frame = (uint32_t *)((exc_return & 4) ? entry_psp : entry_msp);
	fw_record(tag | ipsr);
	fw_record(exc_return);
	fw_record((uint32_t)sp);
	fw_record(entry_msp);
	fw_record(entry_psp);
	for (unsigned i = 0; i < 4; i++)
		fw_record(frame[i]);
	if (tag == TAG_SVC && pend_in_svc)
		SCB_ICSR = SCB_ICSR_PENDSVSET;
}

/* Record with the entry LR and SP, then clobber the caller-saved registers and return. */
#define RECORDING_HANDLER(name, tag)                                                                 \
	__attribute__((naked)) void name(void)                                                        \
	{                                                                                              \
		__asm volatile("mrs r0, msp\n"                                                           \
			       "ldr r1, =entry_msp\n"                                                    \
			       "str r0, [r1]\n"                                                          \
			       "mrs r0, psp\n"                                                           \
			       "ldr r1, =entry_psp\n"                                                    \
			       "str r0, [r1]\n"                                                          \
			       "mov r1, lr\n"                                                            \
			       "mov r2, sp\n"                                                            \
			       "mrs r3, ipsr\n"                                                          \
			       "push {r1, r2}\n"                                                         \
			       "ldr r0, =%0\n"                                                           \
			       "bl handler_record\n"                                                     \
			       "pop {r1, r2}\n"                                                          \
			       "ldr r0, =0xdead0000\n"                                                   \
			       "movs r2, #0\n"                                                           \
			       "movs r3, #0\n"                                                           \
			       "mov r12, r3\n"                                                           \
			       "bx r1\n"                                                                 \
			       ".ltorg\n" ::"i"(tag));                                                   \
	}

void irq_handler(void)
{
	uint32_t ipsr;
	__asm volatile("mrs %0, ipsr" : "=r"(ipsr));
	fw_record(TAG_IRQ | ipsr);
}

RECORDING_HANDLER(svc_handler, TAG_SVC)
RECORDING_HANDLER(pendsv_handler, TAG_PENDSV)

__attribute__((naked)) static void run_svc(void)
{
	__asm volatile("push {r4, lr}\n"
		       "ldr r0, =0x11111111\n"
		       "ldr r1, =0x22222222\n"
		       "ldr r2, =0x33333333\n"
		       "ldr r3, =0x44444444\n"
		       "ldr r4, =0x12121212\n"
		       "mov r12, r4\n"
		       "svc #1\n"
		       "ldr r4, =after\n"
		       "str r0, [r4, #0]\n"
		       "str r1, [r4, #4]\n"
		       "str r2, [r4, #8]\n"
		       "str r3, [r4, #12]\n"
		       "mov r0, r12\n"
		       "str r0, [r4, #16]\n"
		       "pop {r4, pc}\n"
		       ".ltorg\n");
}

static void thread_record(void)
{
	uint32_t control;
	__asm volatile("mrs %0, control" : "=r"(control));
	fw_record(TAG_THREAD | control);
	for (unsigned i = 0; i < 5; i++)
		fw_record(after[i]);
}

int main(void)
{
	run_svc(); /* Thread mode on MSP */
	thread_record();

	uint32_t top = (uint32_t)&psp_stack[64];
	__asm volatile("msr psp, %0\nmovs r0, #2\nmsr control, r0\nisb" ::"r"(top) : "r0", "memory");
	run_svc(); /* Thread mode on PSP */
	thread_record();

	SCB_ICSR = SCB_ICSR_PENDSVSET;
	__asm volatile("dsb\nisb");
	fw_record(TAG_THREAD | 0xff);

	pend_in_svc = 1;
	run_svc(); /* SVC, then PendSV tail-chained before Thread mode resumes */
	thread_record();

	__asm volatile("movs r0, #0\nmsr control, r0\nisb" ::: "r0", "memory");

	/* IRQ0 pending and enabled under PRIMASK: taken right after CPSIE unmasks it. */
	__asm volatile("cpsid i");
	NVIC_ISER = 1;
	NVIC_ISPR = 1;
	fw_record(TAG_THREAD | 0xee);
	__asm volatile("cpsie i");
	fw_record(TAG_THREAD | 0xef);
	return 0;
}
