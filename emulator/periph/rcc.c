/* The RCC behaviour every family shares: oscillators ready as soon as they are switched on,
 * SW mirrored into SWS once the selected source is ready (OpenOCD's reset-init polls SWS),
 * peripheral reset registers that reset the blocks, the reset flags (the part's reset_flags
 * data: kept across system resets until the clear bit, cleared by power-on) and the RTC-domain
 * bits (kept until power-on or the domain's reset bit), and HCLK for the time base.
 * Reset flags: every reset pulses NRST, so PINRSTF joins the cause's own flag (RM0377 §7.1,
 * RM0091 §6.1.2: the internal reset sources drive NRST low). */
#include <string.h>

#include "rcc.h"

static const struct rcc_family *fam(const struct periph *p)
{
	return p->model->variant;
}

uint64_t rcc_ahb_div(uint64_t in, unsigned hpre)
{
	static const unsigned shift[] = {1, 2, 3, 4, 6, 7, 8, 9};
	return (hpre & 8) ? in >> shift[hpre & 7] : in;
}

uint64_t rcc_apb_div(uint64_t in, unsigned ppre)
{
	return (ppre & 4) ? in >> ((ppre & 3) + 1) : in;
}

uint64_t rcc_osc_hz(const struct periph *rcc, const char *name, unsigned range)
{
	const struct bj_part *part = rcc->chip->part;
	for (unsigned i = 0; i < part->n_oscs; i++)
		if (strcmp(part->oscs[i].name, name) == 0)
			return part->oscs[i].hz[range < part->oscs[i].n_hz ? range : part->oscs[i].n_hz - 1];
	return 0;
}

static uint32_t flag_mask(const struct chip *chip)
{
	uint32_t m = 0;
	for (unsigned i = 0; i < BJ_RESET_CAUSE_COUNT; i++)
		m |= chip->part->reset_flag[i];
	return m;
}

static uint32_t new_flags(const struct chip *chip, uint32_t old, enum chip_reset_kind kind)
{
	const uint32_t *f = chip->part->reset_flag;
	switch (kind) {
	case CHIP_RESET_POWER_ON:
		return f[BJ_RESET_POWER_ON] | f[BJ_RESET_PIN];
	case CHIP_RESET_SYSTEM:
		return old | f[BJ_RESET_SOFTWARE] | f[BJ_RESET_PIN];
	case CHIP_RESET_IWDG:
		return old | f[BJ_RESET_INDEPENDENT_WATCHDOG] | f[BJ_RESET_PIN];
	case CHIP_RESET_OPTION_LOAD:
		return old | f[BJ_RESET_OPTION_LOAD] | f[BJ_RESET_PIN];
	case CHIP_RESET_PIN:
		break;
	}
	return old | f[BJ_RESET_PIN];
}

static uint32_t *flags_reg(struct periph *p)
{
	return &p->regs[(p->chip->part->reset_flags_reg - p->desc->base) / 4];
}

/* The register holding the backup (RTC) domain's RCC bits (BDCR; CSR on the L0). */
static uint32_t *domain_reg(struct periph *p)
{
	return &p->regs[(p->chip->part->backup_domain_reg - p->desc->base) / 4];
}

static uint32_t osc_ready(const struct rcc_family *f, uint32_t off, uint32_t v)
{
	for (unsigned i = 0; i < f->n_oscs; i++)
		if (f->oscs[i].off == off)
			v = (v & f->oscs[i].on) ? v | f->oscs[i].rdy : v & ~f->oscs[i].rdy;
	return v;
}

void rcc_clocks(struct periph *p, struct rcc_clocks *c)
{
	fam(p)->clocks(p, c);
}

static void update_clock(struct periph *p)
{
	struct rcc_clocks c;
	rcc_clocks(p, &c);
	tb_set_hz(p->chip, c.hclk);
}

void rcc_reset(struct periph *p, enum chip_reset_kind kind)
{
	uint32_t domain = p->chip->part->backup_domain_mask;
	uint32_t flags = new_flags(p->chip, *flags_reg(p) & flag_mask(p->chip), kind);
	uint32_t backup = kind == CHIP_RESET_POWER_ON ? 0 : *domain_reg(p) & domain;
	periph_storage_reset(p);
	*domain_reg(p) = (*domain_reg(p) & ~domain) | backup;
	*flags_reg(p) = (*flags_reg(p) & ~flag_mask(p->chip)) | flags;
	update_clock(p);
}

static void backup_domain_reset(struct periph *p)
{
	const struct bj_part *part = p->chip->part;
	struct periph *bkp = part->n_backup_regs ? chip_periph_at(p->chip, part->backup_regs[0]) : NULL;
	if (bkp)
		periph_storage_reset(bkp);
}

void rcc_write(struct periph *p, uint32_t off, uint32_t v, uint32_t mask)
{
	(void)mask;
	const struct rcc_family *f = fam(p);
	uint32_t *r = &p->regs[off / 4];
	if (p->desc->base + off == p->chip->part->reset_flags_reg) {
		/* The flags are read-only; the clear bit (RMVF) clears them all. */
		uint32_t flags = (v & p->chip->part->reset_flags_clear) ? 0 : *r & flag_mask(p->chip);
		v = (v & ~(flag_mask(p->chip) | p->chip->part->reset_flags_clear)) | flags;
	}
	const struct bj_part *part = p->chip->part;
	if (r == domain_reg(p) && (v & part->backup_domain_reset)) {
		backup_domain_reset(p);
		v &= ~part->backup_domain_mask | part->backup_domain_reset;
	}
	if (off == f->cfgr_off) {
		unsigned sw = (v >> f->sw_shift) & f->sw_mask, sws = (*r >> f->sws_shift) & f->sw_mask;
		if (sw < f->n_sources && (p->regs[f->sources[sw].off / 4] & f->sources[sw].rdy))
			sws = sw;
		v = (v & ~(f->sw_mask << f->sws_shift)) | sws << f->sws_shift;
	}
	*r = osc_ready(f, off, v);
	rcc_apply_resets(p, off, v);
	update_clock(p);
}

void rcc_apply_resets(struct periph *rcc, uint32_t off, uint32_t value)
{
	struct chip *chip = rcc->chip;
	uint32_t reg = rcc->desc->base + off;
	for (unsigned i = 0; i < chip->n_periphs; i++) {
		struct periph *p = &chip->periphs[i];
		if (p != rcc && p->desc->reset.reg == reg && (value & p->desc->reset.mask))
			periph_reset(p, CHIP_RESET_SYSTEM);
	}
}

uint64_t rcc_bus_of(struct periph *p, uint32_t enable_off, const struct rcc_clocks *c)
{
	const struct rcc_family *f = fam(p);
	for (unsigned i = 0; i < f->n_enables; i++)
		if (f->enables[i].off == enable_off)
			return f->enables[i].bus == RCC_APB1 ? c->pclk1 : f->enables[i].bus == RCC_APB2 ? c->pclk2 : c->hclk;
	return c->hclk;
}

uint64_t rcc_bus_hz(struct chip *chip, const struct bj_periph *of)
{
	struct rcc_clocks c;
	chip->rcc->model->clocks(chip->rcc, &c);
	if (!of->enable.reg)
		return c.pclk1;
	return chip->rcc->model->bus_of(chip->rcc, of->enable.reg - chip->rcc->desc->base, &c);
}
