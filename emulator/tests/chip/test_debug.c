/* The debug registers through chip_mem_* as a probe uses them (fw/loop.c running): DHCSR halt,
 * step and resume, DCRSR/DCRDR, S_RETIRE_ST and S_RESET_ST clearing on read, vector catch on
 * reset, FPB breakpoints, DWT watchpoints with MATCHED, and the comparator limits. */
#include "harness.h"

#define DHCSR 0xe000edf0u
#define DCRSR 0xe000edf4u
#define DCRDR 0xe000edf8u
#define DEMCR 0xe000edfcu
#define DFSR 0xe000ed30u
#define AIRCR 0xe000ed0cu
#define FP_CTRL 0xe0002000u
#define FP_COMP0 0xe0002008u
#define DWT_CTRL 0xe0001000u
#define DWT_COMP0 0xe0001020u
#define DWT_MASK0 0xe0001024u
#define DWT_FUNCTION0 0xe0001028u
#define KEY 0xa05f0000u
#define C_DEBUGEN 1u
#define C_HALT 2u
#define C_STEP 4u
#define C_MASKINTS 8u
#define S_REGRDY (1u << 16)
#define S_HALT (1u << 17)
#define S_RETIRE_ST (1u << 24)
#define S_RESET_ST (1u << 25)

static void wr(struct chip *chip, uint32_t addr, uint32_t v)
{
	chip_mem_write(chip, addr, &v, 4);
}

static bool v7m(const struct bj_part *p)
{
	return p->core == BJ_CORE_M3 || p->core == BJ_CORE_M4;
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
	CHECK_EQ(mem_word(chip, DFSR) & 1, 1, "DFSR.HALTED");
	wr(chip, DFSR, 0x1f);
	CHECK_EQ(mem_word(chip, DFSR), 0, "DFSR clears by writing 1");

	wr(chip, DCRSR, 15); /* read the PC through the core register transfer */
	uint32_t pc = mem_word(chip, DCRDR);
	CHECK_EQ(pc, chip_reg_read(chip, CHIP_PC), "DCRSR/DCRDR read the PC");
	uint64_t n = chip_instructions(chip);
	wr(chip, DHCSR, KEY | C_DEBUGEN | C_STEP | C_MASKINTS);
	CHECK_EQ(chip_instructions(chip), n + 1, "C_STEP with C_HALT clear runs one instruction");
	CHECK_EQ(chip_state(chip), CHIP_HALTED, "and halts again");
	CHECK(mem_word(chip, DHCSR) & C_HALT, "C_HALT reads 1 after the step");
	wr(chip, DCRDR, 0x1234);
	wr(chip, DCRSR, (1u << 16) | 7); /* REGWnR: r7 = DCRDR */
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
	wr(chip, DEMCR, 0x01000001u); /* TRCENA | VC_CORERESET, what OpenOCD's reset halt writes */
	wr(chip, AIRCR, 0x05fa0004u); /* SYSRESETREQ */
	uint32_t vector;
	chip_mem_read(chip, t->part->flash.base + 4, &vector, 4);
	CHECK_EQ(chip_state(chip), CHIP_HALTED, "VC_CORERESET halts after the reset");
	CHECK_EQ(chip_halt_reason(chip), CHIP_HALT_VCATCH, "halt reason: vector catch");
	CHECK_EQ(chip_reg_read(chip, CHIP_PC), vector & ~1u, "halted on the reset vector's first instruction");
	CHECK(mem_word(chip, DFSR) & (1u << 3), "DFSR.VCATCH");
	uint32_t d = mem_word(chip, DHCSR);
	CHECK(d & S_RESET_ST, "S_RESET_ST after the reset");
	CHECK(!(mem_word(chip, DHCSR) & S_RESET_ST), "S_RESET_ST clears when read");
	CHECK_EQ(mem_word(chip, DEMCR) & 1, 1, "DEMCR survives a system reset");
	chip_destroy(chip);
}

EMUTEST(fpb_and_dwt)
{
	const struct bj_part *p = t->part;
	unsigned bps = v7m(p) ? 6 : 4, wps = v7m(p) ? 4 : 2;
	struct chip *chip = fw_start(t, "loop", NULL);
	if (!chip)
		return;
	chip_run(chip, 2000);
	uint32_t bump = fw_value(chip, 0);
	CHECK_EQ((mem_word(chip, FP_CTRL) >> 4) & 0xf, bps, "FP_CTRL.NUM_CODE");
	CHECK_EQ(mem_word(chip, DWT_CTRL) >> 28, wps, "DWT_CTRL.NUMCOMP");
	CHECK_EQ(chip_bp_slots(chip), bps, "chip_bp_slots");
	CHECK_EQ(chip_wp_slots(chip), wps, "chip_wp_slots");

	/* An FPB breakpoint programmed as OpenOCD does (revision 0 encoding). */
	wr(chip, DHCSR, KEY | C_DEBUGEN);
	wr(chip, FP_CTRL, 3);
	CHECK_EQ(mem_word(chip, FP_CTRL) & 1, 1, "FP_CTRL.ENABLE reads back");
	wr(chip, FP_COMP0, (bump & 0x1ffffffcu) | ((bump & 2) ? 0x80000000u : 0x40000000u) | 1);
	chip_run(chip, 100000);
	CHECK_EQ(chip_state(chip), CHIP_HALTED, "FPB comparator halts");
	CHECK_EQ(chip_halt_reason(chip), CHIP_HALT_BREAKPOINT, "halt reason: breakpoint");
	CHECK_EQ(chip_reg_read(chip, CHIP_PC), bump, "halted at bump()");
	CHECK(mem_word(chip, DFSR) & 2, "DFSR.BKPT");
	wr(chip, FP_COMP0, 0);

	/* A DWT write watchpoint on the counter: bump() stores to it. */
	uint32_t counter_addr = fw_value(chip, 1);
	wr(chip, DWT_COMP0, counter_addr);
	wr(chip, DWT_MASK0, 2);
	wr(chip, DWT_FUNCTION0, 6); /* write */
	chip_resume(chip);
	chip_run(chip, 100000);
	CHECK_EQ(chip_halt_reason(chip), CHIP_HALT_WATCHPOINT, "the DWT write watchpoint halts");
	CHECK(chip_reg_read(chip, CHIP_PC) - bump < 16, "halted in bump(), after the store (pc 0x%08x)", chip_reg_read(chip, CHIP_PC));
	uint32_t hit;
	int kind;
	CHECK(chip_watch_hit(chip, &hit, &kind) && hit == counter_addr && kind == 0, "chip_watch_hit names the counter");
	CHECK(mem_word(chip, DWT_FUNCTION0) & (1u << 24), "DWT_FUNCTION.MATCHED");
	CHECK(!(mem_word(chip, DWT_FUNCTION0) & (1u << 24)), "MATCHED clears when read");
	CHECK(mem_word(chip, DFSR) & 4, "DFSR.DWTTRAP");
	wr(chip, DWT_FUNCTION0, 0);

	/* chip_bp_add/chip_wp_add share the comparators and stop at the silicon's count. */
	unsigned added = 0;
	while (chip_bp_add(chip, p->flash.base + 0x100 + 4 * added) == 0 && added < 16)
		added++;
	CHECK_EQ(added, bps, "breakpoints until the FPB is full");
	CHECK(chip_bp_add(chip, 0x20000000u) != 0, "no breakpoint above 0x1FFFFFFF (FPB revision 0)");
	added = 0;
	while (chip_wp_add(chip, p->sram.base + 8 * added, 4, CHIP_WP_ACCESS) == 0 && added < 16)
		added++;
	CHECK_EQ(added, wps, "watchpoints until the DWT is full");
	CHECK(chip_wp_add(chip, p->sram.base, 3, CHIP_WP_WRITE) != 0, "a 3-byte watchpoint cannot be one comparator");
	chip_destroy(chip);
}
