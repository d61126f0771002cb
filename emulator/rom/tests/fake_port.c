/* The fake chip behind the protocol core's host tests (see fake_port.h). */
#include "fake_port.h"

#include <stdlib.h>
#include <string.h>

struct fake_chip fake;

static void map(struct fake_memory *m, uint32_t base, uint32_t size, uint8_t fill)
{
	m->region = (struct bl_region){base, size};
	m->bytes = malloc(size ? size : 1);
	memset(m->bytes, fill, size);
}

void fake_init(const struct bj_part *part)
{
	fake_free();
	memset(&fake, 0, sizeof(fake));
	fake.part = part;
	fake.dev = (struct bl_device){
		.pid = part->bootloader_pid,
		.version = part->bootloader_version,
		.extended_erase = part->bootloader_extended_erase,
		.flash = {part->flash.base, part->flash.size},
		.erase_units = part->n_sectors ? part->n_sectors : part->flash.size / part->page_size,
		.bank2_unit = part->n_banks > 1 ? (part->banks[1].base - part->flash.base) / part->page_size : 0,
		.sram = {part->sram.base, part->sram.size},
		.rw_sram = part->bootloader_rw_sram,
		.bootloader_ram = {part->bootloader_ram.base, part->bootloader_ram.size},
		.system_memory = {part->system_memory.base, part->system_memory.size},
		.option_bytes = {part->option_bytes.base, part->option_bytes.size},
	};
	/* Distinct patterns, so a test sees which memory a read came from. */
	map(&fake.flash, part->flash.base, part->flash.size, 0x5a);
	map(&fake.sram, part->sram.base, part->sram.size, 0x3c);
	map(&fake.system_memory, part->system_memory.base, part->system_memory.size, 0xa5);
	map(&fake.option_bytes, part->option_bytes.base, part->option_bytes.size, 0x96);
}

void fake_free(void)
{
	free(fake.flash.bytes);
	free(fake.sram.bytes);
	free(fake.system_memory.bytes);
	free(fake.option_bytes.bytes);
	fake.flash.bytes = fake.sram.bytes = fake.system_memory.bytes = fake.option_bytes.bytes = NULL;
}

void fake_send(const uint8_t *bytes, size_t len)
{
	if (fake.in_len + len > FAKE_MAX_BYTES)
		abort(); /* a test sends more than the pipe holds: fix the test */
	memcpy(fake.in + fake.in_len, bytes, len);
	fake.in_len += len;
}

void fake_run(bool sync)
{
	if (setjmp(fake.starved))
		return;
	if (sync)
		bl_sync();
	for (;;)
		bl_command(&fake.dev);
}

static struct fake_memory *memory_of(uint32_t addr, uint32_t len)
{
	struct fake_memory *all[] = {&fake.flash, &fake.sram, &fake.system_memory, &fake.option_bytes};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		struct bl_region r = all[i]->region;
		if (addr >= r.base && addr - r.base < r.size && len <= r.size - (addr - r.base))
			return all[i];
	}
	return NULL;
}

uint8_t *fake_mem(uint32_t addr, uint32_t len)
{
	struct fake_memory *m = memory_of(addr, len);

	return m ? m->bytes + (addr - m->region.base) : NULL;
}

uint32_t fake_unit_size(uint32_t unit)
{
	return fake.part->n_sectors ? fake.part->sector_sizes[unit] : fake.part->page_size;
}

uint32_t fake_unit_addr(uint32_t unit)
{
	uint32_t addr = fake.part->flash.base;

	for (uint32_t i = 0; i < unit; i++)
		addr += fake_unit_size(i);
	return addr;
}

/* ---------------------------------------------------------------- protocol.h's port */

static uint8_t next_byte(void)
{
	if (fake.in_pos == fake.in_len && !(fake.refill && fake.refill(&fake) && fake.in_pos < fake.in_len))
		longjmp(fake.starved, 1);
	return fake.in[fake.in_pos++];
}

uint8_t bl_port_sync_byte(void)
{
	return next_byte();
}

uint8_t bl_port_getc(void)
{
	return next_byte();
}

void bl_port_putc(uint8_t byte)
{
	if (fake.out_len == FAKE_MAX_BYTES)
		abort();
	fake.out[fake.out_len++] = byte;
}

void bl_port_read(uint32_t addr, uint8_t *buf, uint32_t len)
{
	uint8_t *src = fake_mem(addr, len);

	if (!src) {
		fake.bad_accesses++;
		memset(buf, 0, len);
		return;
	}
	memcpy(buf, src, len);
}

bool bl_port_flash_program(uint32_t addr, const uint8_t *data, uint32_t len)
{
	uint8_t *dst = fake_mem(addr, len);

	fake.programs++;
	if (memory_of(addr, len) != &fake.flash || addr % 4 || len % 4) {
		fake.bad_accesses++;
		return false;
	}
	if (fake.fail_flash)
		return false;
	memcpy(dst, data, len);
	return true;
}

bool bl_port_flash_erase_page(uint32_t page)
{
	fake.erases++;
	if (page >= fake.dev.erase_units) {
		fake.bad_accesses++;
		return false;
	}
	if (fake.fail_flash)
		return false;
	memset(fake_mem(fake_unit_addr(page), fake_unit_size(page)), (uint8_t)fake.part->flash_erased, fake_unit_size(page));
	return true;
}

void bl_port_sram_write(uint32_t addr, const uint8_t *data, uint32_t len)
{
	uint8_t *dst = fake_mem(addr, len);

	if (memory_of(addr, len) != &fake.sram) {
		fake.bad_accesses++;
		return;
	}
	memcpy(dst, data, len);
}

void bl_port_go(uint32_t addr)
{
	fake.gos++;
	fake.go_addr = addr;
}
