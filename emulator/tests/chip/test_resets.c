/* System versus power-on reset (fw/resets.c): what survives (SRAM, backup registers), the
 * reset flags each reset leaves in the part's reset-flag register, and the IWDG resetting the
 * chip at the end of its timeout on the deterministic time base. */
#include "harness.h"
#include "fw/scenarios.h"

static uint32_t flags(const struct bj_part *p, enum bj_reset_cause c)
{
	return p->reset_flag[c];
}

static uint32_t all_flags(const struct bj_part *p)
{
	uint32_t m = 0;
	for (unsigned i = 0; i < BJ_RESET_CAUSE_COUNT; i++)
		m |= p->reset_flag[i];
	return m;
}

EMUTEST(system_vs_power_on_reset)
{
	const struct bj_part *p = t->part;
	uint32_t backup = p->backup_width == 16 ? 0xb001u : 0xb0010001u;
	struct fw_options o = {.mailbox = RESET_SYSTEM};
	struct chip *chip = fw_start(t, "resets", &o);
	if (!chip)
		return;
	fw_run(chip, 2000000);
	CHECK_EQ(fw_word(chip, FW_OFF(done)), FW_DONE, "the scenario completed");
	CHECK_EQ(fw_word(chip, FW_OFF(boots)), 2, "two boots: SRAM kept its count through the system reset");
	CHECK_EQ(fw_value(chip, 0) & all_flags(p), flags(p, BJ_RESET_POWER_ON) | flags(p, BJ_RESET_PIN), "first boot: reset flags");
	CHECK_EQ(fw_value(chip, 1), 0, "first boot: backup register 0");
	CHECK_EQ(fw_value(chip, 2) & all_flags(p), flags(p, BJ_RESET_SOFTWARE) | flags(p, BJ_RESET_PIN),
		 "after SYSRESETREQ: software reset flag (and the NRST pulse's PINRSTF)");
	if (p->n_backup_regs)
		CHECK_EQ(fw_value(chip, 3), backup, "the backup register survived the system reset");

	chip_reset(chip, CHIP_RESET_POWER_ON, true);
	uint32_t mailbox = RESET_RECORD;
	CHECK_EQ(fw_word(chip, FW_OFF(boots)), 0, "power-on reset cleared SRAM");
	chip_mem_write(chip, p->sram.base + FW_OFF(mailbox), &mailbox, 4);
	chip_resume(chip);
	fw_run(chip, 2000000);
	CHECK_EQ(fw_word(chip, FW_OFF(boots)), 1, "one boot after power-on");
	CHECK_EQ(fw_value(chip, 0) & all_flags(p), flags(p, BJ_RESET_POWER_ON) | flags(p, BJ_RESET_PIN), "after power-on: reset flags");
	CHECK_EQ(fw_value(chip, 1), 0, "power-on cleared the backup register");
	chip_destroy(chip);
}

EMUTEST(iwdg_reset)
{
	const struct bj_part *p = t->part;
	struct fw_options o = {.mailbox = RESET_IWDG};
	struct chip *chip = fw_start(t, "resets", &o);
	if (!chip)
		return;
	/* Stop just before the watchdog can have expired, then run on to the reset. */
	uint64_t timeout_ns = (uint64_t)(IWDG_TEST_RL + 1) * 4 * 1000000000ull / p->lsi_hz;
	while (chip_time_ns(chip) < timeout_ns * 9 / 10 && chip_run(chip, 1000) == CHIP_RUNNING)
		;
	CHECK_EQ(fw_word(chip, FW_OFF(boots)), 1, "no reset before the timeout");
	uint64_t before = chip_time_ns(chip);
	fw_run(chip, 10000000);
	CHECK_EQ(fw_word(chip, FW_OFF(done)), FW_DONE, "the scenario completed");
	CHECK_EQ(fw_word(chip, FW_OFF(boots)), 2, "the IWDG reset the chip once");
	CHECK_EQ(fw_value(chip, 2) & all_flags(p), flags(p, BJ_RESET_INDEPENDENT_WATCHDOG) | flags(p, BJ_RESET_PIN),
		 "after the IWDG reset: watchdog flag (and PINRSTF)");
	CHECK(before < timeout_ns && chip_time_ns(chip) >= timeout_ns,
	      "reset at the timeout (%llu ns): before %llu, after %llu", (unsigned long long)timeout_ns,
	      (unsigned long long)before, (unsigned long long)chip_time_ns(chip));
	chip_destroy(chip);
}
