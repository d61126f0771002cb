/* The SYSCFG memory remap (RM0377 §10.2.1 CFGR1.MEM_MODE, RM0091 §9.1.1, RM0368 §7.2.1
 * MEMRMP, RM0444 and RM0394 likewise): after every reset MEM_MODE shows what the boot pins,
 * option bits and empty checks selected, and writing it changes what address 0 shows at once. The register and
 * field are the part's `remap` data; the other SYSCFG registers are storage. */
#include "periph.h"

struct syscfg_variant {
	uint8_t sram;          /* MEM_MODE value that maps SRAM at 0 */
	int boot_mode_shift;   /* read-only BOOT_MODE field (L0), or -1 */
};

static const struct syscfg_variant *variant(const struct periph *p)
{
	return p->model->variant;
}

static uint32_t field_mask(const struct bj_fieldref *f)
{
	return ((1u << f->width) - 1) << f->lsb;
}

static uint32_t encode(const struct periph *p, enum boot_target t)
{
	const struct bj_part *part = p->chip->part;
	return t == BOOT_SYSTEM ? part->remap_system_memory : t == BOOT_SRAM ? variant(p)->sram : part->remap_main_flash;
}

static enum boot_target decode(const struct periph *p, uint32_t v)
{
	const struct bj_part *part = p->chip->part;
	if (v == part->remap_system_memory)
		return BOOT_SYSTEM;
	if (v == variant(p)->sram)
		return BOOT_SRAM;
	return BOOT_FLASH; /* main flash, and the encodings this emulator has no memory for */
}

static void reset(struct periph *p, enum chip_reset_kind kind)
{
	(void)kind;
	const struct bj_fieldref *f = &p->chip->part->remap;
	periph_storage_reset(p);
	uint32_t *r = &p->regs[(f->reg - p->desc->base) / 4];
	uint32_t boot = encode(p, p->chip->boot);
	*r = (*r & ~field_mask(f)) | boot << f->lsb;
	/* L0 BOOT_MODE shows the boot pins, not the final choice (RM0377 §10.2.1: bit 8 the BOOT0
	 * pin, bit 9 the complement of nBOOT1), so BFB2 or the empty check do not show there. */
	if (variant(p)->boot_mode_shift >= 0) {
		struct bj_bitref nboot1 = p->chip->part->opt_nboot1;
		uint32_t pins = (p->chip->boot0 ? 1u : 0u) | (nboot1.reg && !chip_bit(p->chip, nboot1) ? 2u : 0u);
		*r |= pins << variant(p)->boot_mode_shift;
	}
}

static void reg_write(struct periph *p, uint32_t off, uint32_t v, uint32_t mask)
{
	(void)mask;
	const struct bj_fieldref *f = &p->chip->part->remap;
	if (p->desc->base + off != f->reg) {
		p->regs[off / 4] = v;
		return;
	}
	uint32_t keep = 0;
	if (variant(p)->boot_mode_shift >= 0)
		keep = field_mask(f) << variant(p)->boot_mode_shift >> f->lsb; /* BOOT_MODE is read-only */
	p->regs[off / 4] = (v & ~keep) | (p->regs[off / 4] & keep);
	bus_remap(p->chip, decode(p, (v & field_mask(f)) >> f->lsb));
}

static const struct syscfg_variant l0 = {BJ_SYSCFG_L0_CFGR1_MEM_MODE_SRAM, BJ_SYSCFG_L0_CFGR1_BOOT_MODE_SHIFT};
static const struct syscfg_variant f0 = {BJ_SYSCFG_F0_CFGR1_MEM_MODE_SRAM, -1};
static const struct syscfg_variant f4 = {BJ_SYSCFG_F4_MEMRMP_MEM_MODE_SRAM, -1};
static const struct syscfg_variant g0 = {BJ_SYSCFG_G0_CFGR1_MEM_MODE_SRAM, -1};
static const struct syscfg_variant l4 = {BJ_SYSCFG_L4_MEMRMP_MEM_MODE_SRAM1, -1};

#define SYSCFG_MODEL(name, ipid, v) \
	const struct periph_model name = {.ip = ipid, .reset = reset, .write = reg_write, .variant = &v}

SYSCFG_MODEL(syscfg_l0_model, BJ_IP_SYSCFG_L0, l0);
SYSCFG_MODEL(syscfg_f0_model, BJ_IP_SYSCFG_F0, f0);
SYSCFG_MODEL(syscfg_f4_model, BJ_IP_SYSCFG_F4, f4);
SYSCFG_MODEL(syscfg_g0_model, BJ_IP_SYSCFG_G0, g0);
SYSCFG_MODEL(syscfg_l4_model, BJ_IP_SYSCFG_L4, l4);
