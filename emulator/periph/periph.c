/* Peripheral instances: register file, clock gating, byte lanes, reset values, interrupt line. */
#include <stdlib.h>
#include <string.h>

#include "periph.h"

#define PAGE 1024u

bool periph_create(struct chip *chip, struct periph *p, const struct bj_periph *desc, char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	p->chip = chip;
	p->desc = desc;
	p->ip = &bj_ips[desc->ip];
	p->model = periph_model_for(desc->ip);
	p->uart_index = -1;
	p->span = (p->ip->span + PAGE - 1) / PAGE * PAGE;
	p->regs = calloc(p->span / 4, sizeof(uint32_t));
	p->state = p->model && p->model->state_size ? calloc(1, p->model->state_size) : NULL;
	if (!p->regs || (p->model && p->model->state_size && !p->state)) {
		snprintf(err, errlen, "out of memory for %s", desc->name);
		return false;
	}
	periph_storage_reset(p);
	return true;
}

void periph_destroy(struct periph *p)
{
	free(p->regs);
	free(p->state);
}

uint32_t periph_reset_value(const struct periph *p, uint32_t off)
{
	for (unsigned i = 0; i < p->desc->n_reset_values; i++)
		if (p->desc->reset_values[i].offset == off)
			return p->desc->reset_values[i].value;
	const struct bj_ip_reg *r = ip_reg_at(p->ip, off, NULL);
	return r ? r->reset : 0;
}

bool periph_has_reg(const struct periph *p, uint32_t off)
{
	return ip_reg_at(p->ip, off, NULL) != NULL;
}

void periph_storage_reset(struct periph *p)
{
	memset(p->regs, 0, p->span);
	for (unsigned i = 0; i < p->ip->n_regs; i++)
		for (unsigned k = 0; k < p->ip->regs[i].count; k++) {
			uint32_t off = p->ip->regs[i].offset + k * p->ip->regs[i].stride;
			p->regs[off / 4] = periph_reset_value(p, off);
		}
}

void periph_reset(struct periph *p, enum chip_reset_kind kind)
{
	if (p->model && p->model->reset) {
		p->model->reset(p, kind);
		return;
	}
	periph_storage_reset(p);
	if (p->desc->irq >= 0)
		periph_irq(p, false);
}

/* RM0377 §7.3 (and each family's RCC chapter): a peripheral whose bus clock is off does not
 * answer; reads return 0 and writes are lost, which is what firmware that forgets the enable
 * bit sees on silicon. */
bool periph_clocked(struct periph *p)
{
	if (!p->desc->enable.reg || (p->model && p->model->always_clocked))
		return true;
	return chip_bit(p->chip, p->desc->enable);
}

static uint32_t read_reg(struct periph *p, uint32_t off)
{
	if (!periph_has_reg(p, off)) {
		bus_unmodelled(p->chip, p->desc->base + off, 'r');
		return 0;
	}
	if (p->model && p->model->read)
		return p->model->read(p, off);
	return p->regs[off / 4];
}

uint32_t periph_access_read(struct periph *p, uint32_t off, unsigned size)
{
	uint32_t aligned = off & ~3u;
	if (!periph_clocked(p))
		return 0;
	uint32_t v = read_reg(p, aligned) >> (8 * (off & 3));
	return size == 4 ? v : v & ((1u << (8 * size)) - 1);
}

void periph_access_write(struct periph *p, uint32_t off, uint32_t value, unsigned size)
{
	uint32_t aligned = off & ~3u;
	unsigned shift = 8 * (off & 3);
	uint32_t mask = (size == 4 ? 0xffffffffu : ((1u << (8 * size)) - 1)) << shift;
	if (!periph_clocked(p))
		return;
	if (!periph_has_reg(p, aligned)) {
		bus_unmodelled(p->chip, p->desc->base + off, 'w');
		return;
	}
	value = (value << shift) & mask;
	if (p->model && p->model->write)
		p->model->write(p, aligned, value | (p->regs[aligned / 4] & ~mask), mask);
	else
		p->regs[aligned / 4] = (p->regs[aligned / 4] & ~mask) | value;
}

void periph_irq(struct periph *p, bool level)
{
	if (p->desc->irq >= 0)
		exc_set_level(p->chip, (unsigned)p->desc->irq, level);
}
