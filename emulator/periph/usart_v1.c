/* USART with SR/DR (usart-v1: F1 and F4; RM0008 §27.6, RM0368 §19.6): TXE, TC, RXNE, ORE and the
 * interrupt line on the same serial line as the v2 model (uart_line.c). As on silicon, RXNE is
 * cleared by reading DR, ORE by reading SR then DR, TC by reading SR then writing DR or by
 * writing 0 to it (RXNE too). Baud rate (RM0008 §27.3.4): fck/USARTDIV with OVER16,
 * fck/(8 x mantissa + fraction) with OVER8 (F4); fck is the bus clock. */
#include "periph.h"
#include "rcc.h"
#include "uart_line.h"

#define SR(f) BJ_USART_V1_SR_##f
#define CR1(f) BJ_USART_V1_CR1_##f
#define REG(name) (BJ_USART_V1_##name##_OFFSET / 4)

struct usart_v1 {
	struct uart_line line;
	bool sr_read; /* SR was read: the next DR access completes a flag-clearing sequence */
};

static struct usart_v1 *st(struct periph *p)
{
	return p->state;
}

static uint64_t baud(struct periph *p)
{
	uint32_t brr = p->regs[REG(BRR)];
	unsigned mantissa = (brr >> BJ_USART_V1_BRR_DIV_Mantissa_SHIFT) & BJ_USART_V1_BRR_DIV_Mantissa_MASK;
	unsigned fraction = (brr >> BJ_USART_V1_BRR_DIV_Fraction_SHIFT) & BJ_USART_V1_BRR_DIV_Fraction_MASK;
	uint64_t fck = rcc_bus_hz(p->chip, p->desc);
	if (mantissa == 0)
		return st(p)->line.line_baud;
	/* USARTDIV = mantissa + fraction / 16, or / 8 with OVER8 (fraction bit 3 unused). */
	if (p->regs[REG(CR1)] & CR1(OVER8))
		return fck / (8 * mantissa + (fraction & 7));
	return fck / (16 * mantissa + fraction);
}

static struct uart_cfg cfg(struct periph *p)
{
	uint32_t cr1 = p->regs[REG(CR1)];
	static const unsigned stop_halves[BJ_USART_V1_CR2_STOP_MASK + 1] = {
		[BJ_USART_V1_CR2_STOP_STOP1] = 2, [BJ_USART_V1_CR2_STOP_STOP0_5] = 1,
		[BJ_USART_V1_CR2_STOP_STOP2] = 4, [BJ_USART_V1_CR2_STOP_STOP1_5] = 3,
	};
	unsigned half_bits = 2 * (1 + ((cr1 & CR1(M)) ? 9 : 8)) +
			     stop_halves[(p->regs[REG(CR2)] >> BJ_USART_V1_CR2_STOP_SHIFT) & BJ_USART_V1_CR2_STOP_MASK];
	return (struct uart_cfg){
		.tx_on = (cr1 & CR1(UE)) && (cr1 & CR1(TE)),
		.rx_on = (cr1 & CR1(UE)) && (cr1 & CR1(RE)),
		.frame_ns = uart_frame_ns(half_bits, baud(p)),
	};
}

static uint32_t sr(struct periph *p)
{
	const struct uart_line *l = &st(p)->line;
	return (l->tdr_full ? 0 : SR(TXE)) | (l->tc ? SR(TC) : 0) | (l->rxne ? SR(RXNE) : 0) | (l->ore ? SR(ORE) : 0);
}

static void update(struct periph *p)
{
	struct uart_cfg c = cfg(p);
	uart_sync(p, &st(p)->line, &c);
	uint32_t cr1 = p->regs[REG(CR1)], f = sr(p);
	bool level = ((cr1 & CR1(RXNEIE)) && (f & (SR(RXNE) | SR(ORE)))) || ((cr1 & CR1(TXEIE)) && (f & SR(TXE))) ||
		     ((cr1 & CR1(TCIE)) && (f & SR(TC)));
	periph_irq(p, (cr1 & CR1(UE)) && level);
}

static void reset(struct periph *p, enum chip_reset_kind kind)
{
	(void)kind;
	periph_storage_reset(p);
	uart_line_reset(&st(p)->line);
	st(p)->sr_read = false;
	periph_irq(p, false);
}

static uint32_t reg_read(struct periph *p, uint32_t off)
{
	struct usart_v1 *s = st(p);
	if (off == BJ_USART_V1_SR_OFFSET) {
		s->sr_read = true;
		return sr(p);
	}
	if (off == BJ_USART_V1_DR_OFFSET) {
		uint32_t v = uart_read_data(&s->line);
		if (s->sr_read)
			s->line.ore = false;
		s->sr_read = false;
		update(p);
		return v;
	}
	return p->regs[off / 4];
}

static void reg_write(struct periph *p, uint32_t off, uint32_t v, uint32_t mask)
{
	(void)mask;
	struct usart_v1 *s = st(p);
	switch (off) {
	case BJ_USART_V1_DR_OFFSET: {
		struct uart_cfg c = cfg(p);
		uart_write_data(p, &s->line, &c, (uint8_t)v);
		s->sr_read = false;
		break;
	}
	case BJ_USART_V1_SR_OFFSET:
		if (!(v & SR(TC)))
			s->line.tc = false; /* rc_w0 */
		if (!(v & SR(RXNE)))
			s->line.rxne = false;
		break;
	case BJ_USART_V1_CR1_OFFSET:
		if (!(v & CR1(UE)))
			uart_line_reset(&s->line);
		p->regs[off / 4] = v;
		break;
	default:
		p->regs[off / 4] = v;
		break;
	}
	update(p);
	cpu_attention(p->chip);
}

static uint64_t next_event(struct periph *p)
{
	struct uart_cfg c = cfg(p);
	return uart_next_event(p, &st(p)->line, &c);
}

static void advance(struct periph *p)
{
	struct uart_cfg c = cfg(p);
	uart_advance(p, &st(p)->line, &c);
	update(p);
}

const struct periph_model usart_v1_model = {
	.ip = BJ_IP_USART_V1,
	.state_size = sizeof(struct usart_v1),
	.reset = reset,
	.read = reg_read,
	.write = reg_write,
	.next_event = next_event,
	.advance = advance,
	.uart_cfg = cfg,
};
