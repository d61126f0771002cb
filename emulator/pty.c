/* The pty bridge (notes/unicorn-gdbstub-pty.md §5): posix_openpt, the slave in raw mode and held
 * open by the emulator, the master non-blocking. A Linux pty ignores parity (PARENB is cleared),
 * so clients run 8N1 on it (stm32flash -m 8n1, or -b 0 to keep the raw settings made here). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "pty.h"

bool pty_open(struct pty *p, char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	p->slave = -1;
	p->master = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK);
	if (p->master < 0 || grantpt(p->master) != 0 || unlockpt(p->master) != 0 ||
	    ptsname_r(p->master, p->path, sizeof(p->path)) != 0) {
		snprintf(err, errlen, "cannot create a pseudo-terminal: %s", strerror(errno));
		pty_close(p);
		return false;
	}
	p->slave = open(p->path, O_RDWR | O_NOCTTY);
	struct termios t;
	if (p->slave < 0 || tcgetattr(p->slave, &t) != 0) {
		snprintf(err, errlen, "cannot open %s: %s", p->path, strerror(errno));
		pty_close(p);
		return false;
	}
	cfmakeraw(&t);
	cfsetispeed(&t, B115200);
	cfsetospeed(&t, B115200);
	tcsetattr(p->slave, TCSANOW, &t);
	return true;
}

void pty_close(struct pty *p)
{
	if (p->master >= 0)
		close(p->master);
	if (p->slave >= 0)
		close(p->slave);
	p->master = p->slave = -1;
}

uint32_t pty_baud(const struct pty *p)
{
	static const struct { speed_t code; uint32_t baud; } rates[] = {
		{B1200, 1200}, {B2400, 2400}, {B4800, 4800}, {B9600, 9600}, {B19200, 19200},
		{B38400, 38400}, {B57600, 57600}, {B115200, 115200}, {B230400, 230400},
		{B460800, 460800}, {B921600, 921600},
	};
	struct termios t;
	if (tcgetattr(p->slave, &t) != 0)
		return 0;
	speed_t s = cfgetispeed(&t);
	for (unsigned i = 0; i < sizeof(rates) / sizeof(rates[0]); i++)
		if (rates[i].code == s)
			return rates[i].baud;
	return 0;
}
