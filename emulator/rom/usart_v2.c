/* The bootloader USARTs on the ISR/RDR/TDR USART (usart-v2: L0, F0, G0, L4).
 *
 * AN2606 (STM32L0 bootloader sections): the USARTs run with "8-bit data, even parity and 1 stop
 * bit", and the baud rate is detected from the host's 0x7F (AN3155 §2). The model uses the USART's
 * own auto-baud hardware for that (CR2.ABREN, measurement mode 0: the start bit, which in 0x7F is
 * the only low bit before the first data bit), and RM0377's word length setting for 8 data bits
 * plus parity: M0 = 1 (9-bit word), PCE = 1, PS = 0 (even).
 */
#include "protocol.h"
#include "rom.h"

#if BL_USART_V2

struct bl_usart {
	uint32_t base;
	uint32_t enable_addr, enable_bit, reset_addr, reset_bit;
	uint32_t tx_port, tx_port_enable_addr, tx_port_enable_bit, tx_port_reset_addr, tx_port_reset_bit;
	uint32_t rx_port, rx_port_enable_addr, rx_port_enable_bit, rx_port_reset_addr, rx_port_reset_bit;
	uint8_t tx_pin, rx_pin, af;
};

#define BL_USART(n)                                                                                     \
	{                                                                                                  \
		BJ_BL_USART##n##_BASE, BJ_BL_USART##n##_ENABLE_ADDR, BJ_BL_USART##n##_ENABLE_BIT,              \
		BJ_BL_USART##n##_RESET_ADDR, BJ_BL_USART##n##_RESET_BIT, BJ_BL_USART##n##_TX_PORT,             \
		BJ_BL_USART##n##_TX_PORT_ENABLE_ADDR, BJ_BL_USART##n##_TX_PORT_ENABLE_BIT,                      \
		BJ_BL_USART##n##_TX_PORT_RESET_ADDR, BJ_BL_USART##n##_TX_PORT_RESET_BIT, BJ_BL_USART##n##_RX_PORT, \
		BJ_BL_USART##n##_RX_PORT_ENABLE_ADDR, BJ_BL_USART##n##_RX_PORT_ENABLE_BIT,                      \
		BJ_BL_USART##n##_RX_PORT_RESET_ADDR, BJ_BL_USART##n##_RX_PORT_RESET_BIT, BJ_BL_USART##n##_TX_PIN, \
		BJ_BL_USART##n##_RX_PIN, BJ_BL_USART##n##_AF                                                    \
	}

/* The bootloader USARTs AN2606 lists for the part, in its order (bj_part.h: BJ_BL_USART<n>_*). */
static const struct bl_usart bl_usarts[] = {
	BL_USART(0),
#if BJ_BL_USART_COUNT > 1
	BL_USART(1),
#endif
#if BJ_BL_USART_COUNT > 2
	BL_USART(2),
#endif
};
#define BL_N_USARTS (sizeof(bl_usarts) / sizeof(bl_usarts[0]))
_Static_assert(BL_N_USARTS == BJ_BL_USART_COUNT, "one bl_usarts[] entry per bootloader USART of bj_part.h");

#define REG(u, name) ((u)->base + BJ_USART_V2_##name##_OFFSET)
#define ISR_ERRORS (BJ_USART_V2_ISR_PE | BJ_USART_V2_ISR_FE | BJ_USART_V2_ISR_NF | BJ_USART_V2_ISR_ORE)
#define ICR_ERRORS (BJ_USART_V2_ICR_PECF | BJ_USART_V2_ICR_FECF | BJ_USART_V2_ICR_NCF | BJ_USART_V2_ICR_ORECF)

/* The interface the host synchronised on; the session uses only that one (AN2606 §4.3). Set by
 * bl_port_sync_byte() before any other function reads it. */
static const struct bl_usart *session;

void bl_usart_init(void)
{
	for (uint32_t i = 0; i < BL_N_USARTS; i++) {
		const struct bl_usart *u = &bl_usarts[i];
		bl_set_bits(u->tx_port_enable_addr, u->tx_port_enable_bit);
		bl_set_bits(u->rx_port_enable_addr, u->rx_port_enable_bit);
		bl_gpio_alternate(u->tx_port, u->tx_pin, u->af);
		bl_gpio_alternate(u->rx_port, u->rx_pin, u->af);
		bl_set_bits(u->enable_addr, u->enable_bit);
		bl_write32(REG(u, CR1), 0);
		bl_write32(REG(u, CR2), BJ_USART_V2_CR2_ABREN);
		bl_write32(REG(u, CR1), BJ_USART_V2_CR1_M0 | BJ_USART_V2_CR1_PCE | BJ_USART_V2_CR1_TE | BJ_USART_V2_CR1_RE
		                        | BJ_USART_V2_CR1_UE);
	}
}

/* Reads the received byte and clears any error flag that came with it (an overrun or a framing
 * error must not stop reception). */
static uint8_t take_byte(const struct bl_usart *u, uint32_t isr)
{
	uint8_t b = (uint8_t)bl_read32(REG(u, RDR));

	if (isr & ISR_ERRORS)
		bl_write32(REG(u, ICR), ICR_ERRORS);
	return b;
}

/* The bootloader's idle loop before a host is connected: poll RXNE of every bootloader USART. */
uint8_t bl_port_sync_byte(void)
{
	for (;;) {
		for (uint32_t i = 0; i < BL_N_USARTS; i++) {
			const struct bl_usart *u = &bl_usarts[i];
			uint32_t isr = bl_read32(REG(u, ISR));
			if (!(isr & BJ_USART_V2_ISR_RXNE))
				continue;
			uint8_t b = take_byte(u, isr);
			if (b == BL_SYNC && !(isr & BJ_USART_V2_ISR_ABRE)) {
				session = u;
				return b;
			}
			/* Noise, not a 0x7F: measure the baud rate again on the next byte. */
			bl_write32(REG(u, RQR), BJ_USART_V2_RQR_ABRRQ);
			return b;
		}
	}
}

/* The command loop's wait: poll RXNE of the session's USART. */
uint8_t bl_port_getc(void)
{
	uint32_t isr;

	while (!((isr = bl_read32(REG(session, ISR))) & BJ_USART_V2_ISR_RXNE)) {
	}
	return take_byte(session, isr);
}

void bl_port_putc(uint8_t byte)
{
	bl_wait(REG(session, ISR), BJ_USART_V2_ISR_TXE, BJ_USART_V2_ISR_TXE);
	bl_write32(REG(session, TDR), byte);
}

/* Lets the last reply leave the shift register, then puts the USARTs and their GPIO ports back to
 * their reset state through the RCC reset bits and turns their clocks off. */
void bl_usart_deinit(void)
{
	bl_wait(REG(session, ISR), BJ_USART_V2_ISR_TC, BJ_USART_V2_ISR_TC);
	for (uint32_t i = 0; i < BL_N_USARTS; i++) {
		const struct bl_usart *u = &bl_usarts[i];
		bl_set_bits(u->reset_addr, u->reset_bit);
		bl_clear_bits(u->reset_addr, u->reset_bit);
		bl_clear_bits(u->enable_addr, u->enable_bit);
		bl_set_bits(u->tx_port_reset_addr, u->tx_port_reset_bit);
		bl_clear_bits(u->tx_port_reset_addr, u->tx_port_reset_bit);
		bl_clear_bits(u->tx_port_enable_addr, u->tx_port_enable_bit);
		bl_set_bits(u->rx_port_reset_addr, u->rx_port_reset_bit);
		bl_clear_bits(u->rx_port_reset_addr, u->rx_port_reset_bit);
		bl_clear_bits(u->rx_port_enable_addr, u->rx_port_enable_bit);
	}
}

#endif
