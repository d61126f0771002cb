/* The Cortex-M exception model: priorities, pending and active state, entry (stacking on MSP or
 * PSP), return (unstacking, tail-chaining), faults and their escalation, lockup.
 * ARMv6-M: DDI0419 §B1.5 (ExceptionTaken, ExceptionReturn, priority); ARMv7-M: DDI0403 §B1.5. */
#include <string.h>

#include "chip_internal.h"

#define CONTROL_SPSEL BJ_ARCH_CONTROL_SPSEL
#define CONTROL_FPCA BJ_ARCH_CONTROL_FPCA
#define XPSR_IPSR_MASK (BJ_ARCH_XPSR_EXCEPTION_MASK << BJ_ARCH_XPSR_EXCEPTION_SHIFT)
#define XPSR_T BJ_ARCH_XPSR_T
#define XPSR_STKALIGN BJ_ARCH_XPSR_FRAMEPTRALIGN
/* Entry keeps the flags (N Z C V Q and GE); ICI/IT and the exception number are replaced. */
#define XPSR_KEEP_ON_ENTRY (BJ_ARCH_XPSR_N | BJ_ARCH_XPSR_Z | BJ_ARCH_XPSR_C | BJ_ARCH_XPSR_V | BJ_ARCH_XPSR_Q | \
			    BJ_ARCH_XPSR_GE_MASK << BJ_ARCH_XPSR_GE_SHIFT)
#define EXC_RETURN_HANDLER BJ_ARCH_EXC_RETURN_HANDLER_MSP
#define EXC_RETURN_THREAD_MSP BJ_ARCH_EXC_RETURN_THREAD_MSP
#define EXC_RETURN_THREAD_PSP BJ_ARCH_EXC_RETURN_THREAD_PSP
#define NO_PRIORITY 256 /* thread mode with nothing active or masked */

/* v7-M fault status and enable bits (the part database's SCB: CFSR, HFSR, SHCSR). */
#define CFSR_IBUSERR BJ_CORE_SCB_CFSR_IBUSERR
#define CFSR_PRECISERR BJ_CORE_SCB_CFSR_PRECISERR
#define CFSR_UNSTKERR BJ_CORE_SCB_CFSR_UNSTKERR
#define CFSR_STKERR BJ_CORE_SCB_CFSR_STKERR
#define CFSR_BFARVALID BJ_CORE_SCB_CFSR_BFARVALID
#define CFSR_UNDEFINSTR BJ_CORE_SCB_CFSR_UNDEFINSTR
#define CFSR_INVSTATE BJ_CORE_SCB_CFSR_INVSTATE
#define CFSR_INVPC BJ_CORE_SCB_CFSR_INVPC
#define CFSR_UNALIGNED BJ_CORE_SCB_CFSR_UNALIGNED
#define HFSR_VECTTBL BJ_CORE_SCB_HFSR_VECTTBL
#define HFSR_FORCED BJ_CORE_SCB_HFSR_FORCED
#define HFSR_DEBUGEVT BJ_CORE_SCB_HFSR_DEBUGEVT
#define SHCSR_MEMFAULTENA BJ_CORE_SCB_SHCSR_MEMFAULTENA
#define SHCSR_BUSFAULTENA BJ_CORE_SCB_SHCSR_BUSFAULTENA
#define SHCSR_USGFAULTENA BJ_CORE_SCB_SHCSR_USGFAULTENA

static unsigned n_exceptions(const struct chip *chip)
{
	return EXC_IRQ0 + chip->part->nvic_irqs;
}

void exc_reset(struct chip *chip)
{
	struct nvic_state *n = &chip->nvic;
	memset(n, 0, sizeof(*n));
	for (unsigned e = 0; e < CHIP_MAX_EXC; e++)
		n->enabled[e] = e < EXC_IRQ0; /* system exceptions are always enabled; IRQs by ISER */
	n->ccr = core_reg_find(chip->core.scb, BJ_CORE_SCB_CCR_OFFSET)->reset;
}

/* The priority that competes for pre-emption: the group priority on ARMv7-M (PRIGROUP). */
static int group_priority(const struct chip *chip, unsigned prio)
{
	if (!chip->v7m)
		return (int)prio;
	return (int)(prio & ~((2u << chip->nvic.aircr_prigroup) - 1) & 0xffu);
}

int exc_priority(const struct chip *chip, unsigned exc)
{
	switch (exc) {
	case EXC_RESET:
		return -3;
	case EXC_NMI:
		return -2;
	case EXC_HARDFAULT:
		return -1;
	default:
		return group_priority(chip, chip->nvic.prio[exc]);
	}
}

int exc_execution_priority(struct chip *chip)
{
	int prio = NO_PRIORITY;
	for (unsigned e = 1; e < n_exceptions(chip); e++)
		if (chip->nvic.active[e] && exc_priority(chip, e) < prio)
			prio = exc_priority(chip, e);
	struct cpu_sys s;
	cpu_sys_get(chip, &s);
	unsigned basepri = (s.basepri >> BJ_ARCH_BASEPRI_BASEPRI_SHIFT) & BJ_ARCH_BASEPRI_BASEPRI_MASK;
	if (chip->v7m && basepri && group_priority(chip, basepri) < prio)
		prio = group_priority(chip, basepri);
	if ((s.primask & BJ_ARCH_PRIMASK_PM) && prio > 0)
		prio = 0;
	if (chip->v7m && (s.faultmask & BJ_ARCH_FAULTMASK_FM) && prio > -1)
		prio = -1;
	return prio;
}

unsigned exc_active_count(const struct chip *chip)
{
	unsigned n = 0;
	for (unsigned e = 1; e < n_exceptions(chip); e++)
		n += chip->nvic.active[e];
	return n;
}

/* Highest-priority pending and enabled exception: lowest group priority, then lowest full
 * priority, then lowest number (DDI0419 §B1.5.4). */
unsigned exc_highest_pending(const struct chip *chip)
{
	unsigned best = 0;
	int best_group = NO_PRIORITY + 1, best_prio = 0;
	for (unsigned e = 2; e < n_exceptions(chip); e++) {
		if (!chip->nvic.pending[e] || !chip->nvic.enabled[e])
			continue;
		int g = exc_priority(chip, e), p = e < EXC_IRQ0 && e <= EXC_HARDFAULT ? g : chip->nvic.prio[e];
		if (g < best_group || (g == best_group && p < best_prio)) {
			best = e;
			best_group = g;
			best_prio = p;
		}
	}
	return best;
}

unsigned exc_pending_takeable(struct chip *chip)
{
	unsigned e = exc_highest_pending(chip);
	/* DHCSR.C_MASKINTS with halting debug on masks PendSV, SysTick and the external interrupts
	 * (DDI0419 §C1.6.3), as a debugger asks while it steps or runs an algorithm. */
	if (e >= EXC_PENDSV && debug_halting_enabled(chip) && (chip->dbg.dhcsr & BJ_CORE_DCB_DHCSR_C_MASKINTS))
		return 0;
	if (e && exc_priority(chip, e) < exc_execution_priority(chip))
		return e;
	return 0;
}

/* WFI wakes for an exception that would pre-empt if PRIMASK were clear (DDI0419 §B1.5.19). */
static bool wakeup_pending(struct chip *chip)
{
	unsigned e = exc_highest_pending(chip);
	if (!e)
		return false;
	int prio = NO_PRIORITY;
	for (unsigned a = 1; a < n_exceptions(chip); a++)
		if (chip->nvic.active[a] && exc_priority(chip, a) < prio)
			prio = exc_priority(chip, a);
	return exc_priority(chip, e) < prio;
}

void exc_set_pending(struct chip *chip, unsigned exc)
{
	if (exc >= n_exceptions(chip))
		return;
	chip->nvic.pending[exc] = true;
	chip->pend_check = true;
	if (chip->state == CHIP_SLEEPING && wakeup_pending(chip))
		chip->state = CHIP_RUNNING;
	cpu_attention(chip);
}

void exc_clear_pending(struct chip *chip, unsigned exc)
{
	if (exc >= n_exceptions(chip))
		return;
	/* A level-sensitive line still asserted keeps its interrupt pending. */
	chip->nvic.pending[exc] = exc >= EXC_IRQ0 && chip->nvic.level[exc] && !chip->nvic.active[exc];
}

void exc_set_level(struct chip *chip, unsigned irq, bool level)
{
	unsigned exc = EXC_IRQ0 + irq;
	if (exc >= n_exceptions(chip))
		return;
	bool rising = level && !chip->nvic.level[exc];
	chip->nvic.level[exc] = level;
	if (rising && !chip->nvic.active[exc])
		exc_set_pending(chip, exc);
}

static uint32_t vector_table(const struct chip *chip)
{
	/* The Cortex-M0 has no VTOR: its table is always read at 0, through the boot alias. */
	return chip->has_vtor ? chip->nvic.vtor : 0;
}

/* The exception frame: eight words, each at the offset the part database gives (BJ_ARCH_FRAME_*,
 * DDI0419/DDI0403 B1.5.6); the general registers it holds, by their word. */
#define FRAME_WORDS 8u
#define FRAME_WORD(name) (BJ_ARCH_FRAME_##name / 4u)
static const struct {
	unsigned word;
	int reg;
} frame_regs[] = {
	{FRAME_WORD(R0), UC_ARM_REG_R0}, {FRAME_WORD(R1), UC_ARM_REG_R1}, {FRAME_WORD(R2), UC_ARM_REG_R2},
	{FRAME_WORD(R3), UC_ARM_REG_R3}, {FRAME_WORD(R12), UC_ARM_REG_R12}, {FRAME_WORD(LR), UC_ARM_REG_LR},
};
_Static_assert(FRAME_WORD(RETURN_ADDRESS) < FRAME_WORDS && FRAME_WORD(XPSR) < FRAME_WORDS,
	       "the exception frame's words lie inside its eight");

void exc_lockup(struct chip *chip, const char *why)
{
	/* DDI0419 §B1.5.15: the core stops fetching and shows PC 0xFFFFFFFE until reset or halt. */
	chip->state = CHIP_LOCKUP;
	chip->locked_up = true;
	cpu_set_reg(chip, UC_ARM_REG_PC, BJ_ARCH_LOCKUP_PC);
	chip_log_event(chip, "\"event\": \"lockup\", \"why\": \"%s\"", why);
	if (!chip->lockup_reported) {
		chip->lockup_reported = true;
		chip_warn(chip, "lockup: %s (the core is stuck until a reset, as on silicon)", why);
	}
	cpu_stop(chip);
}

/* Push the frame and switch to Handler mode; false on a bus error while stacking. */
static bool stack_frame(struct chip *chip, unsigned exc, uint32_t ret_pc, struct cpu_sys *s)
{
	uint32_t ipsr = s->xpsr & XPSR_IPSR_MASK;
	bool thread_psp = ipsr == 0 && (s->control & CONTROL_SPSEL);
	uint32_t sp = thread_psp ? s->psp : s->msp;
	bool realign = (chip->nvic.ccr & BJ_CORE_SCB_CCR_STKALIGN) && (sp & 4);
	uint32_t frame_ptr = (sp - 4 * FRAME_WORDS) & ~(realign ? 7u : 3u);
	uint32_t frame[FRAME_WORDS];
	for (unsigned i = 0; i < sizeof(frame_regs) / sizeof(frame_regs[0]); i++)
		frame[frame_regs[i].word] = cpu_reg(chip, frame_regs[i].reg);
	frame[FRAME_WORD(RETURN_ADDRESS)] = ret_pc & ~1u;
	frame[FRAME_WORD(XPSR)] = (s->xpsr & ~XPSR_STKALIGN) | (realign ? XPSR_STKALIGN : 0);
	for (unsigned i = 0; i < FRAME_WORDS; i++)
		if (!bus_write(chip, frame_ptr + 4 * i, 4, frame[i], BUS_EXCEPTION))
			return false;
	if (thread_psp)
		s->psp = frame_ptr;
	else
		s->msp = frame_ptr;
	uint32_t lr = ipsr ? EXC_RETURN_HANDLER : thread_psp ? EXC_RETURN_THREAD_PSP : EXC_RETURN_THREAD_MSP;
	s->xpsr = (s->xpsr & XPSR_KEEP_ON_ENTRY) | XPSR_T | exc;
	s->control &= ~(CONTROL_SPSEL | CONTROL_FPCA);
	cpu_sys_set(chip, s);
	cpu_set_reg(chip, UC_ARM_REG_LR, lr);
	return true;
}

/* Activate exc and branch to its handler (the frame is already in place). */
static void dispatch(struct chip *chip, unsigned exc, uint32_t ret_pc)
{
	chip->nvic.pending[exc] = false;
	chip->nvic.active[exc] = true;
	chip_log_event(chip, "\"event\": \"exception\", \"number\": %u, \"pc\": \"0x%08x\"", exc, ret_pc & ~1u);
	uint32_t vector;
	if (!bus_read(chip, vector_table(chip) + 4 * exc, 4, &vector, BUS_EXCEPTION)) {
		if (exc == EXC_HARDFAULT) {
			exc_lockup(chip, "bus error reading the HardFault vector");
			return;
		}
		exc_fault(chip, FAULT_VECTOR, ret_pc, vector_table(chip) + 4 * exc);
		return;
	}
	/* An even vector is taken as is: the handler's first instruction then faults (INVSTATE). */
	cpu_set_reg(chip, UC_ARM_REG_PC, vector);
	chip->pend_check = true;
	if (exc == EXC_HARDFAULT && (chip->dbg.demcr & BJ_CORE_DCB_DEMCR_VC_HARDERR) && debug_halting_enabled(chip))
		debug_enter_halt(chip, CHIP_HALT_VCATCH);
	cpu_attention(chip);
}

/* chip_set_exception_catch(): a single step stops where the exception would be entered, with
 * nothing stacked. A fault leaves the PC on the faulting instruction (it re-faults when stepped
 * again); an exception that the instruction raised and retired (SVC) is entered by the next step. */
static bool caught(struct chip *chip, unsigned exc, uint32_t ret_pc, bool retired)
{
	if (!chip->exception_catch || !chip->stepping)
		return false;
	uint32_t t = (cpu_reg(chip, UC_ARM_REG_XPSR) & XPSR_T) ? 1 : 0;
	cpu_set_reg(chip, UC_ARM_REG_PC, (ret_pc & ~1u) | t);
	chip->deferred_exc = retired ? exc : 0;
	debug_enter_halt(chip, CHIP_HALT_VCATCH);
	return true;
}

void exc_take(struct chip *chip, unsigned exc, uint32_t ret_pc, bool retired)
{
	if (!caught(chip, exc, ret_pc, retired))
		exc_enter_now(chip, exc, ret_pc);
}

void exc_enter(struct chip *chip, unsigned exc, uint32_t ret_pc)
{
	exc_take(chip, exc, ret_pc, false);
}

void exc_enter_now(struct chip *chip, unsigned exc, uint32_t ret_pc)
{
	struct cpu_sys s;
	cpu_sys_get(chip, &s);
	if (!stack_frame(chip, exc, ret_pc, &s)) {
		if (exc == EXC_HARDFAULT || exc_execution_priority(chip) < 0) {
			exc_lockup(chip, "bus error stacking an exception frame");
			return;
		}
		chip->nvic.cfsr |= CFSR_STKERR;
		exc_fault(chip, FAULT_STACKING, ret_pc, 0);
		return;
	}
	dispatch(chip, exc, ret_pc);
}

void exc_fault(struct chip *chip, enum fault_kind kind, uint32_t pc, uint32_t addr)
{
	unsigned target = EXC_HARDFAULT;
	uint32_t cfsr = 0, hfsr = 0, enable = 0;
	switch (kind) {
	case FAULT_UNDEFINSTR: cfsr = CFSR_UNDEFINSTR; enable = SHCSR_USGFAULTENA; target = EXC_USAGEFAULT; break;
	case FAULT_INVSTATE: cfsr = CFSR_INVSTATE; enable = SHCSR_USGFAULTENA; target = EXC_USAGEFAULT; break;
	case FAULT_UNALIGNED: cfsr = CFSR_UNALIGNED; enable = SHCSR_USGFAULTENA; target = EXC_USAGEFAULT; break;
	case FAULT_INVPC: cfsr = CFSR_INVPC; enable = SHCSR_USGFAULTENA; target = EXC_USAGEFAULT; break;
	case FAULT_BUS_DATA: cfsr = CFSR_PRECISERR | CFSR_BFARVALID; enable = SHCSR_BUSFAULTENA; target = EXC_BUSFAULT; break;
	case FAULT_BUS_FETCH: cfsr = CFSR_IBUSERR; enable = SHCSR_BUSFAULTENA; target = EXC_BUSFAULT; break;
	case FAULT_STACKING: cfsr = CFSR_STKERR; enable = SHCSR_BUSFAULTENA; target = EXC_BUSFAULT; break;
	case FAULT_VECTOR: hfsr = HFSR_VECTTBL; break;
	case FAULT_BKPT: hfsr = HFSR_DEBUGEVT; break;
	case FAULT_SVC: hfsr = HFSR_FORCED; break;
	}
	chip->last_fault = kind;
	chip->last_fault_pc = pc;
	chip->n_faults++;
	if (!chip->v7m) {
		target = EXC_HARDFAULT; /* ARMv6-M has only HardFault */
	} else if (target != EXC_HARDFAULT) {
		chip->nvic.cfsr |= cfsr;
		if (cfsr & CFSR_BFARVALID)
			chip->nvic.bfar = addr;
		if (!(chip->nvic.shcsr_enables & enable) || exc_priority(chip, target) >= exc_execution_priority(chip)) {
			target = EXC_HARDFAULT;
			hfsr |= HFSR_FORCED;
		}
	}
	chip->nvic.hfsr |= hfsr;
	if (target == EXC_HARDFAULT && exc_execution_priority(chip) <= -1) {
		exc_lockup(chip, "a fault while in HardFault or NMI");
		return;
	}
	exc_take(chip, target, pc, kind == FAULT_SVC);
}

void exc_return(struct chip *chip, uint32_t exc_return)
{
	struct cpu_sys s;
	cpu_sys_get(chip, &s);
	unsigned exc = s.xpsr & XPSR_IPSR_MASK;
	if (exc_return != EXC_RETURN_HANDLER && exc_return != EXC_RETURN_THREAD_MSP && exc_return != EXC_RETURN_THREAD_PSP) {
		exc_fault(chip, FAULT_INVPC, exc_return, 0);
		return;
	}
	chip->nvic.active[exc] = false;
	if (exc >= EXC_IRQ0 && chip->nvic.level[exc])
		chip->nvic.pending[exc] = true;
	chip_log_event(chip, "\"event\": \"exception-return\", \"number\": %u, \"pc\": \"0x%08x\"", exc, exc_return);

	/* Tail-chaining: a pending exception that may run now is entered on the same frame. Under
	 * the exception catch the return completes instead, and the next step stops before the
	 * pending exception is entered. */
	unsigned next = chip->exception_catch && chip->stepping ? 0 : exc_pending_takeable(chip);
	if (next) {
		s.xpsr = (s.xpsr & ~XPSR_IPSR_MASK) | next;
		cpu_sys_set(chip, &s);
		cpu_set_reg(chip, UC_ARM_REG_LR, exc_return);
		dispatch(chip, next, exc_return);
		return;
	}

	bool to_psp = exc_return == EXC_RETURN_THREAD_PSP;
	uint32_t sp = to_psp ? s.psp : s.msp;
	uint32_t frame[FRAME_WORDS];
	for (unsigned i = 0; i < FRAME_WORDS; i++) {
		if (!bus_read(chip, sp + 4 * i, 4, &frame[i], BUS_EXCEPTION)) {
			chip->nvic.cfsr |= CFSR_UNSTKERR;
			exc_fault(chip, FAULT_STACKING, exc_return, 0);
			return;
		}
	}
	uint32_t stacked_xpsr = frame[FRAME_WORD(XPSR)];
	unsigned stacked_ipsr = stacked_xpsr & XPSR_IPSR_MASK;
	bool to_thread = exc_return != EXC_RETURN_HANDLER;
	if ((to_thread && stacked_ipsr != 0) || (!to_thread && stacked_ipsr == 0) ||
	    (chip->v7m && to_thread && exc_active_count(chip) != 0)) {
		chip->nvic.active[exc] = true;
		exc_fault(chip, FAULT_INVPC, exc_return, 0);
		return;
	}
	sp += 4 * FRAME_WORDS + ((stacked_xpsr & XPSR_STKALIGN) && (chip->nvic.ccr & BJ_CORE_SCB_CCR_STKALIGN) ? 4 : 0);
	if (to_psp)
		s.psp = sp;
	else
		s.msp = sp;
	s.control = (s.control & ~CONTROL_SPSEL) | (to_psp ? CONTROL_SPSEL : 0);
	s.xpsr = stacked_xpsr & ~XPSR_STKALIGN;
	cpu_sys_set(chip, &s);
	for (unsigned i = 0; i < sizeof(frame_regs) / sizeof(frame_regs[0]); i++)
		cpu_set_reg(chip, frame_regs[i].reg, frame[frame_regs[i].word]);
	cpu_set_reg(chip, UC_ARM_REG_PC, (frame[FRAME_WORD(RETURN_ADDRESS)] & ~1u) | ((stacked_xpsr & XPSR_T) ? 1 : 0));
	chip->pend_check = true;
	if (to_thread && (chip->nvic.scr & BJ_CORE_SCB_SCR_SLEEPONEXIT)) {
		chip->state = CHIP_SLEEPING;
		cpu_stop(chip);
	}
	cpu_attention(chip);
}

void exc_wait(struct chip *chip)
{
	if (!wakeup_pending(chip))
		chip->state = CHIP_SLEEPING;
}

bool exc_wakeup_pending(struct chip *chip)
{
	return wakeup_pending(chip);
}
