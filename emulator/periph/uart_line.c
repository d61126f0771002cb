/* Timing and queues of a serial line (see uart_line.h). Bytes from outside are not lost while
 * the receiver is off: they wait in the queue, because a pty has no notion of "before the
 * firmware enabled the USART" that would match the wire; once RE is set they arrive one frame
 * apart, and a byte that completes while RXNE is still set is an overrun (ORE) and is lost. */
#include <string.h>

#include "uart_line.h"
#include "usart.h"

#define NS_PER_S 1000000000ull

static void ring_push(struct uart_ring *r, uint8_t b)
{
	if (r->len == UART_QUEUE)
		return; /* full: the host sent more than the emulator buffers */
	r->buf[(r->head + r->len++) % UART_QUEUE] = b;
}

static uint8_t ring_pop(struct uart_ring *r)
{
	uint8_t b = r->buf[r->head];
	r->head = (r->head + 1) % UART_QUEUE;
	r->len--;
	return b;
}

void uart_line_reset(struct uart_line *l)
{
	/* Bytes whose frame completed are on the wire (waiting for the pty only), and bytes from the
	 * host are still in flight: a reset of the USART loses neither. */
	uint32_t baud = l->line_baud;
	struct uart_ring rx = l->rx, tx = l->tx;
	memset(l, 0, sizeof(*l));
	l->rx = rx;
	l->tx = tx;
	l->tc = true;
	l->line_baud = baud ? baud : 115200;
}

uint64_t uart_frame_ns(unsigned half_bits, uint64_t baud)
{
	if (!baud)
		return 1;
	return half_bits * NS_PER_S / (2 * baud);
}

void uart_write_data(struct periph *p, struct uart_line *l, const struct uart_cfg *c, uint8_t byte)
{
	if (!c->tx_on)
		return;
	l->tc = false;
	if (!l->shift_busy) {
		l->shift = byte;
		l->shift_busy = true;
		l->shift_done_ns = tb_ns(p->chip) + c->frame_ns;
	} else {
		l->tdr = byte; /* a write while TXE is clear overwrites the waiting byte */
		l->tdr_full = true;
	}
}

uint8_t uart_read_data(struct uart_line *l)
{
	l->rxne = false;
	return l->rdr;
}

void uart_sync(struct periph *p, struct uart_line *l, const struct uart_cfg *c)
{
	if (c->rx_on && !l->rx_armed && l->rx.len) {
		l->rx_armed = true;
		l->rx_at_ns = tb_ns(p->chip) + c->frame_ns;
	}
}

uint64_t uart_next_event(struct periph *p, struct uart_line *l, const struct uart_cfg *c)
{
	uint64_t ns = UINT64_MAX;
	if (l->shift_busy)
		ns = l->shift_done_ns;
	if (c->rx_on && l->rx_armed && l->rx_at_ns < ns)
		ns = l->rx_at_ns;
	return ns == UINT64_MAX ? UINT64_MAX : tb_cycle_at(p->chip, ns);
}

void uart_advance(struct periph *p, struct uart_line *l, const struct uart_cfg *c)
{
	uint64_t now = tb_ns(p->chip);
	while (l->shift_busy && l->shift_done_ns <= now) {
		ring_push(&l->tx, l->shift);
		if (l->tdr_full) {
			l->shift = l->tdr;
			l->tdr_full = false;
			l->shift_done_ns += c->frame_ns;
		} else {
			l->shift_busy = false;
			l->tc = true;
		}
	}
	while (c->rx_on && l->rx_armed && l->rx_at_ns <= now) {
		uint8_t b = ring_pop(&l->rx);
		if (c->on_rx)
			c->on_rx(p, b);
		if (l->rxne) {
			if (!c->ovrdis)
				l->ore = true; /* the new byte is lost */
		} else {
			l->rdr = b;
			l->rxne = true;
		}
		l->rx_armed = l->rx.len > 0;
		l->rx_at_ns += c->frame_ns;
	}
}

size_t uart_take_tx(struct uart_line *l, uint8_t *buf, size_t len)
{
	size_t n = 0;
	while (n < len && l->tx.len)
		buf[n++] = ring_pop(&l->tx);
	return n;
}

void uart_put_rx(struct periph *p, struct uart_line *l, const struct uart_cfg *c, const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		ring_push(&l->rx, buf[i]);
	uart_sync(p, l, c);
}

/* ------------------------------------------------------------------ usart.h, for every front end */

static struct uart_line *line_of(struct periph *p)
{
	return p->state; /* the front ends keep their line first in their state */
}

size_t usart_take_tx(struct periph *p, uint8_t *buf, size_t len)
{
	return uart_take_tx(line_of(p), buf, len);
}

void usart_put_rx(struct periph *p, const uint8_t *buf, size_t len)
{
	struct uart_cfg c = p->model->uart_cfg(p);
	uart_put_rx(p, line_of(p), &c, buf, len);
	cpu_attention(p->chip);
}

void usart_set_line_baud(struct periph *p, uint32_t baud)
{
	if (baud)
		line_of(p)->line_baud = baud;
}
