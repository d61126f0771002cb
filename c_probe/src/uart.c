/* The probe's UART: the part's first bootloader USART and its pins (BJ_BL_USART0_*), 8N1 at
 * BJ_DEFAULT_BAUD from the reset clock (the probe never changes the clock), polled. The register
 * layout is chosen by the instance's IP variant. */
#include "probe.h"

#define BJ_BAUD BJ_DEFAULT_BAUD
#define BJ_BRR ((BJ_RESET_HZ + BJ_BAUD / 2u) / BJ_BAUD) /* oversampling by 16 */

/* ------------------------------------------------------------------ pins */

#if defined(BJ_IP_GPIOA_GPIO_V2) || defined(BJ_IP_GPIOA_GPIO_F4)
#if defined(BJ_IP_GPIOA_GPIO_V2)
#define BJ_GPIO(x) BJ_GPIO_V2_##x
#else
#define BJ_GPIO(x) BJ_GPIO_F4_##x
#endif
/* Pin y's MODEy and AFSELy fields sit at y times pin 0's field width (RM0377 §9.4). */
#define BJ_MODE_WIDTH ((unsigned)__builtin_popcount(BJ_GPIO(MODER_MODE0_MASK)))
#define BJ_AFSEL_WIDTH ((unsigned)__builtin_popcount(BJ_GPIO(AFRL_AFSEL0_MASK)))

static void pin_alternate(uint32_t port, unsigned pin, unsigned af)
{
	uint32_t afr = port + (pin < 8u ? BJ_GPIO(AFRL_OFFSET) : BJ_GPIO(AFRH_OFFSET));
	unsigned af_shift = (pin % 8u) * BJ_AFSEL_WIDTH;
	MMIO32(afr) = (MMIO32(afr) & ~(BJ_GPIO(AFRL_AFSEL0_MASK) << af_shift)) | (af << af_shift);
	uint32_t moder = port + BJ_GPIO(MODER_OFFSET);
	unsigned mode_shift = pin * BJ_MODE_WIDTH;
	MMIO32(moder) = (MMIO32(moder) & ~(BJ_GPIO(MODER_MODE0_MASK) << mode_shift)) |
			(BJ_GPIO(MODER_MODE0_ALTERNATE) << mode_shift);
}

static void pins_init(void)
{
	pin_alternate(BJ_BL_USART0_TX_PORT, BJ_BL_USART0_TX_PIN, BJ_BL_USART0_AF);
	pin_alternate(BJ_BL_USART0_RX_PORT, BJ_BL_USART0_RX_PIN, BJ_BL_USART0_AF);
}
#elif defined(BJ_IP_GPIOA_GPIO_F1)
/* RM0008 GPIO: pin y's MODEy and CNFy sit in CRL at 4 times y, pins 8..15 in CRH; the USART's
 * default pins need no AFIO remap. */
#define BJ_PIN_WIDTH ((unsigned)__builtin_popcount(BJ_GPIO_F1_CRL_MODE0_MASK | BJ_GPIO_F1_CRL_CNF0_MASK << BJ_GPIO_F1_CRL_CNF0_SHIFT))

static void pin_config(uint32_t port, unsigned pin, uint32_t mode, uint32_t cnf)
{
	uint32_t cr = port + (pin < 8u ? BJ_GPIO_F1_CRL_OFFSET : BJ_GPIO_F1_CRH_OFFSET);
	unsigned shift = (pin % 8u) * BJ_PIN_WIDTH;
	uint32_t mask = BJ_GPIO_F1_CRL_MODE0_MASK << BJ_GPIO_F1_CRL_MODE0_SHIFT | BJ_GPIO_F1_CRL_CNF0_MASK << BJ_GPIO_F1_CRL_CNF0_SHIFT;
	uint32_t value = mode << BJ_GPIO_F1_CRL_MODE0_SHIFT | cnf << BJ_GPIO_F1_CRL_CNF0_SHIFT;
	MMIO32(cr) = (MMIO32(cr) & ~(mask << shift)) | (value << shift);
}

static void pins_init(void)
{
	pin_config(BJ_BL_USART0_TX_PORT, BJ_BL_USART0_TX_PIN, BJ_GPIO_F1_CRL_MODE0_OUTPUT_50MHZ, BJ_GPIO_F1_CRL_CNF0_AF_PUSH_PULL);
	pin_config(BJ_BL_USART0_RX_PORT, BJ_BL_USART0_RX_PIN, BJ_GPIO_F1_CRL_MODE0_INPUT, BJ_GPIO_F1_CRL_CNF0_INPUT_FLOATING);
}
#else
#error "c_probe/src/uart.c: no pin set-up for this part's GPIO variant"
#endif

/* ------------------------------------------------------------------ USART */

#if defined(BJ_BL_USART0_IP_USART_V2)
#define BJ_USART(reg) MMIO32(BJ_BL_USART0_BASE + BJ_USART_V2_##reg##_OFFSET)

static void usart_init(void)
{
	/* From reset values: after a trip through the ROM the USART may still hold its 8E1 set-up. */
	BJ_USART(CR1) = 0;
	BJ_USART(CR2) = BJ_USART_V2_CR2_RESET;
	BJ_USART(CR3) = BJ_USART_V2_CR3_RESET;
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
#elif defined(BJ_BL_USART0_IP_USART_V1)
/* RM0008 / RM0368 USART: SR/DR, UE in CR1; BRR holds USARTDIV * 16 as mantissa and fraction. */
#define BJ_USART(reg) MMIO32(BJ_BL_USART0_BASE + BJ_USART_V1_##reg##_OFFSET)

static void usart_init(void)
{
	/* From reset values: after a trip through the ROM the USART may still hold its 8E1 set-up. */
	BJ_USART(CR1) = 0;
	BJ_USART(CR2) = BJ_USART_V1_CR2_RESET;
	BJ_USART(CR3) = BJ_USART_V1_CR3_RESET;
	BJ_USART(BRR) = BJ_BRR;
	BJ_USART(CR1) = BJ_USART_V1_CR1_UE | BJ_USART_V1_CR1_TE | BJ_USART_V1_CR1_RE;
}

static void usart_putc(char c)
{
	for (unsigned n = BJ_POLL_LIMIT; n && !(BJ_USART(SR) & BJ_USART_V1_SR_TXE); n--)
		;
	BJ_USART(DR) = (uint8_t)c;
}

/* Reading DR after SR clears RXNE and ORE together. */
int bj_uart_getc(void)
{
	uint32_t sr = BJ_USART(SR);
	if (!(sr & (BJ_USART_V1_SR_RXNE | BJ_USART_V1_SR_ORE)))
		return -1;
	uint32_t dr = BJ_USART(DR);
	return sr & BJ_USART_V1_SR_RXNE ? (int)(dr & 0xffu) : -1;
}

void bj_uart_flush(void)
{
	for (unsigned n = BJ_POLL_LIMIT; n && !(BJ_USART(SR) & BJ_USART_V1_SR_TC); n--)
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
