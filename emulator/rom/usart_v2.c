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

#include "usart_table.h"

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
		bl_usart_connect(u);
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
	for (uint32_t i = 0; i < BL_N_USARTS; i++)
		bl_usart_disconnect(&bl_usarts[i]);
}

#endif
