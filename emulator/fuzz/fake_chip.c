/* chip.h on plain arrays for the stub's fuzz target and host tests (see fake_chip.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fake_chip.h"

#define MAX_COMPARATORS 16 /* more than any core of the database has; the tables stop there */
#define XPSR_EXCEPTION (BJ_ARCH_XPSR_EXCEPTION_MASK << BJ_ARCH_XPSR_EXCEPTION_SHIFT)
#define INSN_BKPT 0xbe00u
#define INSN_UDF 0xde00u
#define INSN_WFI 0xbf30u

struct region {
	uint32_t base, size;
	uint8_t *mem;
	bool writable;
};

struct chip {
	const struct bj_part *part;
	struct region regions[3];
	uint32_t regs[CHIP_NREGS];
	enum chip_state state;
	enum chip_halt_reason reason;
	uint64_t instructions;
	uint32_t resets;
	bool catch_exceptions;
	int boot0;
	uint32_t bps[MAX_COMPARATORS];
	unsigned n_bps;
	struct {
		uint32_t addr, len;
		enum chip_wp_kind kind;
	} wps[MAX_COMPARATORS];
	unsigned n_wps;
	chip_access_fn observer;
	void *observer_ctx;
	unsigned wfi_ms;
};

/* The reset value of register `reg` of the part's core block `block`: the comparator counts live
 * in FP_CTRL and DWT_CTRL's reset values (the part database's `cores`), as on the silicon. */
static uint32_t core_reset_value(const struct chip *chip, const char *block, const char *reg)
{
	const struct bj_core_desc *core = &bj_cores[chip->part->core];
	for (unsigned i = 0; i < core->n_blocks; i++) {
		const struct bj_ip *ip = &bj_ips[core->blocks[i].ip];
		for (unsigned r = 0; strcmp(core->blocks[i].name, block) == 0 && r < ip->n_regs; r++)
			if (strcmp(ip->regs[r].name, reg) == 0)
				return ip->regs[r].reset;
	}
	return 0;
}

static struct region *find(struct chip *chip, uint32_t addr, size_t len)
{
	for (int i = 0; i < 3; i++) {
		struct region *r = &chip->regions[i];
		if (addr >= r->base && len <= r->size && addr - r->base <= r->size - len)
			return r;
	}
	return NULL;
}

static void power_on(struct chip *chip)
{
	memset(chip->regions[0].mem, (int)(chip->part->flash_erased & 0xff), chip->regions[0].size);
	memset(chip->regions[1].mem, 0, chip->regions[1].size);
}

struct chip *fake_chip_create(const struct bj_part *part)
{
	struct chip *chip = calloc(1, sizeof *chip);
	const struct bj_region *r[3] = {&part->flash, &part->sram, &part->system_memory};

	chip->part = part;
	for (int i = 0; i < 3; i++)
		chip->regions[i] = (struct region){r[i]->base, r[i]->size, calloc(r[i]->size, 1), i < 2};
	power_on(chip);
	chip_reset(chip, CHIP_RESET_POWER_ON, true);
	chip->resets = 0;
	return chip;
}

void fake_chip_set_wfi_ms(struct chip *chip, unsigned ms)
{
	chip->wfi_ms = ms;
}

void chip_destroy(struct chip *chip)
{
	for (int i = 0; i < 3; i++)
		free(chip->regions[i].mem);
	free(chip);
}

const struct bj_part *chip_part(const struct chip *chip)
{
	return chip->part;
}

static uint16_t fetch(struct chip *chip, uint32_t pc)
{
	uint8_t b[2] = {0, 0};
	struct region *r = find(chip, pc, 2);
	if (r)
		memcpy(b, r->mem + (pc - r->base), 2);
	return (uint16_t)(b[0] | b[1] << 8);
}

static bool is_bp(const struct chip *chip, uint32_t addr)
{
	for (unsigned i = 0; i < chip->n_bps; i++)
		if (chip->bps[i] == addr)
			return true;
	return false;
}

static void halt(struct chip *chip, enum chip_halt_reason reason)
{
	chip->state = CHIP_HALTED;
	chip->reason = reason;
}

enum chip_state chip_step(struct chip *chip)
{
	uint32_t pc = chip->regs[CHIP_PC];
	uint16_t insn = fetch(chip, pc);

	if (chip->state == CHIP_LOCKUP)
		return chip->state;
	if (insn == INSN_BKPT) {
		halt(chip, CHIP_HALT_BKPT);
		return chip->state;
	}
	if (insn == INSN_UDF) {
		if (chip->catch_exceptions) {
			halt(chip, CHIP_HALT_VCATCH);
			return chip->state;
		}
		chip->regs[CHIP_PC] = chip->part->system_memory.base;
		chip->regs[CHIP_XPSR] = (chip->regs[CHIP_XPSR] & ~XPSR_EXCEPTION) |
					(BJ_ARCH_EXC_HARDFAULT << BJ_ARCH_XPSR_EXCEPTION_SHIFT);
		halt(chip, CHIP_HALT_STEP);
		return chip->state;
	}
	if (chip->observer) {
		struct chip_access a = {chip->instructions, pc, 'r', chip->part->sram.base, 4, 0, CHIP_BY_INSN};
		memcpy(&a.value, chip->regions[1].mem, 4);
		chip->observer(chip->observer_ctx, &a);
	}
	if (insn == INSN_WFI && chip->wfi_ms) {
		struct timespec slow = {chip->wfi_ms / 1000, (long)(chip->wfi_ms % 1000) * 1000000l};
		nanosleep(&slow, NULL);
	}
	chip->regs[CHIP_R0] = chip->regs[CHIP_R0] + 1;
	chip->regs[CHIP_PC] = pc + 2;
	chip->instructions++;
	halt(chip, CHIP_HALT_STEP);
	return chip->state;
}

enum chip_state chip_run(struct chip *chip, uint64_t max_instructions)
{
	chip->state = CHIP_RUNNING;
	for (uint64_t i = 0; i < max_instructions && chip->state == CHIP_RUNNING; i++) {
		chip_step(chip);
		if (chip->reason == CHIP_HALT_STEP)
			chip->state = CHIP_RUNNING;
		if (chip->state == CHIP_RUNNING && is_bp(chip, chip->regs[CHIP_PC]))
			halt(chip, CHIP_HALT_BREAKPOINT);
	}
	return chip->state;
}

void chip_halt(struct chip *chip)
{
	if (chip->state == CHIP_RUNNING || chip->state == CHIP_SLEEPING)
		halt(chip, CHIP_HALT_REQUEST);
}

void chip_resume(struct chip *chip)
{
	if (chip->state == CHIP_HALTED) {
		chip->state = CHIP_RUNNING;
		chip->reason = CHIP_HALT_NONE;
	}
}

enum chip_state chip_state(const struct chip *chip)
{
	return chip->state;
}

enum chip_halt_reason chip_halt_reason(const struct chip *chip)
{
	return chip->reason;
}

bool chip_watch_hit(const struct chip *chip, uint32_t *addr, int *kind)
{
	if (chip->reason != CHIP_HALT_WATCHPOINT || chip->n_wps == 0)
		return false;
	*addr = chip->wps[0].addr;
	*kind = (int)chip->wps[0].kind;
	return true;
}

void chip_reset(struct chip *chip, enum chip_reset_kind kind, bool halt_at_reset)
{
	if (kind == CHIP_RESET_POWER_ON) {
		power_on(chip);
		chip->instructions = 0;
		chip->n_bps = chip->n_wps = 0; /* the debug logic is reset too */
	}
	memset(chip->regs, 0, sizeof chip->regs);
	chip->regs[CHIP_PC] = chip->part->flash.base;
	chip->regs[CHIP_SP] = chip->regs[CHIP_MSP] = chip->part->sram.base + chip->part->sram.size;
	chip->regs[CHIP_XPSR] = BJ_ARCH_XPSR_T;
	chip->resets++;
	if (halt_at_reset)
		halt(chip, CHIP_HALT_VCATCH);
	else
		chip->state = CHIP_RUNNING;
}

uint64_t chip_instructions(const struct chip *chip)
{
	return chip->instructions;
}

uint32_t chip_reg_read(struct chip *chip, enum chip_reg reg)
{
	return reg < CHIP_NREGS ? chip->regs[reg] : 0;
}

void chip_reg_write(struct chip *chip, enum chip_reg reg, uint32_t value)
{
	if (reg < CHIP_NREGS)
		chip->regs[reg] = reg == CHIP_PC ? value & ~1u : value;
}

int chip_mem_read(struct chip *chip, uint32_t addr, void *buf, size_t len)
{
	struct region *r = find(chip, addr, len);
	if (!r)
		return -1;
	memcpy(buf, r->mem + (addr - r->base), len);
	return 0;
}

int chip_mem_write(struct chip *chip, uint32_t addr, const void *buf, size_t len)
{
	struct region *r = find(chip, addr, len);
	if (!r || !r->writable || r == &chip->regions[0])
		return -1; /* flash is written through the flash interface only */
	memcpy(r->mem + (addr - r->base), buf, len);
	return 0;
}

int chip_flash_erase(struct chip *chip, uint32_t addr, uint32_t len)
{
	struct region *f = &chip->regions[0];
	uint32_t page = chip->part->page_size;
	if (find(chip, addr, len) != f || (addr - f->base) % page || len % page)
		return -1;
	memset(f->mem + (addr - f->base), (int)(chip->part->flash_erased & 0xff), len);
	return 0;
}

int chip_flash_program(struct chip *chip, uint32_t addr, const void *buf, uint32_t len)
{
	struct region *f = &chip->regions[0];
	uint32_t unit = chip->part->program_bytes;
	if (find(chip, addr, len) != f || (addr - f->base) % unit || len % unit)
		return -1;
	memcpy(f->mem + (addr - f->base), buf, len);
	return 0;
}

unsigned chip_bp_slots(const struct chip *chip)
{
	uint32_t ctrl = core_reset_value(chip, "FP", "CTRL");
	/* NUM_CODE2 holds the bits above NUM_CODE1's. */
	return (ctrl >> BJ_CORE_FP_CTRL_NUM_CODE1_SHIFT & BJ_CORE_FP_CTRL_NUM_CODE1_MASK) +
	       (ctrl >> BJ_CORE_FP_CTRL_NUM_CODE2_SHIFT & BJ_CORE_FP_CTRL_NUM_CODE2_MASK) * (BJ_CORE_FP_CTRL_NUM_CODE1_MASK + 1);
}

unsigned chip_wp_slots(const struct chip *chip)
{
	return core_reset_value(chip, "DWT", "CTRL") >> BJ_CORE_DWT_CTRL_NUMCOMP_SHIFT & BJ_CORE_DWT_CTRL_NUMCOMP_MASK;
}

int chip_bp_add(struct chip *chip, uint32_t addr)
{
	if (chip->n_bps >= chip_bp_slots(chip) || chip->n_bps == MAX_COMPARATORS)
		return -1;
	chip->bps[chip->n_bps++] = addr;
	return 0;
}

int chip_bp_remove(struct chip *chip, uint32_t addr)
{
	for (unsigned i = 0; i < chip->n_bps; i++)
		if (chip->bps[i] == addr) {
			chip->bps[i] = chip->bps[--chip->n_bps];
			return 0;
		}
	return -1;
}

int chip_wp_add(struct chip *chip, uint32_t addr, uint32_t len, enum chip_wp_kind kind)
{
	if (chip->n_wps >= chip_wp_slots(chip) || chip->n_wps == MAX_COMPARATORS)
		return -1;
	chip->wps[chip->n_wps].addr = addr;
	chip->wps[chip->n_wps].len = len;
	chip->wps[chip->n_wps].kind = kind;
	chip->n_wps++;
	return 0;
}

int chip_wp_remove(struct chip *chip, uint32_t addr, uint32_t len, enum chip_wp_kind kind)
{
	for (unsigned i = 0; i < chip->n_wps; i++)
		if (chip->wps[i].addr == addr && chip->wps[i].len == len && chip->wps[i].kind == kind) {
			chip->wps[i] = chip->wps[--chip->n_wps];
			return 0;
		}
	return -1;
}

void chip_set_access_observer(struct chip *chip, chip_access_fn fn, void *ctx)
{
	chip->observer = fn;
	chip->observer_ctx = ctx;
}

void chip_set_boot0(struct chip *chip, int level)
{
	chip->boot0 = level;
}

void chip_describe(struct chip *chip, char *buf, size_t len)
{
	snprintf(buf, len, "fake %s, PC 0x%08x, BOOT0 %d, %llu instructions", chip->part->name,
		 chip->regs[CHIP_PC], chip->boot0, (unsigned long long)chip->instructions);
}

void chip_set_exception_catch(struct chip *chip, bool on)
{
	chip->catch_exceptions = on;
}

uint32_t chip_reset_count(const struct chip *chip)
{
	return chip->resets;
}
