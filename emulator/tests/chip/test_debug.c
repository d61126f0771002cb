/* The debug registers through chip_mem_* as a probe uses them (fw/loop.c running): DHCSR halt,
 * step and resume, DCRSR/DCRDR, S_RETIRE_ST and S_RESET_ST clearing on read, vector catch on
 * reset, FPB breakpoints, DWT watchpoints with MATCHED, and the comparator limits. */
#include <string.h>

#include "harness.h"

#define FIELD(v, reg, f) (((v) >> BJ_CORE_##reg##_##f##_SHIFT) & BJ_CORE_##reg##_##f##_MASK)

/* Addresses and bits from the part database (the core's blocks, BJ_CORE_*). */
#define DHCSR core_addr(t->part, "DCB", BJ_CORE_DCB_DHCSR_OFFSET)
#define DCRSR core_addr(t->part, "DCB", BJ_CORE_DCB_DCRSR_OFFSET)
#define DCRDR core_addr(t->part, "DCB", BJ_CORE_DCB_DCRDR_OFFSET)
#define DEMCR core_addr(t->part, "DCB", BJ_CORE_DCB_DEMCR_OFFSET)
#define DFSR core_addr(t->part, "SCB", BJ_CORE_SCB_DFSR_OFFSET)
#define AIRCR core_addr(t->part, "SCB", BJ_CORE_SCB_AIRCR_OFFSET)
#define FP_CTRL core_addr(t->part, "FP", BJ_CORE_FP_CTRL_OFFSET)
#define FP_COMP0 core_addr(t->part, "FP", BJ_CORE_FP_COMP_OFFSET)
#define DWT_CTRL core_addr(t->part, "DWT", BJ_CORE_DWT_CTRL_OFFSET)
#define DWT_COMP0 core_addr(t->part, "DWT", BJ_CORE_DWT_COMP_OFFSET)
#define DWT_MASK0 core_addr(t->part, "DWT", BJ_CORE_DWT_MASK_OFFSET)
#define DWT_FUNCTION0 core_addr(t->part, "DWT", BJ_CORE_DWT_FUNCTION_OFFSET)
#define KEY (BJ_CORE_DCB_DHCSR_DBGKEY_KEY << BJ_CORE_DCB_DHCSR_DBGKEY_SHIFT)
#define C_DEBUGEN BJ_CORE_DCB_DHCSR_C_DEBUGEN
#define C_HALT BJ_CORE_DCB_DHCSR_C_HALT
#define C_STEP BJ_CORE_DCB_DHCSR_C_STEP
#define C_MASKINTS BJ_CORE_DCB_DHCSR_C_MASKINTS
#define S_REGRDY BJ_CORE_DCB_DHCSR_S_REGRDY
#define S_HALT BJ_CORE_DCB_DHCSR_S_HALT
#define S_RETIRE_ST BJ_CORE_DCB_DHCSR_S_RETIRE_ST
#define S_RESET_ST BJ_CORE_DCB_DHCSR_S_RESET_ST

static void wr(struct chip *chip, uint32_t addr, uint32_t v)
{
	chip_mem_write(chip, addr, &v, 4);
}

/* The reset value of register `reg` of the part's core block `block`. */
static uint32_t core_reset(const struct bj_part *p, const char *block, const char *reg)
{
	for (unsigned i = 0; i < bj_cores[p->core].n_blocks; i++) {
		const struct bj_periph *b = &bj_cores[p->core].blocks[i];
		for (unsigned r = 0; strcmp(b->name, block) == 0 && r < bj_ips[b->ip].n_regs; r++)
			if (strcmp(bj_ips[b->ip].regs[r].name, reg) == 0)
				return bj_ips[b->ip].regs[r].reset;
	}
	return 0;
}

EMUTEST(dhcsr_halt_step_resume)
{
	struct chip *chip = fw_start(t, "loop", NULL);
	if (!chip)
		return;
	chip_run(chip, 5000);
	CHECK_EQ(chip_state(chip), CHIP_RUNNING, "the loop runs");
	wr(chip, DHCSR, KEY | C_DEBUGEN | C_HALT);
	uint32_t d = mem_word(chip, DHCSR);
	CHECK_EQ(chip_state(chip), CHIP_HALTED, "C_HALT halts");
	CHECK((d & (S_HALT | S_REGRDY | C_HALT | C_DEBUGEN)) == (S_HALT | S_REGRDY | C_HALT | C_DEBUGEN), "DHCSR 0x%08x", d);
	CHECK(d & S_RETIRE_ST, "S_RETIRE_ST: instructions retired since the last read");
	CHECK(!(mem_word(chip, DHCSR) & S_RETIRE_ST), "S_RETIRE_ST clears when read");
	CHECK(mem_word(chip, DFSR) & BJ_CORE_SCB_DFSR_HALTED, "DFSR.HALTED");
	wr(chip, DFSR, BJ_CORE_SCB_DFSR_HALTED | BJ_CORE_SCB_DFSR_BKPT | BJ_CORE_SCB_DFSR_DWTTRAP | BJ_CORE_SCB_DFSR_VCATCH |
			       BJ_CORE_SCB_DFSR_EXTERNAL);
	CHECK_EQ(mem_word(chip, DFSR), 0, "DFSR clears by writing 1");

	wr(chip, DCRSR, BJ_CORE_DCB_DCRSR_REGSEL_DEBUGRETURNADDRESS); /* read the PC through the core register transfer */
	uint32_t pc = mem_word(chip, DCRDR);
	CHECK_EQ(pc, chip_reg_read(chip, CHIP_PC), "DCRSR/DCRDR read the PC");
	uint64_t n = chip_instructions(chip);
	wr(chip, DHCSR, KEY | C_DEBUGEN | C_STEP | C_MASKINTS);
	CHECK_EQ(chip_instructions(chip), n + 1, "C_STEP with C_HALT clear runs one instruction");
	CHECK_EQ(chip_state(chip), CHIP_HALTED, "and halts again");
	CHECK(mem_word(chip, DHCSR) & C_HALT, "C_HALT reads 1 after the step");
	wr(chip, DCRDR, 0x1234);
	wr(chip, DCRSR, BJ_CORE_DCB_DCRSR_REGWnR | 7); /* r7 = DCRDR */
	CHECK_EQ(chip_reg_read(chip, CHIP_R7), 0x1234, "DCRSR with REGWnR writes a register");
	wr(chip, DHCSR, 0x12340000u | C_DEBUGEN); /* no DBGKEY: ignored */
	CHECK_EQ(chip_state(chip), CHIP_HALTED, "a DHCSR write without DBGKEY is ignored");
	wr(chip, DHCSR, KEY | C_DEBUGEN);
	CHECK_EQ(chip_state(chip), CHIP_RUNNING, "clearing C_HALT resumes");
	chip_destroy(chip);
}

EMUTEST(vector_catch_on_reset)
{
	struct chip *chip = fw_start(t, "loop", NULL);
	if (!chip)
		return;
	chip_run(chip, 1000);
	(void)mem_word(chip, DHCSR); /* clear the power-on S_RESET_ST */
	wr(chip, DHCSR, KEY | C_DEBUGEN);
	wr(chip, DEMCR, BJ_CORE_DCB_DEMCR_TRCENA | BJ_CORE_DCB_DEMCR_VC_CORERESET); /* what OpenOCD's reset halt writes */
	wr(chip, AIRCR, BJ_CORE_SCB_AIRCR_VECTKEY_KEY << BJ_CORE_SCB_AIRCR_VECTKEY_SHIFT | BJ_CORE_SCB_AIRCR_SYSRESETREQ);
	uint32_t vector;
	chip_mem_read(chip, t->part->flash.base + 4, &vector, 4);
	CHECK_EQ(chip_state(chip), CHIP_HALTED, "VC_CORERESET halts after the reset");
	CHECK_EQ(chip_halt_reason(chip), CHIP_HALT_VCATCH, "halt reason: vector catch");
	CHECK_EQ(chip_reg_read(chip, CHIP_PC), vector & ~1u, "halted on the reset vector's first instruction");
	CHECK(mem_word(chip, DFSR) & BJ_CORE_SCB_DFSR_VCATCH, "DFSR.VCATCH");
	uint32_t d = mem_word(chip, DHCSR);
	CHECK(d & S_RESET_ST, "S_RESET_ST after the reset");
	CHECK(!(mem_word(chip, DHCSR) & S_RESET_ST), "S_RESET_ST clears when read");
	CHECK(mem_word(chip, DEMCR) & BJ_CORE_DCB_DEMCR_VC_CORERESET, "DEMCR survives a system reset");
	chip_destroy(chip);
}

EMUTEST(fpb_and_dwt)
{
	const struct bj_part *p = t->part;
	/* The counts the silicon reads (the database's FP_CTRL and DWT_CTRL reset values). */
	uint32_t fp_ctrl = core_reset(p, "FP", "CTRL"), dwt_ctrl = core_reset(p, "DWT", "CTRL");
	unsigned bps = FIELD(fp_ctrl, FP_CTRL, NUM_CODE1) | FIELD(fp_ctrl, FP_CTRL, NUM_CODE2) * (BJ_CORE_FP_CTRL_NUM_CODE1_MASK + 1);
	unsigned wps = FIELD(dwt_ctrl, DWT_CTRL, NUMCOMP);
	CHECK(bps >= 2 && wps >= 1, "the database gives comparator counts (%u, %u)", bps, wps);
	struct chip *chip = fw_start(t, "loop", NULL);
	if (!chip)
		return;
	chip_run(chip, 2000);
	uint32_t bump = fw_value(chip, 0);
	CHECK_EQ(mem_word(chip, FP_CTRL), fp_ctrl, "FP_CTRL reads its reset value with ENABLE clear");
	CHECK_EQ(mem_word(chip, DWT_CTRL), dwt_ctrl, "DWT_CTRL");
	CHECK_EQ(chip_bp_slots(chip), bps, "chip_bp_slots");
	CHECK_EQ(chip_wp_slots(chip), wps, "chip_wp_slots");

	/* An FPB breakpoint programmed as OpenOCD does (revision 0 encoding). */
	wr(chip, DHCSR, KEY | C_DEBUGEN);
	wr(chip, FP_CTRL, BJ_CORE_FP_CTRL_KEY | BJ_CORE_FP_CTRL_ENABLE);
	CHECK(mem_word(chip, FP_CTRL) & BJ_CORE_FP_CTRL_ENABLE, "FP_CTRL.ENABLE reads back");
	uint32_t replace = (bump & 2) ? BJ_CORE_FP_COMP_REPLACE_UPPER : BJ_CORE_FP_COMP_REPLACE_LOWER;
	wr(chip, FP_COMP0, (bump & (BJ_CORE_FP_COMP_COMP_MASK << BJ_CORE_FP_COMP_COMP_SHIFT)) |
				   replace << BJ_CORE_FP_COMP_REPLACE_SHIFT | BJ_CORE_FP_COMP_ENABLE);
	chip_run(chip, 100000);
	CHECK_EQ(chip_state(chip), CHIP_HALTED, "FPB comparator halts");
	CHECK_EQ(chip_halt_reason(chip), CHIP_HALT_BREAKPOINT, "halt reason: breakpoint");
	CHECK_EQ(chip_reg_read(chip, CHIP_PC), bump, "halted at bump()");
	CHECK(mem_word(chip, DFSR) & BJ_CORE_SCB_DFSR_BKPT, "DFSR.BKPT");
	wr(chip, FP_COMP0, 0);

	/* A DWT write watchpoint on the counter: bump() stores to it. */
	uint32_t counter_addr = fw_value(chip, 1);
	wr(chip, DWT_COMP0, counter_addr);
	wr(chip, DWT_MASK0, 2); /* 4 bytes */
	wr(chip, DWT_FUNCTION0, BJ_CORE_DWT_FUNCTION_FUNCTION_WRITE);
	chip_resume(chip);
	chip_run(chip, 100000);
	CHECK_EQ(chip_halt_reason(chip), CHIP_HALT_WATCHPOINT, "the DWT write watchpoint halts");
	CHECK(chip_reg_read(chip, CHIP_PC) - bump < 16, "halted in bump(), after the store (pc 0x%08x)", chip_reg_read(chip, CHIP_PC));
	uint32_t hit;
	int kind;
	CHECK(chip_watch_hit(chip, &hit, &kind) && hit == counter_addr && kind == 0, "chip_watch_hit names the counter");
	CHECK(mem_word(chip, DWT_FUNCTION0) & BJ_CORE_DWT_FUNCTION_MATCHED, "DWT_FUNCTION.MATCHED");
	CHECK(!(mem_word(chip, DWT_FUNCTION0) & BJ_CORE_DWT_FUNCTION_MATCHED), "MATCHED clears when read");
	CHECK(mem_word(chip, DFSR) & BJ_CORE_SCB_DFSR_DWTTRAP, "DFSR.DWTTRAP");
	wr(chip, DWT_FUNCTION0, 0);

	/* chip_bp_add/chip_wp_add share the comparators and stop at the silicon's count. */
	unsigned added = 0;
	while (chip_bp_add(chip, p->flash.base + 0x100 + 4 * added) == 0 && added < 16)
		added++;
	CHECK_EQ(added, bps, "breakpoints until the FPB is full");
	uint32_t beyond_comp = (BJ_CORE_FP_COMP_COMP_MASK << BJ_CORE_FP_COMP_COMP_SHIFT | 3u) + 1; /* SRAM's start */
	CHECK(chip_bp_add(chip, beyond_comp) != 0, "no breakpoint beyond what FP_COMP.COMP holds (revision 0)");
	added = 0;
	while (chip_wp_add(chip, p->sram.base + 8 * added, 4, CHIP_WP_ACCESS) == 0 && added < 16)
		added++;
	CHECK_EQ(added, wps, "watchpoints until the DWT is full");
	CHECK(chip_wp_add(chip, p->sram.base, 3, CHIP_WP_WRITE) != 0, "a 3-byte watchpoint cannot be one comparator");
	chip_destroy(chip);
}
