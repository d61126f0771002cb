/* Inside the JTAG debug port (jtag.c): the remote_bitbang byte interpreter with its JTAG TAP
 * (jtag_tap.c) and the ADIv5 JTAG-DP with its MEM-AP (jtag_dap.c). Neither touches a socket, so
 * the host tests feed them byte streams and check the bytes that come back.
 *
 * Sources: ADIv5.2 (ARM IHI 0031C) §3.3 (JTAG-DP: IR codes, 35-bit DPACC/APACC scans, 3-bit ACK),
 * §2.3 (DP registers), §7 (MEM-AP); IEEE 1149.1 (the TAP state machine); OpenOCD 0.12
 * doc/manual/jtag/drivers/remote_bitbang.txt (the byte protocol).
 */
#ifndef EMULATOR_JTAG_PRIV_H
#define EMULATOR_JTAG_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chip.h"

/* JTAG-DP instructions (4-bit IR; ADIv5.2 Table 3-1). Any other code selects BYPASS. */
#define JTAG_IR_ABORT 0x8u
#define JTAG_IR_DPACC 0xau
#define JTAG_IR_APACC 0xbu
#define JTAG_IR_IDCODE 0xeu
#define JTAG_IR_BYPASS 0xfu
#define JTAG_IR_LEN 4u
#define JTAG_IR_CAPTURE 0x1u /* IEEE 1149.1 §7.1.1: the two LSBs captured are 01 */

/* 35-bit DPACC/APACC scan: in = {DATA[31:0], A[3:2], RnW}, out = {DATA[31:0], ACK[2:0]}. */
#define JTAG_ACC_LEN 35u
#define JTAG_ACK_OK_FAULT 0x2u
#define JTAG_ACK_WAIT 0x1u

/* DP registers by A[3:2] (ADIv5.2 Table 2-6) and the CTRL/STAT bits used here (§2.3.2). */
#define DP_DPIDR 0x0u
#define DP_CTRL_STAT 0x4u
#define DP_SELECT 0x8u
#define DP_RDBUFF 0xcu
#define CTRL_STICKYORUN (1u << 1)
#define CTRL_STICKYCMP (1u << 4)
#define CTRL_STICKYERR (1u << 5)
#define CTRL_READOK (1u << 6)
#define CTRL_CDBGRSTREQ (1u << 26)
#define CTRL_CDBGRSTACK (1u << 27)
#define CTRL_CDBGPWRUPREQ (1u << 28)
#define CTRL_CDBGPWRUPACK (1u << 29)
#define CTRL_CSYSPWRUPREQ (1u << 30)
#define CTRL_CSYSPWRUPACK (1u << 31)

/* MEM-AP registers (ADIv5.2 Table 7-1) and CSW fields (§7.2.1). */
#define AP_CSW 0x00u
#define AP_TAR 0x04u
#define AP_DRW 0x0cu
#define AP_BD0 0x10u
#define AP_CFG 0xf4u
#define AP_BASE 0xf8u
#define AP_IDR 0xfcu
#define CSW_SIZE_MASK 0x7u
#define CSW_ADDRINC_SHIFT 4
#define CSW_ADDRINC_MASK (3u << CSW_ADDRINC_SHIFT)
#define CSW_ADDRINC_SINGLE (1u << CSW_ADDRINC_SHIFT)
#define CSW_DEVICEEN (1u << 6)
#define CSW_TRINPROG (1u << 7)

struct jtag_dap {
	struct chip *chip;
	uint32_t idcode;   /* the part's DP ID (openocd.dap_id) */
	uint32_t ap_idr;   /* the part's AHB-AP IDR (openocd.ap_idr) */
	uint32_t tar_wrap; /* auto-increment stays inside this block: 1 KB (v6-M), 4 KB (v7-M) */
	uint32_t ctrl_stat;
	uint32_t select;
	uint32_t read_result; /* what the next DPACC/APACC capture returns */
	uint32_t csw, tar;
	uint64_t ap_transfers; /* for tests and the bench: AP accesses that reached the bus */
};

void jtag_dap_init(struct jtag_dap *dap, struct chip *chip);
/* Capture-DR and Update-DR of the three 35-bit instructions. */
uint64_t jtag_dap_capture(struct jtag_dap *dap, unsigned ir);
void jtag_dap_update(struct jtag_dap *dap, unsigned ir, uint64_t shifted);

enum jtag_tap_state {
	TAP_RESET, TAP_IDLE,
	TAP_DRSELECT, TAP_DRCAPTURE, TAP_DRSHIFT, TAP_DREXIT1, TAP_DRPAUSE, TAP_DREXIT2, TAP_DRUPDATE,
	TAP_IRSELECT, TAP_IRCAPTURE, TAP_IRSHIFT, TAP_IREXIT1, TAP_IRPAUSE, TAP_IREXIT2, TAP_IRUPDATE,
};

/* One remote_bitbang connection: the pins as last written, the TAP and its registers. */
struct jtag_session {
	struct jtag_dap dap;
	enum jtag_tap_state state;
	unsigned ir, ir_shift;
	uint64_t dr_shift;
	unsigned dr_len;
	int tck, tms, tdi;
	bool srst;
	bool quit;         /* the client sent 'Q' */
	char error[160];   /* set when the stream was malformed; the connection must close */
};

void jtag_session_init(struct jtag_session *s, struct chip *chip);
/* Interpret n bytes of the stream; answers to 'R' go to out (room for n bytes), their count to
 * *nout. Returns the number of bytes consumed: n, or fewer when 'Q' or a malformed byte ended the
 * session (s->quit, s->error). */
size_t jtag_session_feed(struct jtag_session *s, const uint8_t *in, size_t n, uint8_t *out, size_t *nout);

#endif
