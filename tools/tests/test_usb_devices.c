/* Host tests of bootjump-usb's descriptor handling: identification, serial strings, exit
 * statuses and output, over device lists built by hand (no libusb, no hardware). */
#include "usb_devices.h"

#include <stdlib.h>

#include "check.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

static void test_identify(void)
{
	const struct usb_known *k = usb_identify(0x0483, 0x3748);
	CHECK(k && k->kind == USB_KIND_STLINK);
	CHECK_STR(k ? k->model : NULL, "ST-LINK/V2");
	k = usb_identify(0x0483, 0x3754);
	CHECK(k && k->kind == USB_KIND_STLINK);
	k = usb_identify(0x0483, 0xdf11);
	CHECK(k && k->kind == USB_KIND_DFU);
	CHECK(usb_identify(0x0483, 0x5740) == NULL); /* ST's virtual COM port: not a probe */
	CHECK(usb_identify(0x1d6b, 0x3748) == NULL); /* the right PID under another vendor */
}

static void test_serial(void)
{
	char out[64];

	static const uint8_t ascii[] = {10, 3, '0', 0, '6', 0, '6', 0, 'D', 0};
	CHECK(usb_serial_from_descriptor(ascii, sizeof(ascii), out, sizeof(out)));
	CHECK_STR(out, "066D");

	/* Raw bytes, as older ST-LINK/V2 firmware reports them, come out as hex. */
	static const uint8_t raw[] = {8, 3, 0x55, 0, 0xff, 0, 0x06, 0};
	CHECK(usb_serial_from_descriptor(raw, sizeof(raw), out, sizeof(out)));
	CHECK_STR(out, "55FF06");

	static const uint8_t empty[] = {2, 3};
	CHECK(usb_serial_from_descriptor(empty, sizeof(empty), out, sizeof(out)));
	CHECK_STR(out, "");

	static const uint8_t not_string[] = {4, 1, 'A', 0};
	CHECK(!usb_serial_from_descriptor(not_string, sizeof(not_string), out, sizeof(out)));
	static const uint8_t overlong[] = {10, 3, 'A', 0};
	CHECK(!usb_serial_from_descriptor(overlong, sizeof(overlong), out, sizeof(out)));
	static const uint8_t odd[] = {5, 3, 'A', 0, 'B'};
	CHECK(!usb_serial_from_descriptor(odd, sizeof(odd), out, sizeof(out)));
	CHECK(!usb_serial_from_descriptor(ascii, 1, out, sizeof(out)));
	CHECK(!usb_serial_from_descriptor(ascii, sizeof(ascii), out, 4)); /* no room for "066D" */
}

static void test_bcd(void)
{
	char text[8];

	usb_bcd_text(0x0100, text);
	CHECK_STR(text, "1.00");
	usb_bcd_text(0x0221, text);
	CHECK_STR(text, "2.21");
}

static const struct usb_desc hub = {.vid = 0x1d6b, .pid = 0x0002, .bcd_device = 0x0601, .bus = 1,
				    .address = 1};
static const struct usb_desc v21 = {.vid = 0x0483, .pid = 0x374b, .bcd_device = 0x0100, .bus = 1,
				    .address = 5, .serial_status = USB_SERIAL_READ,
				    .serial = "066D\"FF"};
static const struct usb_desc v3_denied = {.vid = 0x0483, .pid = 0x374e, .bcd_device = 0x0100,
					  .bus = 2, .address = 3,
					  .serial_status = USB_SERIAL_DENIED};
static const struct usb_desc dfu = {.vid = 0x0483, .pid = 0xdf11, .bcd_device = 0x2200, .bus = 1,
				    .address = 9, .serial_status = USB_SERIAL_NOT_READ};

static void test_list_status(void)
{
	CHECK(usb_list_status(NULL, 0) == USB_EXIT_NO_USB);
	struct usb_desc only_hub[] = {hub};
	CHECK(usb_list_status(only_hub, LEN(only_hub)) == USB_EXIT_NONE);
	struct usb_desc probe[] = {hub, v21};
	CHECK(usb_list_status(probe, LEN(probe)) == USB_EXIT_OK);
	struct usb_desc denied[] = {hub, v21, v3_denied};
	CHECK(usb_list_status(denied, LEN(denied)) == USB_EXIT_PERMISSION);
	struct usb_desc dfu_only[] = {hub, dfu};
	CHECK(usb_list_status(dfu_only, LEN(dfu_only)) == USB_EXIT_OK);
}

/* Runs one printer into a string. */
#define CAPTURE(text, call)                                                                      \
	do {                                                                                     \
		size_t capture_len_;                                                             \
		FILE *out = open_memstream(&(text), &capture_len_);                              \
		call;                                                                            \
		fclose(out);                                                                     \
	} while (0)

static void test_list_output(void)
{
	struct usb_desc devices[] = {hub, v21, v3_denied, dfu};
	char *text = NULL;

	CAPTURE(text, usb_list_text(out, devices, LEN(devices)));
	CHECK_STR(text,
		  "ST-Link probes (2):\n"
		  "  ST-LINK/V2-1  0483:374b  bus 1 address 5  bcdDevice 1.00  serial 066D\"FF\n"
		  "  STLINK-V3E  0483:374e  bus 2 address 3  bcdDevice 1.00  serial (permission "
		  "denied: add a udev rule for this VID:PID, or join its group)\n"
		  "ST DFU devices (ROM bootloader) (1):\n"
		  "  STM32 ROM bootloader (DFU)  0483:df11  bus 1 address 9  bcdDevice 22.00  "
		  "serial (not read)\n"
		  "(4 USB device(s) seen in all)\n");
	free(text);

	struct usb_desc none[] = {hub};
	CAPTURE(text, usb_list_text(out, none, LEN(none)));
	CHECK_STR(text, "ST-Link probes: none\nST DFU devices (ROM bootloader): none\n"
			"(1 USB device(s) seen in all)\n");
	free(text);

	struct usb_desc two[] = {hub, v21};
	CAPTURE(text, usb_list_json(out, two, LEN(two)));
	CHECK_STR(text, "{\"usb\": true, \"devices_seen\": 2, \"stlinks\": [{\"model\": "
			"\"ST-LINK/V2-1\", \"vid\": \"0x0483\", \"pid\": \"0x374b\", \"bus\": 1, "
			"\"address\": 5, \"bcd_device\": \"1.00\", \"serial\": \"066D\\\"FF\", "
			"\"serial_status\": \"read\", \"id_source\": \"OPENOCD STLINK_V2_1_PID\"}], "
			"\"dfu\": []}\n");
	free(text);

	CAPTURE(text, usb_error_json(out, "no USB"));
	CHECK_STR(text, "{\"usb\": false, \"error\": \"no USB\"}\n");
	free(text);
}

static void test_wait_output(void)
{
	struct usb_wait wait = {.timeout_s = 5};
	char *text = NULL;

	CHECK(usb_wait_status(&wait) == USB_EXIT_NONE);
	CAPTURE(text, usb_wait_json(out, &wait));
	CHECK_STR(text, "{\"appeared\": false, \"already_present\": false, \"elapsed_s\": null, "
			"\"timeout_s\": 5.000, \"device\": null}\n");
	free(text);

	wait.appeared = true;
	wait.elapsed_s = 1.25;
	wait.device = dfu;
	CHECK(usb_wait_status(&wait) == USB_EXIT_OK);
	CAPTURE(text, usb_wait_text(out, &wait));
	CHECK_STR(text, "ST DFU device (0483:df11) appeared after 1.250 s\n"
			"  STM32 ROM bootloader (DFU)  0483:df11  bus 1 address 9  bcdDevice 22.00  "
			"serial (not read)\n");
	free(text);

	wait.already_present = true;
	CAPTURE(text, usb_wait_json(out, &wait));
	CHECK(strstr(text, "\"already_present\": true, \"elapsed_s\": null") != NULL);
	free(text);
}

int main(void)
{
	test_identify();
	test_serial();
	test_bcd();
	test_list_status();
	test_list_output();
	test_wait_output();
	return check_summary("test_usb_devices");
}
