/* A USART bridged to a pseudo-terminal: the ready line names its slave, a client (stm32flash,
 * bootjump-usart, picocom) opens that. */
#ifndef EMULATOR_PTY_H
#define EMULATOR_PTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pty {
	int master;
	int slave; /* kept open: termios survives a client's close, and reads never see EIO */
	char path[64];
	uint8_t out[4096]; /* transmitted bytes the master could not take yet */
	size_t n_out;
};

bool pty_open(struct pty *p, char *err, size_t errlen);
void pty_close(struct pty *p);
/* The baud rate the client set on the slave (0 if none). */
uint32_t pty_baud(const struct pty *p);

#endif
