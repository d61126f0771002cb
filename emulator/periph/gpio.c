/* GPIO ports with MODER/IDR/ODR/BSRR (gpio-v2, and gpio-f4 at the same offsets), RM0377 §9.4: IDR shows the pin levels
 * (output pins their ODR bit, inputs their pull-up/pull-down, a floating input 0) and the
 * part's BOOT0 pin where `boot.boot0_gpio` names one (PB8 on the F04x): it reads the level
 * --boot0 / `monitor boot0` set. BSRR and BRR set and clear ODR bits and read as 0. */
#include <stdlib.h>
#include <string.h>

#include "periph.h"

/* Pin y's MODE and PUPD fields sit y times their width above pin 0's (the part database gives
 * pin 0's; gpio-f4 has gpio-v2's). */
#define PIN_WIDTH(reg, f) __builtin_popcount(BJ_GPIO_V2_##reg##_##f##0_MASK)
#define PIN_FIELD(v, pin, reg, f) \
	(((v) >> (BJ_GPIO_V2_##reg##_##f##0_SHIFT + (pin) * PIN_WIDTH(reg, f))) & BJ_GPIO_V2_##reg##_##f##0_MASK)

/* The pin of this port that is BOOT0, or -1 ("PB8" on port GPIOB gives 8). */
static int boot0_pin(const struct periph *p)
{
	const char *pin = p->chip->part->boot0_gpio, *port = p->desc->name;
	size_t n = strlen(port);
	if (!pin || pin[0] != 'P' || n < 1 || pin[1] != port[n - 1])
		return -1;
	return atoi(pin + 2);
}

static uint32_t reg_read(struct periph *p, uint32_t off)
{
	if (off == BJ_GPIO_V2_BSRR_OFFSET || off == BJ_GPIO_V2_BRR_OFFSET)
		return 0; /* write-only; gpio-f4 has no BRR and never gets here for it */
	if (off != BJ_GPIO_V2_IDR_OFFSET)
		return p->regs[off / 4];
	uint32_t moder = p->regs[BJ_GPIO_V2_MODER_OFFSET / 4], pupdr = p->regs[BJ_GPIO_V2_PUPDR_OFFSET / 4];
	uint32_t odr = p->regs[BJ_GPIO_V2_ODR_OFFSET / 4], idr = 0;
	int boot0 = boot0_pin(p);
	for (unsigned pin = 0; pin < 16; pin++) {
		unsigned mode = PIN_FIELD(moder, pin, MODER, MODE), pull = PIN_FIELD(pupdr, pin, PUPDR, PUPD);
		bool level;
		if (mode == BJ_GPIO_V2_MODER_MODE0_OUTPUT)
			level = odr & (1u << pin);
		else if ((int)pin == boot0 && mode != BJ_GPIO_V2_MODER_MODE0_ANALOG)
			level = p->chip->boot0; /* input and alternate-function pins sample the pin (PA14 on G0 is SWCLK) */
		else
			level = mode == BJ_GPIO_V2_MODER_MODE0_INPUT && pull == BJ_GPIO_V2_PUPDR_PUPD0_PULL_UP;
		idr |= (uint32_t)level << pin;
	}
	return idr;
}

static void reg_write(struct periph *p, uint32_t off, uint32_t v, uint32_t mask)
{
	(void)mask;
	uint32_t *odr = &p->regs[BJ_GPIO_V2_ODR_OFFSET / 4];
	switch (off) {
	case BJ_GPIO_V2_IDR_OFFSET:
		break; /* read-only */
	case BJ_GPIO_V2_BSRR_OFFSET:
		*odr = (*odr & ~(v >> 16)) | (v & 0xffff); /* set wins over reset */
		break;
	case BJ_GPIO_V2_BRR_OFFSET:
		*odr &= ~(v & 0xffff);
		break;
	default:
		p->regs[off / 4] = v;
		break;
	}
}

const struct periph_model gpio_v2_model = {.ip = BJ_IP_GPIO_V2, .read = reg_read, .write = reg_write};
const struct periph_model gpio_f4_model = {.ip = BJ_IP_GPIO_F4, .read = reg_read, .write = reg_write};
