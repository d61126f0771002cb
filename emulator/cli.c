/* Command-line parsing: one table entry per option, the usage text is made from it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

struct opt {
	const char *name;
	const char *arg; /* NULL: a flag */
	const char *help;
	bool (*set)(struct cli *cli, const char *value, char *err, size_t errlen);
	bool repeats; /* may be given more than once (each names a different key or port) */
};

static bool set_part(struct cli *cli, const char *v, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	cli->part = v;
	return true;
}

static bool set_flash(struct cli *cli, const char *v, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	cli->flash = v;
	return true;
}

static bool set_rom(struct cli *cli, const char *v, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	cli->rom = v;
	return true;
}

static bool set_boot0(struct cli *cli, const char *v, char *err, size_t errlen)
{
	if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0) {
		snprintf(err, errlen, "--boot0 %s: the BOOT0 pin is 0 or 1", v);
		return false;
	}
	cli->boot0 = v[0] - '0';
	return true;
}

static bool set_option(struct cli *cli, const char *v, char *err, size_t errlen)
{
	const char *eq = strchr(v, '=');
	char *end;
	if (!eq || eq == v || !eq[1]) {
		snprintf(err, errlen, "--option %s: expected KEY=VALUE, e.g. --option nBOOT1=0", v);
		return false;
	}
	unsigned long value = strtoul(eq + 1, &end, 0);
	if (*end) {
		snprintf(err, errlen, "--option %s: the value must be a number", v);
		return false;
	}
	if (cli->n_options == CHIP_MAX_OPTIONS) {
		snprintf(err, errlen, "--option: at most %d options", CHIP_MAX_OPTIONS);
		return false;
	}
	char *key = strndup(v, (size_t)(eq - v));
	if (!key)
		return false;
	for (unsigned i = 0; i < cli->n_options; i++)
		if (strcmp(cli->options[i].key, key) == 0) {
			snprintf(err, errlen, "--option %s: %s is given twice", v, key);
			free(key);
			return false;
		}
	cli->options[cli->n_options++] = (struct chip_option){key, (uint32_t)value};
	return true;
}

static bool parse_port(const char *opt, const char *v, uint16_t *port, char *err, size_t errlen)
{
	char *end;
	unsigned long n = strtoul(v, &end, 10);
	if (!*v || *end || n > 65535) {
		snprintf(err, errlen, "%s %s: expected a TCP port (0 picks a free one)", opt, v);
		return false;
	}
	*port = (uint16_t)n;
	return true;
}

static bool set_gdb(struct cli *cli, const char *v, char *err, size_t errlen)
{
	cli->gdb = parse_port("--gdb", v, &cli->gdb_port, err, errlen);
	return cli->gdb;
}

static bool set_jtag(struct cli *cli, const char *v, char *err, size_t errlen)
{
	cli->jtag = parse_port("--jtag", v, &cli->jtag_port, err, errlen);
	return cli->jtag;
}

static bool set_uart(struct cli *cli, const char *v, char *err, size_t errlen)
{
	const char *eq = strchr(v, '=');
	if (!eq || eq == v || strcmp(eq + 1, "pty") != 0) {
		snprintf(err, errlen, "--uart %s: expected PERIPH=pty, e.g. --uart usart2=pty", v);
		return false;
	}
	if (cli->n_uarts == CLI_MAX_UARTS) {
		snprintf(err, errlen, "--uart: at most %d serial ports", CLI_MAX_UARTS);
		return false;
	}
	/* Two ptys on one USART would share its output byte by byte. */
	for (unsigned i = 0; i < cli->n_uarts; i++)
		if (strncasecmp(cli->uarts[i], v, (size_t)(eq - v)) == 0 && !cli->uarts[i][eq - v]) {
			snprintf(err, errlen, "--uart %s: %.*s is given twice", v, (int)(eq - v), v);
			return false;
		}
	cli->uarts[cli->n_uarts++] = strndup(v, (size_t)(eq - v));
	return cli->uarts[cli->n_uarts - 1] != NULL;
}

static bool set_access_log(struct cli *cli, const char *v, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	cli->access_log = v;
	return true;
}

static bool set_halt(struct cli *cli, const char *v, char *err, size_t errlen)
{
	(void)v, (void)err, (void)errlen;
	cli->halt = true;
	return true;
}

static bool set_help(struct cli *cli, const char *v, char *err, size_t errlen)
{
	(void)v, (void)err, (void)errlen;
	cli->help = true;
	return true;
}

static const struct opt opts[] = {
	{"--part", "NAME", "part name, alias or DEV_ID (e.g. stm32l011, stm32l021, 0x457)", set_part, false},
	{"--flash", "FILE", "firmware for the flash: ELF (by load address) or raw binary; none: erased", set_flash, false},
	{"--rom", "model|FILE", "system memory: the ROM model (default, build/rom/<part>.bin) or an image", set_rom, false},
	{"--boot0", "0|1", "level of the BOOT0 pin (default 0)", set_boot0, false},
	{"--option", "KEY=VALUE", "option bit at power-on: nBOOT1, nBOOT0, nBOOT_SEL, BOOT_SEL, BFB2, nSWBOOT0, EMPTY", set_option,
	 true},
	{"--gdb", "PORT", "GDB remote stub on 127.0.0.1:PORT (0: a free port)", set_gdb, false},
	{"--jtag", "PORT", "OpenOCD remote_bitbang (JTAG) debug port on 127.0.0.1:PORT (0: a free port)", set_jtag, false},
	{"--uart", "PERIPH=pty", "bridge a USART/LPUART to a new pseudo-terminal", set_uart, true},
	{"--access-log", "FILE", "write every bus access, exception and reset as JSON lines", set_access_log, false},
	{"--halt", NULL, "wait halted at the reset vector", set_halt, false},
	{"--help", NULL, "this text", set_help, false},
};

void cli_usage(FILE *f)
{
	fprintf(f, "usage: bootjump-emu --part NAME [options]\n"
		   "Runs an emulated STM32; prints one JSON line when ready, e.g. "
		   "{\"gdb\": 40211, \"uart\": {\"usart2\": \"/dev/pts/7\"}}\n");
	for (unsigned i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		char head[48];
		snprintf(head, sizeof(head), "%s%s%s", opts[i].name, opts[i].arg ? " " : "", opts[i].arg ? opts[i].arg : "");
		fprintf(f, "  %-26s %s\n", head, opts[i].help);
	}
}

bool cli_parse(int argc, char **argv, struct cli *cli, char *err, size_t errlen)
{
	bool seen[sizeof(opts) / sizeof(opts[0])] = {false};
	memset(cli, 0, sizeof(*cli));
	for (int i = 1; i < argc; i++) {
		const struct opt *o = NULL;
		for (unsigned j = 0; j < sizeof(opts) / sizeof(opts[0]); j++)
			if (strcmp(argv[i], opts[j].name) == 0)
				o = &opts[j];
		if (!o) {
			snprintf(err, errlen, "%s: unknown option (bootjump-emu --help lists them)", argv[i]);
			return false;
		}
		/* A second --part or --flash would silently override the first: say so instead. */
		if (seen[o - opts] && !o->repeats) {
			snprintf(err, errlen, "%s is given twice", o->name);
			return false;
		}
		seen[o - opts] = true;
		if (o->arg && i + 1 >= argc) {
			snprintf(err, errlen, "%s needs a value: %s %s", o->name, o->name, o->arg);
			return false;
		}
		if (!o->set(cli, o->arg ? argv[++i] : NULL, err, errlen))
			return false;
	}
	if (!cli->help && !cli->part) {
		snprintf(err, errlen, "--part is required (e.g. --part stm32l011)");
		return false;
	}
	return true;
}
