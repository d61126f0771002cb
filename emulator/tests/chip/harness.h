/* Running the test firmware (fw/) on a chip and reading its results block. */
#ifndef EMUTEST_HARNESS_H
#define EMUTEST_HARNESS_H

#include "chip.h"
#include "emutest.h"
#include "fw/fw.h"

/* Where the per-part firmware and scratch files are (argv of the test binary). */
extern const char *harness_fw_dir;
extern const char *harness_scratch_dir;
extern const char *harness_emu;

struct fw_options {
	const char *rom;     /* system memory image, NULL: erased */
	int boot0;
	uint32_t mailbox;    /* written while halted at reset, before the first instruction */
	const char *access_log;
};

/* The chip running fw/<name>.c built for t->part; NULL (and a failure) if it cannot start. */
struct chip *fw_start(struct emutest_ctx *t, const char *name, const struct fw_options *o);
/* Run until the firmware reports FW_DONE, the chip locks up or halts, or max instructions. */
enum chip_state fw_run(struct chip *chip, uint64_t max);
uint32_t fw_word(struct chip *chip, uint32_t offset);
uint32_t fw_value(struct chip *chip, unsigned i);
uint32_t mem_word(struct chip *chip, uint32_t addr);
/* The address of register offset in the part's core block `block` ("SCB", "DCB" ...). */
uint32_t core_addr(const struct bj_part *part, const char *block, uint32_t offset);
/* Write a system-memory image whose words are base + their index; returns its path. */
const char *fw_rom_pattern(struct emutest_ctx *t, uint32_t base);

#endif
