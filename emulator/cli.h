/* bootjump-emu's command line (issue 3; emulator/README.md documents it). */
#ifndef EMULATOR_CLI_H
#define EMULATOR_CLI_H

#include "chip.h"

#define CLI_MAX_UARTS 8

struct cli {
	const char *part;
	const char *flash;      /* NULL: erased flash */
	const char *rom;        /* NULL or "model": the ROM model beside the executable */
	int boot0;
	struct chip_option options[CHIP_MAX_OPTIONS];
	unsigned n_options;
	bool gdb;
	uint16_t gdb_port;
	bool jtag; /* --jtag: the remote_bitbang JTAG port (jtag.h) */
	uint16_t jtag_port;
	const char *uarts[CLI_MAX_UARTS]; /* peripheral names, as given */
	unsigned n_uarts;
	const char *access_log;
	bool halt;
	bool help;
};

/* False with a one-line err on bad usage. */
bool cli_parse(int argc, char **argv, struct cli *cli, char *err, size_t errlen);
void cli_usage(FILE *f);

#endif
