/* The bootloader USARTs on the SR/DR USART (usart-v1: F1, F4).
 *
 * AN3155: the link is 8 data bits, even parity, 1 stop bit (RM0008 word length: M = 1 for 9 bits,
 * PCE = 1, PS = 0), and the baud rate is detected from the host's 0x7F. This USART has no
 * auto-baud hardware: the real ROM times the 0x7F's bits itself. The emulated line carries bytes,
 * not bit timings, so the model cannot measure anything; it programs 115200 baud from the clock it
 * runs on (BJ_RESET_HZ: the model keeps the reset clock on these parts, clock_reset.c), and the
 * emulator's pty does not depend on the divider.
 */
#include "protocol.h"
#include "rom.h"

#if BL_USART_V1

#include "usart_table.h"

#define REG(u, name) ((u)->base + BJ_USART_V1_##name##_OFFSET)
/* USARTDIV = fCK / (16 x baud) goes into BRR as mantissa and 4-bit fraction, i.e. fCK / baud. */
#define MODEL_BAUD 115200u

static const struct bl_usart *session;

void bl_usart_init(void)
{
	for (uint32_t i = 0; i < BL_N_USARTS; i++) {
		const struct bl_usart *u = &bl_usarts[i];
		bl_usart_connect(u);
		bl_write32(REG(u, CR1), 0);
		bl_write32(REG(u, BRR), (BJ_RESET_HZ + MODEL_BAUD / 2) / MODEL_BAUD);
		bl_write32(REG(u, CR1), BJ_USART_V1_CR1_M | BJ_USART_V1_CR1_PCE | BJ_USART_V1_CR1_TE | BJ_USART_V1_CR1_RE
		                        | BJ_USART_V1_CR1_UE);
	}
}

/* Reading SR (done by the caller) and then DR also clears PE, FE, NE and ORE (RM0008). */
static uint8_t take_byte(const struct bl_usart *u)
{
	return (uint8_t)bl_read32(REG(u, DR));
}

/* The bootloader's idle loop before a host is connected: poll RXNE of every bootloader USART. */
uint8_t bl_port_sync_byte(void)
{
	for (;;) {
		for (uint32_t i = 0; i < BL_N_USARTS; i++) {
			const struct bl_usart *u = &bl_usarts[i];
			if (!(bl_read32(REG(u, SR)) & BJ_USART_V1_SR_RXNE))
				continue;
			uint8_t b = take_byte(u);
			if (b == BL_SYNC)
				session = u;
			return b;
		}
	}
}

/* The command loop's wait: poll RXNE of the session's USART. */
uint8_t bl_port_getc(void)
{
	while (!(bl_read32(REG(session, SR)) & BJ_USART_V1_SR_RXNE)) {
	}
	return take_byte(session);
}

void bl_port_putc(uint8_t byte)
{
	bl_wait(REG(session, SR), BJ_USART_V1_SR_TXE, BJ_USART_V1_SR_TXE);
	bl_write32(REG(session, DR), byte);
}

void bl_usart_deinit(void)
{
	bl_wait(REG(session, SR), BJ_USART_V1_SR_TC, BJ_USART_V1_SR_TC);
	for (uint32_t i = 0; i < BL_N_USARTS; i++)
		bl_usart_disconnect(&bl_usarts[i]);
}

#endif
