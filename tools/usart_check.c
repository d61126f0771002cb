#include "usart_check.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "serial_port.h"

#define NS_PER_MS 1000000
/* How long the line must stay silent after a reply before we call the reply complete: 20 ms is
 * over 100 byte times at 57600 baud, and a ROM sends its reply in one burst. */
#define QUIET_NS (20 * (int64_t)NS_PER_MS)
/* Room for the longest reply plus the stray bytes that prove a reply was garbage. */
#define REPLY_ROOM (AN3155_MAX_REPLY + 64)

static void set_outcome(struct usart_check *check, enum usart_outcome outcome, const char *fmt,
			...)
{
	va_list ap;

	check->outcome = outcome;
	va_start(ap, fmt);
	vsnprintf(check->why, sizeof(check->why), fmt, ap);
	va_end(ap);
}

static int64_t earlier(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/* Reads whatever else arrives until the line has been silent for a whole QUIET_NS window (or
 * the deadline passes): bytes after a complete reply are evidence against it. */
static size_t read_trailing(int fd, uint8_t *buf, size_t room, int64_t deadline_ns)
{
	size_t got = 0;

	while (got < room) {
		long n = serial_read(fd, buf + got, room - got,
				     earlier(serial_now_ns() + QUIET_NS, deadline_ns));
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

/* Sends one command and collects its reply: as many bytes as the reply announces, then any
 * stragglers. Returns the byte count, or -1 if the port failed (errno set). */
static long exchange(int fd, uint8_t code, uint8_t *reply, int64_t deadline_ns)
{
	uint8_t frame[2];
	size_t len = 0;

	an3155_frame(code, frame);
	if (!serial_write(fd, frame, sizeof(frame), deadline_ns))
		return -1;
	for (;;) {
		size_t want = an3155_reply_length(code, reply, len);
		if (want == 0)
			want = len + 1;
		if (want <= len)
			break;
		long n = serial_read(fd, reply + len, want - len, deadline_ns);
		if (n < 0)
			return -1;
		len += (size_t)n;
		if (len < want)
			return (long)len; /* deadline: the decoder reports the reply as short */
	}
	return (long)(len + read_trailing(fd, reply + len, REPLY_ROOM - len, deadline_ns));
}

/* One 0x7F and the byte that answers it (if any) before sync_deadline_ns. Returns 1 with the
 * byte, 0 for silence, -1 if the port failed. */
static int send_sync(int fd, uint8_t *answer, int64_t sync_deadline_ns, int64_t *sent_ns)
{
	static const uint8_t sync = AN3155_SYNC;

	*sent_ns = serial_now_ns();
	if (!serial_write(fd, &sync, 1, sync_deadline_ns))
		return -1;
	long n = serial_read(fd, answer, 1, sync_deadline_ns);
	return n < 0 ? -1 : (int)n;
}

/* AN3155's sync, as robust as stm32flash's: a ROM that already measured the baud rate takes
 * 0x7F as the first byte of a command and stays silent, so a second 0x7F completes that
 * "command" and draws a NACK. The first try gets half the budget, the second the rest. */
static bool synchronise(int fd, struct usart_check *check, int64_t start_ns, int64_t deadline_ns)
{
	uint8_t answer = 0;
	int64_t sent_ns = 0;
	int got = 0;

	for (unsigned attempt = 1; attempt <= 2 && got == 0; attempt++) {
		int64_t until = attempt == 1 ? start_ns + (deadline_ns - start_ns) / 2 : deadline_ns;
		check->sync_attempts = attempt;
		got = send_sync(fd, &answer, until, &sent_ns);
	}
	if (got < 0) {
		set_outcome(check, USART_NO_ANSWER, "the port failed while waiting for an answer: %s",
			    strerror(errno));
		return false;
	}
	if (got == 0) {
		set_outcome(check, USART_NO_ANSWER,
			    "nothing came back to 0x7F (sent twice) within %.0f ms: no bootloader "
			    "is listening on this port (or the baud rate or wiring is wrong)",
			    (double)(deadline_ns - start_ns) / NS_PER_MS);
		return false;
	}
	check->time_to_ack_ms = (double)(serial_now_ns() - sent_ns) / NS_PER_MS;
	if (answer == AN3155_NACK) {
		check->already_synchronised = true;
	} else if (answer != AN3155_ACK) {
		set_outcome(check, USART_BAD_REPLY,
			    "0x7F was answered with 0x%02x, neither ACK (0x79) nor NACK (0x1f): "
			    "wrong baud rate or parity, or not a bootloader",
			    answer);
		return false;
	}
	check->synchronised = true;
	uint8_t stray[64];
	size_t n = read_trailing(fd, stray, sizeof(stray), deadline_ns);
	if (n > 0) {
		set_outcome(check, USART_BAD_REPLY,
			    "%zu extra byte(s) after the answer to 0x7F, first 0x%02x", n, stray[0]);
		return false;
	}
	return true;
}

static bool judge(struct usart_check *check, enum an3155_verdict verdict, const char *why)
{
	switch (verdict) {
	case AN3155_OK:
		return true;
	case AN3155_REFUSED:
		set_outcome(check, USART_REFUSED, "%s", why);
		return false;
	case AN3155_SHORT:
	case AN3155_GARBAGE:
		break;
	}
	set_outcome(check, USART_BAD_REPLY, "%s", why);
	return false;
}

static bool ask(int fd, uint8_t code, uint8_t *reply, size_t *len, struct usart_check *check,
		int64_t deadline_ns)
{
	long n = exchange(fd, code, reply, deadline_ns);

	if (n < 0) {
		set_outcome(check, USART_BAD_REPLY, "the port failed during %s (0x%02x): %s",
			    an3155_command_name(code), code, strerror(errno));
		return false;
	}
	*len = (size_t)n;
	return true;
}

static void converse(int fd, struct usart_check *check, int64_t deadline_ns)
{
	uint8_t reply[REPLY_ROOM];
	char why[sizeof(check->why)];
	size_t len;

	if (!ask(fd, AN3155_CMD_GET, reply, &len, check, deadline_ns) ||
	    !judge(check, an3155_decode_get(reply, len, &check->get, why, sizeof(why)), why))
		return;
	check->have_get = true;

	if (!ask(fd, AN3155_CMD_GET_VERSION, reply, &len, check, deadline_ns) ||
	    !judge(check,
		   an3155_decode_version(reply, len, &check->version, why, sizeof(why)), why))
		return;
	check->have_version = true;
	if (check->version.version != check->get.version) {
		set_outcome(check, USART_BAD_REPLY,
			    "Get says bootloader version 0x%02x but Get Version says 0x%02x",
			    check->get.version, check->version.version);
		return;
	}

	if (!ask(fd, AN3155_CMD_GET_ID, reply, &len, check, deadline_ns) ||
	    !judge(check, an3155_decode_id(reply, len, &check->pid, why, sizeof(why)), why))
		return;
	check->have_id = true;
	check->outcome = USART_ANSWERED;
}

void usart_check_run(int fd, unsigned timeout_ms, struct usart_check *check)
{
	int64_t start_ns = serial_now_ns();
	int64_t deadline_ns = start_ns + (int64_t)timeout_ms * NS_PER_MS;

	memset(check, 0, sizeof(*check));
	if (synchronise(fd, check, start_ns, deadline_ns))
		converse(fd, check, deadline_ns);
	check->elapsed_ms = (double)(serial_now_ns() - start_ns) / NS_PER_MS;
}
