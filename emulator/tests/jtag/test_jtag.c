/* Host tests of the JTAG debug port: remote_bitbang byte streams in, TDO bytes and bus effects
 * out, on a fake bus (fake_bus.h). The little host below clocks bits exactly as OpenOCD 0.12's
 * bitbang.c does: "TCK low with TMS/TDI", 'R' when sampling, "TCK high". */
#include <stdio.h>
#include <string.h>

#include "../rsp/check.h"
#include "fake_bus.h"
#include "jtag_priv.h"

/* Both power-up requests and their acknowledgements (ADIv5.2 §2.3.2). */
#define POWER_BITS (CTRL_CDBGPWRUPREQ | CTRL_CDBGPWRUPACK | CTRL_CSYSPWRUPREQ | CTRL_CSYSPWRUPACK)

struct host {
	struct jtag_session s;
	struct chip *chip;
	const struct bj_part *part; /* its IDs and SRAM, from the part database */
	uint32_t sram;
	uint8_t in[8192], out[8192];
	size_t nin;
};

/* Feed what was queued and return the TDO answers as bits, first sample in bit 0. */
static uint64_t flush(struct host *h, size_t expect_samples)
{
	size_t nout = 0;
	size_t used = jtag_session_feed(&h->s, h->in, h->nin, h->out, &nout);
	CHECK(used == h->nin);
	CHECK(nout == expect_samples);
	h->nin = 0;
	uint64_t v = 0;
	for (size_t i = 0; i < nout && i < 64; i++) {
		CHECK(h->out[i] == '0' || h->out[i] == '1');
		v |= (uint64_t)(h->out[i] == '1') << i;
	}
	return v;
}

static void clock_bit(struct host *h, int tms, int tdi, int sample)
{
	h->in[h->nin++] = (uint8_t)('0' + (tms << 1 | tdi));
	if (sample)
		h->in[h->nin++] = 'R';
	h->in[h->nin++] = (uint8_t)('4' + (tms << 1 | tdi));
}

static void tms_path(struct host *h, const char *bits)
{
	for (; *bits; bits++)
		clock_bit(h, *bits == '1', 0, 0);
}

static void reset_to_idle(struct host *h)
{
	tms_path(h, "111110");
	flush(h, 0);
}

/* From Run-Test/Idle through a shift of len bits back to Run-Test/Idle. */
static uint64_t scan(struct host *h, bool ir, uint64_t out, unsigned len)
{
	tms_path(h, ir ? "1100" : "100");
	for (unsigned i = 0; i < len; i++)
		clock_bit(h, i == len - 1, (int)(out >> i & 1), 1);
	tms_path(h, "10");
	return flush(h, len);
}

static unsigned ir_scan(struct host *h, unsigned ir)
{
	return (unsigned)scan(h, true, ir, JTAG_IR_LEN);
}

/* One DPACC/APACC transaction; returns the captured {data, ack} of the previous one. */
static uint64_t acc(struct host *h, unsigned ir, unsigned addr, bool read, uint32_t data)
{
	if (h->s.ir != ir)
		ir_scan(h, ir);
	return scan(h, false, (uint64_t)data << 3 | (addr >> 2 & 3) << 1 | read, JTAG_ACC_LEN);
}

static uint32_t dp_read(struct host *h, unsigned addr)
{
	acc(h, JTAG_IR_DPACC, addr, true, 0);
	uint64_t v = acc(h, JTAG_IR_DPACC, DP_RDBUFF, true, 0);
	CHECK((v & 7) == JTAG_ACK_OK_FAULT);
	return (uint32_t)(v >> 3);
}

static void dp_write(struct host *h, unsigned addr, uint32_t v)
{
	CHECK((acc(h, JTAG_IR_DPACC, addr, false, v) & 7) == JTAG_ACK_OK_FAULT);
}

static uint32_t ap_read(struct host *h, unsigned reg)
{
	dp_write(h, DP_SELECT, reg & 0xf0u);
	acc(h, JTAG_IR_APACC, reg & 0xcu, true, 0);
	return (uint32_t)(acc(h, JTAG_IR_DPACC, DP_RDBUFF, true, 0) >> 3);
}

static void ap_write(struct host *h, unsigned reg, uint32_t v)
{
	dp_write(h, DP_SELECT, reg & 0xf0u);
	acc(h, JTAG_IR_APACC, reg & 0xcu, false, v);
}

static void power_up(struct host *h)
{
	dp_write(h, DP_CTRL_STAT, CTRL_CDBGPWRUPREQ | CTRL_CSYSPWRUPREQ);
}

static void host_init(struct host *h, const char *part)
{
	memset(h, 0, sizeof *h);
	h->chip = fake_bus_create(part);
	h->part = chip_part(h->chip);
	h->sram = h->part->sram.base;
	jtag_session_init(&h->s, h->chip);
	reset_to_idle(h);
}

static void host_done(struct host *h)
{
	fake_bus_destroy(h->chip);
}

/* ------------------------------------------------------------------ the TAP */

static void test_tap(void)
{
	struct host h;
	host_init(&h, "stm32l011");
	/* Test-Logic-Reset selects IDCODE: the part's DP ID (parts/stm32.json openocd.dap_id). */
	CHECK(scan(&h, false, 0, 32) == h.part->dap_id);
	CHECK(ir_scan(&h, JTAG_IR_BYPASS) == JTAG_IR_CAPTURE);
	/* BYPASS: one bit of delay, captured as 0. */
	CHECK(scan(&h, false, 0xa5, 9) == 0xa5u << 1);
	/* An unused instruction code is BYPASS too. */
	ir_scan(&h, 0x3);
	CHECK(scan(&h, false, 0x1, 2) == 0x2);
	ir_scan(&h, JTAG_IR_IDCODE);
	CHECK(scan(&h, false, 0, 32) == h.part->dap_id);

	/* Pause-DR in the middle of a shift: Exit1 -> Pause -> Exit2 -> Shift keeps the register. */
	tms_path(&h, "100");
	for (unsigned i = 0; i < 16; i++)
		clock_bit(&h, i == 15, 0, 1);
	tms_path(&h, "01"); /* Pause-DR, Exit2-DR */
	clock_bit(&h, 0, 0, 0); /* Shift-DR */
	for (unsigned i = 16; i < 32; i++)
		clock_bit(&h, i == 31, 0, 1);
	tms_path(&h, "10");
	CHECK(flush(&h, 32) == h.part->dap_id);

	/* TRST and five TMS=1 clocks both return to IDCODE; 'R' outside a shift reads 0. */
	ir_scan(&h, JTAG_IR_BYPASS);
	h.in[h.nin++] = 't';
	h.in[h.nin++] = 'r';
	tms_path(&h, "0");
	h.in[h.nin++] = 'R';
	CHECK(flush(&h, 1) == 0);
	CHECK(h.s.ir == JTAG_IR_IDCODE);
	ir_scan(&h, JTAG_IR_BYPASS);
	reset_to_idle(&h);
	CHECK(h.s.ir == JTAG_IR_IDCODE);

	/* The F401's DP answers with its own ID. */
	uint32_t l011_id = h.part->dap_id;
	host_done(&h);
	host_init(&h, "stm32f401");
	CHECK(h.part->dap_id != l011_id && scan(&h, false, 0, 32) == h.part->dap_id);
	host_done(&h);
}

/* ------------------------------------------------------------------ the DP */

static void test_dp(void)
{
	struct host h;
	host_init(&h, "stm32l011");
	CHECK(dp_read(&h, DP_DPIDR) == h.part->dap_id);
	/* OpenOCD's dap_dp_init: request both power domains, expect both ACKs. */
	CHECK((dp_read(&h, DP_CTRL_STAT) & (CTRL_CDBGPWRUPACK | CTRL_CSYSPWRUPACK)) == 0);
	dp_write(&h, DP_CTRL_STAT, CTRL_CDBGPWRUPREQ | CTRL_CSYSPWRUPREQ | CTRL_STICKYERR);
	uint32_t cs = dp_read(&h, DP_CTRL_STAT);
	CHECK((cs & POWER_BITS) == POWER_BITS);
	CHECK(!(cs & CTRL_STICKYERR));
	dp_write(&h, DP_SELECT, 0x000000f0u);
	CHECK(dp_read(&h, DP_SELECT) == 0x000000f0u);
	/* RDBUFF is RAZ on a JTAG-DP: reading it twice returns 0 the second time. */
	acc(&h, JTAG_IR_DPACC, DP_DPIDR, true, 0);
	CHECK(acc(&h, JTAG_IR_DPACC, DP_RDBUFF, true, 0) >> 3 == h.part->dap_id);
	CHECK(acc(&h, JTAG_IR_DPACC, DP_RDBUFF, true, 0) >> 3 == 0);
	/* ABORT captures 0 and changes nothing. */
	ir_scan(&h, JTAG_IR_ABORT);
	CHECK(scan(&h, false, (uint64_t)1 << 3, JTAG_ACC_LEN) == 0);
	CHECK((dp_read(&h, DP_CTRL_STAT) & POWER_BITS) == POWER_BITS);
	host_done(&h);
}

/* ------------------------------------------------------------------ the MEM-AP */

static void test_ap_ids(void)
{
	struct host h;
	host_init(&h, "stm32l011");
	/* Before power-up the AP is unreachable: the read is discarded. */
	CHECK(ap_read(&h, AP_IDR) == 0);
	power_up(&h);
	CHECK(ap_read(&h, AP_IDR) == h.part->ap_idr);
	CHECK(ap_read(&h, AP_CFG) == 0);
	CHECK(ap_read(&h, AP_BASE) == 0x00000002u);
	/* An empty AP slot reads IDR 0 (OpenOCD's AP search stops there). */
	dp_write(&h, DP_SELECT, 0x010000f0u);
	acc(&h, JTAG_IR_APACC, AP_IDR & 0xc, true, 0);
	CHECK(acc(&h, JTAG_IR_DPACC, DP_RDBUFF, true, 0) >> 3 == 0);
	CHECK(fake_bus_stats(h.chip)->reads == 0);
	uint32_t l011_idr = h.part->ap_idr;
	host_done(&h);
	host_init(&h, "stm32f103");
	power_up(&h);
	CHECK(h.part->ap_idr != l011_idr && ap_read(&h, AP_IDR) == h.part->ap_idr);
	host_done(&h);
}

static void test_ap_memory(void)
{
	struct host h;
	host_init(&h, "stm32l011");
	power_up(&h);
	struct fake_stats *st = fake_bus_stats(h.chip);
	uint8_t *sram = fake_bus_sram(h.chip);

	/* Packed transfers are not implemented: AddrInc reads back as 0 (OpenOCD's mem_ap_init check). */
	ap_write(&h, AP_CSW, 0xa2000000u | (2u << CSW_ADDRINC_SHIFT));
	CHECK((ap_read(&h, AP_CSW) & CSW_ADDRINC_MASK) == 0);
	CHECK(ap_read(&h, AP_CSW) & CSW_DEVICEEN);

	/* Words with auto-increment. */
	ap_write(&h, AP_CSW, 0xa2000000u | CSW_ADDRINC_SINGLE | 2);
	ap_write(&h, AP_TAR, h.sram + 0x100u);
	ap_write(&h, AP_DRW, 0x11223344u);
	ap_write(&h, AP_DRW, 0x55667788u);
	CHECK(ap_read(&h, AP_TAR) == h.sram + 0x108u);
	CHECK(sram[0x100] == 0x44 && sram[0x103] == 0x11 && sram[0x104] == 0x88);

	/* Posted reads: each scan returns the previous read; the bus is read once per DRW read. */
	ap_write(&h, AP_TAR, h.sram + 0x100u);
	unsigned reads = st->reads;
	acc(&h, JTAG_IR_APACC, AP_DRW, true, 0);
	CHECK(acc(&h, JTAG_IR_APACC, AP_DRW, true, 0) >> 3 == 0x11223344u);
	CHECK(acc(&h, JTAG_IR_DPACC, DP_RDBUFF, true, 0) >> 3 == 0x55667788u);
	CHECK(st->reads == reads + 2);

	/* Bytes and halfwords travel in the lanes of their address. */
	ap_write(&h, AP_CSW, 0xa2000000u | CSW_ADDRINC_SINGLE | 0);
	ap_write(&h, AP_TAR, h.sram + 0x201u);
	ap_write(&h, AP_DRW, 0x0000ab00u);
	ap_write(&h, AP_DRW, 0x00cd0000u);
	CHECK(sram[0x201] == 0xab && sram[0x202] == 0xcd && sram[0x200] == 0 && sram[0x203] == 0);
	CHECK(st->last_len == 1);
	ap_write(&h, AP_TAR, h.sram + 0x202u);
	CHECK(ap_read(&h, AP_DRW) == 0x00cd0000u);
	ap_write(&h, AP_CSW, 0xa2000000u | CSW_ADDRINC_SINGLE | 1);
	ap_write(&h, AP_TAR, h.sram + 0x202u);
	ap_write(&h, AP_DRW, 0xbeef0000u);
	CHECK(sram[0x202] == 0xef && sram[0x203] == 0xbe && st->last_len == 2);
	ap_write(&h, AP_TAR, h.sram + 0x202u);
	CHECK(ap_read(&h, AP_DRW) == 0xbeef0000u);
	CHECK(ap_read(&h, AP_TAR) == h.sram + 0x204u);

	/* Banked data: BD0-3 address TAR[31:4] + 4n and leave TAR alone. */
	ap_write(&h, AP_CSW, 0xa2000000u | CSW_ADDRINC_SINGLE | 2);
	ap_write(&h, AP_TAR, h.sram + 0x104u);
	CHECK(ap_read(&h, AP_BD0 + 4) == 0x55667788u);
	CHECK(ap_read(&h, AP_BD0) == 0x11223344u);
	ap_write(&h, AP_BD0 + 0xc, 0xcafef00du);
	CHECK(sram[0x10c] == 0x0d && sram[0x10f] == 0xca);
	CHECK(ap_read(&h, AP_TAR) == h.sram + 0x104u);

	/* A peripheral read with a side effect happens once per transaction. */
	ap_write(&h, AP_TAR, FAKE_PERIPH(h.chip));
	ap_write(&h, AP_CSW, 0xa2000002u); /* no increment */
	CHECK(ap_read(&h, AP_DRW) == 1);
	CHECK(ap_read(&h, AP_DRW) == 2);
	CHECK(st->periph_reads == 2);
	host_done(&h);
}

static void test_tar_wrap(void)
{
	struct host h;
	/* Cortex-M0+: TAR[9:0] increments, the 1 KB block stays. */
	host_init(&h, "stm32l011");
	power_up(&h);
	ap_write(&h, AP_CSW, 0xa2000000u | CSW_ADDRINC_SINGLE | 2);
	ap_write(&h, AP_TAR, h.sram + 0x3fcu);
	ap_write(&h, AP_DRW, 0x01020304u);
	CHECK(ap_read(&h, AP_TAR) == h.sram);
	ap_write(&h, AP_DRW, 0x0a0b0c0du);
	CHECK(fake_bus_sram(h.chip)[0] == 0x0d);
	host_done(&h);
	/* Cortex-M4: 4 KB blocks. */
	host_init(&h, "stm32f401");
	power_up(&h);
	ap_write(&h, AP_CSW, 0xa2000000u | CSW_ADDRINC_SINGLE | 2);
	ap_write(&h, AP_TAR, h.sram + 0x3fcu);
	ap_write(&h, AP_DRW, 0);
	CHECK(ap_read(&h, AP_TAR) == h.sram + 0x400u);
	ap_write(&h, AP_TAR, h.sram + 0xffcu);
	ap_write(&h, AP_DRW, 0);
	CHECK(ap_read(&h, AP_TAR) == h.sram);
	host_done(&h);
}

static void test_sticky_error(void)
{
	struct host h;
	host_init(&h, "stm32l011");
	power_up(&h);
	struct fake_stats *st = fake_bus_stats(h.chip);
	ap_write(&h, AP_CSW, 0xa2000000u | CSW_ADDRINC_SINGLE | 2);
	ap_write(&h, AP_TAR, h.sram + h.part->sram.size); /* past SRAM: unmapped on the fake bus */
	ap_read(&h, AP_DRW);
	CHECK(st->errors == 1);
	CHECK(dp_read(&h, DP_CTRL_STAT) & CTRL_STICKYERR);
	/* While STICKYERR is set, AP transactions are discarded. */
	unsigned reads = st->reads;
	ap_write(&h, AP_TAR, h.sram);
	CHECK(ap_read(&h, AP_DRW) == 0);
	CHECK(st->reads == reads && st->errors == 1);
	/* Writing 1 to STICKYERR clears it, as OpenOCD's jtagdp_transaction_endcheck does. */
	dp_write(&h, DP_CTRL_STAT, CTRL_CDBGPWRUPREQ | CTRL_CSYSPWRUPREQ | CTRL_STICKYERR);
	CHECK(!(dp_read(&h, DP_CTRL_STAT) & CTRL_STICKYERR));
	ap_write(&h, AP_TAR, h.sram);
	ap_read(&h, AP_DRW);
	CHECK(st->reads == reads + 1);
	/* An unaligned word is an error too, and never reaches the bus. */
	ap_write(&h, AP_TAR, h.sram + 0x002u);
	ap_read(&h, AP_DRW);
	CHECK(dp_read(&h, DP_CTRL_STAT) & CTRL_STICKYERR);
	CHECK(st->reads == reads + 1 && st->errors == 1);
	host_done(&h);
}

/* ------------------------------------------------------------------ the byte stream */

static void test_stream(void)
{
	struct host h;
	uint8_t out[16];
	size_t nout;

	host_init(&h, "stm32l011");
	/* Blink is ignored; SRST asserted then released is one pin reset. */
	CHECK(jtag_session_feed(&h.s, (const uint8_t *)"BbsBr", 5, out, &nout) == 5 && nout == 0);
	CHECK(fake_bus_stats(h.chip)->resets[CHIP_RESET_PIN] == 1);
	CHECK(jtag_session_feed(&h.s, (const uint8_t *)"ru", 2, out, &nout) == 2);
	CHECK(fake_bus_stats(h.chip)->resets[CHIP_RESET_PIN] == 1);
	CHECK(jtag_session_feed(&h.s, (const uint8_t *)"r", 1, out, &nout) == 1);
	CHECK(fake_bus_stats(h.chip)->resets[CHIP_RESET_PIN] == 2);
	/* 'Q' ends the session; what follows is not read. */
	CHECK(jtag_session_feed(&h.s, (const uint8_t *)"0RQ4", 4, out, &nout) == 3 && nout == 1 && h.s.quit);
	host_done(&h);

	host_init(&h, "stm32l011");
	CHECK(jtag_session_feed(&h.s, (const uint8_t *)"04R\n04", 6, out, &nout) == 3);
	CHECK(nout == 1 && strstr(h.s.error, "0x0a is not part of the remote_bitbang protocol"));
	host_done(&h);

	host_init(&h, "stm32l011");
	CHECK(jtag_session_feed(&h.s, (const uint8_t *)"Ode", 3, out, &nout) == 0);
	CHECK(strstr(h.s.error, "JTAG only") != NULL);
	host_done(&h);
}

/* Random protocol bytes: random TAP walks, so random DP and AP transactions at random addresses,
 * under the sanitizers. Every answer must be '0' or '1' and every byte consumed. */
static void test_random_streams(void)
{
	static const char alphabet[] = "01234567RRrstuBb";
	uint32_t seed = 12345;
	struct host h;
	host_init(&h, "stm32l011");
	for (int round = 0; round < 200; round++) {
		uint8_t in[2048], out[2048];
		size_t nout;
		for (size_t i = 0; i < sizeof in; i++) {
			seed = seed * 1103515245u + 12345u;
			in[i] = (uint8_t)alphabet[(seed >> 16) % (sizeof alphabet - 1)];
		}
		CHECK(jtag_session_feed(&h.s, in, sizeof in, out, &nout) == sizeof in);
		for (size_t i = 0; i < nout; i++)
			CHECK(out[i] == '0' || out[i] == '1');
	}
	CHECK(!h.s.error[0] && !h.s.quit);
	host_done(&h);
}

int main(void)
{
	test_tap();
	test_dp();
	test_ap_ids();
	test_ap_memory();
	test_tar_wrap();
	test_sticky_error();
	test_stream();
	test_random_streams();
	return check_failures("test_jtag");
}
