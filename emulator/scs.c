/* The System Control Space registers the core owns: SysTick, the NVIC, the SCB and ICTR.
 * ARMv6-M: DDI0419 §B3.2 (SCB), §B3.3 (SysTick), §B3.4 (NVIC); ARMv7-M: DDI0403 §B3.2-§B3.4.
 * Where each register is, which of them a core has, and their bits come from the part
 * database (`cores`, through BJ_CORE_* and bj_cores); this file is their behaviour. The debug
 * registers (DHCSR ..., DFSR, FP, DWT) are in debug.c. */
#include "chip_internal.h"

#define FIELD(v, reg, f) (((v) >> BJ_CORE_##reg##_##f##_SHIFT) & BJ_CORE_##reg##_##f##_MASK)

/* ------------------------------------------------------------------ SysTick */

static unsigned systick_div(const struct chip *chip)
{
	/* CLKSOURCE=0 selects the external reference, which the part derives from HCLK. */
	return (chip->systick.csr & BJ_CORE_SYST_CSR_CLKSOURCE) ? 1 : chip->part->systick_ref_div;
}

static uint32_t systick_value_at(const struct chip *chip, uint64_t cycle)
{
	const struct systick_state *t = &chip->systick;
	if (!(t->csr & BJ_CORE_SYST_CSR_ENABLE))
		return t->base_value;
	uint64_t ticks = (cycle - t->base_cycle) / systick_div(chip);
	if (ticks <= t->base_value)
		return t->base_value - (uint32_t)ticks;
	if (t->rvr == 0)
		return 0;
	uint64_t k = ticks - t->base_value - 1;
	return t->rvr - (uint32_t)(k % ((uint64_t)t->rvr + 1));
}

/* Cycle of the next 1 -> 0 transition after cycle `from` (UINT64_MAX: none). */
static uint64_t systick_next_zero(const struct chip *chip, uint64_t from)
{
	const struct systick_state *t = &chip->systick;
	if (!(t->csr & BJ_CORE_SYST_CSR_ENABLE))
		return UINT64_MAX;
	uint64_t div = systick_div(chip);
	uint64_t ticks = (from - t->base_cycle) / div;
	uint64_t zero;
	if (t->base_value > 0 && ticks < t->base_value) {
		zero = t->base_value;
	} else {
		if (t->rvr == 0)
			return UINT64_MAX;
		uint64_t period = (uint64_t)t->rvr + 1;
		uint64_t first = t->base_value + period; /* the first zero reached after a reload */
		zero = ticks < first ? first : first + ((ticks - first) / period + 1) * period;
	}
	return t->base_cycle + zero * div;
}

static void systick_rebase(struct chip *chip, uint32_t value)
{
	chip->systick.base_cycle = tb_cycles(chip);
	chip->systick.base_value = value;
	chip->systick.next_wrap = systick_next_zero(chip, tb_cycles(chip));
}

void systick_reset(struct chip *chip)
{
	chip->systick = (struct systick_state){.next_wrap = UINT64_MAX};
}

uint64_t systick_next_event(struct chip *chip)
{
	return chip->systick.next_wrap;
}

void systick_advance(struct chip *chip)
{
	uint64_t now = tb_cycles(chip);
	if (chip->systick.next_wrap > now)
		return;
	chip->systick.countflag = true;
	if (chip->systick.csr & BJ_CORE_SYST_CSR_TICKINT)
		exc_set_pending(chip, EXC_SYSTICK);
	chip->systick.next_wrap = systick_next_zero(chip, now);
}

static uint32_t systick_read(struct chip *chip, uint32_t off)
{
	uint32_t now_value = systick_value_at(chip, tb_cycles(chip));
	switch (off) {
	case BJ_CORE_SYST_CSR_OFFSET: {
		uint32_t v = chip->systick.csr | (chip->systick.countflag ? BJ_CORE_SYST_CSR_COUNTFLAG : 0);
		chip->systick.countflag = false; /* COUNTFLAG clears when read */
		return v;
	}
	case BJ_CORE_SYST_RVR_OFFSET:
		return chip->systick.rvr;
	case BJ_CORE_SYST_CVR_OFFSET:
		return now_value;
	default:
		return 0; /* CALIB: no reference calibration value */
	}
}

static void systick_write(struct chip *chip, uint32_t off, uint32_t v)
{
	uint32_t now_value = systick_value_at(chip, tb_cycles(chip));
	switch (off) {
	case BJ_CORE_SYST_CSR_OFFSET:
		chip->systick.csr = v & (BJ_CORE_SYST_CSR_ENABLE | BJ_CORE_SYST_CSR_TICKINT | BJ_CORE_SYST_CSR_CLKSOURCE);
		break;
	case BJ_CORE_SYST_RVR_OFFSET:
		chip->systick.rvr = v & (BJ_CORE_SYST_RVR_RELOAD_MASK << BJ_CORE_SYST_RVR_RELOAD_SHIFT);
		break;
	case BJ_CORE_SYST_CVR_OFFSET:
		/* Any write clears the counter and COUNTFLAG (DDI0419 §B3.3.5). */
		now_value = 0;
		chip->systick.countflag = false;
		break;
	}
	systick_rebase(chip, now_value);
	cpu_attention(chip);
}

/* ------------------------------------------------------------------ NVIC */

/* The words of ISER, ICER, ISPR, ICPR and IABR (32 interrupts each) that the part's interrupts use. */
static bool nvic_word_used(const struct chip *chip, unsigned word)
{
	return word < (chip->part->nvic_irqs + 31) / 32;
}

static uint32_t nvic_bits(const struct chip *chip, const bool *flags, unsigned word)
{
	uint32_t v = 0;
	for (unsigned b = 0; b < 32; b++) {
		unsigned irq = word * 32 + b;
		if (irq < chip->part->nvic_irqs && flags[EXC_IRQ0 + irq])
			v |= 1u << b;
	}
	return v;
}

/* The priority bits the part implements (the top nvic_prio_bits of each byte). */
static uint8_t prio_mask(const struct chip *chip)
{
	return (uint8_t)(0xffu << (8 - chip->part->nvic_prio_bits));
}

static uint32_t nvic_read(struct chip *chip, const struct core_reg *r, bool *ok)
{
	const struct nvic_state *n = &chip->nvic;
	unsigned word = r->index;
	switch (r->reg->offset) {
	case BJ_CORE_NVIC_IPR_OFFSET: {
		unsigned irq = 4 * word;
		uint32_t v = 0;
		*ok = irq < chip->part->nvic_irqs;
		for (unsigned i = 0; i < 4 && irq + i < chip->part->nvic_irqs; i++)
			v |= (uint32_t)n->prio[EXC_IRQ0 + irq + i] << (8 * i);
		return v;
	}
	case BJ_CORE_NVIC_STIR_OFFSET:
		*ok = false; /* write-only */
		return 0;
	}
	if (!nvic_word_used(chip, word)) {
		*ok = false;
		return 0;
	}
	switch (r->reg->offset) {
	case BJ_CORE_NVIC_ISER_OFFSET:
	case BJ_CORE_NVIC_ICER_OFFSET:
		return nvic_bits(chip, n->enabled, word);
	case BJ_CORE_NVIC_ISPR_OFFSET:
	case BJ_CORE_NVIC_ICPR_OFFSET:
		return nvic_bits(chip, n->pending, word);
	default: /* IABR */
		return nvic_bits(chip, n->active, word);
	}
}

static void nvic_write(struct chip *chip, const struct core_reg *r, uint32_t v, uint32_t lanes, bool *ok)
{
	unsigned word = r->index;
	switch (r->reg->offset) {
	case BJ_CORE_NVIC_IPR_OFFSET: {
		unsigned irq = 4 * word;
		*ok = irq < chip->part->nvic_irqs;
		for (unsigned i = 0; i < 4 && irq + i < chip->part->nvic_irqs; i++)
			if (lanes & (0xffu << (8 * i)))
				chip->nvic.prio[EXC_IRQ0 + irq + i] = (uint8_t)(v >> (8 * i)) & prio_mask(chip);
		chip->pend_check = true;
		return;
	}
	case BJ_CORE_NVIC_STIR_OFFSET:
		exc_set_pending(chip, EXC_IRQ0 + FIELD(v, NVIC_STIR, INTID));
		return;
	case BJ_CORE_NVIC_IABR_OFFSET:
		return; /* read-only */
	}
	if (!nvic_word_used(chip, word)) {
		*ok = false;
		return;
	}
	for (unsigned b = 0; b < 32; b++) {
		unsigned irq = word * 32 + b;
		if (!(v & (1u << b)) || irq >= chip->part->nvic_irqs)
			continue;
		unsigned e = EXC_IRQ0 + irq;
		switch (r->reg->offset) {
		case BJ_CORE_NVIC_ISER_OFFSET: chip->nvic.enabled[e] = true; break;
		case BJ_CORE_NVIC_ICER_OFFSET: chip->nvic.enabled[e] = false; break;
		case BJ_CORE_NVIC_ISPR_OFFSET: exc_set_pending(chip, e); break;
		case BJ_CORE_NVIC_ICPR_OFFSET: exc_clear_pending(chip, e); break;
		}
	}
	chip->pend_check = true;
}

/* ------------------------------------------------------------------ SCB */

/* SHPR1..3 hold the priorities of exceptions 4..15, one byte each from SHPR1's first byte. */
static unsigned shpr_first_exception(uint32_t offset)
{
	return EXC_MEMMANAGE + (offset - BJ_CORE_SCB_SHPR1_OFFSET);
}

static uint32_t shpr(const struct chip *chip, unsigned first_exc)
{
	uint32_t v = 0;
	for (unsigned i = 0; i < 4; i++)
		v |= (uint32_t)chip->nvic.prio[first_exc + i] << (8 * i);
	return v;
}

static void set_shpr(struct chip *chip, unsigned first_exc, uint32_t v, uint32_t lanes)
{
	static const bool settable[16] = {
		[EXC_MEMMANAGE] = true, [EXC_BUSFAULT] = true, [EXC_USAGEFAULT] = true,
		[EXC_SVCALL] = true, [EXC_DEBUGMON] = true, [EXC_PENDSV] = true, [EXC_SYSTICK] = true,
	};
	for (unsigned i = 0; i < 4; i++) {
		unsigned e = first_exc + i;
		if ((lanes & (0xffu << (8 * i))) && settable[e] && (chip->v7m || e >= EXC_SVCALL))
			chip->nvic.prio[e] = (uint8_t)(v >> (8 * i)) & prio_mask(chip);
	}
	chip->pend_check = true;
}

static uint32_t icsr_read(struct chip *chip)
{
	uint32_t ipsr = FIELD(cpu_reg(chip, UC_ARM_REG_IPSR), SCB_ICSR, VECTACTIVE);
	uint32_t v = ipsr << BJ_CORE_SCB_ICSR_VECTACTIVE_SHIFT | exc_highest_pending(chip) << BJ_CORE_SCB_ICSR_VECTPENDING_SHIFT;
	for (unsigned e = EXC_IRQ0; e < EXC_IRQ0 + chip->part->nvic_irqs; e++)
		if (chip->nvic.pending[e])
			v |= BJ_CORE_SCB_ICSR_ISRPENDING;
	if (chip->nvic.pending[EXC_SYSTICK])
		v |= BJ_CORE_SCB_ICSR_PENDSTSET;
	if (chip->nvic.pending[EXC_PENDSV])
		v |= BJ_CORE_SCB_ICSR_PENDSVSET;
	if (chip->nvic.pending[EXC_NMI])
		v |= BJ_CORE_SCB_ICSR_NMIPENDSET;
	if (chip->v7m && exc_active_count(chip) <= 1)
		v |= BJ_CORE_SCB_ICSR_RETTOBASE;
	return v;
}

static void icsr_write(struct chip *chip, uint32_t v)
{
	if (v & BJ_CORE_SCB_ICSR_NMIPENDSET)
		exc_set_pending(chip, EXC_NMI);
	if (v & BJ_CORE_SCB_ICSR_PENDSVSET)
		exc_set_pending(chip, EXC_PENDSV);
	else if (v & BJ_CORE_SCB_ICSR_PENDSVCLR)
		exc_clear_pending(chip, EXC_PENDSV);
	if (v & BJ_CORE_SCB_ICSR_PENDSTSET)
		exc_set_pending(chip, EXC_SYSTICK);
	else if (v & BJ_CORE_SCB_ICSR_PENDSTCLR)
		exc_clear_pending(chip, EXC_SYSTICK);
}

static uint32_t shcsr_read(const struct chip *chip)
{
	const struct nvic_state *n = &chip->nvic;
	uint32_t v = n->pending[EXC_SVCALL] ? BJ_CORE_SCB_SHCSR_SVCALLPENDED : 0;
	if (!chip->v7m)
		return v;
	static const struct { unsigned exc; uint32_t bit; } act[] = {
		{EXC_MEMMANAGE, BJ_CORE_SCB_SHCSR_MEMFAULTACT}, {EXC_BUSFAULT, BJ_CORE_SCB_SHCSR_BUSFAULTACT},
		{EXC_USAGEFAULT, BJ_CORE_SCB_SHCSR_USGFAULTACT}, {EXC_SVCALL, BJ_CORE_SCB_SHCSR_SVCALLACT},
		{EXC_DEBUGMON, BJ_CORE_SCB_SHCSR_MONITORACT}, {EXC_PENDSV, BJ_CORE_SCB_SHCSR_PENDSVACT},
		{EXC_SYSTICK, BJ_CORE_SCB_SHCSR_SYSTICKACT},
	};
	for (unsigned i = 0; i < sizeof(act) / sizeof(act[0]); i++)
		if (n->active[act[i].exc])
			v |= act[i].bit;
	v |= (n->pending[EXC_USAGEFAULT] ? BJ_CORE_SCB_SHCSR_USGFAULTPENDED : 0) |
	     (n->pending[EXC_MEMMANAGE] ? BJ_CORE_SCB_SHCSR_MEMFAULTPENDED : 0) |
	     (n->pending[EXC_BUSFAULT] ? BJ_CORE_SCB_SHCSR_BUSFAULTPENDED : 0);
	return v | n->shcsr_enables;
}

static uint32_t scb_read(struct chip *chip, uint32_t offset, bool *ok)
{
	struct nvic_state *n = &chip->nvic;
	switch (offset) {
	case BJ_CORE_SCB_CPUID_OFFSET:
		return chip->part->cpuid;
	case BJ_CORE_SCB_ICSR_OFFSET:
		return icsr_read(chip);
	case BJ_CORE_SCB_VTOR_OFFSET:
		return n->vtor;
	case BJ_CORE_SCB_AIRCR_OFFSET:
		return BJ_CORE_SCB_AIRCR_VECTKEY_VECTKEYSTAT << BJ_CORE_SCB_AIRCR_VECTKEY_SHIFT |
		       (chip->v7m ? n->aircr_prigroup << BJ_CORE_SCB_AIRCR_PRIGROUP_SHIFT : 0);
	case BJ_CORE_SCB_SCR_OFFSET:
		return n->scr;
	case BJ_CORE_SCB_CCR_OFFSET:
		return n->ccr;
	case BJ_CORE_SCB_SHPR1_OFFSET:
	case BJ_CORE_SCB_SHPR2_OFFSET:
	case BJ_CORE_SCB_SHPR3_OFFSET:
		return shpr(chip, shpr_first_exception(offset));
	case BJ_CORE_SCB_SHCSR_OFFSET:
		return shcsr_read(chip);
	case BJ_CORE_SCB_CFSR_OFFSET:
		return n->cfsr;
	case BJ_CORE_SCB_HFSR_OFFSET:
		return n->hfsr;
	case BJ_CORE_SCB_MMFAR_OFFSET:
		return n->mmfar;
	case BJ_CORE_SCB_BFAR_OFFSET:
		return n->bfar;
	default:
		*ok = false;
		return 0;
	}
}

static void aircr_write(struct chip *chip, uint32_t v)
{
	if (FIELD(v, SCB_AIRCR, VECTKEY) != BJ_CORE_SCB_AIRCR_VECTKEY_KEY)
		return; /* writes without the key are ignored */
	if (chip->v7m)
		chip->nvic.aircr_prigroup = FIELD(v, SCB_AIRCR, PRIGROUP);
	if (v & BJ_CORE_SCB_AIRCR_SYSRESETREQ)
		chip_request_reset(chip, CHIP_RESET_SYSTEM);
}

static void scb_write(struct chip *chip, uint32_t offset, uint32_t v, uint32_t lanes, bool *ok)
{
	struct nvic_state *n = &chip->nvic;
	switch (offset) {
	case BJ_CORE_SCB_ICSR_OFFSET:
		icsr_write(chip, v);
		return;
	case BJ_CORE_SCB_VTOR_OFFSET:
		n->vtor = v & (BJ_CORE_SCB_VTOR_TBLOFF_MASK << BJ_CORE_SCB_VTOR_TBLOFF_SHIFT);
		return;
	case BJ_CORE_SCB_AIRCR_OFFSET:
		aircr_write(chip, v);
		return;
	case BJ_CORE_SCB_SCR_OFFSET:
		n->scr = v & (BJ_CORE_SCB_SCR_SLEEPONEXIT | BJ_CORE_SCB_SCR_SLEEPDEEP | BJ_CORE_SCB_SCR_SEVONPEND);
		return;
	case BJ_CORE_SCB_CCR_OFFSET:
		/* Every bit the ARMv7-M CCR has is writable; the ARMv6-M CCR is read-only. */
		if (chip->v7m)
			n->ccr = v & (BJ_CORE_SCB_CCR_NONBASETHRDENA | BJ_CORE_SCB_CCR_USERSETMPEND | BJ_CORE_SCB_CCR_UNALIGN_TRP |
				      BJ_CORE_SCB_CCR_DIV_0_TRP | BJ_CORE_SCB_CCR_BFHFNMIGN | BJ_CORE_SCB_CCR_STKALIGN);
		return;
	case BJ_CORE_SCB_SHPR1_OFFSET:
	case BJ_CORE_SCB_SHPR2_OFFSET:
	case BJ_CORE_SCB_SHPR3_OFFSET:
		set_shpr(chip, shpr_first_exception(offset), v, lanes);
		return;
	case BJ_CORE_SCB_SHCSR_OFFSET:
		if (chip->v7m)
			n->shcsr_enables = v & (BJ_CORE_SCB_SHCSR_MEMFAULTENA | BJ_CORE_SCB_SHCSR_BUSFAULTENA |
						BJ_CORE_SCB_SHCSR_USGFAULTENA);
		return;
	case BJ_CORE_SCB_CFSR_OFFSET:
		n->cfsr &= ~v; /* write 1 to clear */
		return;
	case BJ_CORE_SCB_HFSR_OFFSET:
		n->hfsr &= ~v;
		return;
	case BJ_CORE_SCB_CPUID_OFFSET:
	case BJ_CORE_SCB_MMFAR_OFFSET:
	case BJ_CORE_SCB_BFAR_OFFSET:
		return; /* read-only here: MMFAR and BFAR hold what the faults set */
	default:
		*ok = false;
		return;
	}
}

/* ------------------------------------------------------------------ dispatch */

uint32_t scs_read(struct chip *chip, const struct core_reg *r, uint32_t addr, unsigned size, bool *ok)
{
	const struct core_blocks *c = &chip->core;
	uint32_t v;
	*ok = true;
	if (debug_owns(chip, r))
		v = debug_read(chip, r, ok);
	else if (r->block == c->syst)
		v = systick_read(chip, r->reg->offset);
	else if (r->block == c->nvic)
		v = nvic_read(chip, r, ok);
	else if (r->block == c->scb)
		v = scb_read(chip, r->reg->offset, ok);
	else /* SCnSCB: ICTR, the number of 32-interrupt banks minus one */
		v = (chip->part->nvic_irqs + 31) / 32 - 1;
	v >>= 8 * (addr & 3);
	return size == 4 ? v : v & ((1u << (8 * size)) - 1);
}

void scs_write(struct chip *chip, const struct core_reg *r, uint32_t addr, uint32_t value, unsigned size, bool *ok)
{
	const struct core_blocks *c = &chip->core;
	unsigned shift = 8 * (addr & 3);
	uint32_t lanes = (size == 4 ? 0xffffffffu : ((1u << (8 * size)) - 1)) << shift;
	uint32_t v = value << shift;
	*ok = true;
	if (debug_owns(chip, r))
		debug_write(chip, r, v, ok);
	else if (r->block == c->syst)
		systick_write(chip, r->reg->offset, v);
	else if (r->block == c->nvic)
		nvic_write(chip, r, v, lanes, ok);
	else if (r->block == c->scb)
		scb_write(chip, r->reg->offset, v, lanes, ok);
	/* SCnSCB: ICTR is read-only */
	cpu_attention(chip);
}
