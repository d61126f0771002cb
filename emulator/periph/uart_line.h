/* The serial line behind every USART/LPUART register model: the transmit holding and shift
 * registers, the receive queue fed from outside, and their timing on the deterministic time
 * base (one frame per character at the programmed baud rate). The register front ends
 * (usart_v2.c: ISR/RDR/TDR; usart_v1.c: SR/DR) turn their bits into a uart_cfg and keep their
 * struct uart_line as the first member of their state. */
#ifndef EMULATOR_PERIPH_UART_LINE_H
#define EMULATOR_PERIPH_UART_LINE_H

#include "periph.h"

#define UART_QUEUE 4096u

struct uart_ring {
	uint8_t buf[UART_QUEUE];
	size_t head, len;
};

struct uart_line {
	struct uart_ring rx, tx;       /* arriving from outside / completed, waiting for the pty */
	bool shift_busy, tdr_full;
	uint8_t shift, tdr;
	uint64_t shift_done_ns;
	bool rx_armed;                  /* the next queued byte completes at rx_at_ns */
	uint64_t rx_at_ns;
	bool rxne, ore, tc;
	uint8_t rdr;
	uint32_t line_baud;             /* the host side's rate: auto-baud measures it */
};

struct uart_cfg {
	bool tx_on, rx_on;
	bool ovrdis;
	uint64_t frame_ns;
	/* Called with each byte as it completes, before RDR takes it (auto-baud). */
	void (*on_rx)(struct periph *p, uint8_t byte);
};

void uart_line_reset(struct uart_line *l);
/* The frame time of `half_bits` half bit-times (start, data, parity, stop) at `baud`. */
uint64_t uart_frame_ns(unsigned half_bits, uint64_t baud);
void uart_write_data(struct periph *p, struct uart_line *l, const struct uart_cfg *c, uint8_t byte);
uint8_t uart_read_data(struct uart_line *l);
/* After the configuration changed: arm the receiver if bytes wait and it can take them. */
void uart_sync(struct periph *p, struct uart_line *l, const struct uart_cfg *c);
uint64_t uart_next_event(struct periph *p, struct uart_line *l, const struct uart_cfg *c);
void uart_advance(struct periph *p, struct uart_line *l, const struct uart_cfg *c);
size_t uart_take_tx(struct uart_line *l, uint8_t *buf, size_t len);
void uart_put_rx(struct periph *p, struct uart_line *l, const struct uart_cfg *c, const uint8_t *buf, size_t len);

#endif
