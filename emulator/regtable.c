/* The part database's register tables as the emulator looks things up in them: which register
 * (and which element of a register array) an offset of a block is, and where the core's own
 * blocks are (the database's `cores`: SCB, SYST, NVIC, DCB, DWT, FP and, on ARMv7-M, SCnSCB). */
#include <string.h>

#include "chip_internal.h"

const struct bj_ip_reg *ip_reg_at(const struct bj_ip *ip, uint32_t off, unsigned *index)
{
	for (unsigned i = 0; i < ip->n_regs; i++) {
		const struct bj_ip_reg *r = &ip->regs[i];
		if (off < r->offset || (off - r->offset) % r->stride || (off - r->offset) / r->stride >= r->count)
			continue;
		if (index)
			*index = (off - r->offset) / r->stride;
		return r;
	}
	return NULL;
}

const struct bj_ip_reg *core_reg_find(const struct bj_periph *block, uint32_t offset)
{
	return block ? ip_reg_at(&bj_ips[block->ip], offset, NULL) : NULL;
}

static const struct bj_periph *block_named(const struct bj_core_desc *core, const char *name)
{
	for (unsigned i = 0; i < core->n_blocks; i++)
		if (strcmp(core->blocks[i].name, name) == 0)
			return &core->blocks[i];
	return NULL;
}

bool core_blocks_init(struct chip *chip, char *err, size_t errlen)
{
	struct core_blocks *c = &chip->core;
	c->desc = &bj_cores[chip->part->core];
	c->scnscb = block_named(c->desc, "SCnSCB");
	c->syst = block_named(c->desc, "SYST");
	c->nvic = block_named(c->desc, "NVIC");
	c->scb = block_named(c->desc, "SCB");
	c->dcb = block_named(c->desc, "DCB");
	c->dwt = block_named(c->desc, "DWT");
	c->fp = block_named(c->desc, "FP");
	if (!c->syst || !c->nvic || !c->scb || !c->dcb || !c->dwt || !c->fp) {
		snprintf(err, errlen, "%s: the part database gives core %s no SYST, NVIC, SCB, DCB, DWT or FP block",
			 chip->part->name, c->desc->name);
		return false;
	}
	return true;
}

bool core_reg_at(const struct chip *chip, uint32_t addr, struct core_reg *r)
{
	const struct core_blocks *c = &chip->core;
	for (unsigned i = 0; i < c->desc->n_blocks; i++) {
		const struct bj_periph *b = &c->desc->blocks[i];
		if (addr < b->base || addr - b->base >= bj_ips[b->ip].span)
			continue;
		r->reg = ip_reg_at(&bj_ips[b->ip], addr - b->base, &r->index);
		if (r->reg) {
			r->block = b;
			return true;
		}
	}
	return false;
}
