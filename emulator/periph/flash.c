/* Flash-array helpers for the FLASH controller models. */
#include <string.h>

#include "flash.h"

bool flash_in_array(const struct periph *p, uint32_t addr, unsigned size)
{
	const struct region *f = &p->chip->flash;
	return addr >= f->base && (uint64_t)addr + size <= (uint64_t)f->base + f->size;
}

bool flash_in_options(const struct periph *p, uint32_t addr, unsigned size)
{
	const struct bj_region *o = &p->chip->part->option_bytes;
	return addr >= o->base && (uint64_t)addr + size <= (uint64_t)o->base + o->size;
}

void flash_write_array(struct periph *p, uint32_t addr, const void *data, uint32_t len)
{
	struct chip *chip = p->chip;
	memcpy(chip->flash.mem + (addr - chip->flash.base), data, len);
	cpu_flush_code(chip, addr, addr + len);
	if (chip->mapped == BOOT_FLASH)
		cpu_flush_code(chip, addr - chip->flash.base, addr - chip->flash.base + len);
}

void flash_erase_array(struct periph *p, uint32_t addr, uint32_t len)
{
	struct chip *chip = p->chip;
	uint32_t erased = chip->part->flash_erased;
	for (uint32_t off = 0; off < len; off += 4)
		memcpy(chip->flash.mem + (addr - chip->flash.base) + off, &erased, 4);
	cpu_flush_code(chip, addr, addr + len);
	if (chip->mapped == BOOT_FLASH)
		cpu_flush_code(chip, addr - chip->flash.base, addr - chip->flash.base + len);
}

bool flash_is_erased(struct periph *p, uint32_t addr, uint32_t len)
{
	const uint8_t *m = p->chip->flash.mem + (addr - p->chip->flash.base);
	uint8_t erased = (uint8_t)p->chip->part->flash_erased;
	for (uint32_t i = 0; i < len; i++)
		if (m[i] != erased)
			return false;
	return true;
}

uint32_t flash_read_word(struct periph *p, uint32_t addr)
{
	uint32_t v;
	memcpy(&v, p->chip->flash.mem + (addr - p->chip->flash.base), 4);
	return v;
}

void flash_key_wrong(struct periph *p, struct flash_keys *k)
{
	k->lockout = true;
	k->step = 0;
	bus_error(p->chip);
}

bool flash_key(struct periph *p, struct flash_keys *k, uint32_t v, uint32_t key1, uint32_t key2)
{
	if (!k->lockout && v == (k->step ? key2 : key1)) {
		k->step = !k->step;
		return k->step == 0;
	}
	flash_key_wrong(p, k);
	return false;
}
