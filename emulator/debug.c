/* Halting debug as a probe sees it: the debug control block (DHCSR, DCRSR, DCRDR, DEMCR), DFSR,
 * the breakpoint unit (FPB/BPU, revision 0 encoding) and the DWT data watchpoints.
 * DDI0419 §C1.6 (ARMv6-M debug registers), §C1.8 (BPU), §C1.7 (DWT); DDI0403 §C1.6, §C1.11, §C1.8.
 * chip_bp_add()/chip_wp_add() program these same comparators, so GDB, OpenOCD and the firmware
 * share the silicon's limits: 4 breakpoints and 2 watchpoints on Cortex-M0/M0+, 6 and 4 on M3/M4. */
#include <string.h>

#include "chip_internal.h"

#define DHCSR 0xe000edf0u
#define DCRSR 0xe000edf4u
#define DCRDR 0xe000edf8u
#define DEMCR 0xe000edfcu
#define DFSR 0xe000ed30u
#define FPB_BASE 0xe0002000u
#define DWT_BASE 0xe0001000u

#define DHCSR_DBGKEY 0xa05f0000u
#define C_DEBUGEN (1u << 0)
#define C_HALT (1u << 1)
#define C_STEP (1u << 2)
#define C_MASKINTS (1u << 3)
#define S_REGRDY (1u << 16)
#define S_HALT (1u << 17)
#define S_SLEEP (1u << 18)
#define S_LOCKUP (1u << 19)
#define S_RETIRE_ST (1u << 24)
#define S_RESET_ST (1u << 25)
#define DCRSR_REGWNR (1u << 16)
#define DEMCR_V6M_MASK 0x01000401u /* DWTENA, VC_HARDERR, VC_CORERESET */
#define DEMCR_V7M_MASK 0x010f07f1u
#define DFSR_HALTED (1u << 0)
#define DFSR_BKPT (1u << 1)
#define DFSR_DWTTRAP (1u << 2)
#define FP_CTRL_ENABLE (1u << 0)
#define FP_CTRL_KEY (1u << 1)
#define FP_COMP_ENABLE 1u
#define FP_REPLACE_LOWER (1u << 30)
#define FP_REPLACE_UPPER (2u << 30)
#define DWT_FUNCTION_MATCHED (1u << 24)
#define DWT_FUNC_PC 4u
#define DWT_FUNC_READ 5u
#define DWT_FUNC_WRITE 6u
#define DWT_FUNC_ACCESS 7u

bool debug_halting_enabled(const struct chip *chip)
{
	return chip->dbg.dhcsr & C_DEBUGEN;
}

void debug_power_on(struct chip *chip)
{
	struct debug_state *d = &chip->dbg;
	memset(d, 0, sizeof(*d));
	/* Comparator counts: DDI0484 §4.1 (M0+: 4 breakpoints, 2 watchpoints), DDI0337 §8.1 (M3:
	 * 6 instruction + 2 literal comparators, 4 DWT comparators), DDI0439 §8.1 (M4: the same). */
	d->n_fp = chip->v7m ? 6 : 4;
	d->n_dwt = chip->v7m ? 4 : 2;
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
		uint32_t f = d->dwt_function[i] & 0xf;
		d->fp_active |= f == DWT_FUNC_PC;
		dwt |= f >= DWT_FUNC_READ && f <= DWT_FUNC_ACCESS;
	}
	d->dwt_active = dwt;
	cpu_set_tracing(chip);
	cpu_attention(chip);
}

void debug_enter_halt(struct chip *chip, enum chip_halt_reason reason, uint32_t dfsr_bits)
{
	static const uint32_t dfsr_for[] = {
		[CHIP_HALT_REQUEST] = DFSR_HALTED, [CHIP_HALT_STEP] = DFSR_HALTED,
		[CHIP_HALT_BREAKPOINT] = DFSR_BKPT, [CHIP_HALT_BKPT] = DFSR_BKPT,
		[CHIP_HALT_WATCHPOINT] = DFSR_DWTTRAP,
	};
	chip->state = CHIP_HALTED;
	chip->halt_reason = reason;
	chip->dbg.dfsr |= dfsr_bits ? dfsr_bits : dfsr_for[reason];
	/* A debugger rewrites DHCSR from what it last read: C_HALT must read 1 after any halt. */
	chip->dbg.dhcsr |= C_DEBUGEN | C_HALT;
	chip->dbg.watch_hit = false; /* chip_watch_hit() answers from the halt reason from now on */
	cpu_stop(chip);
}

bool debug_bp_match(struct chip *chip, uint32_t pc)
{
	struct debug_state *d = &chip->dbg;
	if (d->fp_ctrl_enable && pc < 0x20000000u) {
		for (unsigned i = 0; i < d->n_fp; i++) {
			uint32_t c = d->fp_comp[i];
			if (!(c & FP_COMP_ENABLE) || (c & 0x1ffffffcu) != (pc & 0x1ffffffcu))
				continue;
			uint32_t half = (pc & 2) ? FP_REPLACE_UPPER : FP_REPLACE_LOWER;
			if (c & half)
				return true;
		}
	}
	for (unsigned i = 0; i < d->n_dwt; i++) {
		if ((d->dwt_function[i] & 0xf) != DWT_FUNC_PC)
			continue;
		uint32_t mask = ~((1u << (d->dwt_mask[i] & 0x1f)) - 1);
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
		uint32_t f = d->dwt_function[i] & 0xf;
		if (f < DWT_FUNC_READ || f > DWT_FUNC_ACCESS)
			continue;
		if ((f == DWT_FUNC_READ && op != 'r') || (f == DWT_FUNC_WRITE && op != 'w'))
			continue;
		uint32_t len = 1u << (d->dwt_mask[i] & 0x1f);
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
	unsigned sel = v & 0x7f;
	bool write = v & DCRSR_REGWNR;
	enum chip_reg reg;
	if (sel <= 15)
		reg = (enum chip_reg)sel;
	else if (sel == 16)
		reg = CHIP_XPSR;
	else if (sel == 17)
		reg = CHIP_MSP;
	else if (sel == 18)
		reg = CHIP_PSP;
	else if (sel == 20) {
		/* CONTROL[31:24], FAULTMASK[23:16], BASEPRI[15:8], PRIMASK[7:0] */
		if (write) {
			uint32_t d = chip->dbg.dcrdr;
			chip_reg_write(chip, CHIP_PRIMASK, d & 0xff);
			if (chip->v7m) {
				chip_reg_write(chip, CHIP_BASEPRI, (d >> 8) & 0xff);
				chip_reg_write(chip, CHIP_FAULTMASK, (d >> 16) & 0xff);
			}
			chip_reg_write(chip, CHIP_CONTROL, d >> 24);
		} else {
			chip->dbg.dcrdr = chip_reg_read(chip, CHIP_PRIMASK) | chip_reg_read(chip, CHIP_BASEPRI) << 8 |
					  chip_reg_read(chip, CHIP_FAULTMASK) << 16 | chip_reg_read(chip, CHIP_CONTROL) << 24;
		}
		return;
	} else {
		return; /* reserved selector: no transfer */
	}
	if (write)
		chip_reg_write(chip, reg, chip->dbg.dcrdr);
	else
		chip->dbg.dcrdr = chip_reg_read(chip, reg);
}

/* ------------------------------------------------------------------ registers */

bool debug_owns(uint32_t addr)
{
	return (addr >= DHCSR && addr < DHCSR + 0x10) || addr == DFSR || (addr >= FPB_BASE && addr < FPB_BASE + 0x1000) ||
	       (addr >= DWT_BASE && addr < DWT_BASE + 0x1000);
}

static uint32_t dhcsr_read(struct chip *chip)
{
	struct debug_state *d = &chip->dbg;
	uint32_t v = d->dhcsr | S_REGRDY;
	if (chip->state == CHIP_HALTED)
		v |= S_HALT;
	if (chip->state == CHIP_SLEEPING)
		v |= S_SLEEP;
	if (chip->locked_up)
		v |= S_LOCKUP;
	if (chip->insns != d->retired_at_read)
		v |= S_RETIRE_ST;
	if (d->s_reset_st)
		v |= S_RESET_ST;
	d->retired_at_read = chip->insns; /* S_RETIRE_ST and S_RESET_ST clear when read */
	d->s_reset_st = false;
	return v;
}

static void dhcsr_write(struct chip *chip, uint32_t v)
{
	struct debug_state *d = &chip->dbg;
	if ((v & 0xffff0000u) != DHCSR_DBGKEY)
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

uint32_t debug_read(struct chip *chip, uint32_t addr, bool *ok)
{
	struct debug_state *d = &chip->dbg;
	*ok = true;
	switch (addr) {
	case DHCSR:
		return dhcsr_read(chip);
	case DCRSR:
		return 0; /* write-only */
	case DCRDR:
		return d->dcrdr;
	case DEMCR:
		return d->demcr;
	case DFSR:
		return d->dfsr;
	}
	if (addr == FPB_BASE) {
		/* NUM_CODE[14:12,7:4], NUM_LIT[11:8], REV[31:28] = 0 */
		uint32_t lit = chip->v7m ? 2 : 0;
		return d->fp_ctrl_enable | (d->n_fp & 0xf) << 4 | ((d->n_fp >> 4) & 7) << 12 | lit << 8;
	}
	if (addr >= FPB_BASE + 8 && addr < FPB_BASE + 8 + 4 * d->n_fp)
		return d->fp_comp[(addr - FPB_BASE - 8) / 4];
	if (addr == DWT_BASE)
		return d->n_dwt << 28;
	if (addr >= DWT_BASE + 0x20 && addr < DWT_BASE + 0x20 + 16 * d->n_dwt) {
		unsigned i = (addr - DWT_BASE - 0x20) / 16;
		switch ((addr - DWT_BASE - 0x20) % 16) {
		case 0:
			return d->dwt_comp[i];
		case 4:
			return d->dwt_mask[i];
		case 8: {
			uint32_t f = d->dwt_function[i];
			d->dwt_function[i] &= ~DWT_FUNCTION_MATCHED; /* MATCHED clears when read */
			return f;
		}
		}
	}
	*ok = false;
	return 0;
}

void debug_write(struct chip *chip, uint32_t addr, uint32_t v, bool *ok)
{
	struct debug_state *d = &chip->dbg;
	*ok = true;
	switch (addr) {
	case DHCSR:
		dhcsr_write(chip, v);
		return;
	case DCRSR:
		dcrsr_transfer(chip, v);
		return;
	case DCRDR:
		d->dcrdr = v;
		return;
	case DEMCR:
		d->demcr = v & (chip->v7m ? DEMCR_V7M_MASK : DEMCR_V6M_MASK);
		return;
	case DFSR:
		d->dfsr &= ~v;
		return;
	}
	if (addr == FPB_BASE) {
		if (v & FP_CTRL_KEY)
			d->fp_ctrl_enable = v & FP_CTRL_ENABLE;
		update_active(chip);
		return;
	}
	if (addr >= FPB_BASE + 8 && addr < FPB_BASE + 8 + 4 * d->n_fp) {
		d->fp_comp[(addr - FPB_BASE - 8) / 4] = v;
		update_active(chip);
		return;
	}
	if (addr >= DWT_BASE + 0x20 && addr < DWT_BASE + 0x20 + 16 * d->n_dwt) {
		unsigned i = (addr - DWT_BASE - 0x20) / 16;
		switch ((addr - DWT_BASE - 0x20) % 16) {
		case 0:
			d->dwt_comp[i] = v;
			break;
		case 4:
			d->dwt_mask[i] = v & 0x1f;
			break;
		case 8:
			d->dwt_function[i] = (d->dwt_function[i] & DWT_FUNCTION_MATCHED) | (v & 0xf);
			break;
		}
		update_active(chip);
		return;
	}
	*ok = addr == DWT_BASE; /* DWT_CTRL: NUMCOMP is read-only; nothing else is modelled */
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
	return (addr & 0x1ffffffcu) | ((addr & 2) ? FP_REPLACE_UPPER : FP_REPLACE_LOWER) | FP_COMP_ENABLE;
}

int chip_bp_add(struct chip *chip, uint32_t addr)
{
	struct debug_state *d = &chip->dbg;
	/* FPB revision 0 matches the code region only (below 0x20000000). */
	if (addr >= 0x20000000u)
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

static int wp_log2(uint32_t len)
{
	int n = 0;
	while ((1u << n) < len)
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
		if ((d->dwt_function[i] & 0xf) != 0)
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
		if ((d->dwt_function[i] & 0xf) == wp_function(kind) && d->dwt_comp[i] == addr &&
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
