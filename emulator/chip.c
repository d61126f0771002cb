/* chip.h: creating the chip, resets and the boot source, the run/step/halt API, registers and
 * memory as a debug probe sees them. */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "accesslog.h"
#include "chip_internal.h"
#include "image.h"
#include "periph/periph.h"
#include "periph/usart.h"

/* ------------------------------------------------------------------ messages and the access log */

void chip_warn(struct chip *chip, const char *fmt, ...)
{
	va_list ap;
	(void)chip;
	fputs("bootjump-emu: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void chip_log_event(struct chip *chip, const char *fmt, ...)
{
	if (!chip->log)
		return;
	va_list ap;
	va_start(ap, fmt);
	access_log_event(chip->log, chip->insns, fmt, ap);
	va_end(ap);
}

void chip_log_access(struct chip *chip, char op, uint32_t addr, unsigned size, uint32_t value, enum chip_access_by by)
{
	if (!chip->log && !chip->observer)
		return;
	struct chip_access a = {
		.step = by == CHIP_BY_INSN && chip->insns ? chip->insns - 1 : chip->insns,
		.pc = chip->cur_pc,
		.op = op,
		.addr = addr,
		.size = (uint8_t)size,
		.value = value,
		.by = by,
	};
	if (chip->log)
		access_log_access(chip->log, &a);
	if (chip->observer)
		chip->observer(chip->observer_ctx, &a);
}

void chip_set_access_observer(struct chip *chip, chip_access_fn fn, void *ctx)
{
	chip->observer = fn;
	chip->observer_ctx = ctx;
	cpu_set_tracing(chip);
}

/* ------------------------------------------------------------------ registers of other blocks */

uint32_t chip_reg_value(struct chip *chip, uint32_t reg)
{
	struct periph *p = chip_periph_at(chip, reg);
	if (!p)
		return 0;
	return p->regs[(reg - p->desc->base) / 4];
}

bool chip_bit(struct chip *chip, struct bj_bitref bit)
{
	return bit.reg && (chip_reg_value(chip, bit.reg) & bit.mask);
}

/* ------------------------------------------------------------------ boot source */

/* AN2606 Table 2 (boot patterns) read through the part's `boot` data: BOOT0 comes from the pin
 * or an option bit as BOOT_SEL / nBOOT_SEL / nSWBOOT0 say; BOOT0 = 0 boots flash unless the
 * flash is empty (empty check or G0 EMPTY flag) or BFB2 asks for the ROM's bank check; BOOT0 =
 * 1 boots system memory with nBOOT1 = 1 and SRAM with nBOOT1 = 0. */
static enum boot_target select_boot(struct chip *chip)
{
	const struct bj_part *part = chip->part;
	int boot0 = chip->boot0;
	bool nboot0_bit = chip_bit(chip, part->opt_nboot0);
	if (part->opt_boot_sel.reg && !chip_bit(chip, part->opt_boot_sel))
		boot0 = !nboot0_bit;
	if (part->opt_nboot_sel.reg && chip_bit(chip, part->opt_nboot_sel))
		boot0 = !nboot0_bit;
	if (part->opt_nswboot0.reg && !chip_bit(chip, part->opt_nswboot0))
		boot0 = !nboot0_bit;
	bool nboot1 = part->opt_nboot1.reg ? chip_bit(chip, part->opt_nboot1) : true;
	if (boot0)
		return nboot1 ? BOOT_SYSTEM : BOOT_SRAM;
	/* A latched empty flag (G0 EMPTY, L4 PEMPTY) decides when the part has one; otherwise the
	 * first flash word is checked at each reset. */
	if (part->empty_flag.reg) {
		if (chip_bit(chip, part->empty_flag))
			return BOOT_SYSTEM;
	} else if (part->empty_check_at_reset) {
		uint32_t first;
		memcpy(&first, chip->flash.mem, 4);
		if (first == part->flash_erased)
			return BOOT_SYSTEM;
	}
	if (part->opt_bfb2.reg && chip_bit(chip, part->opt_bfb2))
		return BOOT_SYSTEM;
	return BOOT_FLASH;
}

static const char *boot_name(enum boot_target t)
{
	return t == BOOT_SYSTEM ? "system memory" : t == BOOT_SRAM ? "SRAM" : "flash";
}

/* ------------------------------------------------------------------ reset */

static const char *reset_name(enum chip_reset_kind kind)
{
	static const char *const names[] = {
		[CHIP_RESET_POWER_ON] = "power-on", [CHIP_RESET_SYSTEM] = "system",
		[CHIP_RESET_PIN] = "pin", [CHIP_RESET_IWDG] = "iwdg", [CHIP_RESET_OPTION_LOAD] = "option-load",
	};
	return names[kind];
}

static void core_reset(struct chip *chip)
{
	static const int zeroed[] = {
		UC_ARM_REG_R0, UC_ARM_REG_R1, UC_ARM_REG_R2, UC_ARM_REG_R3, UC_ARM_REG_R4, UC_ARM_REG_R5, UC_ARM_REG_R6,
		UC_ARM_REG_R7, UC_ARM_REG_R8, UC_ARM_REG_R9, UC_ARM_REG_R10, UC_ARM_REG_R11, UC_ARM_REG_R12,
	};
	for (unsigned i = 0; i < sizeof(zeroed) / sizeof(zeroed[0]); i++)
		cpu_set_reg(chip, zeroed[i], 0);
	/* DDI0419 §B1.5.5 TakeReset: MSP from vector 0, PC from vector 1, LR = 0xFFFFFFFF,
	 * Thread mode, privileged, main stack, PRIMASK clear, EPSR.T from the vector's bit 0. */
	uint32_t sp = 0, pc = 0;
	bool ok = bus_read(chip, 0, 4, &sp, BUS_EXCEPTION) && bus_read(chip, 4, 4, &pc, BUS_EXCEPTION);
	struct cpu_sys s = {.xpsr = (pc & 1) ? BJ_ARCH_XPSR_T : 0, .msp = sp & ~3u};
	cpu_sys_set(chip, &s);
	cpu_set_reg(chip, UC_ARM_REG_LR, BJ_ARCH_RESET_LR);
	cpu_set_reg(chip, UC_ARM_REG_PC, pc);
	chip->cur_pc = pc & ~1u;
	if (!ok)
		exc_lockup(chip, "bus error reading the reset vector");
}

void chip_do_reset(struct chip *chip, enum chip_reset_kind kind)
{
	uint64_t now_ns = kind == CHIP_RESET_POWER_ON ? 0 : tb_ns(chip); /* time runs on through a system reset */
	if (kind == CHIP_RESET_POWER_ON) {
		chip->insns = 0;
		chip->sleep_cycles = 0;
		memset(chip->sram.mem, 0, chip->sram.size);
		debug_power_on(chip);
	} else {
		debug_system_reset(chip);
	}
	chip_log_event(chip, "\"event\": \"reset\", \"kind\": \"%s\"", reset_name(kind));
	chip->reset_count++;
	chip->deferred_exc = 0;
	chip->reset_pending = false;
	chip->halt_request = false;
	chip->locked_up = false;
	chip->lockup_reported = false;
	chip->pend_check = false;
	chip->masked_pending = false;
	chip->state = CHIP_RUNNING;
	chip->halt_reason = CHIP_HALT_NONE;
	tb_reset(chip, now_ns);
	exc_reset(chip);
	systick_reset(chip);
	/* The peripherals first: the option register and the flags the boot choice reads. */
	for (unsigned i = 0; i < chip->n_periphs; i++)
		periph_reset(&chip->periphs[i], kind);
	chip->boot = select_boot(chip);
	bus_remap(chip, chip->boot);
	if (chip->syscfg && chip->syscfg->model && chip->syscfg->model->reset)
		chip->syscfg->model->reset(chip->syscfg, kind); /* MEM_MODE/BOOT_MODE show the boot choice */
	core_reset(chip);
	cpu_attention(chip);
	/* DEMCR.VC_CORERESET: halt before the first instruction (DDI0419 §C1.6.5). */
	if ((chip->dbg.demcr & BJ_CORE_DCB_DEMCR_VC_CORERESET) && debug_halting_enabled(chip) && chip->state == CHIP_RUNNING)
		debug_enter_halt(chip, CHIP_HALT_VCATCH);
}

void chip_request_reset(struct chip *chip, enum chip_reset_kind kind)
{
	if (chip->in_emu) {
		chip->reset_pending = true;
		chip->reset_pending_kind = kind;
		cpu_stop(chip);
		return;
	}
	chip_do_reset(chip, kind);
}

void chip_reset(struct chip *chip, enum chip_reset_kind kind, bool halt)
{
	chip_do_reset(chip, kind);
	if (halt && chip->state != CHIP_HALTED)
		debug_enter_halt(chip, CHIP_HALT_REQUEST);
	access_log_flush(chip->log);
}

/* ------------------------------------------------------------------ creation */

static const struct {
	const char *key;
	size_t offset; /* of the bitref in struct bj_part */
} option_keys[] = {
	{"nBOOT1", offsetof(struct bj_part, opt_nboot1)},
	{"nBOOT0", offsetof(struct bj_part, opt_nboot0)},
	{"nBOOT_SEL", offsetof(struct bj_part, opt_nboot_sel)},
	{"BOOT_SEL", offsetof(struct bj_part, opt_boot_sel)},
	{"BFB2", offsetof(struct bj_part, opt_bfb2)},
	{"nSWBOOT0", offsetof(struct bj_part, opt_nswboot0)},
	{"EMPTY", offsetof(struct bj_part, empty_flag)},
};

static const struct bj_bitref *option_bit(const struct bj_part *part, const char *key)
{
	for (unsigned i = 0; i < sizeof(option_keys) / sizeof(option_keys[0]); i++)
		if (strcmp(option_keys[i].key, key) == 0)
			return (const struct bj_bitref *)((const char *)part + option_keys[i].offset);
	return NULL;
}

static void list_options(const struct bj_part *part, char *buf, size_t len)
{
	buf[0] = 0;
	for (unsigned i = 0; i < sizeof(option_keys) / sizeof(option_keys[0]); i++) {
		const struct bj_bitref *b = option_bit(part, option_keys[i].key);
		if (b->reg)
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", buf[0] ? ", " : "", option_keys[i].key);
	}
	if (!buf[0])
		snprintf(buf, len, "none");
}

static bool apply_options(struct chip *chip, char *err, size_t errlen)
{
	const struct bj_part *part = chip->part;
	uint32_t optr = chip_reg_value(chip, part->option_register);
	for (unsigned i = 0; i < chip->cfg.n_options; i++) {
		const struct chip_option *o = &chip->cfg.options[i];
		const struct bj_bitref *b = option_bit(part, o->key);
		if (!b || !b->reg) {
			char have[128];
			list_options(part, have, sizeof(have));
			snprintf(err, errlen, "%s has no option bit %s (its boot option bits: %s)", part->name, o->key, have);
			return false;
		}
		if (o->value > 1) {
			snprintf(err, errlen, "option %s=%u: an option bit is 0 or 1", o->key, o->value);
			return false;
		}
		if (b->reg == part->option_register)
			optr = o->value ? optr | b->mask : optr & ~b->mask;
		else
			chip->empty_override = (int)o->value; /* the G0 EMPTY flag lives in FLASH_ACR */
	}
	if (part->option_register)
		chip->flashc->model->flash->set_option_register(chip->flashc, optr);
	return true;
}

static bool create_periphs(struct chip *chip, char *err, size_t errlen)
{
	const struct bj_part *part = chip->part;
	chip->periphs = calloc(part->n_periphs, sizeof(*chip->periphs));
	chip->uarts = calloc(part->n_periphs, sizeof(*chip->uarts));
	if (!chip->periphs || !chip->uarts) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	for (unsigned i = 0; i < part->n_periphs; i++) {
		struct periph *p = &chip->periphs[i];
		if (!periph_create(chip, p, &part->periphs[i], err, errlen))
			return false;
		chip->n_periphs++;
		if (!p->model)
			continue;
		if (p->model->flash)
			chip->flashc = p;
		if (p->model->uart_cfg) {
			p->uart_index = (int)chip->n_uarts;
			chip->uarts[chip->n_uarts++] = p;
		}
		if (p->model->clocks)
			chip->rcc = p;
		if (part->remap.reg && part->remap.reg >= p->desc->base && part->remap.reg < p->desc->base + p->span)
			chip->syscfg = p;
	}
	if (!chip->flashc) {
		snprintf(err, errlen, "%s: no FLASH controller model for its flash block yet (emulator/periph/)", part->name);
		return false;
	}
	if (!chip->rcc) {
		snprintf(err, errlen, "%s: no RCC model for its clock block yet (emulator/periph/)", part->name);
		return false;
	}
	return true;
}

struct chip *chip_create(const struct chip_config *cfg, char *err, size_t errlen)
{
	struct chip *chip = calloc(1, sizeof(*chip));
	if (!chip) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	chip->part = cfg->part;
	chip->cfg = *cfg;
	chip->boot0 = cfg->boot0 ? 1 : 0;
	chip->empty_override = -1;
	chip->stop_at = UINT64_MAX;
	if (!core_blocks_init(chip, err, errlen) || !debug_check_core(chip, err, errlen))
		goto fail;
	chip->v7m = chip->core.desc->arch == BJ_ARCH_V7M;
	chip->has_vtor = core_reg_find(chip->core.scb, BJ_CORE_SCB_VTOR_OFFSET) != NULL;
	if (!create_periphs(chip, err, errlen) || !cpu_open(chip, err, errlen) || !bus_map(chip, err, errlen))
		goto fail;
	struct region *flash_targets[] = {&chip->flash, &chip->eeprom};
	if (cfg->flash_path && !image_load(cfg->flash_path, chip->flash.base, flash_targets, chip->eeprom.size ? 2 : 1, err, errlen))
		goto fail;
	struct region *rom_targets[] = {&chip->sysmem};
	if (cfg->rom_path && !image_load(cfg->rom_path, chip->sysmem.base, rom_targets, 1, err, errlen))
		goto fail;
	bus_patch_sysmem_ids(chip);
	if (!apply_options(chip, err, errlen))
		goto fail;
	if (cfg->access_log_path && !(chip->log = access_log_open(cfg->access_log_path, err, errlen)))
		goto fail;
	cpu_set_tracing(chip);
	chip_reset(chip, CHIP_RESET_POWER_ON, cfg->halt_at_reset);
	return chip;
fail:
	chip_destroy(chip);
	return NULL;
}

void chip_destroy(struct chip *chip)
{
	if (!chip)
		return;
	access_log_close(chip->log);
	cpu_close(chip);
	for (unsigned i = 0; i < chip->n_periphs; i++)
		periph_destroy(&chip->periphs[i]);
	free(chip->periphs);
	free(chip->uarts);
	bus_unmap(chip);
	free(chip);
}

const struct bj_part *chip_part(const struct chip *chip)
{
	return chip->part;
}

/* ------------------------------------------------------------------ execution */

/* An exception the exception catch held back (an SVC that retired) is entered before anything else. */
static bool enter_deferred(struct chip *chip)
{
	unsigned exc = chip->deferred_exc;
	if (!exc)
		return false;
	chip->deferred_exc = 0;
	exc_take(chip, exc, cpu_reg(chip, UC_ARM_REG_PC), true);
	return true;
}

void chip_set_exception_catch(struct chip *chip, bool on)
{
	chip->exception_catch = on;
}

uint32_t chip_reset_count(const struct chip *chip)
{
	return chip->reset_count;
}

enum chip_state chip_run(struct chip *chip, uint64_t max_instructions)
{
	uint64_t end_cycle = tb_cycles(chip) + max_instructions;
	if (chip->state == CHIP_RUNNING)
		enter_deferred(chip);
	chip->stop_at = chip->insns + max_instructions;
	for (;;) {
		if (chip->state == CHIP_SLEEPING) {
			if (exc_wakeup_pending(chip)) {
				chip->state = CHIP_RUNNING;
			} else {
				uint64_t ev = tb_next_event(chip), now = tb_cycles(chip);
				if (ev == UINT64_MAX || now >= end_cycle)
					break;
				uint64_t to = ev < end_cycle ? ev : end_cycle;
				if (to > now)
					chip->sleep_cycles += to - now;
				tb_process(chip);
				if (chip->reset_pending)
					chip_do_reset(chip, chip->reset_pending_kind);
				continue;
			}
		}
		if (chip->state != CHIP_RUNNING || chip->insns >= chip->stop_at)
			break;
		cpu_emulate(chip);
		if (chip->reset_pending)
			chip_do_reset(chip, chip->reset_pending_kind);
	}
	chip->stop_at = UINT64_MAX;
	access_log_flush(chip->log);
	return chip->state;
}

enum chip_state chip_step(struct chip *chip)
{
	if (chip->state != CHIP_HALTED)
		return chip->state;
	chip->state = chip->locked_up ? CHIP_LOCKUP : CHIP_RUNNING;
	chip->halt_reason = CHIP_HALT_NONE;
	if (chip->state == CHIP_LOCKUP) {
		debug_enter_halt(chip, CHIP_HALT_STEP);
		return chip->state;
	}
	chip->stepping = true;
	unsigned exc = (chip->dbg.dhcsr & BJ_CORE_DCB_DHCSR_C_MASKINTS) ? 0 : exc_pending_takeable(chip);
	bool entered = enter_deferred(chip);
	if (!entered && exc) {
		exc_enter(chip, exc, cpu_reg(chip, UC_ARM_REG_PC));
		entered = true;
	}
	if (!entered) {
		chip->pend_check = false;
		chip->stop_at = chip->insns + 1;
		cpu_emulate(chip);
		chip->stop_at = UINT64_MAX;
		if (chip->reset_pending)
			chip_do_reset(chip, chip->reset_pending_kind);
	}
	chip->stepping = false;
	if (chip->state == CHIP_RUNNING || chip->state == CHIP_SLEEPING)
		debug_enter_halt(chip, CHIP_HALT_STEP);
	chip->pend_check = true;
	access_log_flush(chip->log);
	return chip->state;
}

void chip_halt(struct chip *chip)
{
	if (chip->state == CHIP_HALTED)
		return;
	if (chip->in_emu) {
		chip->halt_request = true;
		cpu_attention(chip);
		return;
	}
	debug_enter_halt(chip, CHIP_HALT_REQUEST);
}

void chip_resume(struct chip *chip)
{
	if (chip->state != CHIP_HALTED)
		return;
	chip->dbg.dhcsr &= ~BJ_CORE_DCB_DHCSR_C_HALT;
	chip->halt_reason = CHIP_HALT_NONE;
	chip->state = chip->locked_up ? CHIP_LOCKUP : CHIP_RUNNING;
	chip->pend_check = true;
	cpu_attention(chip);
}

enum chip_state chip_state(const struct chip *chip)
{
	return chip->state;
}

enum chip_halt_reason chip_halt_reason(const struct chip *chip)
{
	return chip->state == CHIP_HALTED ? chip->halt_reason : CHIP_HALT_NONE;
}

bool chip_blocked(struct chip *chip)
{
	if (chip->state == CHIP_HALTED || chip->state == CHIP_LOCKUP)
		return true;
	return chip->state == CHIP_SLEEPING && !exc_wakeup_pending(chip) && tb_next_event(chip) == UINT64_MAX;
}

uint64_t chip_instructions(const struct chip *chip)
{
	return chip->insns;
}

uint64_t chip_time_ns(const struct chip *chip)
{
	return tb_ns(chip);
}

/* ------------------------------------------------------------------ registers */

static const int gpr[] = {
	UC_ARM_REG_R0, UC_ARM_REG_R1, UC_ARM_REG_R2, UC_ARM_REG_R3, UC_ARM_REG_R4, UC_ARM_REG_R5,
	UC_ARM_REG_R6, UC_ARM_REG_R7, UC_ARM_REG_R8, UC_ARM_REG_R9, UC_ARM_REG_R10, UC_ARM_REG_R11,
	UC_ARM_REG_R12, UC_ARM_REG_SP, UC_ARM_REG_LR,
};

uint32_t chip_reg_read(struct chip *chip, enum chip_reg reg)
{
	if (reg <= CHIP_LR)
		return cpu_reg(chip, gpr[reg]);
	if (reg == CHIP_PC)
		return cpu_reg(chip, UC_ARM_REG_PC) & ~1u;
	struct cpu_sys s;
	cpu_sys_get(chip, &s);
	switch (reg) {
	case CHIP_XPSR: return s.xpsr;
	case CHIP_MSP: return s.msp;
	case CHIP_PSP: return s.psp;
	case CHIP_PRIMASK: return s.primask;
	case CHIP_BASEPRI: return s.basepri;
	case CHIP_FAULTMASK: return s.faultmask;
	case CHIP_CONTROL: return s.control;
	default: return 0;
	}
}

void chip_reg_write(struct chip *chip, enum chip_reg reg, uint32_t value)
{
	if (reg <= CHIP_LR) {
		cpu_set_reg(chip, gpr[reg], value);
		return;
	}
	struct cpu_sys s;
	cpu_sys_get(chip, &s);
	if (reg == CHIP_PC) {
		cpu_set_reg(chip, UC_ARM_REG_PC, (value & ~1u) | ((s.xpsr & BJ_ARCH_XPSR_T) ? 1 : 0));
		return;
	}
	switch (reg) {
	case CHIP_XPSR: s.xpsr = value; break;
	case CHIP_MSP: s.msp = value & ~3u; break;
	case CHIP_PSP: s.psp = value & ~3u; break;
	case CHIP_PRIMASK: s.primask = value & BJ_ARCH_PRIMASK_PM; break;
	case CHIP_BASEPRI: s.basepri = value & (BJ_ARCH_BASEPRI_BASEPRI_MASK << BJ_ARCH_BASEPRI_BASEPRI_SHIFT); break;
	case CHIP_FAULTMASK: s.faultmask = value & BJ_ARCH_FAULTMASK_FM; break;
	case CHIP_CONTROL:
		s.control = value & (BJ_ARCH_CONTROL_nPRIV | BJ_ARCH_CONTROL_SPSEL | (chip->v7m ? BJ_ARCH_CONTROL_FPCA : 0));
		break;
	default: return;
	}
	uint32_t pc = cpu_reg(chip, UC_ARM_REG_PC);
	cpu_sys_set(chip, &s);
	cpu_set_reg(chip, UC_ARM_REG_PC, (pc & ~1u) | ((s.xpsr & BJ_ARCH_XPSR_T) ? 1 : 0));
	chip->pend_check = true;
}

/* ------------------------------------------------------------------ memory as the debug port sees it */

static unsigned chunk(uint32_t addr, size_t left)
{
	if (!(addr & 3) && left >= 4)
		return 4;
	if (!(addr & 1) && left >= 2)
		return 2;
	return 1;
}

int chip_mem_read(struct chip *chip, uint32_t addr, void *buf, size_t len)
{
	uint8_t *out = buf;
	while (len) {
		unsigned n = chunk(addr, len);
		uint32_t v;
		if (!bus_read(chip, addr, n, &v, BUS_DEBUG))
			return -1;
		memcpy(out, &v, n);
		out += n;
		addr += n;
		len -= n;
	}
	return 0;
}

int chip_mem_write(struct chip *chip, uint32_t addr, const void *buf, size_t len)
{
	const uint8_t *in = buf;
	while (len) {
		unsigned n = chunk(addr, len);
		uint32_t v = 0;
		memcpy(&v, in, n);
		if (!bus_write(chip, addr, n, v, BUS_DEBUG))
			return -1;
		in += n;
		addr += n;
		len -= n;
	}
	return 0;
}

static bool in_flash(const struct chip *chip, uint32_t addr, uint32_t len)
{
	return addr >= chip->flash.base && (uint64_t)addr + len <= (uint64_t)chip->flash.base + chip->flash.size;
}

int chip_flash_erase(struct chip *chip, uint32_t addr, uint32_t len)
{
	uint32_t page = chip->part->page_size;
	uint32_t first = (addr - chip->flash.base) / page * page, end = addr - chip->flash.base + len;
	if (!len || !in_flash(chip, addr, len))
		return -1;
	end = (end + page - 1) / page * page;
	for (uint32_t off = first; off < end; off += 4)
		memcpy(chip->flash.mem + off, &chip->part->flash_erased, 4);
	cpu_flush_code(chip, chip->flash.base + first, chip->flash.base + end);
	cpu_flush_code(chip, first, end);
	return 0;
}

int chip_flash_program(struct chip *chip, uint32_t addr, const void *buf, uint32_t len)
{
	if (!in_flash(chip, addr, len))
		return -1;
	memcpy(chip->flash.mem + (addr - chip->flash.base), buf, len);
	cpu_flush_code(chip, addr, addr + len);
	cpu_flush_code(chip, addr - chip->flash.base, addr - chip->flash.base + len);
	return 0;
}

/* ------------------------------------------------------------------ pins and serial ports */

void chip_set_boot0(struct chip *chip, int level)
{
	chip->boot0 = level ? 1 : 0;
}

unsigned chip_uart_count(const struct chip *chip)
{
	return chip->n_uarts;
}

const char *chip_uart_name(const struct chip *chip, unsigned index)
{
	return index < chip->n_uarts ? chip->uarts[index]->desc->name : NULL;
}

int chip_uart_index(const struct chip *chip, const char *name)
{
	for (unsigned i = 0; i < chip->n_uarts; i++)
		if (strcasecmp(chip->uarts[i]->desc->name, name) == 0)
			return (int)i;
	return -1;
}

size_t chip_uart_take_tx(struct chip *chip, unsigned index, uint8_t *buf, size_t len)
{
	return index < chip->n_uarts ? usart_take_tx(chip->uarts[index], buf, len) : 0;
}

void chip_uart_put_rx(struct chip *chip, unsigned index, const uint8_t *buf, size_t len)
{
	if (index < chip->n_uarts)
		usart_put_rx(chip->uarts[index], buf, len);
}

void chip_uart_set_line_baud(struct chip *chip, unsigned index, uint32_t baud)
{
	if (index < chip->n_uarts)
		usart_set_line_baud(chip->uarts[index], baud);
}

/* ------------------------------------------------------------------ description */

void chip_describe(struct chip *chip, char *buf, size_t len)
{
	static const char *const states[] = {
		[CHIP_RUNNING] = "running", [CHIP_HALTED] = "halted", [CHIP_SLEEPING] = "sleeping", [CHIP_LOCKUP] = "locked up",
	};
	static const char *const faults[] = {
		[FAULT_UNDEFINSTR] = "undefined instruction", [FAULT_INVSTATE] = "INVSTATE", [FAULT_UNALIGNED] = "unaligned access",
		[FAULT_BUS_DATA] = "bus error", [FAULT_BUS_FETCH] = "instruction fetch bus error", [FAULT_INVPC] = "bad EXC_RETURN",
		[FAULT_SVC] = "SVC escalated", [FAULT_BKPT] = "BKPT without a debugger", [FAULT_VECTOR] = "vector read bus error",
		[FAULT_STACKING] = "stacking bus error",
	};
	uint64_t ns = tb_ns(chip);
	int n = snprintf(buf, len, "%s (%s) %s, pc 0x%08x, booted from %s (BOOT0=%d), address 0 shows %s, %llu instructions, "
			 "%llu.%06llu ms, HCLK %llu Hz",
			 chip->part->name, chip->part->designator, states[chip->state], chip_reg_read(chip, CHIP_PC),
			 boot_name(chip->boot), chip->boot0, boot_name(chip->mapped), (unsigned long long)chip->insns,
			 (unsigned long long)(ns / 1000000), (unsigned long long)(ns % 1000000), (unsigned long long)chip->tb.hz);
	if (chip->n_faults && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, ", %u fault%s, the last a %s at 0x%08x", chip->n_faults,
			 chip->n_faults > 1 ? "s" : "", faults[chip->last_fault], chip->last_fault_pc);
}
