/* Host tests of the stub's protocol behaviour on the fake chip (emulator/fuzz/fake_chip.c): acks
 * and no-ack mode, retransmission, the register and memory packets, comparator limits, qXfer,
 * vFlash*, monitor commands, Ctrl-C and continue, a second client and a client that vanishes. The
 * same behaviour against GDB and the real chip: emulator/tests/gdb/. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "fake_chip.h"
#include "gdbstub_priv.h"

static struct chip *chip;
static struct gdbstub *stub;
static int peer; /* our end of the client connection */
static const struct bj_part *part;

static void connect_client(void)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
	gdbstub_adopt_client(stub, sv[0]);
	peer = sv[1];
}

static void send_bytes(const void *bytes, size_t len)
{
	gdbstub_input(stub, bytes, len);
}

static void send_packet(const char *payload)
{
	uint8_t frame[RSP_PACKET_MAX + 16];
	send_bytes(frame, rsp_frame(frame, (const uint8_t *)payload, strlen(payload)));
}

/* Everything the stub has sent since the last call. */
static size_t received(char *buf, size_t cap)
{
	size_t n = 0;
	ssize_t r;
	while (n + 1 < cap && (r = recv(peer, buf + n, cap - 1 - n, MSG_DONTWAIT)) > 0)
		n += (size_t)r;
	buf[n] = 0;
	return n;
}

/* The payloads of the packets the stub sent, after checking each frame's checksum; acks are
 * returned as "+" entries. */
static struct rsp_reader reader;
static char replies[64][RSP_PACKET_MAX + 1];
static unsigned n_replies;

static void collect(void)
{
	static char raw[1 << 20];
	size_t n = received(raw, sizeof raw);
	const uint8_t *p = (const uint8_t *)raw;

	n_replies = 0;
	rsp_reader_init(&reader);
	while (n > 0 && n_replies < 64) {
		enum rsp_event ev = rsp_read(&reader, &p, &n);
		if (ev == RSP_PACKET)
			memcpy(replies[n_replies++], reader.data, reader.len + 1);
		else if (ev == RSP_ACK)
			strcpy(replies[n_replies++], "+");
		else if (ev == RSP_NAK)
			strcpy(replies[n_replies++], "-");
		else if (ev == RSP_BAD_PACKET)
			strcpy(replies[n_replies++], "<bad frame>");
	}
}

/* Sends a packet in no-ack mode and returns its one reply. */
static const char *ask(const char *payload)
{
	send_packet(payload);
	collect();
	return n_replies == 1 ? replies[0] : "<not one reply>";
}

static void test_acks(void)
{
	char raw[256];

	send_packet("qSupported:swbreak+;hwbreak+");
	collect();
	CHECK(n_replies == 2 && strcmp(replies[0], "+") == 0);
	CHECK(strstr(replies[1], "PacketSize=4000;") && strstr(replies[1], "qXfer:features:read+") &&
	      strstr(replies[1], "qXfer:memory-map:read+") && strstr(replies[1], "vContSupported+") &&
	      strstr(replies[1], "hwbreak+") && strstr(replies[1], "QStartNoAckMode+"));

	send_bytes("$g#00", 5); /* wrong checksum */
	CHECK(received(raw, sizeof raw) == 1 && raw[0] == '-');

	send_packet("qAttached");
	CHECK(received(raw, sizeof raw) == 6 && strcmp(raw, "+$1#31") == 0);
	send_bytes("-", 1); /* GDB did not get it: the same frame again */
	CHECK(received(raw, sizeof raw) == 5 && strcmp(raw, "$1#31") == 0);

	send_packet("QStartNoAckMode");
	CHECK(received(raw, sizeof raw) == 7 && strcmp(raw, "+$OK#9a") == 0);
	send_packet("qAttached");
	CHECK(received(raw, sizeof raw) == 5 && strcmp(raw, "$1#31") == 0);
	send_bytes("$g#00", 5);
	send_bytes("-", 1);
	CHECK(received(raw, sizeof raw) == 0); /* no acks, no resends any more */
}

static void test_registers(void)
{
	/* M0+: r0-pc, xpsr, msp, psp, primask, control; no basepri/faultmask on ARMv6-M. */
	const char *g = ask("g");
	CHECK(strlen(g) == 21 * 8);
	CHECK(strcmp(ask("P1=78563412"), "OK") == 0);
	CHECK(chip_reg_read(chip, CHIP_R1) == 0x12345678);
	CHECK(strcmp(ask("p1"), "78563412") == 0);
	CHECK(strcmp(ask("p19"), "00000001") == 0); /* xpsr is regnum 0x19 = 25, T bit set */
	CHECK(strcmp(ask("p1d"), "E01") == 0);      /* basepri: not on this core */
	CHECK(strcmp(ask("p1f"), "00000000") == 0); /* control */
	CHECK(strcmp(ask("p10"), "E01") == 0);      /* 16-24 are the legacy FPA gap */
	CHECK(strcmp(ask("P1=1234"), "E01") == 0);
	char G[21 * 8 + 2] = "G";
	memcpy(G + 1, ask("g"), 21 * 8 + 1);
	memcpy(G + 1, "efbeadde", 8); /* r0 */
	CHECK(strcmp(ask(G), "OK") == 0 && chip_reg_read(chip, CHIP_R0) == 0xdeadbeef);
	G[20 * 8] = 0;
	CHECK(strcmp(ask(G), "E01") == 0);
}

static void test_memory(void)
{
	char cmd[64];
	uint32_t sram = part->sram.base, end = part->sram.base + part->sram.size;

	snprintf(cmd, sizeof cmd, "M%x,4:01020304", sram);
	CHECK(strcmp(ask(cmd), "OK") == 0);
	snprintf(cmd, sizeof cmd, "m%x,4", sram);
	CHECK(strcmp(ask(cmd), "01020304") == 0);
	/* Binary write with escaped bytes: '}' 0x5d means '}' ^ 0x20 ... here '#' is sent as }\x03. */
	char x[64];
	int n = snprintf(x, sizeof x, "X%x,3:a}\x03z", sram);
	CHECK(strcmp(ask(x), "OK") == 0 && n > 0);
	CHECK(strcmp(ask(cmd), "61237a04") == 0);
	snprintf(cmd, sizeof cmd, "X%x,0:", sram);
	CHECK(strcmp(ask(cmd), "OK") == 0); /* GDB's probe for X support */
	/* A read that runs off the end of SRAM returns what exists; one of nothing is an error. */
	snprintf(cmd, sizeof cmd, "m%x,8", end - 4);
	CHECK(strlen(ask(cmd)) == 8);
	snprintf(cmd, sizeof cmd, "m%x,4", end);
	CHECK(strcmp(ask(cmd), "E01") == 0);
	/* A huge read is cut to what fits in one reply. */
	snprintf(cmd, sizeof cmd, "m%x,ffffffff", sram);
	CHECK(strlen(ask(cmd)) == 2 * (part->sram.size < RSP_PACKET_MAX / 2 ? part->sram.size : RSP_PACKET_MAX / 2));
	CHECK(strcmp(ask("mffffffff,ffffffff"), "E01") == 0);
	CHECK(strcmp(ask("m,4"), "E01") == 0);
	CHECK(strcmp(ask("m123456789,4"), "E01") == 0);
	/* Flash and ROM are not writable through the bus. */
	snprintf(cmd, sizeof cmd, "M%x,2:0000", part->flash.base);
	CHECK(strcmp(ask(cmd), "E01") == 0);
}

static void test_comparators(void)
{
	char cmd[64];
	unsigned slots = chip_bp_slots(chip);

	for (unsigned i = 0; i < slots; i++) {
		snprintf(cmd, sizeof cmd, "Z%u,%x,2", i % 2, part->flash.base + 2 * i);
		CHECK(strcmp(ask(cmd), "OK") == 0);
	}
	snprintf(cmd, sizeof cmd, "Z1,%x,2", part->flash.base + 0x100);
	CHECK(strcmp(ask(cmd), "E01") == 0); /* a full table */
	snprintf(cmd, sizeof cmd, "Z0,%x,2", part->flash.base);
	CHECK(strcmp(ask(cmd), "OK") == 0); /* the same address again shares its comparator */
	snprintf(cmd, sizeof cmd, "z0,%x,2", part->flash.base);
	CHECK(strcmp(ask(cmd), "OK") == 0);
	snprintf(cmd, sizeof cmd, "z0,%x,2", part->flash.base);
	CHECK(strcmp(ask(cmd), "OK") == 0);
	snprintf(cmd, sizeof cmd, "z0,%x,2", part->flash.base);
	CHECK(strcmp(ask(cmd), "E01") == 0); /* not inserted any more */
	snprintf(cmd, sizeof cmd, "Z1,%x,2", part->flash.base + 0x100);
	CHECK(strcmp(ask(cmd), "OK") == 0);

	for (unsigned i = 0; i < chip_wp_slots(chip); i++) {
		snprintf(cmd, sizeof cmd, "Z%u,%x,4", 2 + i % 3, part->sram.base + 4 * i);
		CHECK(strcmp(ask(cmd), "OK") == 0);
	}
	snprintf(cmd, sizeof cmd, "Z2,%x,4", part->sram.base + 0x40);
	CHECK(strcmp(ask(cmd), "E01") == 0);
	CHECK(strcmp(ask("Z5,0,4"), "") == 0); /* unknown type: not supported */
	CHECK(strcmp(ask("Z2,0,0"), "E01") == 0);
	CHECK(strcmp(ask("Z1,zz,2"), "E01") == 0);
}

/* Reads a qXfer object in pieces of `chunk` bytes. */
static size_t read_xfer(const char *prefix, char *doc, size_t cap, unsigned chunk)
{
	char cmd[128];
	size_t len = 0;
	for (;;) {
		snprintf(cmd, sizeof cmd, "%s%zx,%x", prefix, len, chunk);
		const char *r = ask(cmd);
		size_t n = strlen(r + 1);
		if ((r[0] != 'm' && r[0] != 'l') || len + n >= cap)
			return 0;
		memcpy(doc + len, r + 1, n);
		len += n;
		if (r[0] == 'l')
			break;
	}
	doc[len] = 0;
	return len;
}

static void test_xfer(void)
{
	static char doc[8192];
	char want[128];

	CHECK(read_xfer("qXfer:features:read:target.xml:", doc, sizeof doc, 100) == stub->target_xml_len);
	CHECK(strstr(doc, "<feature name=\"org.gnu.gdb.arm.m-profile\">") &&
	      strstr(doc, "<feature name=\"org.gnu.gdb.arm.m-system\">"));
	CHECK(strstr(doc, "<reg name=\"xpsr\" bitsize=\"32\" regnum=\"25\"/>") &&
	      strstr(doc, "<reg name=\"msp\" bitsize=\"32\" regnum=\"26\"") && !strstr(doc, "basepri"));
	CHECK(read_xfer("qXfer:memory-map:read::", doc, sizeof doc, 0x3fff) == stub->memory_map_len);
	snprintf(want, sizeof want, "<memory type=\"flash\" start=\"0x%x\" length=\"0x%x\"><property name=\"blocksize\">0x%x<",
		 part->banks[0].base, part->banks[0].size, part->page_size);
	CHECK(strstr(doc, want) != NULL);
	snprintf(want, sizeof want, "<memory type=\"rom\" start=\"0x%x\" length=\"0x%x\"/>", part->system_memory.base,
		 part->system_memory.size);
	CHECK(strstr(doc, want) != NULL);
	CHECK(strstr(doc, "<memory type=\"ram\" start=\"0x0\" ") != NULL);
	CHECK(strcmp(ask("qXfer:features:read:other.xml:0,100"), "E01") == 0);
	CHECK(strcmp(ask("qXfer:features:read:target.xml:ffff,100"), "l") == 0);
}

static void test_flash(void)
{
	char cmd[128], mem[64];
	uint32_t base = part->flash.base;

	snprintf(cmd, sizeof cmd, "vFlashErase:%x,%x", base, 2 * part->page_size);
	CHECK(strcmp(ask(cmd), "OK") == 0);
	/* GDB may split writes anywhere: 3 + 5 bytes, one of them escaped, make two flash words. */
	int n = snprintf(cmd, sizeof cmd, "vFlashWrite:%x:ab}\x03", base + 1);
	CHECK(strcmp(ask(cmd), "OK") == 0 && n > 0);
	snprintf(cmd, sizeof cmd, "vFlashWrite:%x:cdefg", base + 4);
	CHECK(strcmp(ask(cmd), "OK") == 0);
	CHECK(strcmp(ask("vFlashDone"), "OK") == 0);
	snprintf(cmd, sizeof cmd, "m%x,a", base);
	uint8_t erased = (uint8_t)part->flash_erased;
	snprintf(mem, sizeof mem, "%02x6162236364656667%02x", erased, erased);
	CHECK(strcmp(ask(cmd), mem) == 0);
	snprintf(cmd, sizeof cmd, "vFlashWrite:%x:ab", part->sram.base);
	CHECK(strcmp(ask(cmd), "E01") == 0); /* not flash */
	snprintf(cmd, sizeof cmd, "vFlashErase:%x,%x", base + part->flash.size - 4, 8);
	CHECK(strcmp(ask(cmd), "E01") == 0);
}

/* Monitor output arrives as O packets of hex text, then OK or E01. */
static bool monitor(const char *command, char *text, size_t cap)
{
	char cmd[600] = "qRcmd,";
	rsp_hex_encode(cmd + 6, (const uint8_t *)command, strlen(command));
	cmd[6 + 2 * strlen(command)] = 0;
	send_packet(cmd);
	collect();
	size_t len = 0;
	for (unsigned i = 0; i + 1 < n_replies; i++) {
		size_t n = strlen(replies[i] + 1) / 2;
		if (replies[i][0] != 'O' || len + n >= cap || !rsp_hex_decode((uint8_t *)text + len, replies[i] + 1, n))
			return false;
		len += n;
	}
	text[len] = 0;
	return n_replies > 0 && strcmp(replies[n_replies - 1], "OK") == 0;
}

static unsigned count_lines(const char *text, const char *needle)
{
	unsigned n = 0;
	for (const char *p = text; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void test_monitor(void)
{
	static char text[1 << 16];
	char cmd[64];
	uint32_t base = part->flash.base;

	CHECK(monitor("help", text, sizeof text));
	CHECK(strstr(text, "reset [halt|power]") && strstr(text, "boot0 0|1") && strstr(text, "info") &&
	      strstr(text, "bj-step N [LO HI]") && strstr(text, "quit") && strstr(text, "help"));
	CHECK(!monitor("frobnicate", text, sizeof text) && strstr(text, "unknown monitor command `frobnicate`"));
	CHECK(!monitor("reset sideways", text, sizeof text));
	CHECK(!monitor("boot0 2", text, sizeof text));
	CHECK(monitor("boot0 1", text, sizeof text));
	CHECK(monitor("info", text, sizeof text) && strstr(text, "BOOT0 1"));

	CHECK(monitor("reset halt", text, sizeof text) && chip_reg_read(chip, CHIP_PC) == base);
	CHECK(monitor("bj-step 3", text, sizeof text));
	CHECK(count_lines(text, "{\"pc\": ") == 3 && strstr(text, "{\"stopped\": \"count\", \"pc\": \"0x"));
	snprintf(cmd, sizeof cmd, "{\"pc\": \"0x%08x\", \"bytes\": \"", base + 2);
	CHECK(strstr(text, cmd) && strstr(text, "\"regs\": {\"r0\": \"0x00000002\"}, \"mem\": [{\"op\": \"r\", \"addr\": \"0x"));
	CHECK(chip_reg_read(chip, CHIP_PC) == base + 6);

	/* Range: stops after the instruction that leaves [LO, HI). */
	snprintf(cmd, sizeof cmd, "bj-step 100 %x %x", base, base + 10);
	CHECK(monitor(cmd, text, sizeof text) && count_lines(text, "{\"pc\": ") == 2 && strstr(text, "\"stopped\": \"range\""));

	/* Breakpoint: the instruction at it is not stepped. */
	snprintf(cmd, sizeof cmd, "Z1,%x,2", base + 0x14);
	CHECK(strcmp(ask(cmd), "OK") == 0);
	CHECK(monitor("bj-step 100", text, sizeof text) && count_lines(text, "{\"pc\": ") == 5 &&
	      strstr(text, "\"stopped\": \"breakpoint\""));
	CHECK(chip_reg_read(chip, CHIP_PC) == base + 0x14);

	/* Exception: stops before it, the faulting instruction not stepped. The UDF is loaded the
	 * way GDB loads; the packet holds a NUL, so it is framed by length. */
	uint8_t frame[64];
	int n = snprintf(cmd, sizeof cmd, "vFlashWrite:%x:", base + 0x1c);
	cmd[n] = 0x00;
	cmd[n + 1] = (char)0xde;
	send_bytes(frame, rsp_frame(frame, (const uint8_t *)cmd, (size_t)n + 2));
	collect();
	CHECK(n_replies == 1 && strcmp(replies[0], "OK") == 0);
	CHECK(strcmp(ask("vFlashDone"), "OK") == 0);
	snprintf(cmd, sizeof cmd, "z1,%x,2", base + 0x14);
	CHECK(strcmp(ask(cmd), "OK") == 0);
	CHECK(monitor("bj-step 100", text, sizeof text) && count_lines(text, "{\"pc\": ") == 4 &&
	      strstr(text, "\"stopped\": \"exception\""));
	CHECK(chip_reg_read(chip, CHIP_PC) == base + 0x1c);

	CHECK(!monitor("bj-step 0", text, sizeof text) && !monitor("bj-step 1000001", text, sizeof text) &&
	      !monitor("bj-step 5 10", text, sizeof text) && !monitor("bj-step 5 20 10", text, sizeof text) &&
	      !monitor("bj-step x", text, sizeof text));

	/* A big run is split into many O packets, all delivered. */
	CHECK(monitor("reset halt", text, sizeof text));
	snprintf(cmd, sizeof cmd, "Pf=%02x%02x%02x%02x", (base + 0x20) & 0xff, (base + 0x20) >> 8 & 0xff,
		 (base + 0x20) >> 16 & 0xff, (base + 0x20) >> 24);
	CHECK(strcmp(ask(cmd), "OK") == 0);
	CHECK(monitor("bj-step 400", text, sizeof text) && count_lines(text, "{\"pc\": ") == 400);
	CHECK(n_replies > 3);
	for (unsigned i = 0; i + 1 < n_replies; i++) /* every O packet holds whole lines */
		CHECK(strcmp(replies[i] + strlen(replies[i]) - 2, "0a") == 0);
}

/* Slow steps (a loaded host): bj-step's lines still reach the client in whole-line O packets that
 * each wait less than GDB's timeout, not in one packet at the end. GDB waits remotetimeout (2 s)
 * per packet and prints "Ignoring packet error" into the output after three waits. */
static void test_monitor_output_does_not_wait(void)
{
	static char text[1 << 16];
	enum { STEPS = 10, STEP_MS = 60 };
	uint32_t code = part->sram.base + 0x100;
	char cmd[128], hex[4 * STEPS + 1];

	for (unsigned i = 0; i < STEPS; i++)
		memcpy(hex + 4 * i, "30bf", 4); /* WFI, little-endian */
	hex[4 * STEPS] = 0;
	snprintf(cmd, sizeof cmd, "M%x,%x:%s", code, 2 * STEPS, hex);
	CHECK(strcmp(ask(cmd), "OK") == 0);
	snprintf(cmd, sizeof cmd, "Pf=%02x%02x%02x%02x", code & 0xff, code >> 8 & 0xff, code >> 16 & 0xff, code >> 24);
	CHECK(strcmp(ask(cmd), "OK") == 0);
	fake_chip_set_wfi_ms(chip, STEP_MS);
	CHECK(monitor("bj-step 10", text, sizeof text) && count_lines(text, "{\"pc\": ") == STEPS);
	fake_chip_set_wfi_ms(chip, 0);
	/* 600 ms of steps: the first lines go out before the last step, whole. */
	CHECK(n_replies >= 3 && strcmp(replies[n_replies - 1], "OK") == 0);
	for (unsigned i = 0; i + 1 < n_replies; i++)
		CHECK(replies[i][0] == 'O' && strcmp(replies[i] + strlen(replies[i]) - 2, "0a") == 0);
}

static void test_run_control(void)
{
	static char text[4096];
	char cmd[64];
	uint32_t base = part->flash.base;

	CHECK(monitor("reset halt", text, sizeof text));
	snprintf(cmd, sizeof cmd, "Z0,%x,2", base + 8);
	CHECK(strcmp(ask(cmd), "OK") == 0);
	send_packet("vCont;c");
	collect();
	CHECK(n_replies == 0 && chip_state(chip) == CHIP_RUNNING);
	chip_run(chip, 100); /* what the main loop does */
	gdbstub_chip_stopped(stub);
	collect();
	snprintf(cmd, sizeof cmd, "0f:%02x%02x%02x%02x;", (base + 8) & 0xff, (base + 8) >> 8 & 0xff, (base + 8) >> 16 & 0xff,
		 (base + 8) >> 24);
	CHECK(n_replies == 1 && strncmp(replies[0], "T05", 3) == 0 && strstr(replies[0], cmd) &&
	      strstr(replies[0], "19:00000001;") && strstr(replies[0], "thread:1;hwbreak:;"));
	gdbstub_chip_stopped(stub); /* nobody waits any more: nothing sent */
	collect();
	CHECK(n_replies == 0);

	snprintf(cmd, sizeof cmd, "z0,%x,2", base + 8);
	CHECK(strcmp(ask(cmd), "OK") == 0);
	const char *r = ask("vCont;s:1");
	CHECK(strncmp(r, "T05", 3) == 0 && !strstr(r, "hwbreak") && chip_reg_read(chip, CHIP_PC) == base + 10);
	CHECK(strncmp(ask("s"), "T05", 3) == 0 && chip_reg_read(chip, CHIP_PC) == base + 12);
	snprintf(cmd, sizeof cmd, "s%x", base + 0x40);
	CHECK(strncmp(ask(cmd), "T05", 3) == 0 && chip_reg_read(chip, CHIP_PC) == base + 0x42);
	CHECK(strcmp(ask("vCont?"), "vCont;c;C;s;S;t") == 0);
	CHECK(strcmp(ask("vCont;s:2"), "E01") == 0); /* not our thread */
	CHECK(strcmp(ask("vCont;x"), "E01") == 0);

	/* Ctrl-C while running: T02. */
	send_packet("c");
	collect();
	CHECK(n_replies == 0);
	send_bytes("\x03", 1);
	collect();
	CHECK(n_replies == 1 && strncmp(replies[0], "T02", 3) == 0 && chip_state(chip) == CHIP_HALTED);
	send_bytes("\x03", 1); /* a stray one while halted changes nothing */
	collect();
	CHECK(n_replies == 0);
	CHECK(strcmp(ask("qC"), "QC1") == 0 && strcmp(ask("qfThreadInfo"), "m1") == 0 &&
	      strcmp(ask("qsThreadInfo"), "l") == 0 && strcmp(ask("T1"), "OK") == 0 && strcmp(ask("Hg0"), "OK") == 0);
	CHECK(strcmp(ask("vMustReplyEmpty"), "") == 0 && strcmp(ask("qTStatus"), "") == 0 &&
	      strcmp(ask("qSymbol::"), "OK") == 0 && strcmp(ask("qCRC:0,4"), "") == 0);
}

/* A client that vanishes mid-packet takes its comparators with it; the chip runs on. */
static void test_disconnect(void)
{
	char cmd[64];
	snprintf(cmd, sizeof cmd, "Z1,%x,2", part->flash.base + 4);
	CHECK(strcmp(ask(cmd), "OK") == 0);
	send_bytes("$m0,", 4);
	close(peer);
	gdbstub_drop_client(stub);
	CHECK(chip_state(chip) == CHIP_RUNNING && stub->n_bps == 0);
	connect_client();
	CHECK(chip_state(chip) == CHIP_HALTED && chip_halt_reason(chip) == CHIP_HALT_REQUEST);
	send_packet("qAttached");
	collect();
	CHECK(n_replies == 2 && strcmp(replies[1], "1") == 0); /* ack mode again for a new client */
	send_packet("QStartNoAckMode");
	collect();
	CHECK(strcmp(ask("D"), "OK") == 0 && chip_state(chip) == CHIP_RUNNING);
	send_packet("vKill;1");
	collect();
	CHECK(gdbstub_quit_requested(stub));
}

/* The real socket path: one client at a time; a second one is closed at once. */
static void test_second_client(void)
{
	char err[256];
	struct gdbstub *s2 = gdbstub_open(chip, 0, err, sizeof err);
	CHECK(s2 != NULL);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(gdbstub_port(s2)),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int a = socket(AF_INET, SOCK_STREAM, 0), b = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(connect(a, (struct sockaddr *)&sa, sizeof sa) == 0);
	struct pollfd fds[2];
	int n = gdbstub_pollfds(s2, fds, 2);
	CHECK(n == 1 && poll(fds, (nfds_t)n, 1000) == 1);
	gdbstub_service(s2, fds, n);
	CHECK(connect(b, (struct sockaddr *)&sa, sizeof sa) == 0);
	n = gdbstub_pollfds(s2, fds, 2);
	CHECK(n == 2 && poll(fds, (nfds_t)n, 1000) >= 1);
	gdbstub_service(s2, fds, n);
	char c;
	CHECK(recv(b, &c, 1, 0) == 0); /* closed */
	CHECK(send(a, "$qAttached#8f", 13, 0) == 13);
	n = gdbstub_pollfds(s2, fds, 2);
	CHECK(poll(fds, (nfds_t)n, 1000) >= 1);
	gdbstub_service(s2, fds, n);
	char buf[16] = {0};
	CHECK(recv(a, buf, sizeof buf - 1, 0) > 0 && strcmp(buf, "+$1#31") == 0);
	close(b);

	/* A client that detaches and closes, then a new one at once: the new one is served even when
	 * both events arrive in one poll (the old client's end is handled first). */
	CHECK(send(a, "$D#44", 5, 0) == 5);
	close(a);
	b = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(connect(b, (struct sockaddr *)&sa, sizeof sa) == 0);
	usleep(100000);
	n = gdbstub_pollfds(s2, fds, 2);
	CHECK(n == 2 && poll(fds, (nfds_t)n, 1000) == 2);
	gdbstub_service(s2, fds, n);
	CHECK(send(b, "$qAttached#8f", 13, 0) == 13);
	n = gdbstub_pollfds(s2, fds, 2);
	CHECK(poll(fds, (nfds_t)n, 1000) >= 1);
	gdbstub_service(s2, fds, n);
	memset(buf, 0, sizeof buf);
	CHECK(recv(b, buf, sizeof buf - 1, 0) > 0 && strcmp(buf, "+$1#31") == 0);
	close(b);
	gdbstub_close(s2);

	/* A port in use is a one-line error. */
	struct gdbstub *s3 = gdbstub_open(chip, 0, err, sizeof err);
	struct gdbstub *s4 = gdbstub_open(chip, gdbstub_port(s3), err, sizeof err);
	CHECK(s4 == NULL && strstr(err, "cannot listen for GDB on 127.0.0.1:") && !strchr(err, '\n'));
	gdbstub_close(s3);
}

int main(void)
{
	char err[256];

	for (unsigned i = 0; i < BJ_N_PARTS; i++)
		if (strcmp(bj_parts[i].name, "stm32l011") == 0)
			part = &bj_parts[i];
	chip = fake_chip_create(part);
	stub = gdbstub_open(chip, 0, err, sizeof err);
	if (!stub) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	chip_resume(chip);
	connect_client();
	CHECK(chip_state(chip) == CHIP_HALTED); /* a connection halts the chip */
	test_acks();
	test_registers();
	test_memory();
	test_comparators();
	collect();
	gdbstub_drop_client(stub);
	close(peer);
	connect_client();
	send_packet("QStartNoAckMode");
	collect();
	test_xfer();
	test_flash();
	test_monitor();
	test_monitor_output_does_not_wait();
	test_run_control();
	test_disconnect();
	test_second_client();
	gdbstub_close(stub);
	chip_destroy(chip);
	return check_failures("test_stub");
}
