/* Pins on the STM32F1 GPIO (gpio-f1, RM0008 GPIO registers): 4 bits per pin in CRL (pins 0-7) and
 * CRH (pins 8-15), MODEy then CNFy. RM0008's USART pin table: TX as "alternate function
 * push-pull" output, RX as "input floating". F1 has no AF numbers (AN2606 gives 0; the pins are
 * the USART's default mapping, so AFIO is not touched). */
#include "rom.h"

#if BL_GPIO_F1

/* Pin y's MODEy/CNFy pair sits at y times the width of pin 0's pair. */
#define PIN_BITS (__builtin_popcount(BJ_GPIO_F1_CRL_MODE0_MASK) + __builtin_popcount(BJ_GPIO_F1_CRL_CNF0_MASK))

static void configure(uint32_t port, unsigned pin, uint32_t mode, uint32_t cnf)
{
	uint32_t cr = port + (pin < 8 ? BJ_GPIO_F1_CRL_OFFSET : BJ_GPIO_F1_CRH_OFFSET);
	unsigned shift = (pin % 8) * PIN_BITS;
	uint32_t mask = (BJ_GPIO_F1_CRL_MODE0_MASK << BJ_GPIO_F1_CRL_MODE0_SHIFT)
	                | (BJ_GPIO_F1_CRL_CNF0_MASK << BJ_GPIO_F1_CRL_CNF0_SHIFT);
	uint32_t value = mode << BJ_GPIO_F1_CRL_MODE0_SHIFT | cnf << BJ_GPIO_F1_CRL_CNF0_SHIFT;

	bl_write32(cr, (bl_read32(cr) & ~(mask << shift)) | (value << shift));
}

void bl_gpio_usart_tx(uint32_t port, unsigned pin, unsigned af)
{
	(void)af;
	configure(port, pin, BJ_GPIO_F1_CRL_MODE0_OUTPUT_50MHZ, BJ_GPIO_F1_CRL_CNF0_AF_PUSH_PULL);
}

void bl_gpio_usart_rx(uint32_t port, unsigned pin, unsigned af)
{
	(void)af;
	configure(port, pin, BJ_GPIO_F1_CRL_MODE0_INPUT, BJ_GPIO_F1_CRL_CNF0_INPUT_FLOATING);
}

bool bl_gpio_read(uint32_t port, unsigned pin)
{
	return bl_read32(port + BJ_GPIO_F1_IDR_OFFSET) & (1u << pin);
}

#endif
