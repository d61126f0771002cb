/* The F1 GPIO port (gpio-f1), RM0008 §9.2: CRL/CRH give each pin MODE[1:0] and CNF[1:0]; IDR
 * shows output pins' ODR bits, inputs with pull-up/pull-down (CNF 10) their ODR-selected pull,
 * floating and analog inputs 0; BSRR and BRR set and clear ODR bits and read as 0. */
#include "periph.h"

/* Pin y's MODE and CNF fields sit 4 x (y mod 8) bits above pin 0's, in CRL for pins 0..7 and
 * CRH for 8..15 (the part database gives pin 0's). */
#define PIN_FIELD(cr, pin, f) (((cr) >> (4 * ((pin) & 7) + BJ_GPIO_F1_CRL_##f##0_SHIFT)) & BJ_GPIO_F1_CRL_##f##0_MASK)

static uint32_t reg_read(struct periph *p, uint32_t off)
{
	if (off == BJ_GPIO_F1_BSRR_OFFSET || off == BJ_GPIO_F1_BRR_OFFSET)
		return 0;
	if (off != BJ_GPIO_F1_IDR_OFFSET)
		return p->regs[off / 4];
	uint32_t odr = p->regs[BJ_GPIO_F1_ODR_OFFSET / 4], idr = 0;
	for (unsigned pin = 0; pin < 16; pin++) {
		uint32_t cr = p->regs[(pin < 8 ? BJ_GPIO_F1_CRL_OFFSET : BJ_GPIO_F1_CRH_OFFSET) / 4];
		unsigned mode = PIN_FIELD(cr, pin, MODE), cnf = PIN_FIELD(cr, pin, CNF);
		bool level = mode != BJ_GPIO_F1_CRL_MODE0_INPUT ? (odr >> pin) & 1
								: cnf == BJ_GPIO_F1_CRL_CNF0_INPUT_PULL && ((odr >> pin) & 1);
		idr |= (uint32_t)level << pin;
	}
	return idr;
}

static void reg_write(struct periph *p, uint32_t off, uint32_t v, uint32_t mask)
{
	(void)mask;
	uint32_t *odr = &p->regs[BJ_GPIO_F1_ODR_OFFSET / 4];
	switch (off) {
	case BJ_GPIO_F1_IDR_OFFSET:
		break;
	case BJ_GPIO_F1_BSRR_OFFSET:
		*odr = (*odr & ~(v >> 16)) | (v & 0xffff);
		break;
	case BJ_GPIO_F1_BRR_OFFSET:
		*odr &= ~(v & 0xffff);
		break;
	default:
		p->regs[off / 4] = v;
		break;
	}
}

const struct periph_model gpio_f1_model = {.ip = BJ_IP_GPIO_F1, .read = reg_read, .write = reg_write};
