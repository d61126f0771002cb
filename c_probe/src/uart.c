/* The probe's UART: the part's first bootloader USART and its pins (BJ_BL_USART0_*), 8N1 at
 * BJ_DEFAULT_BAUD from the reset clock (the probe never changes the clock), polled. The register
 * layout is chosen by the instance's IP variant. */
#include "probe.h"

#define BJ_BAUD BJ_DEFAULT_BAUD
#define BJ_BRR ((BJ_RESET_HZ + BJ_BAUD / 2u) / BJ_BAUD) /* oversampling by 16 */

/* ------------------------------------------------------------------ pins */

#if defined(BJ_IP_GPIOA_GPIO_V2)
/* Pin y's MODEy and AFSELy fields sit at y times pin 0's field width (RM0377 §9.4). */
#define BJ_MODE_WIDTH ((unsigned)__builtin_popcount(BJ_GPIO_V2_MODER_MODE0_MASK))
#define BJ_AFSEL_WIDTH ((unsigned)__builtin_popcount(BJ_GPIO_V2_AFRL_AFSEL0_MASK))

static void pin_alternate(uint32_t port, unsigned pin, unsigned af)
{
	uint32_t afr = port + (pin < 8u ? BJ_GPIO_V2_AFRL_OFFSET : BJ_GPIO_V2_AFRH_OFFSET);
	unsigned af_shift = (pin % 8u) * BJ_AFSEL_WIDTH;
	MMIO32(afr) = (MMIO32(afr) & ~(BJ_GPIO_V2_AFRL_AFSEL0_MASK << af_shift)) | (af << af_shift);
	uint32_t moder = port + BJ_GPIO_V2_MODER_OFFSET;
	unsigned mode_shift = pin * BJ_MODE_WIDTH;
	MMIO32(moder) = (MMIO32(moder) & ~(BJ_GPIO_V2_MODER_MODE0_MASK << mode_shift)) |
			(BJ_GPIO_V2_MODER_MODE0_ALTERNATE << mode_shift);
}

static void pins_init(void)
{
	pin_alternate(BJ_BL_USART0_TX_PORT, BJ_BL_USART0_TX_PIN, BJ_BL_USART0_AF);
	pin_alternate(BJ_BL_USART0_RX_PORT, BJ_BL_USART0_RX_PIN, BJ_BL_USART0_AF);
}
#else
#error "c_probe/src/uart.c: no pin set-up for this part's GPIO variant"
#endif

/* ------------------------------------------------------------------ USART */

#if defined(BJ_BL_USART0_IP_USART_V2)
#define BJ_USART(reg) MMIO32(BJ_BL_USART0_BASE + BJ_USART_V2_##reg##_OFFSET)

static void usart_init(void)
{
	BJ_USART(CR1) = 0;
	BJ_USART(BRR) = BJ_BRR;
	BJ_USART(CR1) = BJ_USART_V2_CR1_UE | BJ_USART_V2_CR1_TE | BJ_USART_V2_CR1_RE;
}

static void usart_putc(char c)
{
	for (unsigned n = BJ_POLL_LIMIT; n && !(BJ_USART(ISR) & BJ_USART_V2_ISR_TXE); n--)
		;
	BJ_USART(TDR) = (uint8_t)c;
}

int bj_uart_getc(void)
{
	uint32_t isr = BJ_USART(ISR);
	if (isr & BJ_USART_V2_ISR_ORE)
		BJ_USART(ICR) = BJ_USART_V2_ICR_ORECF;
	return isr & BJ_USART_V2_ISR_RXNE ? (int)(BJ_USART(RDR) & 0xffu) : -1;
}

void bj_uart_flush(void)
{
	for (unsigned n = BJ_POLL_LIMIT; n && !(BJ_USART(ISR) & BJ_USART_V2_ISR_TC); n--)
		;
}
#else
#error "c_probe/src/uart.c: no driver for this part's bootloader USART variant"
#endif

void bj_uart_init(void)
{
	MMIO32(BJ_BL_USART0_TX_PORT_ENABLE_ADDR) |= BJ_BL_USART0_TX_PORT_ENABLE_BIT;
	MMIO32(BJ_BL_USART0_RX_PORT_ENABLE_ADDR) |= BJ_BL_USART0_RX_PORT_ENABLE_BIT;
	MMIO32(BJ_BL_USART0_ENABLE_ADDR) |= BJ_BL_USART0_ENABLE_BIT;
	pins_init();
	usart_init();
}

void bj_uart_puts(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			usart_putc('\r');
		usart_putc(*s);
	}
}
