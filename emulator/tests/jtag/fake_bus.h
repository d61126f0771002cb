/* chip.h reduced to what the JTAG debug port uses (chip_part, chip_mem_read/write, chip_reset),
 * on plain arrays: the part's flash and SRAM, one peripheral register whose reads have a side
 * effect (a counter), and bus errors everywhere else. Every bus access is counted, so a test can
 * prove that a discarded or posted transaction did, or did not, reach the bus. */
#ifndef EMULATOR_TESTS_JTAG_FAKE_BUS_H
#define EMULATOR_TESTS_JTAG_FAKE_BUS_H

#include "chip.h"

/* The first word of the core's peripheral region (the part database's `cores`): reads return the
 * number of reads so far. */
#define FAKE_PERIPH(chip) (bj_cores[chip_part(chip)->core].peripheral.base)

struct fake_stats {
	unsigned reads, writes, errors, periph_reads;
	unsigned resets[CHIP_RESET_OPTION_LOAD + 1];
	uint32_t last_addr;
	size_t last_len;
};

struct chip *fake_bus_create(const char *part_name);
void fake_bus_destroy(struct chip *chip);
struct fake_stats *fake_bus_stats(struct chip *chip);
uint8_t *fake_bus_sram(struct chip *chip);

#endif
