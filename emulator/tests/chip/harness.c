/* The test runner's main(), the framework's bookkeeping and the firmware harness. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"

const char *harness_fw_dir, *harness_scratch_dir, *harness_emu;
static struct emutest *tests;

void emutest_register(struct emutest *test)
{
	struct emutest **p = &tests;
	while (*p)
		p = &(*p)->next;
	*p = test;
}

void emutest_fail(struct emutest_ctx *t, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	t->failures++;
	fprintf(stderr, "FAIL %s [%s] %s:%d: ", t->test, t->part ? t->part->name : "-", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void emutest_skip(struct emutest_ctx *t, const char *why)
{
	t->skipped = why;
}

struct chip *fw_start(struct emutest_ctx *t, const char *name, const struct fw_options *o)
{
	static const struct fw_options none;
	char path[512], err[512];
	if (!o)
		o = &none;
	snprintf(path, sizeof(path), "%s/%s/%s.elf", harness_fw_dir, t->part->name, name);
	struct chip_config cfg = {
		.part = t->part,
		.flash_path = path,
		.rom_path = o->rom,
		.boot0 = o->boot0,
		.access_log_path = o->access_log,
		.halt_at_reset = true,
	};
	struct chip *chip = chip_create(&cfg, err, sizeof(err));
	if (!chip) {
		emutest_fail(t, __FILE__, __LINE__, "chip_create: %s", err);
		return NULL;
	}
	uint32_t mailbox = o->mailbox;
	chip_mem_write(chip, t->part->sram.base + FW_OFF(mailbox), &mailbox, 4);
	chip_resume(chip);
	return chip;
}

enum chip_state fw_run(struct chip *chip, uint64_t max)
{
	enum chip_state s = chip_state(chip);
	for (uint64_t done = 0; done < max; done += 100000) {
		s = chip_run(chip, 100000);
		if (fw_word(chip, FW_OFF(done)) == FW_DONE || s == CHIP_LOCKUP || s == CHIP_HALTED || chip_blocked(chip))
			break;
	}
	return s;
}

uint32_t core_addr(const struct bj_part *part, const char *block, uint32_t offset)
{
	const struct bj_core_desc *core = &bj_cores[part->core];
	for (unsigned i = 0; i < core->n_blocks; i++)
		if (strcmp(core->blocks[i].name, block) == 0)
			return core->blocks[i].base + offset;
	fprintf(stderr, "harness: core %s has no block %s\n", core->name, block);
	abort();
}

uint32_t mem_word(struct chip *chip, uint32_t addr)
{
	uint32_t v = 0xdeadbeefu;
	chip_mem_read(chip, addr, &v, 4);
	return v;
}

uint32_t fw_word(struct chip *chip, uint32_t offset)
{
	return mem_word(chip, chip_part(chip)->sram.base + offset);
}

uint32_t fw_value(struct chip *chip, unsigned i)
{
	return fw_word(chip, FW_OFF(v) + 4 * i);
}

const char *fw_rom_pattern(struct emutest_ctx *t, uint32_t base)
{
	static char path[512];
	snprintf(path, sizeof(path), "%s/rom-%s.bin", harness_scratch_dir, t->part->name);
	FILE *f = fopen(path, "wb");
	if (!f) {
		emutest_fail(t, __FILE__, __LINE__, "cannot write %s: %s", path, strerror(errno));
		return NULL;
	}
	for (uint32_t i = 0; i < t->part->system_memory.size / 4; i++) {
		uint32_t w = base + i;
		fwrite(&w, 4, 1, f);
	}
	fclose(f);
	return path;
}

static void run_one(struct emutest *test, const struct bj_part *part, unsigned *checks, unsigned *failures, unsigned *skips)
{
	struct emutest_ctx t = {.part = part, .test = test->name};
	test->fn(&t);
	*checks += t.checks;
	*failures += t.failures;
	if (t.skipped) {
		(*skips)++;
		printf("  skip %-22s %-12s %s\n", test->name, part ? part->name : "", t.skipped);
	} else {
		printf("  %s %-22s %-12s %u checks\n", t.failures ? "FAIL" : "ok  ", test->name, part ? part->name : "", t.checks);
	}
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: %s FIRMWARE_DIR SCRATCH_DIR BOOTJUMP_EMU [TEST [PART]]\n", argv[0]);
		return 2;
	}
	harness_fw_dir = argv[1];
	harness_scratch_dir = argv[2];
	harness_emu = argv[3];
	const char *only_test = argc > 4 ? argv[4] : NULL, *only_part = argc > 5 ? argv[5] : NULL;
	mkdir(harness_scratch_dir, 0777);
	unsigned checks = 0, failures = 0, skips = 0, runs = 0;
	for (struct emutest *test = tests; test; test = test->next) {
		if (only_test && strcmp(only_test, test->name) != 0)
			continue;
		if (!test->per_part) {
			run_one(test, NULL, &checks, &failures, &skips);
			runs++;
			continue;
		}
		for (unsigned i = 0; i < BJ_N_PARTS; i++) {
			if (only_part && strcmp(only_part, bj_parts[i].name) != 0)
				continue;
			run_one(test, &bj_parts[i], &checks, &failures, &skips);
			runs++;
		}
	}
	printf("emulator tests: %u runs, %u checks, %u failed, %u not applicable\n", runs, checks, failures, skips);
	return failures ? 1 : 0;
}
