/* Halting debug as a probe sees it: the debug control block (DHCSR, DCRSR, DCRDR, DEMCR), DFSR,
 * the breakpoint unit (FP, revision 0 encoding; ARMv6-M's BPU) and the DWT data watchpoints.
 * DDI0419 §C1.6 (ARMv6-M debug registers), §C1.8 (BPU), §C1.7 (DWT); DDI0403 §C1.6, §C1.11, §C1.8.
 * Registers, bits and the comparator counts (FP_CTRL and DWT_CTRL as they read) come from the
 * part database's `cores`. chip_bp_add()/chip_wp_add() program these same comparators, so GDB,
 * OpenOCD and the firmware share the silicon's limits. */
#include <string.h>

#include "chip_internal.h"

#define FIELD(v, reg, f) (((v) >> BJ_CORE_##reg##_##f##_SHIFT) & BJ_CORE_##reg##_##f##_MASK)
#define FIELD_VALUE(reg, f, value) ((uint32_t)BJ_CORE_##reg##_##f##_##value << BJ_CORE_##reg##_##f##_SHIFT)
#define C_DEBUGEN BJ_CORE_DCB_DHCSR_C_DEBUGEN
#define C_HALT BJ_CORE_DCB_DHCSR_C_HALT
#define C_STEP BJ_CORE_DCB_DHCSR_C_STEP
#define C_MASKINTS BJ_CORE_DCB_DHCSR_C_MASKINTS
#define FP_COMP_ENABLE BJ_CORE_FP_COMP_ENABLE
#define FP_COMP_ADDR_MASK (BJ_CORE_FP_COMP_COMP_MASK << BJ_CORE_FP_COMP_COMP_SHIFT)
#define FP_REPLACE_LOWER FIELD_VALUE(FP_COMP, REPLACE, LOWER)
#define FP_REPLACE_UPPER FIELD_VALUE(FP_COMP, REPLACE, UPPER)
#define DWT_FUNCTION_MATCHED BJ_CORE_DWT_FUNCTION_MATCHED
#define DWT_FUNC_PC BJ_CORE_DWT_FUNCTION_FUNCTION_PC
#define DWT_FUNC_READ BJ_CORE_DWT_FUNCTION_FUNCTION_READ
#define DWT_FUNC_WRITE BJ_CORE_DWT_FUNCTION_FUNCTION_WRITE
#define DWT_FUNC_ACCESS BJ_CORE_DWT_FUNCTION_FUNCTION_READ_WRITE

bool debug_halting_enabled(const struct chip *chip)
{
	return chip->dbg.dhcsr & C_DEBUGEN;
}

/* FP_CTRL and DWT_CTRL as the core's blocks say they read: the comparator counts. */
static uint32_t fp_ctrl_reset(const struct chip *chip)
{
	return core_reg_find(chip->core.fp, BJ_CORE_FP_CTRL_OFFSET)->reset;
}

static uint32_t dwt_ctrl_reset(const struct chip *chip)
{
	return core_reg_find(chip->core.dwt, BJ_CORE_DWT_CTRL_OFFSET)->reset;
}

/* NUM_CODE: NUM_CODE2 holds the bits above NUM_CODE1's. */
static unsigned fp_code_comparators(uint32_t fp_ctrl)
{
	return FIELD(fp_ctrl, FP_CTRL, NUM_CODE1) | FIELD(fp_ctrl, FP_CTRL, NUM_CODE2) * (BJ_CORE_FP_CTRL_NUM_CODE1_MASK + 1);
}

bool debug_check_core(const struct chip *chip, char *err, size_t errlen)
{
	uint32_t fp = fp_ctrl_reset(chip);
	unsigned fp_regs = core_reg_find(chip->core.fp, BJ_CORE_FP_COMP_OFFSET)->count;
	unsigned dwt_regs = core_reg_find(chip->core.dwt, BJ_CORE_DWT_COMP_OFFSET)->count;
	if (fp_code_comparators(fp) + FIELD(fp, FP_CTRL, NUM_LIT) > fp_regs || fp_regs > DEBUG_MAX_FP ||
	    FIELD(dwt_ctrl_reset(chip), DWT_CTRL, NUMCOMP) > dwt_regs || dwt_regs > DEBUG_MAX_DWT) {
		snprintf(err, errlen, "core %s: its FP_CTRL/DWT_CTRL counts do not match its comparator registers, or the "
			 "emulator holds fewer", chip->core.desc->name);
		return false;
	}
	return true;
}

void debug_power_on(struct chip *chip)
{
	struct debug_state *d = &chip->dbg;
	memset(d, 0, sizeof(*d));
	uint32_t fp = fp_ctrl_reset(chip);
	d->n_fp = fp_code_comparators(fp);
	d->n_dwt = FIELD(dwt_ctrl_reset(chip), DWT_CTRL, NUMCOMP);
	d->s_reset_st = true;
}

void debug_system_reset(struct chip *chip)
{
	/* A system reset leaves the debug logic alone (DHCSR.C_DEBUGEN, DEMCR, FPB, DWT survive)
	 * and sets S_RESET_ST (DDI0419 §C1.6.3). */
	chip->dbg.s_reset_st = true;
	chip->dbg.watch_hit = false;
}

static void update_active(struct chip *chip)
{
	struct debug_state *d = &chip->dbg;
	d->fp_active = false;
	if (d->fp_ctrl_enable)
		for (unsigned i = 0; i < d->n_fp; i++)
			d->fp_active |= d->fp_comp[i] & FP_COMP_ENABLE;
	bool dwt = false;
	for (unsigned i = 0; i < d->n_dwt; i++) {
		uint32_t f = FIELD(d->dwt_function[i], DWT_FUNCTION, FUNCTION);
		d->fp_active |= f == DWT_FUNC_PC;
		dwt |= f == DWT_FUNC_READ || f == DWT_FUNC_WRITE || f == DWT_FUNC_ACCESS;
	}
	d->dwt_active = dwt;
	cpu_set_tracing(chip);
	cpu_attention(chip);
}

void debug_enter_halt(struct chip *chip, enum chip_halt_reason reason)
{
	static const uint32_t dfsr_for[] = {
		[CHIP_HALT_REQUEST] = BJ_CORE_SCB_DFSR_HALTED, [CHIP_HALT_STEP] = BJ_CORE_SCB_DFSR_HALTED,
		[CHIP_HALT_BREAKPOINT] = BJ_CORE_SCB_DFSR_BKPT, [CHIP_HALT_BKPT] = BJ_CORE_SCB_DFSR_BKPT,
		[CHIP_HALT_WATCHPOINT] = BJ_CORE_SCB_DFSR_DWTTRAP, [CHIP_HALT_VCATCH] = BJ_CORE_SCB_DFSR_VCATCH,
	};
	chip->state = CHIP_HALTED;
	chip->halt_reason = reason;
	chip->dbg.dfsr |= dfsr_for[reason];
	/* A debugger rewrites DHCSR from what it last read: C_HALT must read 1 after any halt. */
	chip->dbg.dhcsr |= C_DEBUGEN | C_HALT;
	chip->dbg.watch_hit = false; /* chip_watch_hit() answers from the halt reason from now on */
	cpu_stop(chip);
}

/* Revision 0 compares COMP, bits[28:2] of the address: only the code region can match. */
static bool fp_matchable(uint32_t addr)
{
	return (addr & ~(FP_COMP_ADDR_MASK | 3u)) == 0;
}

bool debug_bp_match(struct chip *chip, uint32_t pc)
{
	struct debug_state *d = &chip->dbg;
	if (d->fp_ctrl_enable && fp_matchable(pc)) {
		for (unsigned i = 0; i < d->n_fp; i++) {
			uint32_t c = d->fp_comp[i];
			if (!(c & FP_COMP_ENABLE) || (c & FP_COMP_ADDR_MASK) != (pc & FP_COMP_ADDR_MASK))
				continue;
			uint32_t half = (pc & 2) ? FP_REPLACE_UPPER : FP_REPLACE_LOWER;
			if (c & half)
				return true;
		}
	}
	for (unsigned i = 0; i < d->n_dwt; i++) {
		if (FIELD(d->dwt_function[i], DWT_FUNCTION, FUNCTION) != DWT_FUNC_PC)
			continue;
		uint32_t mask = ~((1u << FIELD(d->dwt_mask[i], DWT_MASK, MASK)) - 1);
		if ((pc & mask) == (d->dwt_comp[i] & mask)) {
			d->dwt_function[i] |= DWT_FUNCTION_MATCHED;
			return true;
		}
	}
	return false;
}

void debug_watch_access(struct chip *chip, char op, uint32_t addr, unsigned size)
{
	struct debug_state *d = &chip->dbg;
	for (unsigned i = 0; i < d->n_dwt; i++) {
		uint32_t f = FIELD(d->dwt_function[i], DWT_FUNCTION, FUNCTION);
		if (f != DWT_FUNC_READ && f != DWT_FUNC_WRITE && f != DWT_FUNC_ACCESS)
			continue;
		if ((f == DWT_FUNC_READ && op != 'r') || (f == DWT_FUNC_WRITE && op != 'w'))
			continue;
		uint32_t len = 1u << FIELD(d->dwt_mask[i], DWT_MASK, MASK);
		uint32_t base = d->dwt_comp[i] & ~(len - 1);
		if (addr + size <= base || addr >= base + len)
			continue;
		d->dwt_function[i] |= DWT_FUNCTION_MATCHED;
		if (debug_halting_enabled(chip) && !d->watch_hit) {
			/* The core halts after the accessing instruction completes (DDI0419 §C1.7). */
			d->watch_hit = true;
			d->watch_addr = addr;
			d->watch_kind = f == DWT_FUNC_WRITE ? 0 : f == DWT_FUNC_READ ? 1 : 2;
			cpu_attention(chip);
		}
	}
}

/* ------------------------------------------------------------------ core register transfer */

static void dcrsr_transfer(struct chip *chip, uint32_t v)
{
	unsigned sel = FIELD(v, DCB_DCRSR, REGSEL);
	bool write = v & BJ_CORE_DCB_DCRSR_REGWnR;
	uint32_t *dcrdr = &chip->dbg.dcrdr;
	enum chip_reg reg;
	/* Selectors 0..15 are R0..R12, SP, LR and the debug return address: chip_reg's order. */
	if (sel <= BJ_CORE_DCB_DCRSR_REGSEL_DEBUGRETURNADDRESS)
		reg = (enum chip_reg)sel;
	else if (sel == BJ_CORE_DCB_DCRSR_REGSEL_XPSR)
		reg = CHIP_XPSR;
	else if (sel == BJ_CORE_DCB_DCRSR_REGSEL_MSP)
		reg = CHIP_MSP;
	else if (sel == BJ_CORE_DCB_DCRSR_REGSEL_PSP)
		reg = CHIP_PSP;
	else if (sel == BJ_CORE_DCB_DCRSR_REGSEL_CONTROL_PRIMASK) {
		if (write) {
			chip_reg_write(chip, CHIP_PRIMASK, FIELD(*dcrdr, DCB_DCRDR, PRIMASK));
			if (chip->v7m) {
				chip_reg_write(chip, CHIP_BASEPRI, FIELD(*dcrdr, DCB_DCRDR, BASEPRI));
				chip_reg_write(chip, CHIP_FAULTMASK, FIELD(*dcrdr, DCB_DCRDR, FAULTMASK));
			}
			chip_reg_write(chip, CHIP_CONTROL, FIELD(*dcrdr, DCB_DCRDR, CONTROL));
		} else {
			*dcrdr = chip_reg_read(chip, CHIP_PRIMASK) << BJ_CORE_DCB_DCRDR_PRIMASK_SHIFT |
				 chip_reg_read(chip, CHIP_BASEPRI) << BJ_CORE_DCB_DCRDR_BASEPRI_SHIFT |
				 chip_reg_read(chip, CHIP_FAULTMASK) << BJ_CORE_DCB_DCRDR_FAULTMASK_SHIFT |
				 chip_reg_read(chip, CHIP_CONTROL) << BJ_CORE_DCB_DCRDR_CONTROL_SHIFT;
		}
		return;
	} else {
		return; /* reserved selector: no transfer */
	}
	if (write)
		chip_reg_write(chip, reg, *dcrdr);
	else
		*dcrdr = chip_reg_read(chip, reg);
}

/* ------------------------------------------------------------------ registers */

bool debug_owns(const struct chip *chip, const struct core_reg *r)
{
	const struct core_blocks *c = &chip->core;
	return r->block == c->dcb || r->block == c->fp || r->block == c->dwt ||
	       (r->block == c->scb && r->reg->offset == BJ_CORE_SCB_DFSR_OFFSET);
}

static uint32_t dhcsr_read(struct chip *chip)
{
	struct debug_state *d = &chip->dbg;
	uint32_t v = d->dhcsr | BJ_CORE_DCB_DHCSR_S_REGRDY;
	if (chip->state == CHIP_HALTED)
		v |= BJ_CORE_DCB_DHCSR_S_HALT;
	if (chip->state == CHIP_SLEEPING)
		v |= BJ_CORE_DCB_DHCSR_S_SLEEP;
	if (chip->locked_up)
		v |= BJ_CORE_DCB_DHCSR_S_LOCKUP;
	if (chip->insns != d->retired_at_read)
		v |= BJ_CORE_DCB_DHCSR_S_RETIRE_ST;
	if (d->s_reset_st)
		v |= BJ_CORE_DCB_DHCSR_S_RESET_ST;
	d->retired_at_read = chip->insns; /* S_RETIRE_ST and S_RESET_ST clear when read */
	d->s_reset_st = false;
	return v;
}

static void dhcsr_write(struct chip *chip, uint32_t v)
{
	struct debug_state *d = &chip->dbg;
	if (FIELD(v, DCB_DHCSR, DBGKEY) != BJ_CORE_DCB_DHCSR_DBGKEY_KEY)
		return;
	if (!(v & C_DEBUGEN)) {
		d->dhcsr = 0;
		if (chip->state == CHIP_HALTED)
			chip_resume(chip);
		return;
	}
	d->dhcsr = v & (C_DEBUGEN | C_HALT | C_STEP | C_MASKINTS);
	if (v & C_HALT) {
		if (chip->state != CHIP_HALTED)
			chip_halt(chip);
	} else if (chip->state == CHIP_HALTED) {
		if (v & C_STEP)
			chip_step(chip);
		else
			chip_resume(chip);
	}
}

static uint32_t dcb_read(struct chip *chip, uint32_t offset)
{
	switch (offset) {
	case BJ_CORE_DCB_DHCSR_OFFSET:
		return dhcsr_read(chip);
	case BJ_CORE_DCB_DCRDR_OFFSET:
		return chip->dbg.dcrdr;
	case BJ_CORE_DCB_DEMCR_OFFSET:
		return chip->dbg.demcr;
	default:
		return 0; /* DCRSR is write-only */
	}
}

static void dcb_write(struct chip *chip, uint32_t offset, uint32_t v)
{
	switch (offset) {
	case BJ_CORE_DCB_DHCSR_OFFSET:
		dhcsr_write(chip, v);
		return;
	case BJ_CORE_DCB_DCRSR_OFFSET:
		dcrsr_transfer(chip, v);
		return;
	case BJ_CORE_DCB_DCRDR_OFFSET:
		chip->dbg.dcrdr = v;
		return;
	case BJ_CORE_DCB_DEMCR_OFFSET:
		/* Every DEMCR bit the core has is writable. */
		chip->dbg.demcr = v & core_reg_find(chip->core.dcb, offset)->bits;
		return;
	}
}

uint32_t debug_read(struct chip *chip, const struct core_reg *r, bool *ok)
{
	const struct core_blocks *c = &chip->core;
	struct debug_state *d = &chip->dbg;
	unsigned i = r->index;
	*ok = true;
	if (r->block == c->dcb)
		return dcb_read(chip, r->reg->offset);
	if (r->block == c->scb) /* DFSR */
		return d->dfsr;
	if (r->block == c->fp) {
		if (r->reg->offset == BJ_CORE_FP_CTRL_OFFSET)
			return fp_ctrl_reset(chip) | (d->fp_ctrl_enable ? BJ_CORE_FP_CTRL_ENABLE : 0);
		return d->fp_comp[i];
	}
	switch (r->reg->offset) {
	case BJ_CORE_DWT_CTRL_OFFSET:
		return dwt_ctrl_reset(chip);
	case BJ_CORE_DWT_COMP_OFFSET:
		return d->dwt_comp[i];
	case BJ_CORE_DWT_MASK_OFFSET:
		return d->dwt_mask[i];
	default: {
		uint32_t f = d->dwt_function[i];
		d->dwt_function[i] &= ~DWT_FUNCTION_MATCHED; /* MATCHED clears when read */
		return f;
	}
	}
}

void debug_write(struct chip *chip, const struct core_reg *r, uint32_t v, bool *ok)
{
	const struct core_blocks *c = &chip->core;
	struct debug_state *d = &chip->dbg;
	unsigned i = r->index;
	*ok = true;
	if (r->block == c->dcb) {
		dcb_write(chip, r->reg->offset, v);
		return;
	}
	if (r->block == c->scb) { /* DFSR: write 1 to clear */
		d->dfsr &= ~v;
		return;
	}
	if (r->block == c->fp) {
		if (r->reg->offset == BJ_CORE_FP_CTRL_OFFSET) {
			if (v & BJ_CORE_FP_CTRL_KEY)
				d->fp_ctrl_enable = v & BJ_CORE_FP_CTRL_ENABLE;
		} else {
			d->fp_comp[i] = v;
		}
		update_active(chip);
		return;
	}
	switch (r->reg->offset) {
	case BJ_CORE_DWT_CTRL_OFFSET:
		return; /* NUMCOMP is read-only; nothing else is modelled */
	case BJ_CORE_DWT_COMP_OFFSET:
		d->dwt_comp[i] = v;
		break;
	case BJ_CORE_DWT_MASK_OFFSET:
		d->dwt_mask[i] = v & (BJ_CORE_DWT_MASK_MASK_MASK << BJ_CORE_DWT_MASK_MASK_SHIFT);
		break;
	default:
		d->dwt_function[i] = (d->dwt_function[i] & DWT_FUNCTION_MATCHED) |
				     (v & (BJ_CORE_DWT_FUNCTION_FUNCTION_MASK << BJ_CORE_DWT_FUNCTION_FUNCTION_SHIFT));
		break;
	}
	update_active(chip);
}

/* ------------------------------------------------------------------ chip.h: comparators */

unsigned chip_bp_slots(const struct chip *chip)
{
	return chip->dbg.n_fp;
}

unsigned chip_wp_slots(const struct chip *chip)
{
	return chip->dbg.n_dwt;
}

static uint32_t fp_encode(uint32_t addr)
{
	return (addr & FP_COMP_ADDR_MASK) | ((addr & 2) ? FP_REPLACE_UPPER : FP_REPLACE_LOWER) | FP_COMP_ENABLE;
}

int chip_bp_add(struct chip *chip, uint32_t addr)
{
	struct debug_state *d = &chip->dbg;
	if (!fp_matchable(addr))
		return -1;
	int free_slot = -1;
	for (unsigned i = 0; i < d->n_fp; i++) {
		if ((d->fp_comp[i] & FP_COMP_ENABLE) && d->fp_comp[i] == fp_encode(addr))
			return 0;
		if (!(d->fp_comp[i] & FP_COMP_ENABLE) && free_slot < 0)
			free_slot = (int)i;
	}
	if (free_slot < 0)
		return -1;
	d->fp_comp[free_slot] = fp_encode(addr);
	d->fp_ctrl_enable = 1;
	update_active(chip);
	return 0;
}

int chip_bp_remove(struct chip *chip, uint32_t addr)
{
	struct debug_state *d = &chip->dbg;
	for (unsigned i = 0; i < d->n_fp; i++) {
		if ((d->fp_comp[i] & FP_COMP_ENABLE) && d->fp_comp[i] == fp_encode(addr)) {
			d->fp_comp[i] = 0;
			update_active(chip);
			return 0;
		}
	}
	return -1;
}

/* DWT_MASK.MASK for a watched block of len bytes, or -1 if len is not a power of two the field
 * can hold (a length above 2^31, such as GDB's Z2,addr,ffffffff, must end the search too). */
static int wp_log2(uint32_t len)
{
	int n = 0;
	while (n < (int)BJ_CORE_DWT_MASK_MASK_MASK && (1u << n) < len)
		n++;
	return (1u << n) == len ? n : -1;
}

static uint32_t wp_function(enum chip_wp_kind kind)
{
	return kind == CHIP_WP_WRITE ? DWT_FUNC_WRITE : kind == CHIP_WP_READ ? DWT_FUNC_READ : DWT_FUNC_ACCESS;
}

int chip_wp_add(struct chip *chip, uint32_t addr, uint32_t len, enum chip_wp_kind kind)
{
	struct debug_state *d = &chip->dbg;
	int mask = wp_log2(len);
	/* A comparator covers one naturally aligned power-of-two block. */
	if (mask < 0 || (addr & (len - 1)))
		return -1;
	for (unsigned i = 0; i < d->n_dwt; i++) {
		if (FIELD(d->dwt_function[i], DWT_FUNCTION, FUNCTION) != 0)
			continue;
		d->dwt_comp[i] = addr;
		d->dwt_mask[i] = (uint32_t)mask;
		d->dwt_function[i] = wp_function(kind);
		update_active(chip);
		return 0;
	}
	return -1;
}

int chip_wp_remove(struct chip *chip, uint32_t addr, uint32_t len, enum chip_wp_kind kind)
{
	struct debug_state *d = &chip->dbg;
	for (unsigned i = 0; i < d->n_dwt; i++) {
		if (FIELD(d->dwt_function[i], DWT_FUNCTION, FUNCTION) == wp_function(kind) && d->dwt_comp[i] == addr &&
		    (1u << d->dwt_mask[i]) == len) {
			d->dwt_function[i] = 0;
			update_active(chip);
			return 0;
		}
	}
	return -1;
}

bool chip_watch_hit(const struct chip *chip, uint32_t *addr, int *kind)
{
	if (chip->state != CHIP_HALTED || chip->halt_reason != CHIP_HALT_WATCHPOINT)
		return false;
	*addr = chip->dbg.watch_addr;
	*kind = chip->dbg.watch_kind;
	return true;
}
