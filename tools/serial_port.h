#ifndef TOOLS_SERIAL_PORT_H
#define TOOLS_SERIAL_PORT_H

/* A serial port opened the way stm32flash opens one (serial_posix.c, see
 * /work/shared/notes/unicorn-gdbstub-pty.md §5): non-blocking, locked against a second user,
 * raw 8 data bits, even parity or none, one stop bit. Reads wait with poll() against a
 * deadline, so nothing here can block past it. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum serial_failure {
	SERIAL_MISSING,    /* no such device */
	SERIAL_BUSY,       /* another program holds it */
	SERIAL_PERMISSION, /* not allowed to open it */
	SERIAL_UNSUITABLE, /* not a tty, or it cannot take the settings (a pty and parity) */
	SERIAL_FAILED,     /* anything else the kernel said */
};

struct serial_settings {
	unsigned baud;
	bool even_parity; /* 8E1 as AN3155 requires; false: 8N1 (a pty cannot carry parity) */
};

/* true when `baud` is a rate termios can set. */
bool serial_baud_supported(unsigned baud);

/* Opens and configures the port; returns its fd, or -1 with *failure and one sentence in `why`
 * that names the problem and what to do about it. */
int serial_open(const char *path, const struct serial_settings *settings,
		enum serial_failure *failure, char *why, size_t why_len);

/* Closes the port without waiting: output still queued is discarded, since close(2) on a tty
 * otherwise waits for it to drain (up to the driver's closing_wait, 30 s by default). */
void serial_close(int fd);

/* Now on CLOCK_MONOTONIC, in nanoseconds. */
int64_t serial_now_ns(void);

/* Writes all of buf, waiting at most until deadline_ns; false on error or deadline. */
bool serial_write(int fd, const uint8_t *buf, size_t len, int64_t deadline_ns);

/* Reads into buf until it holds `want` bytes or deadline_ns passes; returns how many it got
 * (which may be fewer), or -1 when the port failed (errno set; EIO: the other end went away). */
long serial_read(int fd, uint8_t *buf, size_t want, int64_t deadline_ns);

#endif
