/* HardFault for each cause (undefined instruction, unaligned access on ARMv6-M, bus error on a
 * read, a write and a ROM write, INVSTATE) with the faulting instruction as stacked PC, and a
 * fault inside HardFault locking the core up. */
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
	expect_fault(t, FAULT_BUS_WRITE, "bus error on a write", 1u << 9);
	expect_fault(t, FAULT_ROM_WRITE, "write to system memory", 1u << 9);
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
