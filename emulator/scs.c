/* The System Control Space registers the core owns: SysTick, the NVIC and the SCB.
 * ARMv6-M: DDI0419 §B3.2 (SCB), §B3.3 (SysTick), §B3.4 (NVIC); ARMv7-M: DDI0403 §B3.2-§B3.4.
 * Register offsets come from the part database (cores: SCB, SYST, NVIC); the registers it does
 * not list yet are defined here from the same chapters. The debug registers (DHCSR...) are in
 * debug.c. */
#include "chip_internal.h"

#define SCS_BASE 0xe000e000u
#define SYST_BASE 0xe000e010u /* DDI0419 §B3.3 */
#define NVIC_BASE 0xe000e100u /* DDI0419 §B3.4 */
#define SCB_BASE 0xe000ed00u  /* DDI0419 §B3.2 */

/* SCB registers without an entry in the part database (DDI0419 Table B3-4, DDI0403 Table B3-4). */
#define SCB_CPUID 0x00u
#define SCB_SCR 0x10u
#define SCB_CCR 0x14u
#define SCB_SHPR1 0x18u /* v7-M */
#define SCB_SHPR2 0x1cu
#define SCB_SHPR3 0x20u
#define SCB_SHCSR 0x24u
#define SCB_CFSR 0x28u /* v7-M */
#define SCB_HFSR 0x2cu /* v7-M */
#define SCB_MMFAR 0x34u /* v7-M */
#define SCB_BFAR 0x38u /* v7-M */
#define ICTR (0xe000e004u - SCS_BASE) /* v7-M: interrupt lines / 32 - 1 */
#define STIR (0xe000ef00u - SCS_BASE) /* v7-M software trigger */
#define NVIC_IABR 0x200u /* v7-M active bits */

#define ICSR_VECTPENDING_SHIFT 12
#define ICSR_ISRPENDING (1u << 22)
#define ICSR_RETTOBASE (1u << 11)
#define AIRCR_VECTKEYSTAT 0xfa050000u
#define AIRCR_PRIGROUP_SHIFT 8
#define SCR_MASK 0x16u /* SLEEPONEXIT, SLEEPDEEP, SEVONPEND */
#define CCR_V7M_WRITABLE 0x31bu
#define SHCSR_ENABLES 0x70000u

/* ------------------------------------------------------------------ SysTick */

static unsigned systick_div(const struct chip *chip)
{
	/* CLKSOURCE=0 selects the external reference: HCLK/8 on every STM32 (RM0377 §7.2). */
	return (chip->systick.csr & BJ_SYSTICK_CSR_CLKSOURCE) ? 1 : 8;
}

static uint32_t systick_value_at(const struct chip *chip, uint64_t cycle)
{
	const struct systick_state *t = &chip->systick;
	if (!(t->csr & BJ_SYSTICK_CSR_ENABLE))
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
	if (!(t->csr & BJ_SYSTICK_CSR_ENABLE))
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
	if (chip->systick.csr & BJ_SYSTICK_CSR_TICKINT)
		exc_set_pending(chip, EXC_SYSTICK);
	chip->systick.next_wrap = systick_next_zero(chip, now);
}

static uint32_t systick_read(struct chip *chip, uint32_t off)
{
	uint32_t now_value = systick_value_at(chip, tb_cycles(chip));
	switch (off) {
	case BJ_SYSTICK_CSR_OFFSET: {
		uint32_t v = chip->systick.csr | (chip->systick.countflag ? BJ_SYSTICK_CSR_COUNTFLAG : 0);
		chip->systick.countflag = false; /* COUNTFLAG clears when read */
		return v;
	}
	case BJ_SYSTICK_RVR_OFFSET:
		return chip->systick.rvr;
	case BJ_SYSTICK_CVR_OFFSET:
		return now_value;
	default:
		return 0; /* CALIB: no reference calibration value */
	}
}

static void systick_write(struct chip *chip, uint32_t off, uint32_t v)
{
	uint32_t now_value = systick_value_at(chip, tb_cycles(chip));
	switch (off) {
	case BJ_SYSTICK_CSR_OFFSET:
		chip->systick.csr = v & (BJ_SYSTICK_CSR_ENABLE | BJ_SYSTICK_CSR_TICKINT | BJ_SYSTICK_CSR_CLKSOURCE);
		break;
	case BJ_SYSTICK_RVR_OFFSET:
		chip->systick.rvr = v & (BJ_SYSTICK_RVR_RELOAD_MASK << BJ_SYSTICK_RVR_RELOAD_SHIFT);
		break;
	case BJ_SYSTICK_CVR_OFFSET:
		/* Any write clears the counter and COUNTFLAG (DDI0419 §B3.3.5). */
		now_value = 0;
		chip->systick.countflag = false;
		break;
	}
	systick_rebase(chip, now_value);
	cpu_attention(chip);
}

/* ------------------------------------------------------------------ NVIC */

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

static uint8_t prio_mask(const struct chip *chip)
{
	return (uint8_t)(0xffu << (8 - chip->prio_bits));
}

static uint32_t nvic_read(struct chip *chip, uint32_t off, bool *ok)
{
	unsigned n_words = (chip->part->nvic_irqs + 31) / 32;
	unsigned word = (off & 0x7f) / 4;
	if (off < BJ_NVIC_IPR0_OFFSET && word >= n_words) {
		*ok = false;
		return 0;
	}
	if (off < BJ_NVIC_ICER_OFFSET)
		return nvic_bits(chip, chip->nvic.enabled, word);
	if (off < BJ_NVIC_ISPR_OFFSET)
		return nvic_bits(chip, chip->nvic.enabled, word);
	if (off < BJ_NVIC_ICPR_OFFSET + 0x80)
		return nvic_bits(chip, chip->nvic.pending, word);
	if (chip->v7m && off >= NVIC_IABR && off < NVIC_IABR + 0x80)
		return nvic_bits(chip, chip->nvic.active, word);
	if (off >= BJ_NVIC_IPR0_OFFSET && off < BJ_NVIC_IPR0_OFFSET + chip->part->nvic_irqs) {
		unsigned irq = off - BJ_NVIC_IPR0_OFFSET;
		uint32_t v = 0;
		for (unsigned i = 0; i < 4 && irq + i < chip->part->nvic_irqs; i++)
			v |= (uint32_t)chip->nvic.prio[EXC_IRQ0 + irq + i] << (8 * i);
		return v;
	}
	*ok = false;
	return 0;
}

static void nvic_write(struct chip *chip, uint32_t off, uint32_t v, uint32_t lanes, bool *ok)
{
	unsigned word = (off & 0x7f) / 4;
	if (off < BJ_NVIC_IPR0_OFFSET && off >= BJ_NVIC_ICPR_OFFSET + 0x80) {
		*ok = chip->v7m && off >= NVIC_IABR && off < NVIC_IABR + 0x80; /* IABR is read-only */
		return;
	}
	if (off >= BJ_NVIC_IPR0_OFFSET) {
		unsigned irq = off - BJ_NVIC_IPR0_OFFSET;
		if (irq >= chip->part->nvic_irqs) {
			*ok = false;
			return;
		}
		for (unsigned i = 0; i < 4 && irq + i < chip->part->nvic_irqs; i++)
			if (lanes & (0xffu << (8 * i)))
				chip->nvic.prio[EXC_IRQ0 + irq + i] = (uint8_t)(v >> (8 * i)) & prio_mask(chip);
		chip->pend_check = true;
		return;
	}
	for (unsigned b = 0; b < 32; b++) {
		unsigned irq = word * 32 + b;
		if (!(v & (1u << b)) || irq >= chip->part->nvic_irqs)
			continue;
		unsigned e = EXC_IRQ0 + irq;
		if (off < BJ_NVIC_ICER_OFFSET)
			chip->nvic.enabled[e] = true;
		else if (off < BJ_NVIC_ISPR_OFFSET)
			chip->nvic.enabled[e] = false;
		else if (off < BJ_NVIC_ICPR_OFFSET)
			exc_set_pending(chip, e);
		else
			exc_clear_pending(chip, e);
	}
	chip->pend_check = true;
}

/* ------------------------------------------------------------------ SCB */

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
	uint32_t ipsr = cpu_reg(chip, UC_ARM_REG_IPSR) & 0x1ffu;
	uint32_t v = ipsr | (exc_highest_pending(chip) << ICSR_VECTPENDING_SHIFT);
	for (unsigned e = EXC_IRQ0; e < EXC_IRQ0 + chip->part->nvic_irqs; e++)
		if (chip->nvic.pending[e])
			v |= ICSR_ISRPENDING;
	if (chip->nvic.pending[EXC_SYSTICK])
		v |= BJ_SCB_ICSR_PENDSTSET;
	if (chip->nvic.pending[EXC_PENDSV])
		v |= BJ_SCB_ICSR_PENDSVSET;
	if (chip->nvic.pending[EXC_NMI])
		v |= BJ_SCB_ICSR_NMIPENDSET;
	if (chip->v7m && exc_active_count(chip) <= 1)
		v |= ICSR_RETTOBASE;
	return v;
}

static void icsr_write(struct chip *chip, uint32_t v)
{
	if (v & BJ_SCB_ICSR_NMIPENDSET)
		exc_set_pending(chip, EXC_NMI);
	if (v & BJ_SCB_ICSR_PENDSVSET)
		exc_set_pending(chip, EXC_PENDSV);
	else if (v & BJ_SCB_ICSR_PENDSVCLR)
		exc_clear_pending(chip, EXC_PENDSV);
	if (v & BJ_SCB_ICSR_PENDSTSET)
		exc_set_pending(chip, EXC_SYSTICK);
	else if (v & BJ_SCB_ICSR_PENDSTCLR)
		exc_clear_pending(chip, EXC_SYSTICK);
}

static uint32_t shcsr_read(const struct chip *chip)
{
	const struct nvic_state *n = &chip->nvic;
	uint32_t v = n->pending[EXC_SVCALL] ? 1u << 15 : 0;
	if (!chip->v7m)
		return v;
	static const struct { unsigned exc, bit; } act[] = {
		{EXC_MEMMANAGE, 0}, {EXC_BUSFAULT, 1}, {EXC_USAGEFAULT, 3}, {EXC_SVCALL, 7},
		{EXC_DEBUGMON, 8}, {EXC_PENDSV, 10}, {EXC_SYSTICK, 11},
	};
	for (unsigned i = 0; i < sizeof(act) / sizeof(act[0]); i++)
		if (n->active[act[i].exc])
			v |= 1u << act[i].bit;
	v |= (n->pending[EXC_USAGEFAULT] ? 1u << 12 : 0) | (n->pending[EXC_MEMMANAGE] ? 1u << 13 : 0) |
	     (n->pending[EXC_BUSFAULT] ? 1u << 14 : 0);
	return v | n->shcsr_enables;
}

static uint32_t scb_read(struct chip *chip, uint32_t off, bool *ok)
{
	struct nvic_state *n = &chip->nvic;
	switch (off) {
	case SCB_CPUID:
		return chip->part->cpuid;
	case BJ_SCB_ICSR_OFFSET:
		return icsr_read(chip);
	case BJ_SCB_VTOR_OFFSET:
		*ok = chip->has_vtor;
		return chip->has_vtor ? n->vtor : 0;
	case BJ_SCB_AIRCR_OFFSET:
		return AIRCR_VECTKEYSTAT | (chip->v7m ? n->aircr_prigroup << AIRCR_PRIGROUP_SHIFT : 0);
	case SCB_SCR:
		return n->scr;
	case SCB_CCR:
		return n->ccr;
	case SCB_SHPR1:
		*ok = chip->v7m;
		return chip->v7m ? shpr(chip, 4) : 0;
	case SCB_SHPR2:
		return shpr(chip, 8);
	case SCB_SHPR3:
		return shpr(chip, 12);
	case SCB_SHCSR:
		return shcsr_read(chip);
	case SCB_CFSR:
		*ok = chip->v7m;
		return n->cfsr;
	case SCB_HFSR:
		*ok = chip->v7m;
		return n->hfsr;
	case SCB_MMFAR:
		*ok = chip->v7m;
		return n->mmfar;
	case SCB_BFAR:
		*ok = chip->v7m;
		return n->bfar;
	default:
		*ok = false;
		return 0;
	}
}

static void aircr_write(struct chip *chip, uint32_t v)
{
	if (((v >> BJ_SCB_AIRCR_VECTKEY_SHIFT) & BJ_SCB_AIRCR_VECTKEY_MASK) != BJ_SCB_AIRCR_VECTKEY_KEY)
		return; /* writes without the key are ignored */
	if (chip->v7m)
		chip->nvic.aircr_prigroup = (v >> AIRCR_PRIGROUP_SHIFT) & 7;
	if (v & BJ_SCB_AIRCR_SYSRESETREQ)
		chip_request_reset(chip, CHIP_RESET_SYSTEM);
}

static void scb_write(struct chip *chip, uint32_t off, uint32_t v, uint32_t lanes, bool *ok)
{
	struct nvic_state *n = &chip->nvic;
	switch (off) {
	case BJ_SCB_ICSR_OFFSET:
		icsr_write(chip, v);
		return;
	case BJ_SCB_VTOR_OFFSET:
		*ok = chip->has_vtor;
		if (chip->has_vtor)
			n->vtor = v & 0xffffff80u;
		return;
	case BJ_SCB_AIRCR_OFFSET:
		aircr_write(chip, v);
		return;
	case SCB_SCR:
		n->scr = v & SCR_MASK;
		return;
	case SCB_CCR:
		if (chip->v7m)
			n->ccr = v & CCR_V7M_WRITABLE;
		return; /* read-only on ARMv6-M */
	case SCB_SHPR1:
		*ok = chip->v7m;
		if (chip->v7m)
			set_shpr(chip, 4, v, lanes);
		return;
	case SCB_SHPR2:
		set_shpr(chip, 8, v, lanes);
		return;
	case SCB_SHPR3:
		set_shpr(chip, 12, v, lanes);
		return;
	case SCB_SHCSR:
		if (chip->v7m)
			n->shcsr_enables = v & SHCSR_ENABLES;
		return;
	case SCB_CFSR:
		*ok = chip->v7m;
		n->cfsr &= ~v; /* write 1 to clear */
		return;
	case SCB_HFSR:
		*ok = chip->v7m;
		n->hfsr &= ~v;
		return;
	case SCB_MMFAR:
	case SCB_BFAR:
		*ok = chip->v7m;
		return;
	default:
		*ok = false;
		return;
	}
}

/* ------------------------------------------------------------------ dispatch */

uint32_t scs_read(struct chip *chip, uint32_t addr, unsigned size, bool *ok)
{
	uint32_t aligned = addr & ~3u, v;
	*ok = true;
	if (aligned >= SYST_BASE && aligned < SYST_BASE + 0x10)
		v = systick_read(chip, aligned - SYST_BASE);
	else if (chip->v7m && aligned - SCS_BASE == ICTR)
		v = (chip->part->nvic_irqs + 31) / 32 - 1;
	else if (aligned >= NVIC_BASE && aligned < NVIC_BASE + 0x500)
		v = nvic_read(chip, aligned - NVIC_BASE, ok);
	else if (aligned >= SCB_BASE && aligned < SCB_BASE + 0x40)
		v = scb_read(chip, aligned - SCB_BASE, ok);
	else {
		*ok = false;
		v = 0;
	}
	v >>= 8 * (addr & 3);
	return size == 4 ? v : v & ((1u << (8 * size)) - 1);
}

void scs_write(struct chip *chip, uint32_t addr, uint32_t value, unsigned size, bool *ok)
{
	uint32_t aligned = addr & ~3u;
	unsigned shift = 8 * (addr & 3);
	uint32_t lanes = (size == 4 ? 0xffffffffu : ((1u << (8 * size)) - 1)) << shift;
	uint32_t v = value << shift;
	*ok = true;
	if (aligned >= SYST_BASE && aligned < SYST_BASE + 0x10)
		systick_write(chip, aligned - SYST_BASE, v);
	else if (aligned >= NVIC_BASE && aligned < NVIC_BASE + 0x500)
		nvic_write(chip, aligned - NVIC_BASE, v, lanes, ok);
	else if (aligned >= SCB_BASE && aligned < SCB_BASE + 0x40)
		scb_write(chip, aligned - SCB_BASE, v, lanes, ok);
	else if (chip->v7m && aligned - SCS_BASE == STIR)
		exc_set_pending(chip, EXC_IRQ0 + (v & 0x1ff));
	else
		*ok = false;
	cpu_attention(chip);
}
