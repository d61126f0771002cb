/* Pin routing on the MODER/AFR GPIO (gpio-v2: L0, F0, F4, G0, L4). */
#include "rom.h"

#if BL_GPIO_V2

void bl_gpio_alternate(uint32_t port, unsigned pin, unsigned af)
{
	uint32_t moder = port + BJ_GPIO_V2_MODER_OFFSET;
	/* AFRL holds pins 0-7, AFRH pins 8-15, with AFRL's field layout. */
	uint32_t afr = port + (pin < 8 ? BJ_GPIO_V2_AFRL_OFFSET : BJ_GPIO_V2_AFRH_OFFSET);
	/* Pin y's field sits at y times the width of pin 0's. */
	unsigned mode_shift = pin * __builtin_popcount(BJ_GPIO_V2_MODER_MODE0_MASK);
	unsigned af_shift = (pin % 8) * __builtin_popcount(BJ_GPIO_V2_AFRL_AFSEL0_MASK);

	bl_write32(afr, (bl_read32(afr) & ~(BJ_GPIO_V2_AFRL_AFSEL0_MASK << af_shift)) | (af << af_shift));
	bl_write32(moder, (bl_read32(moder) & ~(BJ_GPIO_V2_MODER_MODE0_MASK << mode_shift))
	                  | (BJ_GPIO_V2_MODER_MODE0_ALTERNATE << mode_shift));
}

#endif
