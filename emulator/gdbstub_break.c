/* Breakpoints and watchpoints on the core's own comparators, never on BKPT opcodes written into
 * memory, so nothing GDB does changes what the target reads and the silicon's limits apply.
 *
 * A breakpoint goes to the FPB (chip_bp_add). The FPB compares FP_COMP.COMP, address bits 28:2, so
 * it matches code-region addresses only, below 0x20000000 (FPB revisions 0 and 1: ARMv6-M ARM
 * DDI0419 §C1.8.3, ARMv7-M ARM DDI0403 §C1.11); a breakpoint above takes a DWT comparator in
 * PC-match mode instead (DDI0419 §C1.7.5 / DDI0403 §C1.8.17), programmed through the debug port as
 * a probe would: it halts like a breakpoint and shares the DWT with the watchpoints. Watchpoints go
 * to the DWT (chip_wp_add). Where the DWT is and its registers' layout come from the part
 * database's `cores` (bj_parts.h).
 */
#include <string.h>

#include "gdbstub_priv.h"

/* The first address FP_COMP.COMP cannot express. */
#define FPB_CODE_LIMIT ((BJ_CORE_FP_COMP_COMP_MASK + 1u) << BJ_CORE_FP_COMP_COMP_SHIFT)
#define DWT_FUNCTION_FUNCTION (BJ_CORE_DWT_FUNCTION_FUNCTION_MASK << BJ_CORE_DWT_FUNCTION_FUNCTION_SHIFT)
#define DWT_FUNCTION_PC_MATCH (BJ_CORE_DWT_FUNCTION_FUNCTION_PC << BJ_CORE_DWT_FUNCTION_FUNCTION_SHIFT)

/* Register `offset` (array element n, `stride` apart) of the core's DWT block. Every core of the
 * database has one (the validator requires it; chip_create refuses a core without it). */
static uint32_t dwt_reg(const struct gdbstub *stub, uint32_t offset, uint32_t stride, unsigned n)
{
	const struct bj_core_desc *core = &bj_cores[chip_part(stub->chip)->core];
	uint32_t base = 0;
	for (unsigned i = 0; i < core->n_blocks; i++)
		if (strcmp(core->blocks[i].name, "DWT") == 0)
			base = core->blocks[i].base;
	return base + offset + stride * n;
}

#define DWT_COMP(n) dwt_reg(stub, BJ_CORE_DWT_COMP_OFFSET, BJ_CORE_DWT_COMP_STRIDE, (n))
#define DWT_MASK(n) dwt_reg(stub, BJ_CORE_DWT_MASK_OFFSET, BJ_CORE_DWT_MASK_STRIDE, (n))
#define DWT_FUNCTION(n) dwt_reg(stub, BJ_CORE_DWT_FUNCTION_OFFSET, BJ_CORE_DWT_FUNCTION_STRIDE, (n))

static int write_word(struct gdbstub *stub, uint32_t addr, uint32_t value)
{
	return chip_mem_write(stub->chip, addr, &value, 4);
}

/* A free DWT comparator programmed to match the PC, or -1. */
static int dwt_pc_add(struct gdbstub *stub, uint32_t addr)
{
	for (unsigned n = 0; n < chip_wp_slots(stub->chip); n++) {
		uint32_t function;
		if (chip_mem_read(stub->chip, DWT_FUNCTION(n), &function, 4) != 0)
			return -1;
		if (function & DWT_FUNCTION_FUNCTION)
			continue;
		if (write_word(stub, DWT_COMP(n), addr) != 0 || write_word(stub, DWT_MASK(n), 0) != 0 ||
		    write_word(stub, DWT_FUNCTION(n), DWT_FUNCTION_PC_MATCH) != 0)
			return -1;
		return (int)n;
	}
	return -1;
}

static void comparator_add(struct gdbstub *stub, struct gdbstub_bp *bp)
{
	if (bp->addr < FPB_CODE_LIMIT)
		bp->dwt = chip_bp_add(stub->chip, bp->addr) == 0 ? GDBSTUB_BP_FPB : GDBSTUB_BP_NONE;
	else {
		int n = dwt_pc_add(stub, bp->addr);
		bp->dwt = n >= 0 ? n : GDBSTUB_BP_NONE;
	}
}

static void comparator_remove(struct gdbstub *stub, const struct gdbstub_bp *bp)
{
	if (bp->dwt == GDBSTUB_BP_FPB)
		chip_bp_remove(stub->chip, bp->addr);
	else if (bp->dwt >= 0)
		write_word(stub, DWT_FUNCTION((unsigned)bp->dwt), 0);
}

bool gdbstub_is_breakpoint(const struct gdbstub *stub, uint32_t addr)
{
	for (unsigned i = 0; i < stub->n_bps; i++)
		if (stub->bps[i].addr == addr)
			return true;
	return false;
}

int gdbstub_bp_insert(struct gdbstub *stub, uint32_t addr)
{
	for (unsigned i = 0; i < stub->n_bps; i++)
		if (stub->bps[i].addr == addr) {
			stub->bps[i].refs++; /* Z0 and Z1 at one address share one comparator */
			return 0;
		}
	if (stub->n_bps == GDBSTUB_MAX_BPS)
		return -1;
	struct gdbstub_bp bp = {.addr = addr, .refs = 1};
	comparator_add(stub, &bp);
	if (bp.dwt == GDBSTUB_BP_NONE)
		return -1;
	stub->bps[stub->n_bps++] = bp;
	return 0;
}

int gdbstub_bp_remove(struct gdbstub *stub, uint32_t addr)
{
	for (unsigned i = 0; i < stub->n_bps; i++)
		if (stub->bps[i].addr == addr) {
			if (--stub->bps[i].refs == 0) {
				comparator_remove(stub, &stub->bps[i]);
				stub->bps[i] = stub->bps[--stub->n_bps];
			}
			return 0;
		}
	return -1;
}

int gdbstub_wp_insert(struct gdbstub *stub, uint32_t addr, uint32_t len, enum chip_wp_kind kind)
{
	if (stub->n_wps == GDBSTUB_MAX_WPS || chip_wp_add(stub->chip, addr, len, kind) < 0)
		return -1;
	stub->wps[stub->n_wps++] = (struct gdbstub_wp){addr, len, kind};
	return 0;
}

int gdbstub_wp_remove(struct gdbstub *stub, uint32_t addr, uint32_t len, enum chip_wp_kind kind)
{
	for (unsigned i = 0; i < stub->n_wps; i++)
		if (stub->wps[i].addr == addr && stub->wps[i].len == len && stub->wps[i].kind == kind) {
			chip_wp_remove(stub->chip, addr, len, kind);
			stub->wps[i] = stub->wps[--stub->n_wps];
			return 0;
		}
	return -1;
}

/* A power-on reset clears the debug logic; a system reset does not. Either way the tables are
 * programmed again afterwards, as OpenOCD restores the FPB and DWT after a reset. */
void gdbstub_restore_comparators(struct gdbstub *stub)
{
	for (unsigned i = 0; i < stub->n_bps; i++) {
		comparator_remove(stub, &stub->bps[i]);
		comparator_add(stub, &stub->bps[i]);
	}
	for (unsigned i = 0; i < stub->n_wps; i++) {
		const struct gdbstub_wp *w = &stub->wps[i];
		chip_wp_remove(stub->chip, w->addr, w->len, w->kind);
		chip_wp_add(stub->chip, w->addr, w->len, w->kind);
	}
}

void gdbstub_release_comparators(struct gdbstub *stub)
{
	while (stub->n_bps > 0)
		comparator_remove(stub, &stub->bps[--stub->n_bps]);
	while (stub->n_wps > 0) {
		const struct gdbstub_wp *w = &stub->wps[--stub->n_wps];
		chip_wp_remove(stub->chip, w->addr, w->len, w->kind);
	}
}
