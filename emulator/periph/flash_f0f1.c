/* The F0/F1 flash controller (flash-f0: RM0091 §3, RM0360 §3; flash-f1: PM0075): KEYR unlocks
 * CR, OPTKEYR then sets OPTWRE; half-word programming with CR.PG (a half-word that is not
 * erased and is not being cleared to 0 gives PGERR and is not written; other sizes give PGERR
 * too), page erase (PER, AR, STRT), mass erase (MER, STRT), option bytes (OPTPG, OPTER),
 * FLASH_OBR and WRPR loaded from the option bytes (F0: at power-on and OBL_LAUNCH; F1: at every
 * reset, PM0075 §2.5). Operations complete at once (BSY never reads 1), EOP at the end.
 * Option bytes (RM0091 §4.1, PM0075 §2.5): RDP, USER, Data0, Data1, WRP0..3, each byte followed
 * by its complement; OBR shows RDPRT, USER, Data0, Data1 at the family's positions. */
#include <string.h>

#include "flash.h"

/* The two IPs share offsets and bits; where OBR places the option bytes differs. */
#define R(p, reg) ((p)->regs[BJ_FLASH_F0_##reg##_OFFSET / 4])
#define CR_PG BJ_FLASH_F0_CR_PG
#define CR_PER BJ_FLASH_F0_CR_PER
#define CR_MER BJ_FLASH_F0_CR_MER
#define CR_OPTPG BJ_FLASH_F0_CR_OPTPG
#define CR_OPTER BJ_FLASH_F0_CR_OPTER
#define CR_STRT BJ_FLASH_F0_CR_STRT
#define CR_LOCK BJ_FLASH_F0_CR_LOCK
#define CR_OPTWRE BJ_FLASH_F0_CR_OPTWRE
#define CR_EOPIE BJ_FLASH_F0_CR_EOPIE
#define CR_ERRIE BJ_FLASH_F0_CR_ERRIE
#define SR_PGERR BJ_FLASH_F0_SR_PGERR
#define SR_WRPRTERR BJ_FLASH_F0_SR_WRPRTERR
#define SR_EOP BJ_FLASH_F0_SR_EOP
#define OPT_BYTES 16

/* Where OBR shows the option bytes (the family's OBR layout in the part database): OPTERR, the
 * RDPRT value at level 1 and 2, the user byte from its lowest bit (WDG_SW), Data0, Data1. */
struct variant {
	uint32_t opterr;
	unsigned rdprt_shift;
	uint32_t level1, level2; /* RDPRT values; level2 0: the family has no level 2 */
	uint32_t user_lowest;    /* OBR bit of the user byte's bit 0 */
	unsigned data0_shift, data1_shift;
	bool load_at_system_reset;
	uint32_t obl_launch; /* CR bit, 0: none */
};

struct flash_f0f1 {
	uint8_t opt[OPT_BYTES];
	bool have_opt;
	struct flash_keys keys, optkeys;
};

static const struct variant *var(const struct periph *p)
{
	return p->model->variant;
}

static struct flash_f0f1 *st(struct periph *p)
{
	return p->state;
}

static void update_irq(struct periph *p)
{
	uint32_t cr = R(p, CR), sr = R(p, SR);
	periph_irq(p, ((cr & CR_EOPIE) && (sr & SR_EOP)) || ((cr & CR_ERRIE) && (sr & (SR_PGERR | SR_WRPRTERR))));
}

static void flag(struct periph *p, uint32_t bit)
{
	R(p, SR) |= bit;
	update_irq(p);
}

/* Option byte i and its complement; 0xff (and OBR.OPTERR) when they do not match. */
static uint8_t opt_byte(struct periph *p, unsigned i, bool *bad)
{
	uint8_t v = st(p)->opt[2 * i], n = st(p)->opt[2 * i + 1];
	if ((v ^ n) != 0xff) {
		*bad = true;
		return 0xff;
	}
	return v;
}

static void load_options(struct periph *p)
{
	const struct variant *v = var(p);
	bool bad = false;
	uint8_t rdp = opt_byte(p, 0, &bad), user = opt_byte(p, 1, &bad), d0 = opt_byte(p, 2, &bad), d1 = opt_byte(p, 3, &bad);
	uint32_t wrp = 0;
	for (unsigned i = 0; i < 4; i++)
		wrp |= (uint32_t)opt_byte(p, 4 + i, &bad) << (8 * i);
	const struct bj_part *part = p->chip->part;
	uint32_t level = rdp == part->ob_rdp_level0 ? 0 : (part->ob_rdp_level2 && rdp == part->ob_rdp_level2) ? v->level2 : v->level1;
	unsigned user_shift = (unsigned)__builtin_ctz(v->user_lowest);
	uint32_t user_mask = (1u << (v->data0_shift - user_shift)) - 1;
	R(p, OBR) = (bad ? v->opterr : 0) | level << v->rdprt_shift |
		    ((uint32_t)user & user_mask) << user_shift | (uint32_t)d0 << v->data0_shift | (uint32_t)d1 << v->data1_shift;
	R(p, WRPR) = wrp;
}

static void set_option_register(struct periph *p, uint32_t obr)
{
	const struct variant *v = var(p);
	unsigned user_shift = (unsigned)__builtin_ctz(v->user_lowest);
	uint8_t bytes[8] = {p->chip->part->ob_rdp_level0, (uint8_t)(obr >> user_shift | ~((1u << (v->data0_shift - user_shift)) - 1)),
			    (uint8_t)(obr >> v->data0_shift), (uint8_t)(obr >> v->data1_shift), 0xff, 0xff, 0xff, 0xff};
	for (unsigned i = 0; i < 8; i++) {
		st(p)->opt[2 * i] = bytes[i];
		st(p)->opt[2 * i + 1] = (uint8_t)~bytes[i];
	}
	st(p)->have_opt = true;
	load_options(p);
}

static uint32_t option_read(struct periph *p, uint32_t addr)
{
	uint32_t off = addr - p->chip->part->option_bytes.base, w = 0;
	memcpy(&w, st(p)->opt + off, off + 4 <= OPT_BYTES ? 4 : 0);
	return w;
}

static void reset(struct periph *p, enum chip_reset_kind kind)
{
	struct flash_f0f1 *s = st(p);
	uint32_t obr = R(p, OBR), wrpr = R(p, WRPR);
	periph_storage_reset(p);
	s->keys = s->optkeys = (struct flash_keys){0};
	if (!s->have_opt)
		set_option_register(p, periph_reset_value(p, BJ_FLASH_F0_OBR_OFFSET)); /* factory options */
	if (kind == CHIP_RESET_POWER_ON || kind == CHIP_RESET_OPTION_LOAD || var(p)->load_at_system_reset) {
		load_options(p);
	} else {
		R(p, OBR) = obr;
		R(p, WRPR) = wrpr;
	}
	update_irq(p);
}

static void start(struct periph *p, uint32_t cr)
{
	struct chip *chip = p->chip;
	if (cr & CR_PER) {
		uint32_t page = R(p, AR) & ~(chip->part->page_size - 1);
		if (flash_in_array(p, page, chip->part->page_size))
			flash_erase_array(p, page, chip->part->page_size);
	} else if (cr & CR_MER) {
		flash_erase_array(p, chip->flash.base, chip->flash.size);
	} else if ((cr & CR_OPTER) && (cr & CR_OPTWRE)) {
		memset(st(p)->opt, 0xff, OPT_BYTES);
	} else {
		return;
	}
	flag(p, SR_EOP);
}

static void reg_write(struct periph *p, uint32_t off, uint32_t v, uint32_t mask)
{
	(void)mask;
	struct flash_f0f1 *s = st(p);
	uint32_t *cr = &R(p, CR);
	switch (off) {
	case BJ_FLASH_F0_KEYR_OFFSET:
		if (!(*cr & CR_LOCK) && !s->keys.lockout)
			flash_key_wrong(p, &s->keys); /* a key while unlocked is a wrong sequence */
		else if (flash_key(p, &s->keys, v, BJ_FLASH_F0_KEYR_KEY1, BJ_FLASH_F0_KEYR_KEY2))
			*cr &= ~CR_LOCK;
		break;
	case BJ_FLASH_F0_OPTKEYR_OFFSET:
		if (*cr & CR_LOCK)
			flash_key_wrong(p, &s->optkeys);
		else if (flash_key(p, &s->optkeys, v, BJ_FLASH_F0_OPTKEYR_OPTKEY1, BJ_FLASH_F0_OPTKEYR_OPTKEY2))
			*cr |= CR_OPTWRE;
		break;
	case BJ_FLASH_F0_SR_OFFSET:
		R(p, SR) &= ~(v & (SR_PGERR | SR_WRPRTERR | SR_EOP)); /* write 1 to clear */
		update_irq(p);
		break;
	case BJ_FLASH_F0_CR_OFFSET:
		if (*cr & CR_LOCK)
			break; /* CR is write-protected while locked */
		*cr = (v & ~(CR_LOCK | CR_OPTWRE | CR_STRT)) | (v & CR_LOCK) | (*cr & v & CR_OPTWRE);
		if (v & CR_STRT)
			start(p, v);
		if (var(p)->obl_launch && (v & var(p)->obl_launch))
			chip_request_reset(p->chip, CHIP_RESET_OPTION_LOAD);
		update_irq(p);
		break;
	case BJ_FLASH_F0_OBR_OFFSET:
	case BJ_FLASH_F0_WRPR_OFFSET:
		break; /* loaded from the option bytes only */
	default:
		p->regs[off / 4] = v;
		break;
	}
}

static void mem_write(struct periph *p, uint32_t addr, unsigned size, uint32_t value)
{
	uint32_t cr = R(p, CR);
	bool options = flash_in_options(p, addr, size);
	if (!(cr & (options ? CR_OPTPG : CR_PG)) || (options && !(cr & CR_OPTWRE)))
		return; /* a store without the programming bit does nothing */
	if (size != 2 || (addr & 1)) {
		flag(p, SR_PGERR);
		return;
	}
	uint16_t half = (uint16_t)value, old;
	if (options) {
		uint8_t *o = st(p)->opt + (addr - p->chip->part->option_bytes.base);
		memcpy(&old, o, 2);
		if (old != 0xffff && half != 0) {
			flag(p, SR_PGERR);
			return;
		}
		memcpy(o, &half, 2);
	} else {
		memcpy(&old, p->chip->flash.mem + (addr - p->chip->flash.base), 2);
		if (old != 0xffff && half != 0) {
			flag(p, SR_PGERR); /* RM0091 §3.5.5: the half-word was not erased */
			return;
		}
		flash_write_array(p, addr, &half, 2);
	}
	flag(p, SR_EOP);
}

static const struct flash_iface iface = {
	.mem_write = mem_write,
	.option_read = option_read,
	.set_option_register = set_option_register,
};

static const struct variant f0 = {
	BJ_FLASH_F0_OBR_OPTERR, BJ_FLASH_F0_OBR_RDPRT_SHIFT, BJ_FLASH_F0_OBR_RDPRT_LEVEL1, BJ_FLASH_F0_OBR_RDPRT_LEVEL2,
	BJ_FLASH_F0_OBR_WDG_SW, BJ_FLASH_F0_OBR_Data0_SHIFT, BJ_FLASH_F0_OBR_Data1_SHIFT, false, BJ_FLASH_F0_CR_OBL_LAUNCH,
};
static const struct variant f1 = { /* RDPRT is one bit: set at level 1 */
	BJ_FLASH_F1_OBR_OPTERR, __builtin_ctz(BJ_FLASH_F1_OBR_RDPRT), 1, 0,
	BJ_FLASH_F1_OBR_WDG_SW, BJ_FLASH_F1_OBR_Data0_SHIFT, BJ_FLASH_F1_OBR_Data1_SHIFT, true, 0,
};

#define FLASH_MODEL(name, ipid, v)                                                                         \
	const struct periph_model name = {.ip = ipid, .state_size = sizeof(struct flash_f0f1), .reset = reset, \
					  .write = reg_write, .always_clocked = true, .flash = &iface,        \
					  .variant = &v}

FLASH_MODEL(flash_f0_model, BJ_IP_FLASH_F0, f0);
FLASH_MODEL(flash_f1_model, BJ_IP_FLASH_F1, f1);
