/* The bootloader's first USART as firmware drives it: 10 bytes out at 115200 baud, then an echo
 * (each byte + 1). 'O' makes it stop reading for 20 frame times first, so the bytes that follow
 * overrun; with mailbox 2 (usart-v2 only) auto-baud is armed and the first byte is measured. */
#include "bj_part.h"
#include "fw.h"

#define BAUD 115200u
#define U(off) MMIO32(BJ_BL_USART0_BASE + (off))
#ifdef BJ_BL_USART0_IP_USART_V2
#define STATUS U(BJ_USART_V2_ISR_OFFSET)
#define TX U(BJ_USART_V2_TDR_OFFSET)
#define RX U(BJ_USART_V2_RDR_OFFSET)
#define BRR U(BJ_USART_V2_BRR_OFFSET)
#define TXE BJ_USART_V2_ISR_TXE
#define RXNE BJ_USART_V2_ISR_RXNE
#define ORE BJ_USART_V2_ISR_ORE
#define CLEAR_ORE() (U(BJ_USART_V2_ICR_OFFSET) = BJ_USART_V2_ICR_ORECF)
#define ENABLE()                                                                                         \
	(U(BJ_USART_V2_CR1_OFFSET) = BJ_USART_V2_CR1_UE | BJ_USART_V2_CR1_TE | BJ_USART_V2_CR1_RE)
#else
#define STATUS U(BJ_USART_V1_SR_OFFSET)
#define TX U(BJ_USART_V1_DR_OFFSET)
#define RX U(BJ_USART_V1_DR_OFFSET)
#define BRR U(BJ_USART_V1_BRR_OFFSET)
#define TXE BJ_USART_V1_SR_TXE
#define RXNE BJ_USART_V1_SR_RXNE
#define ORE BJ_USART_V1_SR_ORE
#define CLEAR_ORE() ((void)STATUS, (void)RX)
#define ENABLE()                                                                                         \
	(U(BJ_USART_V1_CR1_OFFSET) = BJ_USART_V1_CR1_UE | BJ_USART_V1_CR1_TE | BJ_USART_V1_CR1_RE)
#endif

static void put(uint8_t c)
{
	while (!(STATUS & TXE))
		;
	TX = c;
}

static uint8_t get(void)
{
	while (!(STATUS & RXNE))
		;
	return (uint8_t)RX;
}

int main(void)
{
	MMIO32(BJ_BL_USART0_ENABLE_ADDR) |= BJ_BL_USART0_ENABLE_BIT;
	BRR = BJ_RESET_HZ / BAUD; /* the bus clock is the reset clock: no prescaler after reset */
#ifdef BJ_BL_USART0_IP_USART_V2
	if (fw.mailbox == 2) {
		U(BJ_USART_V2_CR2_OFFSET) = BJ_USART_V2_CR2_ABREN; /* mode 0: start bit */
		ENABLE();
		uint8_t c = get();
		fw_record(c);
		fw_record(STATUS & BJ_USART_V2_ISR_ABRF);
		fw_record(BRR);
		return 0;
	}
#endif
	ENABLE();
	for (uint8_t c = '0'; c <= '9'; c++)
		put(c);
	fw_record(0x5e7d);
	for (;;) {
		uint8_t c = get();
		if (c == 'O') {
			for (volatile uint32_t i = 0; i < BJ_RESET_HZ / BAUD * 10 * 20 / 4; i++)
				;
			fw_record(STATUS & ORE);
			fw_record(RX);
			CLEAR_ORE();
			continue;
		}
		put(c + 1);
	}
}
