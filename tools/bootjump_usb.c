/* bootjump-usb: which ST-Link probes are plugged in, and how long the ST ROM's USB DFU device
 * takes to appear after a jump. libusb-1.0 glue only: classifying and printing live in
 * usb_devices.c, where the host tests reach them. Exit statuses: tools/README.md. */
#include <getopt.h>
#include <libusb.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "usb_devices.h"

#define DEFAULT_WAIT_S 10.0
#define MAX_WAIT_S 3600.0
/* How often wait-dfu looks at the bus: the time it reports is good to this much. */
#define POLL_S 0.05

struct options {
	bool json;
	double timeout_s;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void read_serial(libusb_device *dev, uint8_t index, struct usb_desc *desc)
{
	libusb_device_handle *handle;
	uint8_t buf[255];

	if (index == 0) {
		desc->serial_status = USB_SERIAL_NONE;
		return;
	}
	int r = libusb_open(dev, &handle);
	if (r != 0) {
		desc->serial_status = r == LIBUSB_ERROR_ACCESS ? USB_SERIAL_DENIED : USB_SERIAL_FAILED;
		return;
	}
	/* String descriptor 0 lists the device's languages (USB 2.0 §9.6.7); ask in its first. */
	int len = libusb_get_string_descriptor(handle, 0, 0, buf, sizeof(buf));
	uint16_t lang = len >= 4 && buf[1] == LIBUSB_DT_STRING ? (uint16_t)(buf[2] | buf[3] << 8)
							       : 0x0409;
	len = libusb_get_string_descriptor(handle, index, lang, buf, sizeof(buf));
	desc->serial_status = len > 0 && usb_serial_from_descriptor(buf, (size_t)len, desc->serial,
								    sizeof(desc->serial))
				      ? USB_SERIAL_READ
				      : USB_SERIAL_FAILED;
	libusb_close(handle);
}

/* Copies what libusb knows of every device into *out (the caller frees it). Only known ST
 * devices are opened, and only when read_serials. Returns the count or a libusb error. */
static ssize_t collect(libusb_context *ctx, bool read_serials, struct usb_desc **out)
{
	libusb_device **list;
	ssize_t n = libusb_get_device_list(ctx, &list);

	if (n < 0)
		return n;
	struct usb_desc *descs = calloc((size_t)n + 1, sizeof(*descs));
	if (!descs) {
		libusb_free_device_list(list, 1);
		return LIBUSB_ERROR_NO_MEM;
	}
	for (ssize_t i = 0; i < n; i++) {
		struct libusb_device_descriptor dd = {0};
		libusb_get_device_descriptor(list[i], &dd); /* cached by libusb; cannot fail */
		descs[i] = (struct usb_desc){
			.vid = dd.idVendor,
			.pid = dd.idProduct,
			.bcd_device = dd.bcdDevice,
			.bus = libusb_get_bus_number(list[i]),
			.address = libusb_get_device_address(list[i]),
		};
		if (read_serials && usb_identify(dd.idVendor, dd.idProduct))
			read_serial(list[i], dd.iSerialNumber, &descs[i]);
	}
	libusb_free_device_list(list, 1);
	*out = descs;
	return n;
}

static int fail(const struct options *opts, enum usb_exit status, const char *why)
{
	fprintf(stderr, "bootjump-usb: %s\n", why);
	if (opts->json)
		usb_error_json(stdout, why);
	return status;
}

static int libusb_failure(const struct options *opts, ssize_t err)
{
	char why[200];

	snprintf(why, sizeof(why), "libusb could not list the USB devices: %s",
		 libusb_strerror((int)err));
	return fail(opts, USB_EXIT_USB_ERROR, why);
}

static int run_list(libusb_context *ctx, const struct options *opts)
{
	struct usb_desc *descs;
	ssize_t n = collect(ctx, true, &descs);

	if (n < 0)
		return libusb_failure(opts, n);
	if (n == 0) {
		free(descs);
		return fail(opts, USB_EXIT_NO_USB, usb_no_bus_words);
	}
	if (opts->json)
		usb_list_json(stdout, descs, (size_t)n);
	else
		usb_list_text(stdout, descs, (size_t)n);
	enum usb_exit status = usb_list_status(descs, (size_t)n);
	if (status == USB_EXIT_PERMISSION)
		fputs("bootjump-usb: permission denied opening an ST device to read its serial "
		      "number: add a udev rule for it (ST's stlink udev rules) or join its group\n",
		      stderr);
	free(descs);
	return status;
}

static const struct usb_desc *find_dfu(const struct usb_desc *descs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct usb_known *k = usb_identify(descs[i].vid, descs[i].pid);
		if (k && k->kind == USB_KIND_DFU)
			return &descs[i];
	}
	return NULL;
}

/* Polls the device list: libusb keeps it current from hot-plug events where the platform has
 * them, and polling works the same where it does not. The DFU device is not opened: only its
 * arrival is measured, which needs no permission. */
static int run_wait_dfu(libusb_context *ctx, const struct options *opts)
{
	struct usb_wait wait = {.timeout_s = opts->timeout_s};
	double start = now_s(), deadline = start + opts->timeout_s;

	for (bool first = true;; first = false) {
		struct usb_desc *descs;
		ssize_t n = collect(ctx, false, &descs);
		double seen = now_s();
		if (n < 0)
			return libusb_failure(opts, n);
		if (n == 0) {
			free(descs);
			return fail(opts, USB_EXIT_NO_USB, usb_no_bus_words);
		}
		const struct usb_desc *dfu = find_dfu(descs, (size_t)n);
		if (dfu) {
			wait.appeared = true;
			wait.already_present = first;
			wait.elapsed_s = seen - start;
			wait.device = *dfu;
		}
		free(descs);
		if (wait.appeared || seen >= deadline)
			break;
		double pause = fmin(POLL_S, deadline - seen);
		struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)(pause * 1e9)};
		nanosleep(&ts, NULL);
	}
	if (opts->json)
		usb_wait_json(stdout, &wait);
	else
		usb_wait_text(stdout, &wait);
	return usb_wait_status(&wait);
}

struct command {
	const char *name;
	int (*run)(libusb_context *ctx, const struct options *opts);
	bool takes_timeout;
	const char *help;
};

static const struct command commands[] = {
	{"list", run_list, false, "ST-Link probes (serial, bcdDevice) and ST DFU devices"},
	{"wait-dfu", run_wait_dfu, true,
	 "wait up to --timeout S seconds (default 10) for the ROM's DFU device 0483:df11"},
};

static void print_usage(FILE *out)
{
	fputs("usage: bootjump-usb COMMAND [--timeout S] [--json]\n", out);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].help);
	fputs("exit status: 0 found, 1 none found (or not in time), 2 libusb error,\n"
	      "3 permission denied, 4 no USB bus, 64 bad command line\n",
	      out);
}

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "bootjump-usb: %s%s (try --help)\n", what, arg);
	return USB_EXIT_USAGE;
}

static bool parse_seconds(const char *text, double *seconds)
{
	char *end;
	double v = strtod(text, &end);

	if (end == text || *end != '\0' || !isfinite(v) || v <= 0 || v > MAX_WAIT_S)
		return false;
	*seconds = v;
	return true;
}

int main(int argc, char **argv)
{
	enum { OPT_TIMEOUT = 256, OPT_JSON, OPT_HELP };
	static const struct option options[] = {
		{"timeout", required_argument, NULL, OPT_TIMEOUT},
		{"json", no_argument, NULL, OPT_JSON},
		{"help", no_argument, NULL, OPT_HELP},
		{NULL, 0, NULL, 0},
	};
	struct options opts = {.timeout_s = DEFAULT_WAIT_S};
	const struct command *command = NULL;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		print_usage(stdout);
		return USB_EXIT_OK;
	}
	if (argc < 2)
		return usage_error("give a command: list or wait-dfu", "");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			command = &commands[i];
	if (!command)
		return usage_error("unknown command ", argv[1]);

	/* Options follow the command: parse them as if the command were the program name. */
	char **args = argv + 1;
	int n_args = argc - 1, opt;
	opterr = 0;
	while ((opt = getopt_long(n_args, args, ":h", options, NULL)) != -1) {
		if (opt == OPT_HELP || opt == 'h') {
			print_usage(stdout);
			return USB_EXIT_OK;
		} else if (opt == OPT_JSON) {
			opts.json = true;
		} else if (opt == OPT_TIMEOUT && !command->takes_timeout) {
			return usage_error("--timeout applies to wait-dfu, not to ", command->name);
		} else if (opt == OPT_TIMEOUT) {
			if (!parse_seconds(optarg, &opts.timeout_s))
				return usage_error("--timeout wants seconds, above 0 and at most "
						   "3600, not ",
						   optarg);
		} else if (opt == ':') {
			return usage_error("this option needs a value: ", args[optind - 1]);
		} else {
			return usage_error("unknown option ", args[optind - 1]);
		}
	}
	if (optind != n_args)
		return usage_error("unexpected argument ", args[optind]);

	libusb_context *ctx;
	int r = libusb_init(&ctx);
	if (r != 0) {
		char why[200];
		snprintf(why, sizeof(why), "no USB: libusb cannot start (%s)", libusb_strerror(r));
		return fail(&opts, USB_EXIT_NO_USB, why);
	}
	int status = command->run(ctx, &opts);
	libusb_exit(ctx);
	return status;
}
