/* HardFault for each cause (undefined instruction, unaligned access on ARMv6-M, bus error on a
 * read, a write and a ROM write, INVSTATE) with the faulting instruction as stacked PC, and a
 * fault inside HardFault locking the core up. */
#include <unistd.h>

#include "harness.h"
#include "fw/scenarios.h"

/* Addresses and bits from the part database (the core's blocks and registers). */
#define XPSR_T BJ_ARCH_XPSR_T
#define CFSR core_addr(t->part, "SCB", BJ_CORE_SCB_CFSR_OFFSET)
#define HFSR core_addr(t->part, "SCB", BJ_CORE_SCB_HFSR_OFFSET)
#define BFAR core_addr(t->part, "SCB", BJ_CORE_SCB_BFAR_OFFSET)
#define DHCSR core_addr(t->part, "DCB", BJ_CORE_DCB_DHCSR_OFFSET)

static bool v7m(const struct bj_part *part)
{
	return part->core == BJ_CORE_M3 || part->core == BJ_CORE_M4;
}

static void expect_fault(struct emutest_ctx *t, enum fault_scenario s, const char *what, uint32_t cfsr_bit)
{
	struct fw_options o = {.mailbox = s};
	struct chip *chip = fw_start(t, "faults", &o);
	if (!chip)
		return;
	enum chip_state st = fw_run(chip, 1000000);
	uint32_t site = fw_value(chip, 0);
	char msg[96];
	snprintf(msg, sizeof(msg), "%s: HardFault entries", what);
	CHECK_EQ(fw_word(chip, FW_OFF(faults)), 1, msg);
	snprintf(msg, sizeof(msg), "%s: stacked PC", what);
	CHECK_EQ(fw_word(chip, FW_OFF(fault_pc)), site, msg);
	snprintf(msg, sizeof(msg), "%s: EXC_RETURN", what);
	CHECK_EQ(fw_word(chip, FW_OFF(fault_exc_return)), 0xfffffff9u, msg);
	CHECK(st == CHIP_SLEEPING || st == CHIP_RUNNING, "%s: the handler ran to its end (state %d)", what, st);
	if (s == FAULT_INVSTATE)
		CHECK((fw_word(chip, FW_OFF(fault_xpsr)) & XPSR_T) == 0, "INVSTATE: the stacked xPSR has T clear");
	else
		CHECK(fw_word(chip, FW_OFF(fault_xpsr)) & XPSR_T, "%s: the stacked xPSR has T set", what);
	if (v7m(t->part)) {
		/* Not enabled in SHCSR: the configurable fault escalates (DDI0403 §B1.5.8). */
		CHECK(mem_word(chip, HFSR) & BJ_CORE_SCB_HFSR_FORCED, "%s: HFSR.FORCED", what);
		CHECK(mem_word(chip, CFSR) & cfsr_bit, "%s: CFSR bit 0x%x", what, cfsr_bit);
		if (s == FAULT_BUS_READ)
			CHECK_EQ(mem_word(chip, BFAR), UNMAPPED_ADDR, "bus error: BFAR");
	}
	chip_destroy(chip);
}

EMUTEST(hardfault_causes)
{
	expect_fault(t, FAULT_UDF, "undefined instruction", BJ_CORE_SCB_CFSR_UNDEFINSTR);
	expect_fault(t, FAULT_BUS_READ, "bus error on a read", BJ_CORE_SCB_CFSR_PRECISERR | BJ_CORE_SCB_CFSR_BFARVALID);
	expect_fault(t, FAULT_BUS_WRITE, "bus error on a write", BJ_CORE_SCB_CFSR_PRECISERR);
	expect_fault(t, FAULT_ROM_WRITE, "write to system memory", BJ_CORE_SCB_CFSR_PRECISERR);
	expect_fault(t, FAULT_INVSTATE, "INVSTATE", BJ_CORE_SCB_CFSR_INVSTATE);
	if (!v7m(t->part)) {
		expect_fault(t, FAULT_UNALIGNED, "unaligned load", 0);
		return;
	}
	/* ARMv7-M with CCR.UNALIGN_TRP clear: the load completes (DDI0403 §A3.2.1). */
	struct fw_options o = {.mailbox = FAULT_UNALIGNED};
	struct chip *chip = fw_start(t, "faults", &o);
	if (!chip)
		return;
	fw_run(chip, 1000000);
	CHECK_EQ(fw_word(chip, FW_OFF(faults)), 0, "unaligned load on ARMv7-M: no fault");
	CHECK_EQ(fw_value(chip, 1), 0x0c0ffee0u, "unaligned load on ARMv7-M: the program went on");
	chip_destroy(chip);
}

EMUTEST(lockup)
{
	struct fw_options o = {.mailbox = FAULT_LOCKUP};
	struct chip *chip = fw_start(t, "faults", &o);
	if (!chip)
		return;
	enum chip_state st = fw_run(chip, 1000000);
	CHECK_EQ(st, CHIP_LOCKUP, "a fault in HardFault: state");
	CHECK_EQ(fw_word(chip, FW_OFF(faults)), 1, "HardFault ran once");
	CHECK_EQ(chip_reg_read(chip, CHIP_PC), 0xfffffffeu, "PC in lockup");
	CHECK(mem_word(chip, DHCSR) & BJ_CORE_DCB_DHCSR_S_LOCKUP, "DHCSR.S_LOCKUP");
	uint64_t n = chip_instructions(chip);
	chip_run(chip, 1000);
	CHECK_EQ(chip_instructions(chip), n, "a locked-up core retires nothing");
	chip_reset(chip, CHIP_RESET_SYSTEM, false);
	CHECK_EQ(chip_state(chip), CHIP_RUNNING, "a reset leaves lockup");
	CHECK(!(mem_word(chip, DHCSR) & BJ_CORE_DCB_DHCSR_S_LOCKUP), "S_LOCKUP clear after reset");
	chip_destroy(chip);
}

/* A reset into a vector table whose SP and reset vector point at nothing: the fetch from the reset
 * vector faults, stacking the HardFault frame faults, the core locks up, and chip_run returns
 * CHIP_LOCKUP at once. (On ARMv7-M the emulator used to spin inside unicorn from here on, deaf to
 * GDB, its ptys and SIGTERM; alarm() turns such a hang into a failed run.) */
EMUTEST(lockup_at_reset)
{
	const struct bj_part *p = t->part;
	char path[512], err[256];
	snprintf(path, sizeof(path), "%s/badvec-%s.bin", harness_scratch_dir, p->name);
	/* SP at the top of the address space (not the erased word, so no part boots its ROM), PC at
	 * its last halfword, where nothing is mapped. */
	const uint32_t vectors[2] = {0xfffffff0u, 0xffffffffu};
	FILE *f = fopen(path, "wb");
	CHECK(f && fwrite(vectors, sizeof(vectors), 1, f) == 1, "write %s", path);
	if (!f)
		return;
	fclose(f);
	struct chip_config cfg = {.part = p, .flash_path = path};
	struct chip *chip = chip_create(&cfg, err, sizeof(err));
	CHECK(chip != NULL, "chip_create: %s", err);
	if (!chip)
		return;
	alarm(20);
	enum chip_state st = chip_run(chip, 100000);
	alarm(0);
	CHECK_EQ(st, CHIP_LOCKUP, "the core locked up");
	CHECK_EQ(chip_reg_read(chip, CHIP_PC), 0xfffffffeu, "PC in lockup");
	chip_destroy(chip);
}

/* How a debugger steps: chip_step() (the GDB stub's s, bj-step) or DHCSR.C_STEP written over the
 * bus (OpenOCD through the JTAG port). */
static void step_by_api(struct emutest_ctx *t, struct chip *chip)
{
	(void)t;
	chip_step(chip);
}

static void step_by_dhcsr(struct emutest_ctx *t, struct chip *chip)
{
	uint32_t v = (BJ_CORE_DCB_DHCSR_DBGKEY_KEY << BJ_CORE_DCB_DHCSR_DBGKEY_SHIFT) | BJ_CORE_DCB_DHCSR_C_DEBUGEN |
		     BJ_CORE_DCB_DHCSR_C_STEP;
	chip_mem_write(chip, DHCSR, &v, 4);
}

/* The INVSTATE scenario halted on its BX to an even address; NULL (and a failure) if it never got there. */
static struct chip *halted_on_invstate_bx(struct emutest_ctx *t, uint32_t *bx, uint32_t *target)
{
	struct fw_options o = {.mailbox = FAULT_INVSTATE};
	struct chip *chip = fw_start(t, "faults", &o);
	if (!chip)
		return NULL;
	chip_halt(chip);
	/* The firmware records the target, then the branch's own address, just before the branch. */
	for (unsigned i = 0; i < 100000 && fw_value(chip, 1) == 0; i++)
		chip_step(chip);
	*target = fw_value(chip, 0);
	*bx = fw_value(chip, 1) & ~1u;
	for (unsigned i = 0; i < 100 && chip_reg_read(chip, CHIP_PC) != *bx; i++)
		chip_step(chip);
	if (chip_reg_read(chip, CHIP_PC) != *bx || chip_state(chip) != CHIP_HALTED) {
		emutest_fail(t, __FILE__, __LINE__, "the INVSTATE scenario never halted on its branch (PC 0x%08x)",
			     chip_reg_read(chip, CHIP_PC));
		chip_destroy(chip);
		return NULL;
	}
	return chip;
}

/* Silicon (DDI0419/DDI0403, BX): BX to an even address retires and clears EPSR.T; the INVSTATE
 * fault is taken when the next instruction executes, with the target as stacked PC. So a halting
 * debug step of the BX halts at the target with T=0 and nothing entered, and the next step takes
 * the fault. Both ways of stepping, and bj-step's exception catch, which halts before the entry. */
EMUTEST(invstate_step)
{
	static const struct {
		const char *how;
		void (*step)(struct emutest_ctx *t, struct chip *chip);
		bool catch;
	} ways[] = {{"chip_step", step_by_api, false}, {"DHCSR.C_STEP", step_by_dhcsr, false},
		    {"chip_step with the exception catch", step_by_api, true}};
	uint32_t ipsr_mask = BJ_ARCH_XPSR_EXCEPTION_MASK << BJ_ARCH_XPSR_EXCEPTION_SHIFT;

	for (size_t w = 0; w < sizeof ways / sizeof ways[0]; w++) {
		uint32_t bx, target;
		struct chip *chip = halted_on_invstate_bx(t, &bx, &target);
		if (!chip)
			return;
		const char *how = ways[w].how;
		chip_set_exception_catch(chip, ways[w].catch);
		uint64_t n = chip_instructions(chip);
		uint32_t sp = chip_reg_read(chip, CHIP_SP);

		ways[w].step(t, chip);
		uint32_t xpsr = chip_reg_read(chip, CHIP_XPSR);
		CHECK(chip_state(chip) == CHIP_HALTED && chip_halt_reason(chip) == CHIP_HALT_STEP,
		      "%s over the BX: halted by the step (state %d, reason %d)", how, chip_state(chip), chip_halt_reason(chip));
		CHECK(chip_reg_read(chip, CHIP_PC) == target, "%s over the BX: PC 0x%08x, want the target 0x%08x", how,
		      chip_reg_read(chip, CHIP_PC), target);
		CHECK(!(xpsr & XPSR_T), "%s over the BX: xPSR 0x%08x has T clear", how, xpsr);
		CHECK((xpsr & ipsr_mask) == 0, "%s over the BX: still in Thread mode (xPSR 0x%08x)", how, xpsr);
		CHECK(chip_instructions(chip) == n + 1, "%s over the BX: the BX retired (%llu instructions)", how,
		      (unsigned long long)(chip_instructions(chip) - n));
		CHECK(chip_reg_read(chip, CHIP_SP) == sp && fw_word(chip, FW_OFF(faults)) == 0,
		      "%s over the BX: nothing stacked, no handler ran", how);

		ways[w].step(t, chip);
		xpsr = chip_reg_read(chip, CHIP_XPSR);
		CHECK(chip_instructions(chip) == n + 1, "%s at the target: nothing retired", how);
		if (ways[w].catch) {
			CHECK(chip_halt_reason(chip) == CHIP_HALT_VCATCH && chip_reg_read(chip, CHIP_PC) == target &&
				      (xpsr & ipsr_mask) == 0 && chip_reg_read(chip, CHIP_SP) == sp,
			      "%s at the target: halted before the fault's entry (reason %d, PC 0x%08x, xPSR 0x%08x)", how,
			      chip_halt_reason(chip), chip_reg_read(chip, CHIP_PC), xpsr);
			chip_set_exception_catch(chip, false);
			ways[w].step(t, chip);
			xpsr = chip_reg_read(chip, CHIP_XPSR);
		}
		/* Not enabled in SHCSR (reset), the UsageFault escalates to HardFault on ARMv7-M too. */
		CHECK_EQ((xpsr & ipsr_mask) >> BJ_ARCH_XPSR_EXCEPTION_SHIFT, BJ_ARCH_EXC_HARDFAULT, "exception after the fault step");
		uint32_t frame = chip_reg_read(chip, CHIP_SP);
		CHECK_EQ(frame, sp - 32, "the fault stacked one basic frame");
		CHECK_EQ(mem_word(chip, frame + 24), target, "stacked PC: the branch target");
		CHECK(!(mem_word(chip, frame + 28) & XPSR_T), "%s: the stacked xPSR has T clear", how);
		CHECK(chip_state(chip) == CHIP_HALTED, "%s: the fault step halts at the handler", how);
		chip_destroy(chip);
	}
}
