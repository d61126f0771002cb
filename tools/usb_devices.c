#include "usb_devices.h"

#include <string.h>

#include "json_out.h"

#define ST_VID 0x0483u

/* Sources of the IDs below:
 * OPENOCD = OpenOCD 0.12.0 src/jtag/drivers/stlink_usb.c (the STLINK_*_PID defines) and
 *           tcl/interface/stlink.cfg (its hla_vid_pid list, the same nine PIDs);
 * STLINK  = stlink-org/stlink src/stlink-lib/usb.h (STLINK_USB_PID_STLINK_32L_AUDIO);
 * AN3156  = ST AN3156, USB DFU protocol used in the STM32 bootloader: the ROM's DFU device
 *           descriptor has idVendor 0x0483, idProduct 0xDF11. */
static const struct usb_known known[] = {
	{ST_VID, 0x3744, USB_KIND_STLINK, "ST-LINK/V1", "OPENOCD STLINK_V1_PID"},
	{ST_VID, 0x3748, USB_KIND_STLINK, "ST-LINK/V2", "OPENOCD STLINK_V2_PID"},
	{ST_VID, 0x374a, USB_KIND_STLINK, "ST-LINK/V2 (audio)", "STLINK STLINK_32L_AUDIO"},
	{ST_VID, 0x374b, USB_KIND_STLINK, "ST-LINK/V2-1", "OPENOCD STLINK_V2_1_PID"},
	{ST_VID, 0x3752, USB_KIND_STLINK, "ST-LINK/V2-1 (no mass storage)",
	 "OPENOCD STLINK_V2_1_NO_MSD_PID"},
	{ST_VID, 0x374d, USB_KIND_STLINK, "STLINK-V3 (its own USB loader)",
	 "OPENOCD STLINK_V3_USBLOADER_PID"},
	{ST_VID, 0x374e, USB_KIND_STLINK, "STLINK-V3E", "OPENOCD STLINK_V3E_PID"},
	{ST_VID, 0x374f, USB_KIND_STLINK, "STLINK-V3S", "OPENOCD STLINK_V3S_PID"},
	{ST_VID, 0x3753, USB_KIND_STLINK, "STLINK-V3 (two VCPs)", "OPENOCD STLINK_V3_2VCP_PID"},
	{ST_VID, 0x3754, USB_KIND_STLINK, "STLINK-V3E (no mass storage)",
	 "OPENOCD STLINK_V3E_NO_MSD_PID"},
	{ST_VID, 0xdf11, USB_KIND_DFU, "STM32 ROM bootloader (DFU)", "AN3156"},
};

const char usb_no_bus_words[] =
	"no USB bus: libusb sees no USB device at all, not even a host controller's root hub "
	"(a container or VM without USB passthrough?)";

void usb_error_json(FILE *out, const char *why)
{
	fputs("{\"usb\": false, \"error\": ", out);
	json_string(out, why);
	fputs("}\n", out);
}

static const char *const serial_states[] = {
	[USB_SERIAL_NOT_READ] = "not-read",
	[USB_SERIAL_READ] = "read",
	[USB_SERIAL_NONE] = "none",
	[USB_SERIAL_DENIED] = "permission-denied",
	[USB_SERIAL_FAILED] = "failed",
};

const struct usb_known *usb_identify(uint16_t vid, uint16_t pid)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (known[i].vid == vid && known[i].pid == pid)
			return &known[i];
	return NULL;
}

bool usb_serial_from_descriptor(const uint8_t *desc, size_t len, char *out, size_t out_len)
{
	/* USB 2.0 §9.6.7: bLength, bDescriptorType = 3 (STRING), then UTF-16LE code units. */
	if (len < 2 || desc[0] < 2 || desc[0] > len || desc[0] % 2 != 0 || desc[1] != 3)
		return false;
	size_t units = (size_t)(desc[0] - 2) / 2;
	bool printable = true;
	for (size_t i = 0; i < units; i++) {
		unsigned unit = desc[2 + 2 * i] | desc[3 + 2 * i] << 8;
		if (unit < 0x20 || unit > 0x7e)
			printable = false;
	}
	/* Older ST-LINK/V2 firmware puts raw bytes in its serial string (OpenOCD's
	 * interface/stlink.cfg warns of "unreadable characters"): print those as hex, the form
	 * OpenOCD's `adapter serial` and st-info show. */
	size_t need = printable ? units + 1 : 2 * units + 1;
	if (need > out_len)
		return false;
	for (size_t i = 0; i < units; i++) {
		if (printable)
			out[i] = (char)desc[2 + 2 * i];
		else
			snprintf(out + 2 * i, 3, "%02X", desc[2 + 2 * i]);
	}
	out[printable ? units : 2 * units] = '\0';
	return true;
}

void usb_bcd_text(uint16_t bcd, char out[8])
{
	snprintf(out, 8, "%x.%02x", bcd >> 8, bcd & 0xffu);
}

static size_t count_kind(const struct usb_desc *devices, size_t n, enum usb_kind kind)
{
	size_t count = 0;

	for (size_t i = 0; i < n; i++) {
		const struct usb_known *k = usb_identify(devices[i].vid, devices[i].pid);
		if (k && k->kind == kind)
			count++;
	}
	return count;
}

enum usb_exit usb_list_status(const struct usb_desc *devices, size_t n)
{
	if (n == 0)
		return USB_EXIT_NO_USB;
	if (count_kind(devices, n, USB_KIND_STLINK) + count_kind(devices, n, USB_KIND_DFU) == 0)
		return USB_EXIT_NONE;
	for (size_t i = 0; i < n; i++)
		if (usb_identify(devices[i].vid, devices[i].pid) &&
		    devices[i].serial_status == USB_SERIAL_DENIED)
			return USB_EXIT_PERMISSION;
	return USB_EXIT_OK;
}

static void device_text(FILE *out, const struct usb_desc *d)
{
	const struct usb_known *k = usb_identify(d->vid, d->pid);
	char bcd[8];

	usb_bcd_text(d->bcd_device, bcd);
	fprintf(out, "  %s  %04x:%04x  bus %u address %u  bcdDevice %s  serial ", k->model, d->vid,
		d->pid, d->bus, d->address, bcd);
	switch (d->serial_status) {
	case USB_SERIAL_READ:
		fputs(d->serial, out);
		break;
	case USB_SERIAL_NONE:
		fputs("(none)", out);
		break;
	case USB_SERIAL_DENIED:
		fputs("(permission denied: add a udev rule for this VID:PID, or join its group)",
		      out);
		break;
	case USB_SERIAL_FAILED:
		fputs("(unreadable)", out);
		break;
	case USB_SERIAL_NOT_READ:
		fputs("(not read)", out);
		break;
	}
	fputc('\n', out);
}

static void section_text(FILE *out, const struct usb_desc *devices, size_t n, enum usb_kind kind,
			 const char *title)
{
	size_t count = count_kind(devices, n, kind);

	if (count)
		fprintf(out, "%s (%zu):\n", title, count);
	else
		fprintf(out, "%s: none\n", title);
	for (size_t i = 0; i < n; i++) {
		const struct usb_known *k = usb_identify(devices[i].vid, devices[i].pid);
		if (k && k->kind == kind)
			device_text(out, &devices[i]);
	}
}

void usb_list_text(FILE *out, const struct usb_desc *devices, size_t n)
{
	section_text(out, devices, n, USB_KIND_STLINK, "ST-Link probes");
	section_text(out, devices, n, USB_KIND_DFU, "ST DFU devices (ROM bootloader)");
	fprintf(out, "(%zu USB device(s) seen in all)\n", n);
}

static void device_json(FILE *out, const struct usb_desc *d)
{
	const struct usb_known *k = usb_identify(d->vid, d->pid);
	char bcd[8];

	usb_bcd_text(d->bcd_device, bcd);
	fputs("{\"model\": ", out);
	json_string(out, k->model);
	fprintf(out,
		", \"vid\": \"0x%04x\", \"pid\": \"0x%04x\", \"bus\": %u, \"address\": %u, "
		"\"bcd_device\": \"%s\", \"serial\": ",
		d->vid, d->pid, d->bus, d->address, bcd);
	json_string(out, d->serial_status == USB_SERIAL_READ ? d->serial : NULL);
	fprintf(out, ", \"serial_status\": \"%s\", \"id_source\": ", serial_states[d->serial_status]);
	json_string(out, k->source);
	fputc('}', out);
}

static void section_json(FILE *out, const struct usb_desc *devices, size_t n, enum usb_kind kind)
{
	size_t shown = 0;

	fputc('[', out);
	for (size_t i = 0; i < n; i++) {
		const struct usb_known *k = usb_identify(devices[i].vid, devices[i].pid);
		if (!k || k->kind != kind)
			continue;
		if (shown++)
			fputs(", ", out);
		device_json(out, &devices[i]);
	}
	fputc(']', out);
}

void usb_list_json(FILE *out, const struct usb_desc *devices, size_t n)
{
	fprintf(out, "{\"usb\": true, \"devices_seen\": %zu, \"stlinks\": ", n);
	section_json(out, devices, n, USB_KIND_STLINK);
	fputs(", \"dfu\": ", out);
	section_json(out, devices, n, USB_KIND_DFU);
	fputs("}\n", out);
}

enum usb_exit usb_wait_status(const struct usb_wait *wait)
{
	return wait->appeared ? USB_EXIT_OK : USB_EXIT_NONE;
}

void usb_wait_text(FILE *out, const struct usb_wait *wait)
{
	if (!wait->appeared) {
		fprintf(out,
			"no ST DFU device (0483:df11) appeared within %.1f s: the ROM did not "
			"enumerate over USB (does this part's ROM offer USB DFU, and is its USB "
			"port cabled?)\n",
			wait->timeout_s);
		return;
	}
	if (wait->already_present)
		fputs("the ST DFU device (0483:df11) was already there when waiting began\n", out);
	else
		fprintf(out, "ST DFU device (0483:df11) appeared after %.3f s\n", wait->elapsed_s);
	device_text(out, &wait->device);
}

void usb_wait_json(FILE *out, const struct usb_wait *wait)
{
	fprintf(out, "{\"appeared\": %s, \"already_present\": %s, \"elapsed_s\": ",
		wait->appeared ? "true" : "false", wait->already_present ? "true" : "false");
	if (wait->appeared && !wait->already_present)
		fprintf(out, "%.3f", wait->elapsed_s);
	else
		fputs("null", out);
	fprintf(out, ", \"timeout_s\": %.3f, \"device\": ", wait->timeout_s);
	if (wait->appeared)
		device_json(out, &wait->device);
	else
		fputs("null", out);
	fputs("}\n", out);
}
