/* Helpers shared by the RCC models. */
#include "rcc.h"

uint32_t rcc_reset_flag_mask(const struct chip *chip)
{
	uint32_t m = 0;
	for (unsigned i = 0; i < BJ_RESET_CAUSE_COUNT; i++)
		m |= chip->part->reset_flag[i];
	return m;
}

uint32_t rcc_reset_flags(const struct chip *chip, uint32_t old, enum chip_reset_kind kind)
{
	const uint32_t *f = chip->part->reset_flag;
	switch (kind) {
	case CHIP_RESET_POWER_ON:
		return f[BJ_RESET_POWER_ON] | f[BJ_RESET_PIN];
	case CHIP_RESET_SYSTEM:
		return old | f[BJ_RESET_SOFTWARE] | f[BJ_RESET_PIN];
	case CHIP_RESET_IWDG:
		return old | f[BJ_RESET_INDEPENDENT_WATCHDOG] | f[BJ_RESET_PIN];
	case CHIP_RESET_PIN:
		return old | f[BJ_RESET_PIN];
	case CHIP_RESET_OPTION_LOAD:
		return old | f[BJ_RESET_OPTION_LOAD] | f[BJ_RESET_PIN];
	}
	return old;
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

uint32_t rcc_osc_ready(uint32_t reg, const struct rcc_osc *osc, unsigned n, uint32_t off)
{
	for (unsigned i = 0; i < n; i++) {
		if (osc[i].off != off)
			continue;
		reg = (reg & osc[i].on) ? reg | osc[i].rdy : reg & ~osc[i].rdy;
	}
	return reg;
}

uint64_t rcc_bus_hz(struct chip *chip, const struct bj_periph *of)
{
	struct rcc_clocks c;
	chip->rcc->model->clocks(chip->rcc, &c);
	if (!of->enable.reg)
		return c.pclk1;
	uint32_t off = of->enable.reg - chip->rcc->desc->base;
	return chip->rcc->model->bus_of(chip->rcc, off, &c);
}
