/* GDB remote serial protocol server for the emulated chip (127.0.0.1 only).
 *
 * Contract with the main loop (main.c): the main loop owns poll(). It asks the stub which file
 * descriptors to watch, hands back the ready ones, and tells the stub whenever the chip stopped on
 * its own (breakpoint, watchpoint, step done, fault with vector catch, lockup), so the stub can send
 * the stop reply GDB is waiting for. The stub drives the chip only through chip.h.
 */
#ifndef EMULATOR_GDBSTUB_H
#define EMULATOR_GDBSTUB_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chip.h"

struct gdbstub;

/* Listen on 127.0.0.1:port (0 = a free port). NULL and a one-line err on failure. */
struct gdbstub *gdbstub_open(struct chip *chip, uint16_t port, char *err, size_t errlen);
void gdbstub_close(struct gdbstub *stub);
uint16_t gdbstub_port(const struct gdbstub *stub);

/* Fill up to max pollfd entries (listening socket and the client); returns how many. */
int gdbstub_pollfds(struct gdbstub *stub, struct pollfd *fds, int max);
/* Handle the entries returned by gdbstub_pollfds after poll() (same order and count). */
void gdbstub_service(struct gdbstub *stub, const struct pollfd *fds, int n);
/* The chip halted, slept into lockup or reset while GDB waited for it to stop. */
void gdbstub_chip_stopped(struct gdbstub *stub);
/* GDB sent `monitor quit` or `k`: the emulator should exit. */
bool gdbstub_quit_requested(const struct gdbstub *stub);

#endif
