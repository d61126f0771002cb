/* bootjump-emu: an emulated STM32 for GDB, OpenOCD and stm32flash.
 *
 * The main loop owns poll(): it serves the GDB stub and the ptys, and runs the chip in slices
 * between polls, without blocking while the chip runs and blocking while it is halted or asleep
 * with nothing scheduled (gdbstub.h describes the contract with the stub). */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chip.h"
#include "cli.h"
#include "gdbstub.h"
#include "jtag.h"
#include "part_lookup.h"
#include "pty.h"

/* Instructions per slice: about a millisecond of host time, so GDB's Ctrl-C and pty bytes are
 * served promptly while a running chip costs one poll() per slice. */
#define SLICE 200000u
#define MAX_FDS 16

static volatile sig_atomic_t quit;

static void on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

static int fail(const char *fmt, const char *a, const char *b)
{
	fputs("bootjump-emu: ", stderr);
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	return 2;
}

/* --rom model: build/rom/<part>.bin, found from the executable (build/bin/bootjump-emu). */
static bool model_rom(const char *part, char *path, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return false;
	exe[n] = 0;
	snprintf(path, len, "%s/../rom/%s.bin", dirname(exe), part);
	return true;
}

struct uart_port {
	const char *name; /* as given on the command line */
	int index;
	struct pty pty;
};

static void print_ready(struct gdbstub *stub, struct jtag *jtag, const struct uart_port *ports, unsigned n)
{
	printf("{");
	if (stub)
		printf("\"gdb\": %u, ", gdbstub_port(stub));
	if (jtag)
		printf("\"jtag\": %u, ", jtag_port(jtag));
	printf("\"uart\": {");
	for (unsigned i = 0; i < n; i++)
		printf("%s\"%s\": \"%s\"", i ? ", " : "", ports[i].name, ports[i].pty.path);
	printf("}}\n");
	fflush(stdout);
}

static void pump_uart(struct chip *chip, struct uart_port *u, bool readable)
{
	if (readable) {
		uint8_t buf[512];
		ssize_t n = read(u->pty.master, buf, sizeof(buf));
		if (n > 0) {
			chip_uart_set_line_baud(chip, (unsigned)u->index, pty_baud(&u->pty));
			chip_uart_put_rx(chip, (unsigned)u->index, buf, (size_t)n);
		}
	}
	struct pty *p = &u->pty;
	p->n_out += chip_uart_take_tx(chip, (unsigned)u->index, p->out + p->n_out, sizeof(p->out) - p->n_out);
	if (p->n_out) {
		ssize_t n = write(p->master, p->out, p->n_out);
		if (n > 0) {
			memmove(p->out, p->out + n, p->n_out - (size_t)n);
			p->n_out -= (size_t)n;
		}
	}
}

static void run(struct chip *chip, struct gdbstub *stub, struct jtag *jtag, struct uart_port *ports, unsigned n_ports)
{
	while (!quit && !(stub && gdbstub_quit_requested(stub))) {
		struct pollfd fds[MAX_FDS];
		int n_stub = stub ? gdbstub_pollfds(stub, fds, MAX_FDS - (int)n_ports) : 0;
		/* The JTAG port's descriptors follow the UARTs'. */
		int n_jtag = jtag ? jtag_pollfds(jtag, fds + n_stub + n_ports, MAX_FDS - n_stub - (int)n_ports) : 0;
		for (unsigned i = 0; i < n_ports; i++)
			fds[n_stub + (int)i] = (struct pollfd){
				.fd = ports[i].pty.master,
				.events = POLLIN | (ports[i].pty.n_out ? POLLOUT : 0),
			};
		int timeout = chip_blocked(chip) ? -1 : 0;
		if (poll(fds, (nfds_t)(n_stub + n_jtag) + n_ports, timeout) < 0 && errno != EINTR)
			break;
		if (stub)
			gdbstub_service(stub, fds, n_stub);
		if (jtag)
			jtag_service(jtag, fds + n_stub + n_ports, n_jtag);
		for (unsigned i = 0; i < n_ports; i++)
			pump_uart(chip, &ports[i], fds[n_stub + (int)i].revents & POLLIN);
		enum chip_state before = chip_state(chip);
		if (before == CHIP_RUNNING || (before == CHIP_SLEEPING && !chip_blocked(chip))) {
			enum chip_state after = chip_run(chip, SLICE);
			if (stub && (after == CHIP_HALTED || after == CHIP_LOCKUP))
				gdbstub_chip_stopped(stub);
		}
		for (unsigned i = 0; i < n_ports; i++)
			pump_uart(chip, &ports[i], false);
	}
}

int main(int argc, char **argv)
{
	struct cli cli;
	char err[512];
	if (!cli_parse(argc, argv, &cli, err, sizeof(err)))
		return fail("%s%s", err, "");
	if (cli.help) {
		cli_usage(stdout);
		return 0;
	}
	bool ambiguous;
	const struct bj_part *part = part_lookup(cli.part, &ambiguous);
	if (!part) {
		char names[512];
		if (ambiguous) {
			part_names_with_dev_id(cli.part, names, sizeof(names));
			return fail("part %s: several parts share that DEV_ID; name one of: %s", cli.part, names);
		}
		part_names(names, sizeof(names));
		return fail("unknown part %s; known parts: %s", cli.part, names);
	}
	char rom[PATH_MAX + 32];
	if (!cli.rom || strcmp(cli.rom, "model") == 0) {
		if (!model_rom(part->name, rom, sizeof(rom)) || access(rom, R_OK) != 0)
			return fail("no ROM model for %s (%s is missing): run `make` to build it, or pass --rom FILE", part->name, rom);
	} else {
		snprintf(rom, sizeof(rom), "%s", cli.rom);
	}

	struct chip_config cfg = {
		.part = part,
		.flash_path = cli.flash,
		.rom_path = rom,
		.boot0 = cli.boot0,
		.n_options = cli.n_options,
		.access_log_path = cli.access_log,
		.halt_at_reset = cli.halt,
	};
	memcpy(cfg.options, cli.options, sizeof(cli.options));
	struct chip *chip = chip_create(&cfg, err, sizeof(err));
	if (!chip)
		return fail("%s%s", err, "");

	struct uart_port ports[CLI_MAX_UARTS];
	for (unsigned i = 0; i < cli.n_uarts; i++) {
		ports[i].name = cli.uarts[i];
		ports[i].index = chip_uart_index(chip, cli.uarts[i]);
		if (ports[i].index < 0) {
			char have[256] = "";
			for (unsigned u = 0; u < chip_uart_count(chip); u++)
				snprintf(have + strlen(have), sizeof(have) - strlen(have), "%s%s", u ? ", " : "", chip_uart_name(chip, u));
			snprintf(err, sizeof(err), "%s has no %s (its serial ports: %s)", part->name, cli.uarts[i], have);
			chip_destroy(chip);
			return fail("%s%s", err, "");
		}
		if (!pty_open(&ports[i].pty, err, sizeof(err))) {
			chip_destroy(chip);
			return fail("%s%s", err, "");
		}
	}
	struct gdbstub *stub = NULL;
	if (cli.gdb && !(stub = gdbstub_open(chip, cli.gdb_port, err, sizeof(err)))) {
		chip_destroy(chip);
		return fail("--gdb: %s%s", err, "");
	}

	struct jtag *jtag = NULL;
	if (cli.jtag && !(jtag = jtag_open(chip, cli.jtag_port, err, sizeof(err)))) {
		gdbstub_close(stub);
		chip_destroy(chip);
		return fail("--jtag: %s%s", err, "");
	}

	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	print_ready(stub, jtag, ports, cli.n_uarts);
	run(chip, stub, jtag, ports, cli.n_uarts);

	if (stub)
		gdbstub_close(stub);
	jtag_close(jtag);
	for (unsigned i = 0; i < cli.n_uarts; i++)
		pty_close(&ports[i].pty);
	chip_destroy(chip);
	return 0;
}
