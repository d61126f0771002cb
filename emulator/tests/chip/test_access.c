/* Access tracking switched on while code runs from translated blocks made without it: every
 * load and store from then on reaches the observer, wherever the code runs (flash, the boot
 * alias at 0, SRAM), and none after it is switched off. The counter's own change is the ground
 * truth. Loads are the sharp test: unicorn sends every RAM store through its slow path anyway
 * (hooks see them), but a load in a block translated without hooks reads the host memory
 * directly. */
#include "harness.h"

struct seen {
	uint32_t addr;
	unsigned loads, stores;
};

static void count(void *ctx, const struct chip_access *a)
{
	struct seen *s = ctx;
	if (a->addr == s->addr && a->by == CHIP_BY_INSN)
		++*(a->op == 'w' ? &s->stores : &s->loads);
}

/* Run untraced (the loop is translated), then traced: each increment is one load and one store
 * of the counter (the first load or the last store may fall outside the traced run). */
static void check_loop(struct emutest_ctx *t, struct chip *chip, uint32_t counter, const char *where)
{
	chip_run(chip, 3000);
	struct seen s = {counter, 0, 0};
	uint32_t before = mem_word(chip, counter);
	chip_set_access_observer(chip, count, &s);
	chip_run(chip, 5000);
	chip_set_access_observer(chip, NULL, NULL);
	uint32_t delta = mem_word(chip, counter) - before;
	CHECK(delta > 100, "%s: the loop runs (counter +%u)", where, delta);
	CHECK(s.stores == delta, "%s: %u stores observed, the counter went up by %u", where, s.stores, delta);
	CHECK(s.loads + 1 >= delta && s.loads <= delta + 1, "%s: %u loads observed, the counter went up by %u", where,
	      s.loads, delta);
	struct seen after = s;
	chip_run(chip, 5000);
	CHECK(s.loads == after.loads && s.stores == after.stores, "%s: nothing observed once the observer is gone", where);
}

/* Move the halted chip to a 4-instruction loop at `at`, counting in the word r0 points to. */
static void jump_to_loop(struct chip *chip, uint32_t at, uint32_t word)
{
	chip_halt(chip);
	chip_run(chip, 1);
	chip_reg_write(chip, CHIP_R0, word);
	chip_reg_write(chip, CHIP_PC, at);
	chip_resume(chip);
}

EMUTEST(access_tracking_switched_on_mid_run)
{
	/* ldr r1, [r0]; adds r1, #1; str r1, [r0]; b .-6 */
	static const uint16_t code[] = {0x6801, 0x3101, 0x6001, 0xe7fb};
	const struct bj_part *p = t->part;
	struct chip *chip = fw_start(t, "loop", NULL);
	if (!chip)
		return;
	chip_run(chip, 1000);
	uint32_t word = p->sram.base + p->sram.size / 2;
	uint32_t in_flash = p->flash.base + p->flash.size - 0x100, in_sram = word + 16;
	chip_flash_program(chip, in_flash, code, sizeof(code));
	chip_mem_write(chip, in_sram, code, sizeof(code));

	jump_to_loop(chip, in_flash, word);
	check_loop(t, chip, word, "flash");
	/* The boot alias at 0 maps the flash after a flash boot. */
	jump_to_loop(chip, in_flash - p->flash.base, word);
	check_loop(t, chip, word, "boot alias");
	jump_to_loop(chip, in_sram, word);
	check_loop(t, chip, word, "SRAM");
	chip_destroy(chip);
}
