/* USART with ISR/ICR/RDR/TDR (usart-v2: L0, F0, G0, L4; RM0377 §24.7) and the LPUART (lpuart-v1,
 * RM0377 §25.7): TXE, TC, RXNE, ORE, TEACK/REACK, the interrupt line, and auto-baud.
 *
 * Baud rate (RM0377 §24.5.4, §25.4.4): USART fck/USARTDIV with OVER16, 2*fck/USARTDIV with OVER8;
 * LPUART 256*fck/BRR. fck is the clock of the bus the block sits on (CCIPR kernel clock
 * selection is not modelled). A BRR below the legal minimum paces at the host's rate.
 *
 * Auto-baud (§24.5.6): with CR2.ABREN set and ABRF clear, the next character received is
 * measured: ABRF is set, and BRR becomes what the host's baud rate gives at the current fck
 * (the rate the pty's client configured, 115200 if unknown), or ABRE is set if the character
 * does not fit ABRMOD's pattern (mode 0 and 1: bit 0 set; mode 2: 0x7F; mode 3: 0x55). The
 * character itself is then received as usual (RXNE). RQR.ABRRQ re-arms the measurement. */
#include "periph.h"
#include "rcc.h"
#include "uart_line.h"
#include "usart.h"

/* The two IPs share offsets and bits for everything this model touches. */
#define REG(name) (BJ_USART_V2_##name##_OFFSET / 4)
#define CR1_UE BJ_USART_V2_CR1_UE
#define CR1_RE BJ_USART_V2_CR1_RE
#define CR1_TE BJ_USART_V2_CR1_TE
#define ISR_RXNE BJ_USART_V2_ISR_RXNE
#define ISR_TC BJ_USART_V2_ISR_TC
#define ISR_TXE BJ_USART_V2_ISR_TXE
#define ISR_ORE BJ_USART_V2_ISR_ORE
#define ISR_ABRE BJ_USART_V2_ISR_ABRE
#define ISR_ABRF BJ_USART_V2_ISR_ABRF
#define ISR_BUSY BJ_USART_V2_ISR_BUSY
#define ISR_TEACK BJ_USART_V2_ISR_TEACK
#define ISR_REACK BJ_USART_V2_ISR_REACK
#define FIELD(v, ip, reg, f) (((v) >> BJ_##ip##_##reg##_##f##_SHIFT) & BJ_##ip##_##reg##_##f##_MASK)

struct usart {
	struct uart_line line;
	bool abrf, abre;
};

static struct usart *st(struct periph *p)
{
	return p->state;
}

static bool is_lpuart(const struct periph *p)
{
	return p->desc->ip == BJ_IP_LPUART_V1;
}

static uint64_t baud(struct periph *p)
{
	uint32_t cr1 = p->regs[REG(CR1)];
	uint64_t fck = rcc_bus_hz(p->chip, p->desc);
	if (is_lpuart(p)) {
		uint32_t brr = FIELD(p->regs[REG(BRR)], LPUART_V1, BRR, BRR);
		return brr >= BJ_LPUART_V1_BRR_BRR_MIN ? 256 * fck / brr : st(p)->line.line_baud;
	}
	uint32_t brr = FIELD(p->regs[REG(BRR)], USART_V2, BRR, BRR);
	if (brr < 16)
		return st(p)->line.line_baud;
	if (cr1 & BJ_USART_V2_CR1_OVER8)
		return 2 * fck / ((brr & 0xfff0u) | (brr & 7u) << 1);
	return fck / brr;
}

static unsigned half_bits(struct periph *p)
{
	uint32_t cr1 = p->regs[REG(CR1)], cr2 = p->regs[REG(CR2)];
	unsigned data = (cr1 & BJ_USART_V2_CR1_M1) ? 7 : (cr1 & BJ_USART_V2_CR1_M0) ? 9 : 8;
	static const unsigned stop_halves[BJ_USART_V2_CR2_STOP_MASK + 1] = {
		[BJ_USART_V2_CR2_STOP_STOP1] = 2, [BJ_USART_V2_CR2_STOP_STOP0_5] = 1,
		[BJ_USART_V2_CR2_STOP_STOP2] = 4, [BJ_USART_V2_CR2_STOP_STOP1_5] = 3,
	};
	return 2 * (1 + data) + stop_halves[FIELD(cr2, USART_V2, CR2, STOP)];
}

static void auto_baud(struct periph *p, uint8_t byte);

static struct uart_cfg cfg(struct periph *p)
{
	uint32_t cr1 = p->regs[REG(CR1)];
	return (struct uart_cfg){
		.tx_on = (cr1 & CR1_UE) && (cr1 & CR1_TE),
		.rx_on = (cr1 & CR1_UE) && (cr1 & CR1_RE),
		.ovrdis = p->regs[REG(CR3)] & BJ_USART_V2_CR3_OVRDIS,
		.frame_ns = uart_frame_ns(half_bits(p), baud(p)),
		.on_rx = is_lpuart(p) ? NULL : auto_baud,
	};
}

static void auto_baud(struct periph *p, uint8_t byte)
{
	struct usart *s = st(p);
	if (!(p->regs[REG(CR2)] & BJ_USART_V2_CR2_ABREN) || s->abrf)
		return;
	unsigned mode = FIELD(p->regs[REG(CR2)], USART_V2, CR2, ABRMOD);
	/* The start-bit and falling-edge modes need the character's first bit (LSB) to be 1. */
	bool fits = mode == BJ_USART_V2_CR2_ABRMOD_FRAME_7F ? byte == 0x7f :
		    mode == BJ_USART_V2_CR2_ABRMOD_FRAME_55 ? byte == 0x55 : (byte & 1);
	s->abrf = true;
	s->abre = !fits;
	if (!fits)
		return;
	uint64_t fck = rcc_bus_hz(p->chip, p->desc), b = s->line.line_baud;
	if (p->regs[REG(CR1)] & BJ_USART_V2_CR1_OVER8) {
		uint32_t div = (uint32_t)((2 * fck + b / 2) / b);
		p->regs[REG(BRR)] = (div & 0xfff0u) | (div & 0xfu) >> 1;
	} else {
		p->regs[REG(BRR)] = (uint32_t)((fck + b / 2) / b);
	}
}

static uint32_t isr(struct periph *p)
{
	struct usart *s = st(p);
	struct uart_line *l = &s->line;
	uint32_t cr1 = p->regs[REG(CR1)], v = 0;
	if (!(cr1 & CR1_UE))
		return ISR_TXE | ISR_TC; /* the status flags are at reset while the USART is disabled */
	v |= l->tdr_full ? 0 : ISR_TXE;
	v |= l->tc ? ISR_TC : 0;
	v |= l->rxne ? ISR_RXNE : 0;
	v |= l->ore ? ISR_ORE : 0;
	v |= l->rx_armed ? ISR_BUSY : 0;
	v |= (cr1 & CR1_TE) ? ISR_TEACK : 0;
	v |= (cr1 & CR1_RE) ? ISR_REACK : 0;
	if (!is_lpuart(p))
		v |= (s->abrf ? ISR_ABRF : 0) | (s->abre ? ISR_ABRE : 0);
	return v;
}

static void update(struct periph *p)
{
	struct uart_cfg c = cfg(p);
	uart_sync(p, &st(p)->line, &c);
	uint32_t cr1 = p->regs[REG(CR1)], cr3 = p->regs[REG(CR3)], f = isr(p);
	bool level = ((cr1 & BJ_USART_V2_CR1_RXNEIE) && (f & (ISR_RXNE | ISR_ORE))) ||
		     ((cr1 & BJ_USART_V2_CR1_TXEIE) && (f & ISR_TXE)) || ((cr1 & BJ_USART_V2_CR1_TCIE) && (f & ISR_TC)) ||
		     ((cr3 & BJ_USART_V2_CR3_EIE) && (f & ISR_ORE));
	periph_irq(p, (cr1 & CR1_UE) && level);
}

static void reset(struct periph *p, enum chip_reset_kind kind)
{
	(void)kind;
	periph_storage_reset(p);
	uart_line_reset(&st(p)->line);
	st(p)->abrf = st(p)->abre = false;
	periph_irq(p, false);
}

static uint32_t reg_read(struct periph *p, uint32_t off)
{
	uint32_t v;
	switch (off) {
	case BJ_USART_V2_ISR_OFFSET:
		return isr(p);
	case BJ_USART_V2_RDR_OFFSET:
		v = uart_read_data(&st(p)->line);
		update(p);
		return v;
	case BJ_USART_V2_TDR_OFFSET:
	case BJ_USART_V2_ICR_OFFSET:
	case BJ_USART_V2_RQR_OFFSET:
		return 0;
	default:
		return p->regs[off / 4];
	}
}

static void reg_write(struct periph *p, uint32_t off, uint32_t v, uint32_t mask)
{
	(void)mask;
	struct usart *s = st(p);
	switch (off) {
	case BJ_USART_V2_TDR_OFFSET: {
		struct uart_cfg c = cfg(p);
		uart_write_data(p, &s->line, &c, (uint8_t)v);
		break;
	}
	case BJ_USART_V2_ICR_OFFSET:
		if (v & BJ_USART_V2_ICR_ORECF)
			s->line.ore = false;
		if (v & BJ_USART_V2_ICR_TCCF)
			s->line.tc = false;
		break;
	case BJ_USART_V2_RQR_OFFSET:
		if (v & BJ_USART_V2_RQR_RXFRQ)
			s->line.rxne = false;
		if (!is_lpuart(p) && (v & BJ_USART_V2_RQR_ABRRQ))
			s->abrf = s->abre = false;
		break;
	case BJ_USART_V2_ISR_OFFSET:
	case BJ_USART_V2_RDR_OFFSET:
		break; /* read-only */
	case BJ_USART_V2_CR1_OFFSET:
		if (!(v & CR1_UE))
			uart_line_reset(&s->line); /* clearing UE stops the line and resets the flags */
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

#define USART_MODEL(name, ipid)                                                                              \
	const struct periph_model name = {.ip = ipid, .state_size = sizeof(struct usart), .reset = reset,       \
					  .read = reg_read, .write = reg_write, .next_event = next_event,             \
					  .advance = advance, .uart_cfg = cfg}

USART_MODEL(usart_v2_model, BJ_IP_USART_V2);
USART_MODEL(lpuart_v1_model, BJ_IP_LPUART_V1);
