/* The JTAG debug port of bootjump-emu: OpenOCD's remote_bitbang protocol on 127.0.0.1, in front
 * of a JTAG TAP, an ADIv5 JTAG-DP and a MEM-AP on the chip's system bus (jtag_priv.h), so that a
 * stock OpenOCD 0.12 (whose remote_bitbang driver is JTAG-only) drives the emulated chip.
 *
 * Same contract with the main loop as the GDB stub (gdbstub.h): the main loop owns poll(), asks
 * for the descriptors to watch and hands back the ready ones. The port drives the chip only
 * through chip.h (chip_mem_read/chip_mem_write reach the core's debug registers).
 */
#ifndef EMULATOR_JTAG_H
#define EMULATOR_JTAG_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "chip.h"

struct jtag;

/* Listen on 127.0.0.1:port (0 = a free port). NULL and a one-line err on failure. */
struct jtag *jtag_open(struct chip *chip, uint16_t port, char *err, size_t errlen);
void jtag_close(struct jtag *jtag);
uint16_t jtag_port(const struct jtag *jtag);

/* Fill up to max pollfd entries (listening socket and the client); returns how many. */
int jtag_pollfds(struct jtag *jtag, struct pollfd *fds, int max);
/* Handle the entries returned by jtag_pollfds after poll() (same order and count). */
void jtag_service(struct jtag *jtag, const struct pollfd *fds, int n);

#endif
