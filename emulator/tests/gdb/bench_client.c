/* Benchmark client for the GDB stub (make bench-gdbstub runs it through bench_gdbstub.py): a raw
 * remote-protocol client, no GDB in the loop, that measures
 *   - single steps per second with `s` and with `vCont;s:1`, each a full round trip that waits for
 *     the stop reply (which expedites every register);
 *   - instructions per second through `monitor bj-step N`, counting the JSON lines it prints.
 * Usage: bench_client PORT STEPS BJ_STEP_N
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "rsp.h"

static int sock;
static struct rsp_reader reader;
static uint8_t inbuf[65536];
static const uint8_t *in_p;
static size_t in_len;

static void die(const char *what)
{
	fprintf(stderr, "bench_client: %s\n", what);
	exit(1);
}

static void send_packet(const char *payload)
{
	uint8_t frame[RSP_PACKET_MAX + 16];
	size_t n = rsp_frame(frame, (const uint8_t *)payload, strlen(payload));
	if (send(sock, frame, n, 0) != (ssize_t)n)
		die("send failed");
}

/* The next packet's payload (in reader.data); acks are skipped. */
static void read_packet(void)
{
	for (;;) {
		if (in_len == 0) {
			ssize_t n = recv(sock, inbuf, sizeof inbuf, 0);
			if (n <= 0)
				die("the stub closed the connection");
			in_p = inbuf;
			in_len = (size_t)n;
		}
		enum rsp_event ev = rsp_read(&reader, &in_p, &in_len);
		if (ev == RSP_PACKET)
			return;
		if (ev == RSP_BAD_PACKET)
			die("bad frame from the stub");
	}
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double steps_per_second(const char *packet, long steps)
{
	double t0 = now();
	for (long i = 0; i < steps; i++) {
		send_packet(packet);
		read_packet();
		if (reader.data[0] != 'T')
			die("a step did not end in a stop reply");
	}
	return (double)steps / (now() - t0);
}

static double bj_step_per_second(long n, long *lines)
{
	char cmd[64], packet[200] = "qRcmd,";
	snprintf(cmd, sizeof cmd, "bj-step %ld", n);
	rsp_hex_encode(packet + 6, (const uint8_t *)cmd, strlen(cmd));
	packet[6 + 2 * strlen(cmd)] = 0;

	*lines = 0;
	double t0 = now();
	send_packet(packet);
	for (;;) {
		read_packet();
		if (reader.data[0] != 'O' || reader.len == 2)
			break;
		/* Each hex "0a" at an even offset is a newline: one JSON line. */
		for (size_t i = 1; i + 1 < reader.len; i += 2)
			*lines += reader.data[i] == '0' && reader.data[i + 1] == 'a';
	}
	double elapsed = now() - t0;
	if (strcmp((char *)reader.data, "OK") != 0)
		die("bj-step failed");
	*lines -= 1; /* the last line is the {"stopped": ...} record */
	return (double)*lines / elapsed;
}

int main(int argc, char **argv)
{
	if (argc != 4)
		die("usage: bench_client PORT STEPS BJ_STEP_N");
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1])),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	long steps = atol(argv[2]), n = atol(argv[3]), lines;
	int one = 1;

	sock = socket(AF_INET, SOCK_STREAM, 0);
	if (sock < 0 || connect(sock, (struct sockaddr *)&sa, sizeof sa) != 0)
		die("cannot connect to the stub");
	setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	rsp_reader_init(&reader);
	send_packet("QStartNoAckMode");
	read_packet();

	printf("gdbstub: %.0f single steps/s over the stub (s, %ld round trips, registers expedited)\n",
	       steps_per_second("s", steps), steps);
	printf("gdbstub: %.0f single steps/s over the stub (vCont;s:1, %ld round trips)\n",
	       steps_per_second("vCont;s:1", steps), steps);
	double rate = bj_step_per_second(n, &lines);
	printf("gdbstub: %.0f instructions/s through monitor bj-step (%ld instructions, one JSON line each)\n",
	       rate, lines);
	close(sock);
	return 0;
}
