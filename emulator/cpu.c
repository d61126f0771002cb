/* The Cortex-M core on unicorn 2.0.1: model selection, the hooks, the run loop, and the
 * special registers, whatever mode the guest is in.
 *
 * One per-instruction hook is always installed: it keeps the PC exact inside every other hook
 * (unicorn only syncs the PC per instruction when a code hook exists, so without it a bus error
 * would stack the PC of the first block of a chained run), counts retired instructions, and is
 * where exceptions, halts, breakpoints and timer events are taken, precisely between two
 * instructions. Its fast path is one compare; `make bench` prints what it costs.
 */
#include <string.h>

#include "chip_internal.h"
#include "periph/periph.h"

#define UNTIL_NEVER 0xffffffffu /* an odd address: the Thumb PC never equals it */

/* Unicorn's exception numbers (qemu/target/arm/cpu.h EXCP_*). */
enum {
	UC_EXCP_SWI = 2,
	UC_EXCP_PREFETCH_ABORT = 3,
	UC_EXCP_DATA_ABORT = 4,
	UC_EXCP_BKPT = 7,
	UC_EXCP_EXCEPTION_EXIT = 8,
	UC_EXCP_NOCP = 17,
	UC_EXCP_UNALIGNED = 22,
};

#define CONTROL_NPRIV BJ_ARCH_CONTROL_nPRIV
#define CONTROL_SPSEL BJ_ARCH_CONTROL_SPSEL
#define XPSR_IPSR_MASK (BJ_ARCH_XPSR_EXCEPTION_MASK << BJ_ARCH_XPSR_EXCEPTION_SHIFT)

uint32_t cpu_reg(struct chip *chip, int uc_reg)
{
	uint32_t v = 0;
	uc_reg_read(chip->uc, uc_reg, &v);
	return v;
}

void cpu_set_reg(struct chip *chip, int uc_reg, uint32_t value)
{
	uc_reg_write(chip->uc, uc_reg, &value);
}

void cpu_sync_hflags(struct chip *chip)
{
	cpu_set_reg(chip, UC_ARM_REG_APSR_NZCV, cpu_reg(chip, UC_ARM_REG_APSR_NZCV));
}

/* ------------------------------------------------------------------ special registers
 * Unicorn reaches MSP, PSP, the mask registers and CONTROL through the MRS/MSR helpers, which
 * obey the guest's privilege: from unprivileged Thread mode they read 0 and ignore writes. The
 * host gets privilege by writing IPSR (Handler mode) for the duration. An IPSR write goes
 * through QEMU's write_v7m_exception(), which swaps the SP banks when the active stack changes,
 * so MSP and PSP read and write correctly in either mode. */

static void set_ipsr_raw(struct chip *chip, uint32_t ipsr)
{
	cpu_set_reg(chip, UC_ARM_REG_IPSR, ipsr);
}

void cpu_sys_get(struct chip *chip, struct cpu_sys *s)
{
	s->xpsr = cpu_reg(chip, UC_ARM_REG_XPSR);
	s->control = cpu_reg(chip, UC_ARM_REG_CONTROL);
	bool thread = (s->xpsr & XPSR_IPSR_MASK) == 0;
	if (thread)
		set_ipsr_raw(chip, 1);
	s->msp = cpu_reg(chip, UC_ARM_REG_MSP);
	s->psp = cpu_reg(chip, UC_ARM_REG_PSP);
	s->primask = cpu_reg(chip, UC_ARM_REG_PRIMASK);
	s->basepri = chip->v7m ? cpu_reg(chip, UC_ARM_REG_BASEPRI) : 0;
	s->faultmask = chip->v7m ? cpu_reg(chip, UC_ARM_REG_FAULTMASK) : 0;
	if (thread)
		set_ipsr_raw(chip, 0);
}

void cpu_sys_set(struct chip *chip, const struct cpu_sys *s)
{
	/* Handler mode to clear nPRIV, then privileged Thread mode to select the stack with a real
	 * SPSEL write (Handler mode ignores SPSEL writes), then the values, then the final mode. */
	set_ipsr_raw(chip, 1);
	cpu_set_reg(chip, UC_ARM_REG_CONTROL, s->control & ~(CONTROL_NPRIV | CONTROL_SPSEL));
	set_ipsr_raw(chip, 0);
	cpu_set_reg(chip, UC_ARM_REG_CONTROL, s->control & CONTROL_SPSEL);
	cpu_set_reg(chip, UC_ARM_REG_MSP, s->msp);
	cpu_set_reg(chip, UC_ARM_REG_PSP, s->psp);
	cpu_set_reg(chip, UC_ARM_REG_PRIMASK, s->primask & BJ_ARCH_PRIMASK_PM);
	if (chip->v7m) {
		cpu_set_reg(chip, UC_ARM_REG_BASEPRI, s->basepri & (BJ_ARCH_BASEPRI_BASEPRI_MASK << BJ_ARCH_BASEPRI_BASEPRI_SHIFT));
		cpu_set_reg(chip, UC_ARM_REG_FAULTMASK, s->faultmask & BJ_ARCH_FAULTMASK_FM);
	}
	cpu_set_reg(chip, UC_ARM_REG_CONTROL, s->control);
	cpu_set_reg(chip, chip->v7m ? UC_ARM_REG_XPSR_NZCVQG : UC_ARM_REG_XPSR, s->xpsr);
	cpu_sync_hflags(chip);
}

/* ------------------------------------------------------------------ attention */

void cpu_attention(struct chip *chip)
{
	uint64_t at = chip->stop_at;
	uint64_t ev = tb_next_event(chip);
	if (ev != UINT64_MAX) {
		uint64_t ev_insn = ev > chip->sleep_cycles ? ev - chip->sleep_cycles : 0;
		if (ev_insn < at)
			at = ev_insn;
	}
	if (chip->halt_request || chip->pend_check || chip->masked_pending || chip->dbg.fp_active || chip->dbg.watch_hit ||
	    chip->reset_pending || chip->stopped)
		at = 0;
	chip->attention = at;
}

void cpu_stop(struct chip *chip)
{
	chip->stopped = true;
	if (chip->in_emu)
		uc_emu_stop(chip->uc);
}

void cpu_flush_code(struct chip *chip, uint32_t begin, uint32_t end)
{
	uc_ctl_remove_cache(chip->uc, begin, end);
}

/* The registers that mask exceptions, packed (a change means: look at the pending ones again). */
static uint32_t mask_state(struct chip *chip)
{
	uint32_t v = cpu_reg(chip, UC_ARM_REG_PRIMASK);
	if (chip->v7m)
		v |= cpu_reg(chip, UC_ARM_REG_BASEPRI) << 8 | cpu_reg(chip, UC_ARM_REG_FAULTMASK) << 16;
	return v;
}

/* Between two instructions: everything that must happen before the instruction at pc runs.
 * Returns false when that instruction must not run now (stop, halt, or an exception entered). */
static bool insn_attention(struct chip *chip, uint32_t pc)
{
	if (chip->reset_pending || chip->stopped) {
		cpu_stop(chip);
		return false;
	}
	if (tb_next_event(chip) <= tb_cycles(chip))
		tb_process(chip);
	if (chip->dbg.watch_hit) {
		debug_enter_halt(chip, CHIP_HALT_WATCHPOINT);
		cpu_stop(chip);
		return false;
	}
	if (chip->halt_request) {
		chip->halt_request = false;
		debug_enter_halt(chip, CHIP_HALT_REQUEST);
		cpu_stop(chip);
		return false;
	}
	if (chip->insns >= chip->stop_at) {
		cpu_stop(chip);
		return false;
	}
	if (chip->dbg.fp_active && debug_bp_match(chip, pc)) {
		debug_enter_halt(chip, CHIP_HALT_BREAKPOINT);
		cpu_stop(chip);
		return false;
	}
	if (!chip->pend_check && chip->masked_pending && mask_state(chip) != chip->mask_snapshot)
		chip->pend_check = true; /* CPSIE, MSR PRIMASK/BASEPRI: the pending one may go now */
	if (chip->pend_check) {
		chip->pend_check = false;
		unsigned exc = exc_pending_takeable(chip);
		if (exc) {
			chip->masked_pending = false;
			exc_enter(chip, exc, pc);
			cpu_attention(chip);
			return false;
		}
		/* Something enabled is pending but masked: watch the mask registers, one read each
		 * instruction, until they change. */
		chip->masked_pending = exc_highest_pending(chip) != 0;
		chip->mask_snapshot = mask_state(chip);
	}
	cpu_attention(chip);
	return true;
}

/* The instruction at pc is about to be attempted: false when it must not be (see insn_attention). */
static bool insn_may_start(struct chip *chip, uint32_t pc)
{
	chip->cur_pc = pc;
	return chip->insns < chip->attention || insn_attention(chip, pc);
}

static void hook_insn(uc_engine *uc, uint64_t address, uint32_t size, void *user)
{
	struct chip *chip = user;
	(void)uc;
	(void)size;
	if (insn_may_start(chip, (uint32_t)address))
		chip->insns++;
}

/* The instruction being executed did not complete (it faulted or stopped at a BKPT). */
void cpu_unretire(struct chip *chip)
{
	if (chip->insns)
		chip->insns--;
}

static void hook_intr(uc_engine *uc, uint32_t intno, void *user)
{
	struct chip *chip = user;
	(void)uc;
	/* A locked-up core attempts nothing. exc_lockup's stop request can be lost when it comes from
	 * inside this hook: it writes the PC first, and unicorn answers a PC write by restarting its
	 * execution loop, which drops the pending uc_emu_stop. On the M3/M4 the fetch at the lockup
	 * PC then lands here again (a prefetch abort), took the fault and locked up again, forever,
	 * inside one uc_emu_start. Stopping without touching the PC ends it. */
	if (chip->locked_up) {
		cpu_stop(chip);
		return;
	}
	uint32_t pc = cpu_reg(chip, UC_ARM_REG_PC);
	switch (intno) {
	case UC_EXCP_SWI: /* the SVC retired; the PC is already past it */
		if (exc_priority(chip, EXC_SVCALL) < exc_execution_priority(chip))
			exc_take(chip, EXC_SVCALL, pc, true);
		else
			exc_fault(chip, FAULT_SVC, pc, 0);
		break;
	case UC_EXCP_DATA_ABORT:
	case UC_EXCP_UNALIGNED:
		/* ARMv6-M faults on every unaligned LDR/STR/LDRH/STRH (DDI0419 §A3.2.1). */
		cpu_unretire(chip);
		exc_fault(chip, FAULT_UNALIGNED, chip->cur_pc, 0);
		break;
	case UC_EXCP_PREFETCH_ABORT:
		/* The M3/M4 models report a branch to EXC_RETURN this way when unicorn's cached flags
		 * missed a Handler-mode switch (notes §1.3); anything else is an execute-never fetch. */
		if (pc >= 0xffffffe0u && (cpu_reg(chip, UC_ARM_REG_IPSR) & XPSR_IPSR_MASK))
			exc_return(chip, pc | 1);
		else
			exc_fault(chip, FAULT_BUS_FETCH, pc, pc);
		break;
	case UC_EXCP_BKPT:
		cpu_unretire(chip);
		if (debug_halting_enabled(chip)) {
			debug_enter_halt(chip, CHIP_HALT_BKPT);
			cpu_stop(chip);
		} else {
			exc_fault(chip, FAULT_BKPT, pc, 0);
		}
		break;
	case UC_EXCP_EXCEPTION_EXIT:
		exc_return(chip, pc | 1);
		break;
	case UC_EXCP_NOCP:
		cpu_unretire(chip);
		exc_fault(chip, FAULT_UNDEFINSTR, chip->cur_pc, 0);
		break;
	default:
		cpu_unretire(chip);
		chip_warn(chip, "the CPU model raised exception %u at 0x%08x, which the emulator does not model", intno, pc);
		exc_lockup(chip, "unmodelled CPU exception");
		cpu_stop(chip);
		break;
	}
}

static bool hook_invalid(uc_engine *uc, void *user)
{
	struct chip *chip = user;
	(void)uc;
	chip->fault_taken = true; /* decoded after uc_emu_start returns: UDF or INVSTATE */
	return true;
}

static bool hook_unmapped(uc_engine *uc, uc_mem_type type, uint64_t address, int size, int64_t value, void *user)
{
	struct chip *chip = user;
	(void)uc;
	(void)size;
	(void)value;
	chip->fault_addr = (uint32_t)address;
	/* Reserved addresses in the peripheral area answer like an unmodelled register. */
	if (type != UC_MEM_FETCH_UNMAPPED && bus_map_unmodelled_page(chip, (uint32_t)address))
		return true;
	return false;
}

static bool hook_write_prot(uc_engine *uc, uc_mem_type type, uint64_t address, int size, int64_t value, void *user)
{
	struct chip *chip = user;
	(void)uc;
	(void)type;
	if (!bus_cpu_write_readonly(chip, (uint32_t)address, (unsigned)size, (uint32_t)value)) {
		cpu_unretire(chip);
		exc_fault(chip, FAULT_BUS_DATA, chip->cur_pc, (uint32_t)address);
	}
	return true; /* the store itself is discarded: the region is read-only to unicorn */
}

bool cpu_open(struct chip *chip, char *err, size_t errlen)
{
	int model;
	switch (chip->part->core) {
	case BJ_CORE_M0:
	case BJ_CORE_M0PLUS:
		model = UC_CPU_ARM_CORTEX_M0; /* unicorn has no M0+; the ISA is the same ARMv6-M */
		break;
	case BJ_CORE_M3:
		model = UC_CPU_ARM_CORTEX_M3;
		break;
	default:
		model = UC_CPU_ARM_CORTEX_M4;
		break;
	}
	/* UC_MODE_MCLASS would force a Cortex-M33 whatever model is asked for (notes §1.1). */
	uc_err e = uc_open(UC_ARCH_ARM, UC_MODE_THUMB, &chip->uc);
	if (e == UC_ERR_OK)
		e = uc_ctl_set_cpu_model(chip->uc, model);
	if (e != UC_ERR_OK) {
		snprintf(err, errlen, "cannot start the CPU model: %s", uc_strerror(e));
		return false;
	}
	uc_hook h;
	uc_hook_add(chip->uc, &h, UC_HOOK_CODE, (void *)hook_insn, chip, 1, 0);
	uc_hook_add(chip->uc, &h, UC_HOOK_INTR, (void *)hook_intr, chip, 1, 0);
	uc_hook_add(chip->uc, &h, UC_HOOK_INSN_INVALID, (void *)hook_invalid, chip, 1, 0);
	uc_hook_add(chip->uc, &h, UC_HOOK_MEM_UNMAPPED, (void *)hook_unmapped, chip, 1, 0);
	uc_hook_add(chip->uc, &h, UC_HOOK_MEM_WRITE_PROT, (void *)hook_write_prot, chip, 1, 0);
	return true;
}

void cpu_close(struct chip *chip)
{
	if (chip->uc)
		uc_close(chip->uc);
	chip->uc = NULL;
}

/* ------------------------------------------------------------------ memory hooks for observation */

static void hook_mem(uc_engine *uc, uc_mem_type type, uint64_t address, int size, int64_t value, void *user)
{
	struct chip *chip = user;
	(void)uc;
	char op = type == UC_MEM_WRITE ? 'w' : 'r';
	uint32_t v = (uint32_t)value;
	if (size < 4)
		v &= (1u << (8 * size)) - 1;
	chip_log_access(chip, op, (uint32_t)address, (unsigned)size, v, CHIP_BY_INSN);
	if (chip->dbg.dwt_active)
		debug_watch_access(chip, op, (uint32_t)address, (unsigned)size);
}

static void hook_mem_noop(uc_engine *uc, uc_mem_type type, uint64_t address, int size, int64_t value, void *user)
{
	/* Present only so that unicorn routes every load through the slow path, where
	 * UC_HOOK_MEM_READ_AFTER sees it with its value. */
	(void)uc, (void)type, (void)address, (void)size, (void)value, (void)user;
}

void cpu_set_tracing(struct chip *chip)
{
	bool want = chip->log || chip->observer || chip->dbg.dwt_active;
	if (want == chip->tracing)
		return;
	if (want) {
		uc_hook_add(chip->uc, &chip->hook_mem_read, UC_HOOK_MEM_READ, (void *)hook_mem_noop, chip, 1, 0);
		uc_hook_add(chip->uc, &chip->hook_mem_after, UC_HOOK_MEM_READ_AFTER, (void *)hook_mem, chip, 1, 0);
		uc_hook_add(chip->uc, &chip->hook_mem_write, UC_HOOK_MEM_WRITE, (void *)hook_mem, chip, 1, 0);
	} else {
		uc_hook_del(chip->uc, chip->hook_mem_read);
		uc_hook_del(chip->uc, chip->hook_mem_after);
		uc_hook_del(chip->uc, chip->hook_mem_write);
	}
	chip->tracing = want;
	/* Translated blocks decided fast or slow memory paths when they were made, so the blocks
	 * of every region code can run from are dropped. Not with UC_CTL_TB_FLUSH: unicorn 2.0.1
	 * then zeroes its whole 1 GiB code buffer (tcg_region_assign), which costs 0.2-2 s the
	 * first time (the kernel faults the pages in) and ~20 ms after. */
	bus_flush_code(chip);
}

/* ------------------------------------------------------------------ running */

static bool is_wait_insn(struct chip *chip, uint32_t pc)
{
	uint16_t h[2] = {0, 0};
	/* WFI is 0xbf30, WFE 0xbf20; their 32-bit forms end in 0x8003 / 0x8002 after 0xf3af. */
	if (bus_peek(chip, pc - 2, &h[1], 2) && (h[1] == 0xbf30 || h[1] == 0xbf20))
		return true;
	return bus_peek(chip, pc - 4, h, 4) && h[0] == 0xf3af && (h[1] == 0x8003 || h[1] == 0x8002);
}

/* One uc_emu_start from the current PC; afterwards the chip state says what happened. */
void cpu_emulate(struct chip *chip)
{
	uint32_t pc = cpu_reg(chip, UC_ARM_REG_PC);
	chip->stopped = false;
	chip->fault_taken = false;
	chip->fault_addr = 0;
	cpu_attention(chip);
	chip->in_emu = true;
	uint32_t xpsr = cpu_reg(chip, UC_ARM_REG_XPSR);
	uc_err e = uc_emu_start(chip->uc, pc | ((xpsr & BJ_ARCH_XPSR_T) ? 1 : 0), UNTIL_NEVER, 0, 0);
	chip->in_emu = false;
	pc = cpu_reg(chip, UC_ARM_REG_PC);

	if (chip->fault_taken) {
		/* UDF and undefined encodings stop with UC_ERR_OK; INVSTATE (execution with EPSR.T
		 * clear, e.g. after BX to an even address) with UC_ERR_EXCEPTION. */
		chip->fault_taken = false;
		if (e == UC_ERR_EXCEPTION) {
			/* Unicorn raises INVSTATE while translating the instruction at pc, before the
			 * per-instruction hook runs for it, so the hook's work between two instructions is
			 * done here. The fault belongs to that next instruction, not to the branch that
			 * cleared EPSR.T (DDI0419/DDI0403, BX and BLX: the fault is taken when the next
			 * instruction executes, with the branch target as stacked PC): a single step that
			 * retired the branch ends here with PC = target and T=0, and the next step takes the
			 * fault; a halt request, a breakpoint or a pending interrupt also comes first. */
			if (insn_may_start(chip, pc))
				exc_fault(chip, FAULT_INVSTATE, pc, 0);
		} else {
			cpu_unretire(chip);
			exc_fault(chip, FAULT_UNDEFINSTR, pc, 0);
		}
		return;
	}
	switch (e) {
	case UC_ERR_OK:
		if (!chip->stopped && chip->state == CHIP_RUNNING && is_wait_insn(chip, pc))
			exc_wait(chip);
		return;
	case UC_ERR_READ_UNMAPPED:
	case UC_ERR_WRITE_UNMAPPED:
	case UC_ERR_READ_PROT:
		cpu_unretire(chip);
		exc_fault(chip, FAULT_BUS_DATA, pc, chip->fault_addr);
		return;
	case UC_ERR_FETCH_UNMAPPED:
	case UC_ERR_FETCH_PROT:
		/* The fetch happens before the instruction's hook: nothing to unretire. */
		exc_fault(chip, FAULT_BUS_FETCH, pc, pc);
		return;
	default:
		chip_warn(chip, "the CPU model stopped at 0x%08x: %s", pc, uc_strerror(e));
		exc_lockup(chip, uc_strerror(e));
		return;
	}
}
