/* GDB remote serial protocol server for the emulated chip (see gdbstub.h for the contract with
 * the main loop, gdbstub_priv.h for how the stub's files divide the work).
 *
 * Behaves like a debug probe's GDB server (OpenOCD's): a connection halts the chip; breakpoints
 * of both kinds use the core's comparators, so nothing is ever written into the target's memory
 * and the comparator limits of the silicon apply; one client at a time; a client that goes away
 * takes its breakpoints with it and leaves the chip running. Packet set: GDB manual, "Packets",
 * "General Query Packets" and "Stop Reply Packets"; what GDB 13 actually sends:
 * shared/notes/unicorn-gdbstub-pty.md §2.
 */
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gdbstub_priv.h"

/* A client that stops reading gets this long to drain its socket before it is dropped. */
#define SEND_TIMEOUT_S 10
/* Stop-reply signals (GDB's numbering, as in any stop reply). */
#define SIGNAL_INT 0x02
#define SIGNAL_TRAP 0x05
#define SIGNAL_SEGV 0x0b

/* ------------------------------------------------------------------ output */

static void send_raw(struct gdbstub *stub, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len > 0 && stub->client_fd >= 0) {
		ssize_t n = send(stub->client_fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOTSOCK) /* the fuzz target's client is a plain file */
			n = write(stub->client_fd, p, len);
		if (n <= 0) { /* gone, or not reading for SEND_TIMEOUT_S */
			gdbstub_drop_client(stub);
			return;
		}
		p += n;
		len -= (size_t)n;
	}
}

void gdbstub_send(struct gdbstub *stub, const void *payload, size_t len)
{
	if (stub->client_fd < 0)
		return;
	stub->frame_len = rsp_frame(stub->frame, payload, len);
	send_raw(stub, stub->frame, stub->frame_len);
}

void gdbstub_send_str(struct gdbstub *stub, const char *payload)
{
	gdbstub_send(stub, payload, strlen(payload));
}

static void send_error(struct gdbstub *stub)
{
	gdbstub_send_str(stub, "E01");
}

/* ------------------------------------------------------------------ stop replies */

/* Registers travel as target-endian (little-endian) bytes in hex. */
static void reg_hex(char *out, uint32_t v)
{
	uint8_t le[4] = {v, v >> 8, v >> 16, v >> 24};
	rsp_hex_encode(out, le, 4);
}

static bool chip_is_running(const struct gdbstub *stub)
{
	enum chip_state st = chip_state(stub->chip);
	return st == CHIP_RUNNING || st == CHIP_SLEEPING;
}

/* T packet with every register expedited, so a step costs GDB one round trip. */
static void send_stop_reply(struct gdbstub *stub)
{
	char *r = stub->reply;
	size_t cap = sizeof stub->reply;
	int sig = stub->interrupted ? SIGNAL_INT : SIGNAL_TRAP;
	size_t n;

	if (chip_state(stub->chip) == CHIP_LOCKUP)
		sig = SIGNAL_SEGV;
	n = (size_t)snprintf(r, cap, "T%02x", sig);
	for (unsigned i = 0; i < stub->n_regs; i++) {
		n += (size_t)snprintf(r + n, cap - n, "%02x:", stub->regs[i]->regnum);
		reg_hex(r + n, chip_reg_read(stub->chip, stub->regs[i]->reg));
		n += 8;
		r[n++] = ';';
	}
	n += (size_t)snprintf(r + n, cap - n, "thread:1;");
	if (sig == SIGNAL_TRAP && chip_state(stub->chip) == CHIP_HALTED) {
		uint32_t addr;
		int kind;
		switch (chip_halt_reason(stub->chip)) {
		case CHIP_HALT_BREAKPOINT:
			n += (size_t)snprintf(r + n, cap - n, "hwbreak:;");
			break;
		case CHIP_HALT_WATCHPOINT:
			if (chip_watch_hit(stub->chip, &addr, &kind))
				n += (size_t)snprintf(r + n, cap - n, "%s:%x;",
						      kind == 0 ? "watch" : kind == 1 ? "rwatch" : "awatch", addr);
			break;
		default:
			break;
		}
	}
	stub->waiting = false;
	stub->interrupted = false;
	gdbstub_send(stub, r, n);
}

void gdbstub_chip_stopped(struct gdbstub *stub)
{
	if (stub->waiting && stub->client_fd >= 0 && !chip_is_running(stub))
		send_stop_reply(stub);
}

static void resume(struct gdbstub *stub)
{
	gdbstub_stop_observing(stub);
	stub->waiting = true;
	stub->interrupted = false;
	chip_resume(stub->chip);
	/* A locked-up core does not run: say so now rather than leave GDB waiting. */
	gdbstub_chip_stopped(stub);
}

static void step(struct gdbstub *stub)
{
	if (chip_is_running(stub))
		chip_halt(stub->chip);
	chip_step(stub->chip);
	send_stop_reply(stub);
}

static void interrupt(struct gdbstub *stub)
{
	if (!stub->waiting)
		return;
	stub->interrupted = true;
	chip_halt(stub->chip);
	gdbstub_chip_stopped(stub); /* else the main loop reports it once the halt took effect */
}

/* ------------------------------------------------------------------ packet handlers
 * Each gets the text after its name (NUL-terminated) and its length (binary packets need it). */

typedef void packet_fn(struct gdbstub *stub, const char *args, size_t len);

static void pkt_ok(struct gdbstub *stub, const char *args, size_t len)
{
	(void)args, (void)len;
	gdbstub_send_str(stub, "OK");
}

static void pkt_stop_status(struct gdbstub *stub, const char *args, size_t len)
{
	(void)args, (void)len;
	send_stop_reply(stub);
}

static void pkt_supported(struct gdbstub *stub, const char *args, size_t len)
{
	(void)args, (void)len;
	snprintf(stub->reply, sizeof stub->reply,
		 "PacketSize=%x;qXfer:features:read+;qXfer:memory-map:read+;vContSupported+;hwbreak+;"
		 "QStartNoAckMode+",
		 RSP_PACKET_MAX);
	gdbstub_send_str(stub, stub->reply);
}

static void pkt_no_ack(struct gdbstub *stub, const char *args, size_t len)
{
	pkt_ok(stub, args, len); /* acknowledged the old way, then no more acks either way */
	stub->no_ack = true;
}

static bool parse_reg_hex(const char *hex, uint32_t *v)
{
	uint8_t le[4];
	if (!rsp_hex_decode(le, hex, 4))
		return false;
	*v = (uint32_t)le[0] | (uint32_t)le[1] << 8 | (uint32_t)le[2] << 16 | (uint32_t)le[3] << 24;
	return true;
}

/* The g packet holds the registers in regnum order with no gaps (GDB gives absent regnums no
 * space): r0-pc, xpsr, then the m-system registers this core has. */
static void pkt_read_regs(struct gdbstub *stub, const char *args, size_t len)
{
	(void)args, (void)len;
	for (unsigned i = 0; i < stub->n_regs; i++)
		reg_hex(stub->reply + 8 * i, chip_reg_read(stub->chip, stub->regs[i]->reg));
	gdbstub_send(stub, stub->reply, 8 * stub->n_regs);
}

static void pkt_write_regs(struct gdbstub *stub, const char *args, size_t len)
{
	uint32_t values[CHIP_NREGS];

	if (len != 8 * stub->n_regs) {
		send_error(stub);
		return;
	}
	for (unsigned i = 0; i < stub->n_regs; i++)
		if (!parse_reg_hex(args + 8 * i, &values[i])) {
			send_error(stub);
			return;
		}
	for (unsigned i = 0; i < stub->n_regs; i++)
		chip_reg_write(stub->chip, stub->regs[i]->reg, values[i]);
	gdbstub_send_str(stub, "OK");
}

static void pkt_read_reg(struct gdbstub *stub, const char *args, size_t len)
{
	struct rsp_args a = rsp_args(args);
	const struct gdb_reg *r = gdbstub_reg_by_regnum(stub, rsp_arg_hex(&a));
	(void)len;

	if (!rsp_args_end(&a) || !r) {
		send_error(stub);
		return;
	}
	reg_hex(stub->reply, chip_reg_read(stub->chip, r->reg));
	gdbstub_send(stub, stub->reply, 8);
}

static void pkt_write_reg(struct gdbstub *stub, const char *args, size_t len)
{
	struct rsp_args a = rsp_args(args);
	const struct gdb_reg *r = gdbstub_reg_by_regnum(stub, rsp_arg_hex(&a));
	uint32_t v;
	(void)len;

	rsp_arg_char(&a, '=');
	if (!a.ok || !r || strlen(a.p) != 8 || !parse_reg_hex(a.p, &v)) {
		send_error(stub);
		return;
	}
	chip_reg_write(stub->chip, r->reg, v);
	gdbstub_send_str(stub, "OK");
}

/* Reads what it can from the start of the range: GDB accepts a short reply and asks again. */
static size_t read_memory(struct gdbstub *stub, uint32_t addr, uint8_t *buf, size_t len)
{
	size_t done = 0;

	if (chip_mem_read(stub->chip, addr, buf, len) == 0)
		return len;
	/* Part of the range is unmapped: find how much is readable, one aligned word at a time so
	 * each peripheral register is still read as a word. */
	while (done < len) {
		size_t chunk = 4 - ((addr + done) & 3);
		if (chunk > len - done)
			chunk = len - done;
		if (chip_mem_read(stub->chip, addr + (uint32_t)done, buf + done, chunk) != 0)
			break;
		done += chunk;
	}
	return done;
}

static void pkt_read_mem(struct gdbstub *stub, const char *args, size_t len)
{
	static uint8_t buf[RSP_PACKET_MAX / 2];
	struct rsp_args a = rsp_args(args);
	uint32_t addr = rsp_arg_hex(&a), n;
	(void)len;

	rsp_arg_char(&a, ',');
	n = rsp_arg_hex(&a);
	if (!rsp_args_end(&a)) {
		send_error(stub);
		return;
	}
	if (n > sizeof buf) /* a huge read gets its first part; GDB asks for the rest */
		n = sizeof buf;
	if ((uint64_t)addr + n > (1ull << 32))
		n = (uint32_t)((1ull << 32) - addr);
	size_t got = n ? read_memory(stub, addr, buf, n) : 0;
	if (n && !got) {
		send_error(stub);
		return;
	}
	rsp_hex_encode(stub->reply, buf, got);
	gdbstub_send(stub, stub->reply, 2 * got);
}

static bool write_fits(uint32_t addr, uint32_t n)
{
	return (uint64_t)addr + n <= (1ull << 32);
}

static void pkt_write_mem(struct gdbstub *stub, const char *args, size_t len)
{
	static uint8_t buf[RSP_PACKET_MAX / 2];
	struct rsp_args a = rsp_args(args);
	uint32_t addr = rsp_arg_hex(&a), n;
	(void)len;

	rsp_arg_char(&a, ',');
	n = rsp_arg_hex(&a);
	rsp_arg_char(&a, ':');
	if (!a.ok || n > sizeof buf || strlen(a.p) != 2 * (size_t)n || !rsp_hex_decode(buf, a.p, n) ||
	    !write_fits(addr, n) || (n && chip_mem_write(stub->chip, addr, buf, n) != 0)) {
		send_error(stub);
		return;
	}
	gdbstub_send_str(stub, "OK");
}

static void pkt_write_mem_binary(struct gdbstub *stub, const char *args, size_t len)
{
	struct rsp_args a = rsp_args(args);
	uint32_t addr = rsp_arg_hex(&a), n;

	rsp_arg_char(&a, ',');
	n = rsp_arg_hex(&a);
	rsp_arg_char(&a, ':');
	if (!a.ok) {
		send_error(stub);
		return;
	}
	/* The data may hold NULs: its length comes from the packet length, not from strlen. */
	uint8_t *data = (uint8_t *)a.p;
	size_t dlen = len - (size_t)(a.p - args);
	if (!rsp_unescape(data, &dlen) || dlen != n || !write_fits(addr, n) ||
	    (n && chip_mem_write(stub->chip, addr, data, n) != 0)) {
		send_error(stub);
		return;
	}
	gdbstub_send_str(stub, "OK");
}

/* c [addr], s [addr]; C sig[;addr], S sig[;addr]: the signal means nothing to a bare chip. */
static bool set_resume_pc(struct gdbstub *stub, const char *args, bool with_signal)
{
	struct rsp_args a = rsp_args(args);
	uint32_t pc;

	if (with_signal) {
		rsp_arg_hex(&a);
		if (!rsp_arg_try(&a, ';'))
			return rsp_args_end(&a);
	} else if (*a.p == 0) {
		return true;
	}
	pc = rsp_arg_hex(&a);
	if (!rsp_args_end(&a))
		return false;
	chip_reg_write(stub->chip, CHIP_PC, pc);
	return true;
}

static void pkt_continue(struct gdbstub *stub, const char *args, size_t len)
{
	(void)len;
	if (set_resume_pc(stub, args, false))
		resume(stub);
	else
		send_error(stub);
}

static void pkt_continue_signal(struct gdbstub *stub, const char *args, size_t len)
{
	(void)len;
	if (set_resume_pc(stub, args, true))
		resume(stub);
	else
		send_error(stub);
}

static void pkt_step(struct gdbstub *stub, const char *args, size_t len)
{
	(void)len;
	if (set_resume_pc(stub, args, false))
		step(stub);
	else
		send_error(stub);
}

static void pkt_step_signal(struct gdbstub *stub, const char *args, size_t len)
{
	(void)len;
	if (set_resume_pc(stub, args, true))
		step(stub);
	else
		send_error(stub);
}

static void pkt_vcont_query(struct gdbstub *stub, const char *args, size_t len)
{
	(void)args, (void)len;
	gdbstub_send_str(stub, "vCont;c;C;s;S;t");
}

/* vCont;action[:thread];...: the first action that applies to our one thread (no thread id,
 * 1, or -1 for all) decides. t (stop) applies to a thread that is already stopped. */
static bool vcont_thread_is_ours(const char *id, size_t n)
{
	return (n == 2 && memcmp(id, "-1", 2) == 0) || (n >= 1 && strspn(id, "0") == n - 1 && id[n - 1] == '1');
}

static void pkt_vcont(struct gdbstub *stub, const char *args, size_t len)
{
	const char *p = args;
	(void)len;

	while (*p) {
		char action = *p++;
		size_t n = strcspn(p, ";");
		const char *colon = memchr(p, ':', n);
		bool ours = !colon || vcont_thread_is_ours(colon + 1, n - (size_t)(colon + 1 - p));
		size_t arg_len = colon ? (size_t)(colon - p) : n;
		bool with_signal = action == 'C' || action == 'S';

		/* C and S carry a signal number (two hex digits), the others nothing. */
		if (arg_len != (with_signal ? 2u : 0u) || (with_signal && !isxdigit((unsigned char)p[0])) ||
		    (with_signal && !isxdigit((unsigned char)p[1])) || !strchr("cCsSt", action))
			break;
		if (ours) {
			if (action == 'c' || action == 'C')
				resume(stub);
			else if (action == 's' || action == 'S')
				step(stub);
			else
				gdbstub_send_str(stub, "OK");
			return;
		}
		p += n;
		if (*p == ';')
			p++;
	}
	send_error(stub);
}

/* Z/z type,addr,kind: 0 software and 1 hardware breakpoint (both on comparators, see gdbstub_break.c),
 * 2 write, 3 read, 4 access watchpoint (DWT comparators). */
static void pkt_break(struct gdbstub *stub, const char *args, bool insert)
{
	static const enum chip_wp_kind wp_kinds[] = {CHIP_WP_WRITE, CHIP_WP_READ, CHIP_WP_ACCESS};
	struct rsp_args a = rsp_args(args);
	uint32_t type = rsp_arg_hex(&a), addr, kind;
	int rc;

	rsp_arg_char(&a, ',');
	addr = rsp_arg_hex(&a);
	rsp_arg_char(&a, ',');
	kind = rsp_arg_hex(&a);
	if (!rsp_args_end(&a)) {
		send_error(stub);
		return;
	}
	if (type <= 1)
		rc = insert ? gdbstub_bp_insert(stub, addr) : gdbstub_bp_remove(stub, addr);
	else if (type <= 4 && kind > 0)
		rc = insert ? gdbstub_wp_insert(stub, addr, kind, wp_kinds[type - 2])
			    : gdbstub_wp_remove(stub, addr, kind, wp_kinds[type - 2]);
	else if (type <= 4)
		rc = -1;
	else {
		gdbstub_send_str(stub, ""); /* unknown type: unsupported, per the protocol */
		return;
	}
	if (rc < 0)
		send_error(stub);
	else
		gdbstub_send_str(stub, "OK");
}

static void pkt_insert(struct gdbstub *stub, const char *args, size_t len)
{
	(void)len;
	pkt_break(stub, args, true);
}

static void pkt_remove(struct gdbstub *stub, const char *args, size_t len)
{
	(void)len;
	pkt_break(stub, args, false);
}

static void pkt_detach(struct gdbstub *stub, const char *args, size_t len)
{
	(void)args, (void)len;
	gdbstub_release_comparators(stub);
	gdbstub_flash_discard(stub);
	gdbstub_stop_observing(stub);
	stub->waiting = false;
	if (chip_state(stub->chip) == CHIP_HALTED)
		chip_resume(stub->chip);
	gdbstub_send_str(stub, "OK");
}

/* k has no reply; the emulator exits, as a probe's server ends the session. */
static void pkt_kill(struct gdbstub *stub, const char *args, size_t len)
{
	(void)args, (void)len;
	stub->quit = true;
	gdbstub_drop_client(stub);
}

static void pkt_vkill(struct gdbstub *stub, const char *args, size_t len)
{
	(void)args, (void)len;
	gdbstub_send_str(stub, "OK");
	stub->quit = true;
}

static void pkt_attached(struct gdbstub *stub, const char *args, size_t len)
{
	(void)args, (void)len;
	gdbstub_send_str(stub, "1"); /* attached to a running chip: GDB detaches, never kills, on quit */
}

static void pkt_current_thread(struct gdbstub *stub, const char *args, size_t len)
{
	(void)args, (void)len;
	gdbstub_send_str(stub, "QC1");
}

static void pkt_first_thread(struct gdbstub *stub, const char *args, size_t len)
{
	(void)args, (void)len;
	gdbstub_send_str(stub, "m1");
}

static void pkt_next_thread(struct gdbstub *stub, const char *args, size_t len)
{
	(void)args, (void)len;
	gdbstub_send_str(stub, "l");
}

static void pkt_thread_alive(struct gdbstub *stub, const char *args, size_t len)
{
	(void)len;
	struct rsp_args a = rsp_args(args);
	if (rsp_arg_hex(&a) == 1 && rsp_args_end(&a))
		gdbstub_send_str(stub, "OK");
	else
		send_error(stub);
}

static void pkt_offsets(struct gdbstub *stub, const char *args, size_t len)
{
	(void)args, (void)len;
	gdbstub_send_str(stub, "Text=0;Data=0;Bss=0"); /* the ELF is linked where it runs */
}

/* qXfer:object:read:annex:offset,length -> m<data> (more follows) or l<data> (last part). */
static void send_xfer(struct gdbstub *stub, const char *args, const char *annex, const char *doc,
		      size_t doc_len)
{
	size_t alen = strlen(annex);
	struct rsp_args a = rsp_args(args + alen);
	uint32_t offset, want;

	if (strncmp(args, annex, alen) != 0) {
		send_error(stub);
		return;
	}
	rsp_arg_char(&a, ':');
	offset = rsp_arg_hex(&a);
	rsp_arg_char(&a, ',');
	want = rsp_arg_hex(&a);
	if (!rsp_args_end(&a)) {
		send_error(stub);
		return;
	}
	if (offset > doc_len)
		offset = (uint32_t)doc_len;
	size_t n = doc_len - offset;
	if (n > want)
		n = want;
	size_t out = rsp_escape((uint8_t *)stub->reply + 1, sizeof stub->reply - 1,
				(const uint8_t *)doc + offset, &n);
	stub->reply[0] = offset + n < doc_len ? 'm' : 'l';
	gdbstub_send(stub, stub->reply, 1 + out);
}

static void pkt_features(struct gdbstub *stub, const char *args, size_t len)
{
	(void)len;
	send_xfer(stub, args, "target.xml", stub->target_xml, stub->target_xml_len);
}

static void pkt_memory_map(struct gdbstub *stub, const char *args, size_t len)
{
	(void)len;
	send_xfer(stub, args, "", stub->memory_map, stub->memory_map_len);
}

static void pkt_rcmd(struct gdbstub *stub, const char *args, size_t len)
{
	char cmd[512];
	size_t n = len / 2;

	if (len % 2 || n >= sizeof cmd || !rsp_hex_decode((uint8_t *)cmd, args, n) || memchr(cmd, 0, n)) {
		send_error(stub);
		return;
	}
	cmd[n] = 0;
	gdbstub_monitor(stub, cmd);
}

static void pkt_flash_erase(struct gdbstub *stub, const char *args, size_t len)
{
	(void)len;
	gdbstub_flash_erase(stub, args);
}

static void pkt_flash_write(struct gdbstub *stub, const char *args, size_t len)
{
	gdbstub_flash_write(stub, args, len);
}

static void pkt_flash_done(struct gdbstub *stub, const char *args, size_t len)
{
	(void)args, (void)len;
	gdbstub_flash_done(stub);
}

/* A name of one character takes its arguments right after it ("m8000000,4"); a longer name must
 * be followed by the end or a separator ("qC" is not "qCRC:..."), unless it ends in one. */
static const struct {
	const char *name;
	packet_fn *fn;
} packets[] = {
	{"?", pkt_stop_status},
	{"!", pkt_ok}, /* extended-remote: nothing to change for a chip */
	{"g", pkt_read_regs},
	{"G", pkt_write_regs},
	{"p", pkt_read_reg},
	{"P", pkt_write_reg},
	{"m", pkt_read_mem},
	{"M", pkt_write_mem},
	{"X", pkt_write_mem_binary},
	{"c", pkt_continue},
	{"C", pkt_continue_signal},
	{"s", pkt_step},
	{"S", pkt_step_signal},
	{"H", pkt_ok}, /* one thread: every thread selection selects it */
	{"T", pkt_thread_alive},
	{"Z", pkt_insert},
	{"z", pkt_remove},
	{"D", pkt_detach},
	{"k", pkt_kill},
	{"qSupported", pkt_supported},
	{"qAttached", pkt_attached},
	{"qC", pkt_current_thread},
	{"qfThreadInfo", pkt_first_thread},
	{"qsThreadInfo", pkt_next_thread},
	{"qOffsets", pkt_offsets},
	{"qSymbol", pkt_ok}, /* no symbols wanted */
	{"qXfer:features:read:", pkt_features},
	{"qXfer:memory-map:read:", pkt_memory_map},
	{"qRcmd,", pkt_rcmd},
	{"QStartNoAckMode", pkt_no_ack},
	{"vCont?", pkt_vcont_query},
	{"vCont;", pkt_vcont},
	{"vFlashErase:", pkt_flash_erase},
	{"vFlashWrite:", pkt_flash_write},
	{"vFlashDone", pkt_flash_done},
	{"vKill", pkt_vkill},
};

static bool name_matches(const char *name, const char *pkt, size_t len)
{
	size_t n = strlen(name);
	if (n > len || memcmp(name, pkt, n) != 0)
		return false;
	if (n == 1 || strchr(":;,", name[n - 1]))
		return true;
	return pkt[n] == 0 || strchr(":;,", pkt[n]);
}

static void dispatch(struct gdbstub *stub, char *pkt, size_t len)
{
	for (size_t i = 0; i < sizeof packets / sizeof packets[0]; i++)
		if (name_matches(packets[i].name, pkt, len)) {
			size_t n = strlen(packets[i].name);
			packets[i].fn(stub, pkt + n, len - n);
			return;
		}
	gdbstub_send_str(stub, ""); /* unknown packet: the protocol's "not supported" */
}

/* ------------------------------------------------------------------ input */

void gdbstub_input(struct gdbstub *stub, const uint8_t *buf, size_t len)
{
	while (len > 0 && stub->client_fd >= 0) {
		switch (rsp_read(&stub->reader, &buf, &len)) {
		case RSP_PACKET:
			if (!stub->no_ack)
				send_raw(stub, "+", 1);
			dispatch(stub, (char *)stub->reader.data, stub->reader.len);
			break;
		case RSP_BAD_PACKET:
			if (!stub->no_ack)
				send_raw(stub, "-", 1);
			break;
		case RSP_NAK:
			if (!stub->no_ack && stub->frame_len)
				send_raw(stub, stub->frame, stub->frame_len);
			break;
		case RSP_INTERRUPT:
			interrupt(stub);
			break;
		case RSP_ACK:
		case RSP_NONE:
			break;
		}
	}
}

/* ------------------------------------------------------------------ connection */

void gdbstub_adopt_client(struct gdbstub *stub, int fd)
{
	stub->client_fd = fd;
	stub->no_ack = false;
	stub->waiting = false;
	stub->interrupted = false;
	stub->frame_len = 0;
	rsp_reader_init(&stub->reader);
	/* Attaching halts the chip, as OpenOCD does when GDB connects. */
	if (chip_is_running(stub))
		chip_halt(stub->chip);
}

/* The client is gone (detached, killed, crashed or hostile): its breakpoints go with it and the
 * chip runs on, as when a probe's GDB session ends. */
void gdbstub_drop_client(struct gdbstub *stub)
{
	if (stub->client_fd < 0)
		return;
	close(stub->client_fd);
	stub->client_fd = -1;
	stub->waiting = false;
	gdbstub_release_comparators(stub);
	gdbstub_flash_discard(stub);
	gdbstub_stop_observing(stub);
	if (chip_state(stub->chip) == CHIP_HALTED)
		chip_resume(stub->chip);
}

static void accept_client(struct gdbstub *stub)
{
	int fd = accept4(stub->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (stub->client_fd >= 0) {
		close(fd); /* one debugger at a time, like a probe */
		return;
	}
	struct timeval tv = {.tv_sec = SEND_TIMEOUT_S};
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	gdbstub_adopt_client(stub, fd);
}

/* Reads until the socket is empty, so that a client which sent its last bytes and closed is seen
 * to be gone before a new connection is considered (GDB reconnecting right after a detach). */
static void read_client(struct gdbstub *stub)
{
	uint8_t buf[16384];

	for (int reads = 0; reads < 64 && stub->client_fd >= 0; reads++) {
		ssize_t n = recv(stub->client_fd, buf, sizeof buf, MSG_DONTWAIT);
		if (n > 0)
			gdbstub_input(stub, buf, (size_t)n);
		else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
			gdbstub_drop_client(stub);
		else
			return;
	}
}

struct gdbstub *gdbstub_open(struct chip *chip, uint16_t port, char *err, size_t errlen)
{
	struct gdbstub *stub = calloc(1, sizeof *stub);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t salen = sizeof sa;
	int one = 1;

	if (!stub) {
		snprintf(err, errlen, "gdb stub: out of memory");
		return NULL;
	}
	stub->chip = chip;
	stub->client_fd = -1;
	stub->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (stub->listen_fd < 0 ||
	    setsockopt(stub->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(stub->listen_fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(stub->listen_fd, 4) < 0 ||
	    getsockname(stub->listen_fd, (struct sockaddr *)&sa, &salen) < 0) {
		snprintf(err, errlen, "cannot listen for GDB on 127.0.0.1:%u: %s (use --gdb 0 for a free port)",
			 port, strerror(errno));
		if (stub->listen_fd >= 0)
			close(stub->listen_fd);
		free(stub);
		return NULL;
	}
	stub->port = ntohs(sa.sin_port);
	gdbstub_tdesc_init(stub);
	return stub;
}

void gdbstub_close(struct gdbstub *stub)
{
	if (!stub)
		return;
	gdbstub_drop_client(stub);
	close(stub->listen_fd);
	free(stub);
}

uint16_t gdbstub_port(const struct gdbstub *stub)
{
	return stub->port;
}

/* The client comes first: its end of session is handled before a new connection is accepted. */
int gdbstub_pollfds(struct gdbstub *stub, struct pollfd *fds, int max)
{
	int n = 0;
	if (n < max && stub->client_fd >= 0)
		fds[n++] = (struct pollfd){.fd = stub->client_fd, .events = POLLIN};
	if (n < max)
		fds[n++] = (struct pollfd){.fd = stub->listen_fd, .events = POLLIN};
	return n;
}

void gdbstub_service(struct gdbstub *stub, const struct pollfd *fds, int n)
{
	for (int i = 0; i < n; i++) {
		if (!fds[i].revents)
			continue;
		if (fds[i].fd == stub->client_fd)
			read_client(stub);
		else if (fds[i].fd == stub->listen_fd)
			accept_client(stub);
	}
}

bool gdbstub_quit_requested(const struct gdbstub *stub)
{
	return stub->quit;
}
