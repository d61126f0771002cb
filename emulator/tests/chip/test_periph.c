/* Peripheral behaviour seen from the debug port (no firmware running): the backup-domain write
 * gate, the BOOT0 pin in GPIO, DBGMCU's IDCODE, and an unmodelled register reported once in the
 * access log. */
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
