/* Breakpoints and watchpoints on the core's own comparators, never on BKPT opcodes written into
 * memory, so nothing GDB does changes what the target reads and the silicon's limits apply.
 *
 * A breakpoint goes to the FPB (chip_bp_add). The FPB compares code-region addresses only, below
 * 0x20000000 (FPB revisions 0 and 1: ARMv6-M ARM DDI0419 §C1.8.3, ARMv7-M ARM DDI0403 §C1.11), so a
 * breakpoint in SRAM takes a DWT comparator in PC-match mode instead (FUNCTION 0b0100, DDI0419
 * §C1.7.5 / DDI0403 §C1.8.17), programmed through the debug port as a probe would: it halts like a
 * breakpoint and shares the DWT with the watchpoints. Watchpoints go to the DWT (chip_wp_add).
 */
#include "gdbstub_priv.h"

#define FPB_CODE_LIMIT 0x20000000u
#define DWT_COMP(n) (0xe0001020u + 16u * (n))
#define DWT_MASK(n) (0xe0001024u + 16u * (n))
#define DWT_FUNCTION(n) (0xe0001028u + 16u * (n))
#define DWT_FUNCTION_FUNCTION_MASK 0xfu
#define DWT_FUNCTION_PC_MATCH 0x4u

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
		if (function & DWT_FUNCTION_FUNCTION_MASK)
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
