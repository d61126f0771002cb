/* Peripheral behaviour seen from the debug port (no firmware running): the backup-domain write
 * gate, the BOOT0 pin in GPIO, DBGMCU's IDCODE, and an unmodelled register reported once in the
 * access log; RCC peripheral resets and RMVF. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct chip *halted_chip(struct emutest_ctx *t, int boot0, const char *log)
{
	char path[512], err[256];
	snprintf(path, sizeof(path), "%s/%s/loop.elf", harness_fw_dir, t->part->name);
	struct chip_config cfg = {.part = t->part, .flash_path = path, .boot0 = boot0, .halt_at_reset = true, .access_log_path = log};
	struct chip *chip = chip_create(&cfg, err, sizeof(err));
	CHECK(chip != NULL, "chip_create: %s", err);
	return chip;
}

static void set_bit(struct chip *chip, struct bj_bitref b)
{
	uint32_t v = mem_word(chip, b.reg) | b.mask;
	chip_mem_write(chip, b.reg, &v, 4);
}

static const struct bj_periph *periph_named(const struct bj_part *p, const char *name)
{
	for (unsigned i = 0; i < p->n_periphs; i++)
		if (strcmp(p->periphs[i].name, name) == 0)
			return &p->periphs[i];
	return NULL;
}

static bool is_clock_enable(const struct bj_part *p, struct bj_bitref b)
{
	for (unsigned i = 0; i < p->n_periphs; i++)
		if (p->periphs[i].enable.reg == b.reg && p->periphs[i].enable.mask == b.mask)
			return true;
	return false;
}

EMUTEST(backup_write_gate)
{
	const struct bj_part *p = t->part;
	if (!p->n_backup_regs) {
		emutest_skip(t, "the part has no backup registers");
		return;
	}
	struct chip *chip = halted_chip(t, 0, NULL);
	if (!chip)
		return;
	uint32_t reg = p->backup_regs[0], v = 0x5a5a;
	for (unsigned i = 0; i < p->n_backup_unlock; i++)
		if (is_clock_enable(p, p->backup_unlock[i]))
			set_bit(chip, p->backup_unlock[i]); /* the clocks, not the write protection */
	chip_mem_write(chip, reg, &v, 4);
	CHECK_EQ(mem_word(chip, reg), 0, "a backup register write without DBP is lost");
	for (unsigned i = 0; i < p->n_backup_unlock; i++)
		set_bit(chip, p->backup_unlock[i]);
	chip_mem_write(chip, reg, &v, 4);
	CHECK_EQ(mem_word(chip, reg), v, "with the unlock bits set the write lands");
	chip_destroy(chip);
}

EMUTEST(boot0_pin_in_gpio)
{
	const struct bj_part *p = t->part;
	if (!p->boot0_gpio) {
		emutest_skip(t, "BOOT0 is a dedicated pin (no GPIO reads it)");
		return;
	}
	char port[8];
	snprintf(port, sizeof(port), "GPIO%c", p->boot0_gpio[1]);
	unsigned pin = (unsigned)atoi(p->boot0_gpio + 2);
	const struct bj_periph *g = periph_named(p, port);
	CHECK(g != NULL, "the part has %s", port);
	if (!g)
		return;
	uint32_t idr = g->base + (g->ip == BJ_IP_GPIO_F1 ? BJ_GPIO_F1_IDR_OFFSET : BJ_GPIO_V2_IDR_OFFSET);
	for (int level = 0; level <= 1; level++) {
		struct chip *chip = halted_chip(t, level, NULL);
		if (!chip)
			return;
		set_bit(chip, g->enable);
		if (g->ip != BJ_IP_GPIO_F1) {
			/* Analog after reset on some parts (L4): an analog pin reads 0, make it an input. */
			uint32_t moder = mem_word(chip, g->base + BJ_GPIO_V2_MODER_OFFSET) & ~(3u << (2 * pin));
			chip_mem_write(chip, g->base + BJ_GPIO_V2_MODER_OFFSET, &moder, 4);
		}
		CHECK_EQ((mem_word(chip, idr) >> pin) & 1, level, "BOOT0 pin level in IDR");
		chip_destroy(chip);
	}
}

EMUTEST(dbgmcu_idcode)
{
	const struct bj_part *p = t->part;
	const struct bj_periph *d = periph_named(p, "DBGMCU");
	CHECK(d != NULL, "the part has a DBGMCU");
	if (!d)
		return;
	struct chip *chip = halted_chip(t, 0, NULL);
	if (!chip)
		return;
	CHECK_EQ(mem_word(chip, d->base), p->dev_id | (uint32_t)p->rev_id << 16, "DBGMCU_IDCODE");
	chip_destroy(chip);
}

EMUTEST(unmodelled_register_reported_once)
{
	const struct bj_part *p = t->part;
	const struct bj_periph *rcc = periph_named(p, "RCC");
	char log[512];
	snprintf(log, sizeof(log), "%s/unmodelled-%s.jsonl", harness_scratch_dir, p->name);
	struct chip *chip = halted_chip(t, 0, log);
	if (!chip || !rcc)
		return;
	uint32_t addr = rcc->base + 0x3fc; /* inside RCC's page, in no RCC register table */
	CHECK_EQ(mem_word(chip, addr), 0, "an unmodelled register reads 0");
	CHECK_EQ(mem_word(chip, addr), 0, "and again");
	chip_destroy(chip);
	FILE *f = fopen(log, "r");
	char line[256], want[64];
	unsigned n = 0;
	snprintf(want, sizeof(want), "\"addr\": \"0x%08x\"", addr);
	while (f && fgets(line, sizeof(line), f))
		n += strstr(line, "\"unmodelled\"") && strstr(line, want);
	if (f)
		fclose(f);
	CHECK_EQ(n, 1, "one unmodelled event in the access log");
}

/* RCC: a peripheral's reset bit puts its registers back to their reset values (GPIOA's first
 * register: MODER, or CRL on F1), and the reset-flag register's clear bit (RMVF) clears the flags
 * a power-on left. */
EMUTEST(rcc_peripheral_reset_and_rmvf)
{
	const struct bj_part *p = t->part;
	const struct bj_periph *g = periph_named(p, "GPIOA");
	CHECK(g != NULL && g->reset.reg, "the part has GPIOA with an RCC reset bit");
	struct chip *chip = halted_chip(t, 0, NULL);
	if (!chip || !g || !g->reset.reg)
		return;
	set_bit(chip, g->enable);
	uint32_t reset_value = mem_word(chip, g->base), changed = reset_value ^ 3u; /* pin 0's mode */
	chip_mem_write(chip, g->base, &changed, 4);
	CHECK_EQ(mem_word(chip, g->base), changed, "GPIOA's first register takes a write");
	set_bit(chip, g->reset);
	uint32_t released = mem_word(chip, g->reset.reg) & ~g->reset.mask;
	chip_mem_write(chip, g->reset.reg, &released, 4);
	CHECK_EQ(mem_word(chip, g->base), reset_value, "the RCC reset bit restored its reset value");

	uint32_t flags = mem_word(chip, p->reset_flags_reg) & p->reset_flag[BJ_RESET_POWER_ON];
	CHECK(flags != 0, "power-on: the power-on reset flag is set");
	uint32_t clear = mem_word(chip, p->reset_flags_reg) | p->reset_flags_clear;
	chip_mem_write(chip, p->reset_flags_reg, &clear, 4);
	uint32_t all = 0;
	for (unsigned i = 0; i < BJ_RESET_CAUSE_COUNT; i++)
		all |= p->reset_flag[i];
	CHECK_EQ(mem_word(chip, p->reset_flags_reg) & all, 0, "RMVF cleared every reset flag");
	chip_destroy(chip);
}
