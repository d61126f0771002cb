/* The G0/L4 flash controller (flash-g0: RM0444 §3; flash-l4: RM0394 §3): KEYR unlocks CR,
 * OPTKEYR then clears OPTLOCK; double-word programming with CR.PG (two 32-bit stores to one
 * 8-byte aligned double word; a target that is not erased gives PROGERR, a store of another size
 * SIZERR, a second word elsewhere PGAERR/MISERR, a store with PG clear PGSERR), page erase (PER,
 * PNB, STRT), mass erase (MER1, STRT); FLASH_OPTR is written while OPTLOCK is clear, committed
 * to the option bytes by OPTSTRT and reloaded from them at power-on and OBL_LAUNCH (a reset).
 * EOP is set only with EOPIE (RM0444 §3.7.4). The empty flag (G0 ACR.EMPTY, L4 SR.PEMPTY) is
 * latched at power-on and option load from "the first word of flash is erased" and then kept
 * through other resets, as on silicon; software can change it (G0 writes it, L4 toggles it by
 * writing 1). --option EMPTY=0|1 sets it at power-on instead of the flash content. */
#include <string.h>

#include "flash.h"

/* The two IPs share offsets and bits except PNB's width and where the empty flag lives. */
#define R(p, reg) ((p)->regs[BJ_FLASH_G0_##reg##_OFFSET / 4])
#define CR(f) BJ_FLASH_G0_CR_##f
#define SR(f) BJ_FLASH_G0_SR_##f
#define SR_ERRORS (SR(OPERR) | SR(PROGERR) | SR(WRPERR) | SR(PGAERR) | SR(SIZERR) | SR(PGSERR) | SR(MISERR) | \
		   SR(FASTERR) | SR(RDERR) | SR(OPTVERR))

struct variant {
	uint32_t pnb_mask;
	uint32_t empty_off, empty_bit;
	bool empty_toggles;
};

struct flash_g0l4 {
	uint32_t opt[2]; /* OPTR and its complement, as stored */
	bool have_opt;
	struct flash_keys keys, optkeys;
	bool half;       /* first word of a double word received */
	uint32_t dw_addr, dw_low;
};

static const struct variant *var(const struct periph *p)
{
	return p->model->variant;
}

static struct flash_g0l4 *st(struct periph *p)
{
	return p->state;
}

static void update_irq(struct periph *p)
{
	uint32_t cr = R(p, CR), sr = R(p, SR);
	periph_irq(p, ((cr & CR(EOPIE)) && (sr & SR(EOP))) || ((cr & CR(ERRIE)) && (sr & SR_ERRORS)));
}

static void flag(struct periph *p, uint32_t bit)
{
	R(p, SR) |= bit;
	st(p)->half = false;
	update_irq(p);
}

static void done(struct periph *p)
{
	if (R(p, CR) & CR(EOPIE))
		R(p, SR) |= SR(EOP);
	update_irq(p);
}

static void set_empty(struct periph *p, bool empty)
{
	uint32_t *r = &p->regs[var(p)->empty_off / 4];
	*r = empty ? *r | var(p)->empty_bit : *r & ~var(p)->empty_bit;
}

static void load_options(struct periph *p)
{
	struct flash_g0l4 *s = st(p);
	if (s->opt[1] != ~s->opt[0])
		R(p, SR) |= SR(OPTVERR);
	else
		R(p, OPTR) = s->opt[0];
	int override = p->chip->empty_override;
	set_empty(p, override >= 0 ? override : flash_read_word(p, p->chip->flash.base) == p->chip->part->flash_erased);
}

static void set_option_register(struct periph *p, uint32_t value)
{
	st(p)->opt[0] = value;
	st(p)->opt[1] = ~value;
	st(p)->have_opt = true;
	R(p, OPTR) = value;
}

static uint32_t option_read(struct periph *p, uint32_t addr)
{
	uint32_t off = addr - p->chip->part->option_bytes.base;
	return off < 8 ? st(p)->opt[off / 4] : 0xffffffffu;
}

static void reset(struct periph *p, enum chip_reset_kind kind)
{
	struct flash_g0l4 *s = st(p);
	uint32_t optr = R(p, OPTR), empty = p->regs[var(p)->empty_off / 4] & var(p)->empty_bit;
	periph_storage_reset(p);
	s->keys = s->optkeys = (struct flash_keys){0};
	s->half = false;
	if (!s->have_opt)
		set_option_register(p, periph_reset_value(p, BJ_FLASH_G0_OPTR_OFFSET)); /* factory options */
	if (kind == CHIP_RESET_POWER_ON || kind == CHIP_RESET_OPTION_LOAD) {
		load_options(p);
	} else {
		R(p, OPTR) = optr;
		set_empty(p, empty);
	}
	update_irq(p);
}

static void start(struct periph *p, uint32_t cr)
{
	struct chip *chip = p->chip;
	if (cr & CR(PER)) {
		uint32_t page = chip->flash.base + ((cr >> CR(PNB_SHIFT)) & var(p)->pnb_mask) * chip->part->page_size;
		if (!flash_in_array(p, page, chip->part->page_size)) {
			flag(p, SR(WRPERR));
			return;
		}
		flash_erase_array(p, page, chip->part->page_size);
	} else if (cr & CR(MER1)) {
		flash_erase_array(p, chip->flash.base, chip->flash.size);
	} else {
		return;
	}
	done(p);
}

static void reg_write(struct periph *p, uint32_t off, uint32_t v, uint32_t mask)
{
	(void)mask;
	struct flash_g0l4 *s = st(p);
	uint32_t *cr = &R(p, CR);
	switch (off) {
	case BJ_FLASH_G0_KEYR_OFFSET:
		if (!(*cr & CR(LOCK)))
			flash_key_wrong(p, &s->keys);
		else if (flash_key(p, &s->keys, v, BJ_FLASH_G0_KEYR_KEY1, BJ_FLASH_G0_KEYR_KEY2))
			*cr &= ~CR(LOCK);
		break;
	case BJ_FLASH_G0_OPTKEYR_OFFSET:
		if ((*cr & CR(LOCK)) || !(*cr & CR(OPTLOCK)))
			flash_key_wrong(p, &s->optkeys);
		else if (flash_key(p, &s->optkeys, v, BJ_FLASH_G0_OPTKEYR_OPTKEY1, BJ_FLASH_G0_OPTKEYR_OPTKEY2))
			*cr &= ~CR(OPTLOCK);
		break;
	case BJ_FLASH_G0_SR_OFFSET:
		R(p, SR) &= ~(v & (SR_ERRORS | SR(EOP)));
		if (var(p)->empty_toggles && off == var(p)->empty_off && (v & var(p)->empty_bit))
			R(p, SR) ^= var(p)->empty_bit; /* L4 PEMPTY: writing 1 toggles it */
		update_irq(p);
		break;
	case BJ_FLASH_G0_CR_OFFSET:
		if (*cr & CR(LOCK))
			break;
		*cr = (v & ~(CR(STRT) | CR(OPTSTRT) | CR(OBL_LAUNCH) | CR(OPTLOCK))) | ((*cr | v) & CR(OPTLOCK));
		if (v & CR(LOCK))
			*cr |= CR(OPTLOCK);
		if (v & CR(STRT))
			start(p, v);
		if ((v & CR(OPTSTRT)) && !(*cr & CR(OPTLOCK))) {
			s->opt[0] = R(p, OPTR);
			s->opt[1] = ~R(p, OPTR);
			done(p);
		}
		if ((v & CR(OBL_LAUNCH)) && !(*cr & CR(OPTLOCK)))
			chip_request_reset(p->chip, CHIP_RESET_OPTION_LOAD);
		update_irq(p);
		break;
	case BJ_FLASH_G0_OPTR_OFFSET:
		if (!(*cr & CR(OPTLOCK)))
			R(p, OPTR) = v; /* pending until OPTSTRT and an option load */
		break;
	default:
		p->regs[off / 4] = v;
		break;
	}
}

static void mem_write(struct periph *p, uint32_t addr, unsigned size, uint32_t value)
{
	struct flash_g0l4 *s = st(p);
	uint32_t cr = R(p, CR);
	if (flash_in_options(p, addr, size) || !(cr & CR(PG)) || (cr & CR(LOCK))) {
		flag(p, SR(PGSERR));
		return;
	}
	if (size != 4) {
		flag(p, SR(SIZERR));
		return;
	}
	if (!s->half) {
		if (addr & 7) {
			flag(p, SR(PGAERR));
			return;
		}
		s->half = true;
		s->dw_addr = addr;
		s->dw_low = value;
		return;
	}
	if (addr != s->dw_addr + 4) {
		flag(p, SR(PGAERR) | SR(MISERR));
		return;
	}
	s->half = false;
	if (!flash_is_erased(p, s->dw_addr, 8)) {
		flag(p, SR(PROGERR));
		return;
	}
	uint32_t dw[2] = {s->dw_low, value};
	flash_write_array(p, s->dw_addr, dw, 8);
	done(p);
}

static const struct flash_iface iface = {
	.mem_write = mem_write,
	.option_read = option_read,
	.set_option_register = set_option_register,
};

static const struct variant g0 = {BJ_FLASH_G0_CR_PNB_MASK, BJ_FLASH_G0_ACR_OFFSET, BJ_FLASH_G0_ACR_EMPTY, false};
static const struct variant l4 = {BJ_FLASH_L4_CR_PNB_MASK, BJ_FLASH_L4_SR_OFFSET, BJ_FLASH_L4_SR_PEMPTY, true};

#define FLASH_MODEL(name, ipid, v)                                                                         \
	const struct periph_model name = {.ip = ipid, .state_size = sizeof(struct flash_g0l4), .reset = reset, \
					  .write = reg_write, .always_clocked = true, .flash = &iface,        \
					  .variant = &v}

FLASH_MODEL(flash_g0_model, BJ_IP_FLASH_G0, g0);
FLASH_MODEL(flash_l4_model, BJ_IP_FLASH_L4, l4);
