/* The F4 flash controller (flash-f4), RM0368 §3: KEYR unlocks CR, OPTKEYR unlocks OPTCR;
 * programming with CR.PG at the parallelism PSIZE selects (a store of another size gives
 * PGPERR, a misaligned one PGAERR; bits only go from 1 to 0, as a program operation does),
 * sector erase (SER, SNB, STRT) over the part's sector sizes, mass erase (MER, STRT); a store
 * with PG clear is a programming sequence error (PGSERR). OPTCR holds the option bytes
 * (OPTSTRT commits them; the option-byte area reads them back). Operations complete at once. */
#include <string.h>

#include "flash.h"

#define R(p, reg) ((p)->regs[BJ_FLASH_F4_##reg##_OFFSET / 4])
#define CR(f) BJ_FLASH_F4_CR_##f
#define SR(f) BJ_FLASH_F4_SR_##f
#define SR_ERRORS (SR(OPERR) | SR(WRPERR) | SR(PGAERR) | SR(PGPERR) | SR(PGSERR) | SR(RDERR))
#define OPTCR_CONTROL (BJ_FLASH_F4_OPTCR_OPTLOCK | BJ_FLASH_F4_OPTCR_OPTSTRT)

struct flash_f4 {
	struct flash_keys keys, optkeys;
};

static struct flash_f4 *st(struct periph *p)
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
	update_irq(p);
}

static void reset(struct periph *p, enum chip_reset_kind kind)
{
	uint32_t optcr = R(p, OPTCR);
	periph_storage_reset(p);
	st(p)->keys = st(p)->optkeys = (struct flash_keys){0};
	/* The option bytes persist; OPTCR shows them locked after any reset but power-on's first. */
	if (kind != CHIP_RESET_POWER_ON)
		R(p, OPTCR) = optcr | BJ_FLASH_F4_OPTCR_OPTLOCK;
	update_irq(p);
}

/* Sector n's base and size from the part's sector list. */
static bool sector(const struct periph *p, unsigned n, uint32_t *base, uint32_t *size)
{
	const struct bj_part *part = p->chip->part;
	uint32_t a = part->flash.base;
	for (unsigned i = 0; i < part->n_sectors; i++) {
		if (i == n) {
			*base = a;
			*size = part->sector_sizes[i];
			return true;
		}
		a += part->sector_sizes[i];
	}
	return false;
}

static void start(struct periph *p, uint32_t cr)
{
	uint32_t base, size;
	if (cr & CR(SER)) {
		if (!sector(p, (cr >> CR(SNB_SHIFT)) & CR(SNB_MASK), &base, &size)) {
			flag(p, SR(WRPERR));
			return;
		}
		flash_erase_array(p, base, size);
	} else if (cr & CR(MER)) {
		flash_erase_array(p, p->chip->flash.base, p->chip->flash.size);
	} else {
		return;
	}
	flag(p, SR(EOP));
}

static void reg_write(struct periph *p, uint32_t off, uint32_t v, uint32_t mask)
{
	(void)mask;
	struct flash_f4 *s = st(p);
	uint32_t *cr = &R(p, CR), *optcr = &R(p, OPTCR);
	switch (off) {
	case BJ_FLASH_F4_KEYR_OFFSET:
		if (!(*cr & CR(LOCK)))
			flash_key_wrong(p, &s->keys);
		else if (flash_key(p, &s->keys, v, BJ_FLASH_F4_KEYR_KEY1, BJ_FLASH_F4_KEYR_KEY2))
			*cr &= ~CR(LOCK);
		break;
	case BJ_FLASH_F4_OPTKEYR_OFFSET:
		if (!(*optcr & BJ_FLASH_F4_OPTCR_OPTLOCK))
			flash_key_wrong(p, &s->optkeys);
		else if (flash_key(p, &s->optkeys, v, BJ_FLASH_F4_OPTKEYR_OPTKEY1, BJ_FLASH_F4_OPTKEYR_OPTKEY2))
			*optcr &= ~BJ_FLASH_F4_OPTCR_OPTLOCK;
		break;
	case BJ_FLASH_F4_SR_OFFSET:
		R(p, SR) &= ~(v & (SR_ERRORS | SR(EOP)));
		update_irq(p);
		break;
	case BJ_FLASH_F4_CR_OFFSET:
		if (*cr & CR(LOCK))
			break;
		*cr = v & ~CR(STRT);
		if (v & CR(STRT))
			start(p, v);
		update_irq(p);
		break;
	case BJ_FLASH_F4_OPTCR_OFFSET:
		if (*optcr & BJ_FLASH_F4_OPTCR_OPTLOCK)
			break;
		*optcr = (v & ~BJ_FLASH_F4_OPTCR_OPTSTRT) | (v & BJ_FLASH_F4_OPTCR_OPTLOCK);
		if (v & BJ_FLASH_F4_OPTCR_OPTSTRT)
			flag(p, SR(EOP));
		break;
	default:
		p->regs[off / 4] = v;
		break;
	}
}

static void mem_write(struct periph *p, uint32_t addr, unsigned size, uint32_t value)
{
	uint32_t cr = R(p, CR);
	if (flash_in_options(p, addr, size) || !(cr & CR(PG)) || (cr & CR(LOCK))) {
		flag(p, SR(PGSERR)); /* option bytes change through OPTCR only */
		return;
	}
	unsigned psize = 1u << ((cr >> CR(PSIZE_SHIFT)) & CR(PSIZE_MASK));
	if (size != psize) {
		flag(p, SR(PGPERR));
		return;
	}
	if (addr & (size - 1)) {
		flag(p, SR(PGAERR));
		return;
	}
	uint8_t *m = p->chip->flash.mem + (addr - p->chip->flash.base), b[4];
	memcpy(b, m, size);
	for (unsigned i = 0; i < size; i++)
		b[i] &= (uint8_t)(value >> (8 * i));
	flash_write_array(p, addr, b, size);
	flag(p, SR(EOP));
}

/* RM0368 §3.6: the user option bytes at the base (USER, RDP) and nWRP 8 bytes on. */
static uint32_t option_read(struct periph *p, uint32_t addr)
{
	uint32_t off = addr - p->chip->part->option_bytes.base, optcr = R(p, OPTCR);
	return off == 0 ? (optcr & 0xffffu & ~OPTCR_CONTROL) : off == 8 ? optcr >> 16 & 0xfff : 0xffffffffu;
}

static void set_option_register(struct periph *p, uint32_t value)
{
	R(p, OPTCR) = value;
}

static const struct flash_iface iface = {
	.mem_write = mem_write,
	.option_read = option_read,
	.set_option_register = set_option_register,
};

const struct periph_model flash_f4_model = {
	.ip = BJ_IP_FLASH_F4,
	.state_size = sizeof(struct flash_f4),
	.reset = reset,
	.write = reg_write,
	.always_clocked = true,
	.flash = &iface,
};
