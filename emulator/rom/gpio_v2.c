/* Pins on the MODER/AFR GPIO (gpio-v2: L0, F0, G0, L4; gpio-f4: the same layout): both USART pins
 * in their alternate function mode, with the AF number AN2606 gives. */
#include "rom.h"

#if BL_GPIO_V2

#if defined(BJ_GPIO_V2_MODER_OFFSET)
#define GPIO(name) BJ_GPIO_V2_##name
#else
#define GPIO(name) BJ_GPIO_F4_##name
#endif

static void alternate(uint32_t port, unsigned pin, unsigned af)
{
	uint32_t moder = port + GPIO(MODER_OFFSET);
	/* AFRL holds pins 0-7, AFRH pins 8-15, with AFRL's field layout. */
	uint32_t afr = port + (pin < 8 ? GPIO(AFRL_OFFSET) : GPIO(AFRH_OFFSET));
	/* Pin y's field sits at y times the width of pin 0's. */
	unsigned mode_shift = pin * __builtin_popcount(GPIO(MODER_MODE0_MASK));
	unsigned af_shift = (pin % 8) * __builtin_popcount(GPIO(AFRL_AFSEL0_MASK));

	bl_write32(afr, (bl_read32(afr) & ~(GPIO(AFRL_AFSEL0_MASK) << af_shift)) | (af << af_shift));
	bl_write32(moder, (bl_read32(moder) & ~(GPIO(MODER_MODE0_MASK) << mode_shift))
	                  | (GPIO(MODER_MODE0_ALTERNATE) << mode_shift));
}

void bl_gpio_usart_tx(uint32_t port, unsigned pin, unsigned af)
{
	alternate(port, pin, af);
}

void bl_gpio_usart_rx(uint32_t port, unsigned pin, unsigned af)
{
	alternate(port, pin, af);
}

bool bl_gpio_read(uint32_t port, unsigned pin)
{
	return bl_read32(port + GPIO(IDR_OFFSET)) & (1u << pin);
}

#endif
