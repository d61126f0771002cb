/* See fake_bus.h. */
#include <stdlib.h>
#include <string.h>

#include "fake_bus.h"

struct chip {
	const struct bj_part *part;
	uint8_t *flash, *sram;
	uint32_t periph_reads;
	struct fake_stats stats;
};

struct chip *fake_bus_create(const char *part_name)
{
	for (unsigned i = 0; i < BJ_N_PARTS; i++) {
		if (strcmp(bj_parts[i].name, part_name) != 0)
			continue;
		struct chip *chip = calloc(1, sizeof *chip);
		chip->part = &bj_parts[i];
		chip->flash = calloc(chip->part->flash.size, 1);
		chip->sram = calloc(chip->part->sram.size, 1);
		return chip;
	}
	return NULL;
}

void fake_bus_destroy(struct chip *chip)
{
	free(chip->flash);
	free(chip->sram);
	free(chip);
}

struct fake_stats *fake_bus_stats(struct chip *chip)
{
	return &chip->stats;
}

uint8_t *fake_bus_sram(struct chip *chip)
{
	return chip->sram;
}

const struct bj_part *chip_part(const struct chip *chip)
{
	return chip->part;
}

static uint8_t *find(struct chip *chip, uint32_t addr, size_t len)
{
	const struct bj_region *f = &chip->part->flash, *s = &chip->part->sram;
	if (addr >= f->base && addr - f->base + len <= f->size)
		return chip->flash + (addr - f->base);
	if (addr >= s->base && addr - s->base + len <= s->size)
		return chip->sram + (addr - s->base);
	return NULL;
}

int chip_mem_read(struct chip *chip, uint32_t addr, void *buf, size_t len)
{
	chip->stats.last_addr = addr;
	chip->stats.last_len = len;
	if (addr == FAKE_PERIPH(chip) && len == 4) {
		uint32_t v = ++chip->periph_reads;
		chip->stats.periph_reads++;
		memcpy(buf, &v, 4);
		chip->stats.reads++;
		return 0;
	}
	uint8_t *p = find(chip, addr, len);
	if (!p) {
		chip->stats.errors++;
		return -1;
	}
	memcpy(buf, p, len);
	chip->stats.reads++;
	return 0;
}

int chip_mem_write(struct chip *chip, uint32_t addr, const void *buf, size_t len)
{
	chip->stats.last_addr = addr;
	chip->stats.last_len = len;
	uint8_t *p = find(chip, addr, len);
	if (!p) {
		chip->stats.errors++;
		return -1;
	}
	memcpy(p, buf, len);
	chip->stats.writes++;
	return 0;
}

void chip_reset(struct chip *chip, enum chip_reset_kind kind, bool halt)
{
	(void)halt;
	chip->stats.resets[kind]++;
}
