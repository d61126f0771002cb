/* The part's memory map on unicorn, and the system bus as the debug port and the exception
 * logic use it.
 *
 * Flash, SRAM and system memory are host buffers mapped with uc_mem_map_ptr, so instructions
 * run from them at full speed. Flash and system memory are read-only to unicorn: a CPU store
 * there raises UC_HOOK_MEM_WRITE_PROT and the FLASH controller model decides what it does (the
 * store itself is discarded), so nothing writes the flash array without the controller's
 * sequence. The boot alias at 0 maps the same buffer as the memory it shows. Peripherals, the
 * data EEPROM, the option-byte/ID pages and the private peripheral bus are MMIO callbacks.
 */
#include <stdlib.h>
#include <string.h>

#include "chip_internal.h"
#include "periph/periph.h"

#define PAGE 1024u

static uint32_t page_round(uint32_t n)
{
	return (n + PAGE - 1) / PAGE * PAGE;
}

static bool in(const struct region *r, uint32_t addr, uint32_t len)
{
	return r->size && addr >= r->base && (uint64_t)addr + len <= (uint64_t)r->base + r->size;
}

/* The architecture's Private Peripheral Bus and Peripheral region (part database). */
static bool in_ppb(const struct chip *chip, uint32_t addr)
{
	const struct bj_region *ppb = &chip->core.desc->ppb;
	return addr >= ppb->base && addr - ppb->base < ppb->size;
}

static bool in_peripheral_region(const struct chip *chip, uint32_t addr)
{
	const struct bj_region *r = &chip->core.desc->peripheral;
	return addr >= r->base && addr - r->base < r->size;
}

static const struct region *alias_target(const struct chip *chip)
{
	switch (chip->mapped) {
	case BOOT_SYSTEM:
		return &chip->sysmem;
	case BOOT_SRAM:
		return &chip->sram;
	default:
		return &chip->flash;
	}
}

/* The address the alias at 0 stands for, or addr itself. */
static uint32_t unalias(const struct chip *chip, uint32_t addr)
{
	if (addr < chip->alias_size)
		return alias_target(chip)->base + addr;
	return addr;
}

uint8_t *bus_mem(struct chip *chip, uint32_t addr, uint32_t len)
{
	addr = unalias(chip, addr);
	struct region *rs[] = {&chip->flash, &chip->sram, &chip->sysmem, &chip->eeprom};
	for (unsigned i = 0; i < 4; i++)
		if (in(rs[i], addr, len))
			return rs[i]->mem + (addr - rs[i]->base);
	return NULL;
}

bool bus_peek(struct chip *chip, uint32_t addr, void *buf, uint32_t len)
{
	uint8_t *m = bus_mem(chip, addr, len);
	if (m)
		memcpy(buf, m, len);
	return m != NULL;
}

void bus_error(struct chip *chip)
{
	chip->bus_error = true;
}

/* ------------------------------------------------------------------ unmodelled accesses */

void bus_unmodelled(struct chip *chip, uint32_t addr, char op)
{
	for (unsigned i = 0; i < chip->n_unmodelled_seen; i++)
		if (chip->unmodelled_seen[i] == addr)
			return;
	if (chip->n_unmodelled_seen == chip->cap_unmodelled_seen) {
		unsigned cap = chip->cap_unmodelled_seen ? 2 * chip->cap_unmodelled_seen : 32;
		uint32_t *p = realloc(chip->unmodelled_seen, cap * sizeof(*p));
		if (!p)
			return;
		chip->unmodelled_seen = p;
		chip->cap_unmodelled_seen = cap;
	}
	chip->unmodelled_seen[chip->n_unmodelled_seen++] = addr;
	struct periph *p = chip_periph_at(chip, addr);
	if (p)
		chip_warn(chip, "unmodelled register %s+0x%03x (0x%08x) %s at pc 0x%08x: reads 0, writes are ignored",
			  p->desc->name, addr - p->desc->base, addr, op == 'r' ? "read" : "written", chip->cur_pc);
	else
		chip_warn(chip, "unmodelled address 0x%08x %s at pc 0x%08x: reads 0, writes are ignored", addr,
			  op == 'r' ? "read" : "written", chip->cur_pc);
	chip_log_event(chip, "\"event\": \"unmodelled\", \"addr\": \"0x%08x\", \"op\": \"%c\"", addr, op);
}

struct unmodelled_page {
	struct chip *chip;
	uint32_t base;
	struct unmodelled_page *next;
};

static uint64_t unmodelled_read(uc_engine *uc, uint64_t off, unsigned size, void *user)
{
	struct unmodelled_page *page = user;
	(void)uc;
	(void)size;
	bus_unmodelled(page->chip, page->base + (uint32_t)off, 'r');
	return 0;
}

static void unmodelled_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t value, void *user)
{
	struct unmodelled_page *page = user;
	(void)uc, (void)size, (void)value;
	bus_unmodelled(page->chip, page->base + (uint32_t)off, 'w');
}

bool bus_map_unmodelled_page(struct chip *chip, uint32_t addr)
{
	if (!in_peripheral_region(chip, addr))
		return false;
	struct unmodelled_page *page = malloc(sizeof(*page));
	if (!page)
		return false;
	*page = (struct unmodelled_page){chip, addr & ~(PAGE - 1), chip->unmodelled_pages};
	if (uc_mmio_map(chip->uc, page->base, PAGE, unmodelled_read, page, unmodelled_write, page) != UC_ERR_OK) {
		free(page);
		return false;
	}
	chip->unmodelled_pages = page;
	return true;
}

/* ------------------------------------------------------------------ option bytes, flash size, unique ID */

/* RM0377 §28.2 and each family's "Device electronic signature": a 96-bit unique ID. Ours is
 * made from the DEV_ID so that it is stable and differs between parts. */
static uint32_t uid_word(const struct chip *chip, unsigned i)
{
	return 0x424a0000u + chip->part->dev_id * 0x101u + i;
}

static uint32_t info_byte(struct chip *chip, uint32_t addr, bool *ok)
{
	const struct bj_part *part = chip->part;
	*ok = true;
	if (addr >= part->option_bytes.base && addr < part->option_bytes.base + part->option_bytes.size) {
		uint32_t w = chip->flashc->model->flash->option_read(chip->flashc, addr & ~3u);
		return (w >> (8 * (addr & 3))) & 0xff;
	}
	if (addr >= part->unique_id && addr < part->unique_id + 12)
		return (uid_word(chip, (addr - part->unique_id) / 4) >> (8 * (addr & 3))) & 0xff;
	if (addr >= part->flash_size_register && addr < part->flash_size_register + 2)
		return ((part->flash.size / 1024) >> (8 * (addr - part->flash_size_register))) & 0xff;
	*ok = false;
	return 0;
}

static uint32_t info_read(struct chip *chip, uint32_t addr, unsigned size)
{
	uint32_t v = 0;
	bool any = false;
	for (unsigned i = 0; i < size; i++) {
		bool b;
		v |= info_byte(chip, addr + i, &b) << (8 * i);
		any |= b;
	}
	if (!any)
		bus_unmodelled(chip, addr, 'r');
	return v;
}

static void info_write(struct chip *chip, uint32_t addr, unsigned size, uint32_t value)
{
	const struct bj_part *part = chip->part;
	if (addr >= part->option_bytes.base && addr < part->option_bytes.base + part->option_bytes.size)
		chip->flashc->model->flash->mem_write(chip->flashc, addr, size, value);
	else
		bus_error(chip); /* the ID words are read-only */
}

static uint64_t info_mmio_read(uc_engine *uc, uint64_t off, unsigned size, void *user);
static void info_mmio_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t value, void *user);

/* ------------------------------------------------------------------ dispatch by address */

static bool in_info_page(const struct chip *chip, uint32_t addr)
{
	const struct bj_part *part = chip->part;
	uint32_t pages[3] = {part->option_bytes.base, part->unique_id, part->flash_size_register};
	for (unsigned i = 0; i < 3; i++)
		if (pages[i] && (addr & ~(PAGE - 1)) == (pages[i] & ~(PAGE - 1)) && !in(&chip->sysmem, addr, 1))
			return true;
	return false;
}

struct periph *chip_periph_at(struct chip *chip, uint32_t addr)
{
	for (unsigned i = 0; i < chip->n_periphs; i++) {
		struct periph *p = &chip->periphs[i];
		if (addr >= p->desc->base && addr - p->desc->base < p->span)
			return p;
	}
	return NULL;
}

/* The private peripheral bus: the core's own blocks, then the part's (DBGMCU on M3/M4). */
static uint32_t ppb_read(struct chip *chip, uint32_t addr, unsigned size, bool *ok)
{
	struct core_reg r;
	*ok = true;
	if (core_reg_at(chip, addr & ~3u, &r))
		return scs_read(chip, &r, addr, size, ok);
	struct periph *p = chip_periph_at(chip, addr);
	if (p)
		return periph_access_read(p, addr - p->desc->base, size);
	*ok = false;
	return 0;
}

static void ppb_write(struct chip *chip, uint32_t addr, unsigned size, uint32_t value, bool *ok)
{
	struct core_reg r;
	*ok = true;
	if (core_reg_at(chip, addr & ~3u, &r)) {
		scs_write(chip, &r, addr, value, size, ok);
		return;
	}
	struct periph *p = chip_periph_at(chip, addr);
	if (p) {
		periph_access_write(p, addr - p->desc->base, value, size);
		return;
	}
	*ok = false;
}

/* ------------------------------------------------------------------ unicorn MMIO callbacks
 * They run inside uc_emu_start for CPU accesses. A refused access becomes a precise fault: the
 * exception entry writes the PC, and unicorn leaves the block right after the memory operation,
 * before the load's destination register is written. */

static void cpu_access_done(struct chip *chip, uint32_t addr)
{
	if (chip->bus_error) {
		chip->bus_error = false;
		cpu_unretire(chip);
		exc_fault(chip, FAULT_BUS_DATA, chip->cur_pc, addr);
	}
	cpu_attention(chip);
}

static uint64_t periph_mmio_read(uc_engine *uc, uint64_t off, unsigned size, void *user)
{
	struct periph *p = user;
	(void)uc;
	uint32_t v = periph_access_read(p, (uint32_t)off, size);
	cpu_access_done(p->chip, p->desc->base + (uint32_t)off);
	return v;
}

static void periph_mmio_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t value, void *user)
{
	struct periph *p = user;
	(void)uc;
	periph_access_write(p, (uint32_t)off, (uint32_t)value, size);
	cpu_access_done(p->chip, p->desc->base + (uint32_t)off);
}

static uint64_t ppb_mmio_read(uc_engine *uc, uint64_t off, unsigned size, void *user)
{
	struct chip *chip = user;
	bool ok;
	(void)uc;
	uint32_t addr = chip->core.desc->ppb.base + (uint32_t)off;
	uint32_t v = ppb_read(chip, addr, size, &ok);
	if (!ok)
		bus_unmodelled(chip, addr, 'r'); /* reserved PPB space reads as zero */
	cpu_access_done(chip, addr);
	return v;
}

static void ppb_mmio_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t value, void *user)
{
	struct chip *chip = user;
	bool ok;
	(void)uc;
	uint32_t addr = chip->core.desc->ppb.base + (uint32_t)off;
	ppb_write(chip, addr, size, (uint32_t)value, &ok);
	if (!ok)
		bus_unmodelled(chip, addr, 'w');
	cpu_access_done(chip, addr);
}

static uint64_t eeprom_mmio_read(uc_engine *uc, uint64_t off, unsigned size, void *user)
{
	struct chip *chip = user;
	(void)uc;
	uint32_t v = 0;
	if (off + size <= chip->eeprom.size)
		memcpy(&v, chip->eeprom.mem + off, size);
	return v;
}

static void eeprom_mmio_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t value, void *user)
{
	struct chip *chip = user;
	(void)uc;
	uint32_t addr = chip->eeprom.base + (uint32_t)off;
	chip->flashc->model->flash->mem_write(chip->flashc, addr, size, (uint32_t)value);
	cpu_access_done(chip, addr);
}

static uint64_t info_mmio_read(uc_engine *uc, uint64_t off, unsigned size, void *user)
{
	struct region *page = user;
	struct chip *chip = (struct chip *)page->mem;
	(void)uc;
	uint32_t v = info_read(chip, page->base + (uint32_t)off, size);
	cpu_access_done(chip, page->base + (uint32_t)off);
	return v;
}

static void info_mmio_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t value, void *user)
{
	struct region *page = user;
	struct chip *chip = (struct chip *)page->mem;
	(void)uc;
	info_write(chip, page->base + (uint32_t)off, size, (uint32_t)value);
	cpu_access_done(chip, page->base + (uint32_t)off);
}

bool bus_cpu_write_readonly(struct chip *chip, uint32_t addr, unsigned size, uint32_t value)
{
	uint32_t real = unalias(chip, addr);
	if (!in(&chip->flash, real, size))
		return false; /* system memory is ROM */
	chip->flashc->model->flash->mem_write(chip->flashc, real, size, value);
	bool ok = !chip->bus_error;
	chip->bus_error = false;
	cpu_attention(chip);
	return ok;
}

/* ------------------------------------------------------------------ system and debug-port accesses */

bool bus_read(struct chip *chip, uint32_t addr, unsigned size, uint32_t *value, enum bus_origin origin)
{
	uint32_t v = 0;
	bool ok = true;
	uint8_t *m = bus_mem(chip, addr, size);
	if (m) {
		memcpy(&v, m, size);
	} else if (in_ppb(chip, addr)) {
		v = ppb_read(chip, addr, size, &ok);
		if (!ok && origin == BUS_DEBUG) {
			ok = true; /* reserved debug space reads as zero to a probe, as OpenOCD expects */
			v = 0;
		}
	} else if (in_info_page(chip, addr)) {
		v = info_read(chip, addr, size);
	} else {
		struct periph *p = chip_periph_at(chip, addr);
		if (p)
			v = periph_access_read(p, addr - p->desc->base, size);
		else
			ok = false;
	}
	if (chip->bus_error) {
		chip->bus_error = false;
		ok = false;
	}
	*value = v;
	if (ok && origin == BUS_EXCEPTION)
		chip_log_access(chip, 'r', addr, size, v, CHIP_BY_EXCEPTION);
	return ok;
}

bool bus_write(struct chip *chip, uint32_t addr, unsigned size, uint32_t value, enum bus_origin origin)
{
	bool ok = true;
	uint32_t real = unalias(chip, addr);
	if (in(&chip->sram, real, size)) {
		memcpy(chip->sram.mem + (real - chip->sram.base), &value, size);
		/* A debugger loading code into SRAM (OpenOCD's flash loaders and CRC algorithm, all at
		 * the work area) must not run the translation of what was there before: unicorn only
		 * notices stores made by the guest itself. */
		if (origin == BUS_DEBUG && real != addr)
			cpu_flush_code(chip, addr, addr + size);
		if (origin == BUS_DEBUG)
			cpu_flush_code(chip, real, real + size);
	} else if (in(&chip->flash, real, size) || in(&chip->eeprom, real, size)) {
		chip->flashc->model->flash->mem_write(chip->flashc, real, size, value);
	} else if (in(&chip->sysmem, real, size)) {
		ok = false;
	} else if (in_ppb(chip, addr)) {
		ppb_write(chip, addr, size, value, &ok);
		ok = ok || origin == BUS_DEBUG;
	} else if (in_info_page(chip, addr)) {
		info_write(chip, addr, size, value);
	} else {
		struct periph *p = chip_periph_at(chip, addr);
		if (p)
			periph_access_write(p, addr - p->desc->base, value, size);
		else
			ok = false;
	}
	if (chip->bus_error) {
		chip->bus_error = false;
		ok = false;
	}
	if (ok && origin == BUS_EXCEPTION)
		chip_log_access(chip, 'w', addr, size, value, CHIP_BY_EXCEPTION);
	cpu_attention(chip);
	return ok;
}

/* ------------------------------------------------------------------ mapping */

static bool alloc_region(struct region *r, struct bj_region from, uint8_t fill, char *err, size_t errlen)
{
	r->base = from.base;
	r->size = from.size;
	if (!r->size)
		return true;
	r->mem = aligned_alloc(PAGE, page_round(r->size));
	if (!r->mem) {
		snprintf(err, errlen, "out of memory for a %u-byte region", r->size);
		return false;
	}
	memset(r->mem, fill, page_round(r->size));
	return true;
}

static bool map_ptr(struct chip *chip, uint32_t base, struct region *r, uint32_t perms, char *err, size_t errlen)
{
	uc_err e = uc_mem_map_ptr(chip->uc, base, page_round(r->size), UC_PROT_ALL, r->mem);
	/* Read-only regions are made so with uc_mem_protect: only that marks the pages read-only
	 * to the translated code, so that stores reach UC_HOOK_MEM_WRITE_PROT. */
	if (e == UC_ERR_OK && perms != UC_PROT_ALL)
		e = uc_mem_protect(chip->uc, base, page_round(r->size), perms);
	if (e != UC_ERR_OK) {
		snprintf(err, errlen, "cannot map 0x%08x..0x%08x: %s", base, base + r->size - 1, uc_strerror(e));
		return false;
	}
	return true;
}

static uint32_t alias_perms(enum boot_target t)
{
	return t == BOOT_SRAM ? UC_PROT_ALL : UC_PROT_READ | UC_PROT_EXEC;
}

void bus_remap(struct chip *chip, enum boot_target target)
{
	if (chip->alias_size && target == chip->mapped)
		return;
	if (chip->alias_size)
		uc_mem_unmap(chip->uc, 0, chip->alias_size);
	chip->mapped = target;
	struct region *r = (struct region *)alias_target(chip);
	char err[128];
	chip->alias_size = page_round(r->size);
	if (!map_ptr(chip, 0, r, alias_perms(target), err, sizeof(err))) {
		chip_warn(chip, "boot alias: %s", err);
		chip->alias_size = 0;
	}
	/* Blocks translated from the old alias content must not run again. */
	cpu_flush_code(chip, chip->core.desc->code.base, chip->core.desc->code.base + chip->core.desc->code.size);
}

void bus_flush_code(struct chip *chip)
{
	/* uc_ctl_remove_cache turns its start address into the RAM block behind it and drops the
	 * blocks of that many bytes from there: one call per mapping, never across two. */
	const struct region *rs[] = {&chip->flash, &chip->sram, &chip->sysmem};
	for (unsigned i = 0; i < sizeof(rs) / sizeof(rs[0]); i++)
		cpu_flush_code(chip, rs[i]->base, rs[i]->base + page_round(rs[i]->size));
	if (chip->alias_size)
		cpu_flush_code(chip, 0, chip->alias_size);
}

static bool map_info_pages(struct chip *chip, char *err, size_t errlen)
{
	const struct bj_part *part = chip->part;
	uint32_t want[3] = {part->option_bytes.base, part->unique_id, part->flash_size_register};
	unsigned n = 0;
	for (unsigned i = 0; i < 3; i++) {
		uint32_t page = want[i] & ~(PAGE - 1);
		if (!want[i] || in(&chip->sysmem, want[i], 1))
			continue;
		bool dup = false;
		for (unsigned j = 0; j < n; j++)
			dup |= chip->info_pages[j].base == page;
		if (dup)
			continue;
		struct region *r = &chip->info_pages[n++];
		r->base = page;
		r->size = PAGE;
		r->mem = (uint8_t *)chip; /* the callbacks' way back to the chip */
		if (uc_mmio_map(chip->uc, page, PAGE, info_mmio_read, r, info_mmio_write, r) != UC_ERR_OK) {
			snprintf(err, errlen, "cannot map the option-byte page 0x%08x", page);
			return false;
		}
	}
	return true;
}

/* Where the ID words fall inside system memory (F0, F1), they are part of the ROM image as on
 * silicon: write them over whatever the image had there. */
void bus_patch_sysmem_ids(struct chip *chip)
{
	const struct bj_part *part = chip->part;
	if (in(&chip->sysmem, part->unique_id, 12))
		for (unsigned i = 0; i < 3; i++) {
			uint32_t w = uid_word(chip, i);
			memcpy(chip->sysmem.mem + part->unique_id - chip->sysmem.base + 4 * i, &w, 4);
		}
	if (in(&chip->sysmem, part->flash_size_register, 2)) {
		uint16_t kb = (uint16_t)(part->flash.size / 1024);
		memcpy(chip->sysmem.mem + part->flash_size_register - chip->sysmem.base, &kb, 2);
	}
}

bool bus_map(struct chip *chip, char *err, size_t errlen)
{
	const struct bj_part *part = chip->part;
	uint8_t erased = (uint8_t)part->flash_erased;
	if (!alloc_region(&chip->flash, part->flash, erased, err, errlen) ||
	    !alloc_region(&chip->sram, part->sram, 0, err, errlen) ||
	    !alloc_region(&chip->sysmem, part->system_memory, 0xff, err, errlen) ||
	    !alloc_region(&chip->eeprom, part->eeprom, erased, err, errlen))
		return false;
	if (!map_ptr(chip, part->flash.base, &chip->flash, UC_PROT_READ | UC_PROT_EXEC, err, errlen) ||
	    !map_ptr(chip, part->sram.base, &chip->sram, UC_PROT_ALL, err, errlen) ||
	    !map_ptr(chip, part->system_memory.base, &chip->sysmem, UC_PROT_READ | UC_PROT_EXEC, err, errlen))
		return false;
	if (chip->eeprom.size &&
	    uc_mmio_map(chip->uc, chip->eeprom.base, page_round(chip->eeprom.size), eeprom_mmio_read, chip, eeprom_mmio_write, chip) != UC_ERR_OK) {
		snprintf(err, errlen, "cannot map the data EEPROM at 0x%08x", chip->eeprom.base);
		return false;
	}
	if (!map_info_pages(chip, err, errlen))
		return false;
	for (unsigned i = 0; i < chip->n_periphs; i++) {
		struct periph *p = &chip->periphs[i];
		if (in_ppb(chip, p->desc->base))
			continue; /* DBGMCU on the M3/M4 parts sits on the private peripheral bus */
		if (uc_mmio_map(chip->uc, p->desc->base, p->span, periph_mmio_read, p, periph_mmio_write, p) != UC_ERR_OK) {
			snprintf(err, errlen, "cannot map %s at 0x%08x (overlaps another block?)", p->desc->name, p->desc->base);
			return false;
		}
	}
	const struct bj_region *ppb = &chip->core.desc->ppb;
	if (uc_mmio_map(chip->uc, ppb->base, ppb->size, ppb_mmio_read, chip, ppb_mmio_write, chip) != UC_ERR_OK) {
		snprintf(err, errlen, "cannot map the private peripheral bus");
		return false;
	}
	chip->mapped = BOOT_FLASH;
	chip->alias_size = 0;
	bus_remap(chip, BOOT_FLASH);
	return true;
}

void bus_unmap(struct chip *chip)
{
	free(chip->flash.mem);
	free(chip->sram.mem);
	free(chip->sysmem.mem);
	free(chip->eeprom.mem);
	free(chip->unmodelled_seen);
	while (chip->unmodelled_pages) {
		struct unmodelled_page *next = chip->unmodelled_pages->next;
		free(chip->unmodelled_pages);
		chip->unmodelled_pages = next;
	}
}
