/* The socket side of the JTAG debug port: one remote_bitbang client at a time on 127.0.0.1.
 * Each chunk read is interpreted at once (jtag_tap.c) and the TDO answers written back in one
 * go; OpenOCD queues up to 255 samples before it waits for them. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "jtag.h"
#include "jtag_priv.h"

#define JTAG_CHUNK 4096
#define JTAG_WRITE_TIMEOUT_MS 5000

struct jtag {
	struct chip *chip;
	int listen_fd, client_fd;
	uint16_t port;
	struct jtag_session session;
};

struct jtag *jtag_open(struct chip *chip, uint16_t port, char *err, size_t errlen)
{
	struct jtag *jtag = calloc(1, sizeof *jtag);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t salen = sizeof sa;
	int one = 1;

	if (!jtag) {
		snprintf(err, errlen, "jtag: out of memory");
		return NULL;
	}
	jtag->chip = chip;
	jtag->client_fd = -1;
	jtag->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (jtag->listen_fd < 0 ||
	    setsockopt(jtag->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(jtag->listen_fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(jtag->listen_fd, 2) < 0 ||
	    getsockname(jtag->listen_fd, (struct sockaddr *)&sa, &salen) < 0) {
		snprintf(err, errlen, "cannot listen for JTAG on 127.0.0.1:%u: %s (use --jtag 0 for a free port)",
			 port, strerror(errno));
		if (jtag->listen_fd >= 0)
			close(jtag->listen_fd);
		free(jtag);
		return NULL;
	}
	jtag->port = ntohs(sa.sin_port);
	return jtag;
}

static void drop_client(struct jtag *jtag)
{
	if (jtag->client_fd >= 0)
		close(jtag->client_fd);
	jtag->client_fd = -1;
}

void jtag_close(struct jtag *jtag)
{
	if (!jtag)
		return;
	drop_client(jtag);
	close(jtag->listen_fd);
	free(jtag);
}

uint16_t jtag_port(const struct jtag *jtag)
{
	return jtag->port;
}

int jtag_pollfds(struct jtag *jtag, struct pollfd *fds, int max)
{
	int n = 0;
	if (n < max)
		fds[n++] = (struct pollfd){.fd = jtag->listen_fd, .events = POLLIN};
	if (n < max && jtag->client_fd >= 0)
		fds[n++] = (struct pollfd){.fd = jtag->client_fd, .events = POLLIN};
	return n;
}

static void accept_client(struct jtag *jtag)
{
	int fd = accept4(jtag->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	int one = 1;

	if (fd < 0)
		return;
	if (jtag->client_fd >= 0) {
		fprintf(stderr, "bootjump-emu: jtag: refused a second connection: one OpenOCD at a time\n");
		close(fd);
		return;
	}
	/* Every answer is a round trip OpenOCD waits for: send it at once. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	jtag->client_fd = fd;
	/* A new connection starts from a fresh TAP and DP, as after a probe is plugged in; the
	 * chip and its debug registers keep their state. */
	jtag_session_init(&jtag->session, jtag->chip);
}

static bool write_all(int fd, const uint8_t *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, buf, len);
		if (w > 0) {
			buf += w;
			len -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			struct pollfd p = {.fd = fd, .events = POLLOUT};
			if (poll(&p, 1, JTAG_WRITE_TIMEOUT_MS) > 0)
				continue;
		}
		return false;
	}
	return true;
}

static void read_client(struct jtag *jtag)
{
	uint8_t in[JTAG_CHUNK], out[JTAG_CHUNK];
	size_t nout;
	ssize_t n = read(jtag->client_fd, in, sizeof in);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		drop_client(jtag);
		return;
	}
	jtag_session_feed(&jtag->session, in, (size_t)n, out, &nout);
	if (nout > 0 && !write_all(jtag->client_fd, out, nout)) {
		fprintf(stderr, "bootjump-emu: jtag: the client stopped reading TDO answers; connection closed\n");
		drop_client(jtag);
		return;
	}
	if (jtag->session.error[0]) {
		fprintf(stderr, "bootjump-emu: jtag: %s; connection closed\n", jtag->session.error);
		drop_client(jtag);
	} else if (jtag->session.quit) {
		drop_client(jtag);
	}
}

void jtag_service(struct jtag *jtag, const struct pollfd *fds, int n)
{
	/* The client first: a client that just hung up is gone before a new one is accepted, so a
	 * quick reconnect (a port check, then OpenOCD) is not refused as a second connection. */
	for (int i = n - 1; i >= 0; i--) {
		if (!fds[i].revents)
			continue;
		if (fds[i].fd == jtag->listen_fd)
			accept_client(jtag);
		else if (fds[i].fd == jtag->client_fd)
			read_client(jtag);
	}
}
