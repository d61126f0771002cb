/* bootjump-usart: does an STM32 ROM bootloader answer on this serial port, and what does it
 * say? Sync (0x7F), Get, Get Version, Get ID per AN3155; verdict in words or JSON, and as the
 * exit status (tools/README.md). */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "usart_report.h"

#define DEFAULT_BAUD 57600 /* what stm32flash uses by default */
#define DEFAULT_TIMEOUT_MS 1000
#define MAX_TIMEOUT_MS 600000

static const char usage[] =
	"usage: bootjump-usart PORT [--8n1] [--baud N] [--timeout MS] [--json]\n"
	"  PORT          the serial port (a USB-UART adapter's tty, or the emulator's pty)\n"
	"  --8n1         no parity (a pty cannot carry it); the default is 8E1 as AN3155 wants\n"
	"  --baud N      line speed, default 57600\n"
	"  --timeout MS  the whole check ends within MS milliseconds, default 1000\n"
	"  --json        one JSON object on stdout instead of words\n"
	"exit status: 0 answered, 1 no answer, 2 NACK or bad reply, 3 cannot open the port,\n"
	"64 bad command line\n";

static int usage_error(const char *fmt, const char *arg)
{
	fputs("bootjump-usart: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs(" (try --help)\n", stderr);
	return USART_EXIT_USAGE;
}

/* A whole decimal number within [1, max]; anything else (sign, junk, overflow) is refused. */
static bool parse_count(const char *text, unsigned max, unsigned *value)
{
	char *end;

	if (text[0] < '0' || text[0] > '9')
		return false;
	unsigned long v = strtoul(text, &end, 10);
	if (*end != '\0' || v == 0 || v > max)
		return false;
	*value = (unsigned)v;
	return true;
}

int main(int argc, char **argv)
{
	enum { OPT_8N1 = 256, OPT_BAUD, OPT_TIMEOUT, OPT_JSON, OPT_HELP };
	static const struct option options[] = {
		{"8n1", no_argument, NULL, OPT_8N1},
		{"baud", required_argument, NULL, OPT_BAUD},
		{"timeout", required_argument, NULL, OPT_TIMEOUT},
		{"json", no_argument, NULL, OPT_JSON},
		{"help", no_argument, NULL, OPT_HELP},
		{NULL, 0, NULL, 0},
	};
	struct usart_run run = {
		.settings = {.baud = DEFAULT_BAUD, .even_parity = true},
		.timeout_ms = DEFAULT_TIMEOUT_MS,
	};
	bool json = false;
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case OPT_8N1:
			run.settings.even_parity = false;
			break;
		case OPT_BAUD:
			if (!parse_count(optarg, 4000000, &run.settings.baud) ||
			    !serial_baud_supported(run.settings.baud))
				return usage_error("--baud %s: not a standard rate (1200 ... 921600)",
						   optarg);
			break;
		case OPT_TIMEOUT:
			if (!parse_count(optarg, MAX_TIMEOUT_MS, &run.timeout_ms))
				return usage_error("--timeout %s: give milliseconds, 1 to 600000",
						   optarg);
			break;
		case OPT_JSON:
			json = true;
			break;
		case OPT_HELP:
			fputs(usage, stdout);
			return 0;
		default:
			return usage_error("unknown or incomplete option %s",
					   argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return usage_error("%s", optind == argc ? "give exactly one PORT"
							 : "give exactly one PORT, not more");
	run.port = argv[optind];

	char why[300];
	struct usart_check check;
	int fd = serial_open(run.port, &run.settings, &run.open_failure, why, sizeof(why));
	run.opened = fd >= 0;
	if (run.opened) {
		usart_check_run(fd, run.timeout_ms, &check);
		serial_close(fd);
		run.check = &check;
	} else {
		run.open_why = why;
		fprintf(stderr, "bootjump-usart: %s\n", why);
	}

	if (json)
		usart_report_json(stdout, &run);
	else if (run.opened)
		usart_report_text(stdout, &run);
	return usart_exit_status(&run);
}
