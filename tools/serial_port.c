#include "serial_port.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static const struct {
	unsigned baud;
	speed_t speed;
} bauds[] = {
	{1200, B1200},	   {2400, B2400},     {4800, B4800},	 {9600, B9600},
	{19200, B19200},   {38400, B38400},   {57600, B57600},	 {115200, B115200},
	{230400, B230400}, {460800, B460800}, {921600, B921600},
};

static bool speed_of(unsigned baud, speed_t *speed)
{
	for (size_t i = 0; i < sizeof(bauds) / sizeof(bauds[0]); i++) {
		if (bauds[i].baud == baud) {
			*speed = bauds[i].speed;
			return true;
		}
	}
	return false;
}

bool serial_baud_supported(unsigned baud)
{
	speed_t speed;

	return speed_of(baud, &speed);
}

/* The failure class of an errno from open(2) or from taking the lock. */
static enum serial_failure classify_errno(int err)
{
	switch (err) {
	case ENOENT:
	case ENODEV:
	case ENXIO:
		return SERIAL_MISSING;
	case EBUSY:
	case EAGAIN:
		return SERIAL_BUSY;
	case EACCES:
	case EPERM:
		/* lockf(F_TLOCK) reports a lock held elsewhere as EACCES or EAGAIN; serial_open
		 * sorts that case out before it gets here. */
		return SERIAL_PERMISSION;
	default:
		return SERIAL_FAILED;
	}
}

static int fail(int fd, enum serial_failure what, enum serial_failure *failure, char *why,
		size_t why_len, const char *path, const char *reason)
{
	if (fd >= 0)
		close(fd);
	*failure = what;
	snprintf(why, why_len, "%s: %s", path, reason);
	return -1;
}

static int fail_errno(int fd, int err, enum serial_failure *failure, char *why, size_t why_len,
		      const char *path)
{
	static const char *const advice[] = {
		[SERIAL_MISSING] = "no such device (is the adapter plugged in, is the path right?)",
		[SERIAL_BUSY] = "busy: another program has it open (close the terminal or "
				"stm32flash that holds it)",
		[SERIAL_PERMISSION] = "permission denied (join the group that owns it, e.g. "
				      "dialout, or fix its udev rule)",
	};
	enum serial_failure what = classify_errno(err);
	char reason[200];

	if (what < sizeof(advice) / sizeof(advice[0]) && advice[what])
		snprintf(reason, sizeof(reason), "%s", advice[what]);
	else
		snprintf(reason, sizeof(reason), "cannot open it: %s", strerror(err));
	return fail(fd, what, failure, why, why_len, path, reason);
}

int serial_open(const char *path, const struct serial_settings *settings,
		enum serial_failure *failure, char *why, size_t why_len)
{
	struct termios tio, back;
	speed_t speed;

	if (!speed_of(settings->baud, &speed))
		return fail(-1, SERIAL_UNSUITABLE, failure, why, why_len, path,
			    "unsupported baud rate");

	/* O_NOCTTY: a port must never become our controlling terminal; O_NONBLOCK: open must
	 * not wait for a modem's carrier, and reads go through poll(). */
	int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return fail_errno(-1, errno, failure, why, why_len, path);

	/* The same advisory lock stm32flash takes, so the two never talk over each other. */
	if (lockf(fd, F_TLOCK, 0) != 0) {
		int err = errno;
		if (err == EACCES || err == EAGAIN)
			err = EBUSY;
		return fail_errno(fd, err, failure, why, why_len, path);
	}

	if (tcgetattr(fd, &tio) != 0)
		return fail(fd, SERIAL_UNSUITABLE, failure, why, why_len, path,
			    "not a serial port (tcgetattr failed); give the adapter's tty");

	cfmakeraw(&tio);
	tio.c_cflag &= ~(tcflag_t)(CSIZE | PARODD | CSTOPB | CRTSCTS);
	tio.c_cflag |= CS8 | CLOCAL | CREAD;
	if (settings->even_parity) {
		tio.c_cflag |= PARENB;
		tio.c_iflag |= INPCK;
	} else {
		tio.c_cflag &= ~(tcflag_t)PARENB;
	}
	tio.c_cc[VMIN] = 0;
	tio.c_cc[VTIME] = 0;
	cfsetispeed(&tio, speed);
	cfsetospeed(&tio, speed);
	if (tcsetattr(fd, TCSANOW, &tio) != 0)
		return fail(fd, SERIAL_UNSUITABLE, failure, why, why_len, path,
			    "the port refused the line settings");

	/* A Linux pty silently clears PARENB (unicorn-gdbstub-pty.md §5): read the settings back
	 * rather than believe they took. */
	if (tcgetattr(fd, &back) != 0)
		return fail(fd, SERIAL_UNSUITABLE, failure, why, why_len, path,
			    "cannot read the line settings back");
	if (settings->even_parity && !(back.c_cflag & PARENB))
		return fail(fd, SERIAL_UNSUITABLE, failure, why, why_len, path,
			    "this port cannot carry parity (a pseudo-terminal such as the "
			    "emulator's?): use --8n1");
	if ((back.c_cflag & CSIZE) != CS8 || cfgetospeed(&back) != speed)
		return fail(fd, SERIAL_UNSUITABLE, failure, why, why_len, path,
			    "the port did not take 8 data bits at the requested baud rate");

	/* Bytes that arrived before we asked anything are not an answer. */
	tcflush(fd, TCIFLUSH);
	return fd;
}

void serial_close(int fd)
{
	tcflush(fd, TCIOFLUSH);
	close(fd);
}

int64_t serial_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Milliseconds left until deadline_ns for poll(), rounded up so we never wake early and spin. */
static int remaining_ms(int64_t deadline_ns)
{
	int64_t left = deadline_ns - serial_now_ns();

	if (left <= 0)
		return 0;
	return (int)((left + 999999) / 1000000);
}

static int wait_for(int fd, short events, int64_t deadline_ns)
{
	struct pollfd pfd = {.fd = fd, .events = events};

	for (;;) {
		int n = poll(&pfd, 1, remaining_ms(deadline_ns));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n;
		/* A hang-up with nothing left to read (the emulator's pty master closed, the
		 * adapter unplugged) would otherwise wake poll() at once, forever. */
		if ((pfd.revents & (POLLERR | POLLNVAL)) ||
		    ((pfd.revents & POLLHUP) && !(pfd.revents & events))) {
			errno = EIO;
			return -1;
		}
		return 1;
	}
}

bool serial_write(int fd, const uint8_t *buf, size_t len, int64_t deadline_ns)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, buf + done, len - done);
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return false;
		if (wait_for(fd, POLLOUT, deadline_ns) <= 0)
			return false;
	}
	return true;
}

long serial_read(int fd, uint8_t *buf, size_t want, int64_t deadline_ns)
{
	size_t got = 0;

	while (got < want) {
		ssize_t n = read(fd, buf + got, want - got);
		if (n > 0) {
			got += (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
		/* n == 0 or EAGAIN: nothing yet (VMIN = 0), so wait for more or for the deadline. */
		int ready = wait_for(fd, POLLIN, deadline_ns);
		if (ready < 0)
			return -1;
		if (ready == 0)
			break;
	}
	return (long)got;
}
