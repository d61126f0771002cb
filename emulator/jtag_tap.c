/* The remote_bitbang byte stream (OpenOCD 0.12 doc/manual/jtag/drivers/remote_bitbang.txt) and
 * the JTAG TAP behind it (IEEE 1149.1 state machine, 4-bit IR of the ADIv5 JTAG-DP).
 *
 * OpenOCD clocks each bit as "write TCK=0 with TMS/TDI", optionally 'R' (sample TDO), then
 * "write TCK=1": the TAP acts on each rising edge, and TDO shows the LSB of the shift register
 * while in a Shift state. Update-DR takes effect as the TAP enters Update-DR.
 */
#include <stdio.h>

#include "jtag_priv.h"

static const enum jtag_tap_state next_state[16][2] = {
	[TAP_RESET] = {TAP_IDLE, TAP_RESET},
	[TAP_IDLE] = {TAP_IDLE, TAP_DRSELECT},
	[TAP_DRSELECT] = {TAP_DRCAPTURE, TAP_IRSELECT},
	[TAP_DRCAPTURE] = {TAP_DRSHIFT, TAP_DREXIT1},
	[TAP_DRSHIFT] = {TAP_DRSHIFT, TAP_DREXIT1},
	[TAP_DREXIT1] = {TAP_DRPAUSE, TAP_DRUPDATE},
	[TAP_DRPAUSE] = {TAP_DRPAUSE, TAP_DREXIT2},
	[TAP_DREXIT2] = {TAP_DRSHIFT, TAP_DRUPDATE},
	[TAP_DRUPDATE] = {TAP_IDLE, TAP_DRSELECT},
	[TAP_IRSELECT] = {TAP_IRCAPTURE, TAP_RESET},
	[TAP_IRCAPTURE] = {TAP_IRSHIFT, TAP_IREXIT1},
	[TAP_IRSHIFT] = {TAP_IRSHIFT, TAP_IREXIT1},
	[TAP_IREXIT1] = {TAP_IRPAUSE, TAP_IRUPDATE},
	[TAP_IRPAUSE] = {TAP_IRPAUSE, TAP_IREXIT2},
	[TAP_IREXIT2] = {TAP_IRSHIFT, TAP_IRUPDATE},
	[TAP_IRUPDATE] = {TAP_IDLE, TAP_DRSELECT},
};

static bool is_access_ir(unsigned ir)
{
	return ir == JTAG_IR_ABORT || ir == JTAG_IR_DPACC || ir == JTAG_IR_APACC;
}

static void tap_reset(struct jtag_session *s)
{
	s->state = TAP_RESET;
	s->ir = JTAG_IR_IDCODE; /* IEEE 1149.1 §7.2.1: IDCODE is selected in Test-Logic-Reset */
}

void jtag_session_init(struct jtag_session *s, struct chip *chip)
{
	*s = (struct jtag_session){0};
	jtag_dap_init(&s->dap, chip);
	tap_reset(s);
}

static void capture_dr(struct jtag_session *s)
{
	if (s->ir == JTAG_IR_IDCODE) {
		s->dr_len = 32;
		s->dr_shift = s->dap.idcode;
	} else if (is_access_ir(s->ir)) {
		s->dr_len = JTAG_ACC_LEN;
		s->dr_shift = jtag_dap_capture(&s->dap, s->ir);
	} else {
		s->dr_len = 1; /* BYPASS captures 0 */
		s->dr_shift = 0;
	}
}

static void rising_edge(struct jtag_session *s)
{
	switch (s->state) {
	case TAP_DRCAPTURE:
		capture_dr(s);
		break;
	case TAP_DRSHIFT:
		s->dr_shift = (s->dr_shift >> 1) | ((uint64_t)s->tdi << (s->dr_len - 1));
		break;
	case TAP_IRCAPTURE:
		s->ir_shift = JTAG_IR_CAPTURE;
		break;
	case TAP_IRSHIFT:
		s->ir_shift = (s->ir_shift >> 1) | ((unsigned)s->tdi << (JTAG_IR_LEN - 1));
		break;
	default:
		break;
	}
	s->state = next_state[s->state][s->tms];
	if (s->state == TAP_RESET) {
		tap_reset(s);
	} else if (s->state == TAP_IRUPDATE) {
		s->ir = s->ir_shift;
	} else if (s->state == TAP_DRUPDATE && is_access_ir(s->ir)) {
		jtag_dap_update(&s->dap, s->ir, s->dr_shift);
	}
}

static int tdo(const struct jtag_session *s)
{
	if (s->state == TAP_DRSHIFT)
		return (int)(s->dr_shift & 1);
	if (s->state == TAP_IRSHIFT)
		return (int)(s->ir_shift & 1);
	return 0; /* TDO is not driven outside the Shift states */
}

static void reset_pins(struct jtag_session *s, bool trst, bool srst)
{
	if (trst)
		tap_reset(s);
	/* NRST: the chip restarts when the pin is released (chip_reset re-evaluates the boot source
	 * and honours DEMCR.VC_CORERESET). The core keeps running while the pin is held, a
	 * simplification that no OpenOCD sequence can observe through the debug port. */
	if (s->srst && !srst)
		chip_reset(s->dap.chip, CHIP_RESET_PIN, false);
	s->srst = srst;
}

static bool swd_only(uint8_t c)
{
	/* Bytes that newer OpenOCD versions send for SWD over remote_bitbang (not in 0.12.0). */
	return c == 'O' || c == 'o' || c == 'c' || (c >= 'd' && c <= 'g') || c == 'Z' || c == 'z';
}

size_t jtag_session_feed(struct jtag_session *s, const uint8_t *in, size_t n, uint8_t *out, size_t *nout)
{
	size_t i;

	*nout = 0;
	for (i = 0; i < n && !s->quit && !s->error[0]; i++) {
		uint8_t c = in[i];
		if (c >= '0' && c <= '7') {
			int tck = (c - '0') >> 2 & 1;
			s->tms = (c - '0') >> 1 & 1;
			s->tdi = (c - '0') & 1;
			if (tck && !s->tck)
				rising_edge(s);
			s->tck = tck;
		} else if (c == 'R') {
			out[(*nout)++] = (uint8_t)('0' + tdo(s));
		} else if (c >= 'r' && c <= 'u') {
			reset_pins(s, (c - 'r') & 2, (c - 'r') & 1);
		} else if (c == 'B' || c == 'b') {
			/* the blink LED: nothing to show */
		} else if (c == 'Q') {
			s->quit = true;
		} else if (swd_only(c)) {
			snprintf(s->error, sizeof s->error,
				 "SWD byte '%c' on the remote_bitbang port: this port speaks JTAG only "
				 "(use `transport select jtag`, as openocd/emu/*.cfg do)", c);
		} else {
			snprintf(s->error, sizeof s->error,
				 "byte 0x%02x is not part of the remote_bitbang protocol: connect OpenOCD "
				 "(`adapter driver remote_bitbang`) to this port", c);
		}
	}
	return s->error[0] ? i - 1 : i;
}
