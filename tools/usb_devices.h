#ifndef TOOLS_USB_DEVICES_H
#define TOOLS_USB_DEVICES_H

/* bootjump-usb's view of a USB device list, without libusb: which devices are ST-Link probes
 * or the ST ROM's DFU device, how their descriptors read, how the findings print, and which
 * exit status they earn. bootjump_usb.c copies what libusb reports into struct usb_desc; the
 * host tests build the same structs by hand. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum usb_exit {
	USB_EXIT_OK = 0,
	USB_EXIT_NONE = 1,	 /* no ST-Link or DFU device; wait-dfu: it did not appear in time */
	USB_EXIT_USB_ERROR = 2,	 /* libusb failed while enumerating */
	USB_EXIT_PERMISSION = 3, /* a device is there but may not be opened */
	USB_EXIT_NO_USB = 4,	 /* libusb cannot start, or sees no USB bus at all */
	USB_EXIT_USAGE = 64,	 /* sysexits.h EX_USAGE */
};

enum usb_kind {
	USB_KIND_STLINK,
	USB_KIND_DFU,
};

struct usb_known {
	uint16_t vid, pid;
	enum usb_kind kind;
	const char *model;
	const char *source;
};

enum usb_serial_status {
	USB_SERIAL_NOT_READ, /* we did not open the device (only known devices are opened) */
	USB_SERIAL_READ,
	USB_SERIAL_NONE,     /* the device has no serial-number string */
	USB_SERIAL_DENIED,   /* opening it was not permitted */
	USB_SERIAL_FAILED,   /* opening or reading it failed otherwise */
};

struct usb_desc {
	uint16_t vid, pid, bcd_device;
	uint8_t bus, address;
	enum usb_serial_status serial_status;
	char serial[64];
};

/* The ST device a vid:pid pair belongs to, or NULL. */
const struct usb_known *usb_identify(uint16_t vid, uint16_t pid);

/* Turns a raw USB string descriptor (bLength, bDescriptorType 3, UTF-16LE) into text: printable
 * ASCII as is, anything else as hex. false when the bytes are not a string descriptor. */
bool usb_serial_from_descriptor(const uint8_t *desc, size_t len, char *out, size_t out_len);

/* bcdDevice as "J.MN" (0x0100 -> "1.00"). */
void usb_bcd_text(uint16_t bcd, char out[8]);

/* The exit status `list` earns: no devices at all means no USB bus; none of ST's means
 * nothing found; a known device we could not open means a permission problem. */
enum usb_exit usb_list_status(const struct usb_desc *devices, size_t n);

/* The ST-Link probes and DFU devices among a non-empty device list. */
void usb_list_text(FILE *out, const struct usb_desc *devices, size_t n);
void usb_list_json(FILE *out, const struct usb_desc *devices, size_t n);

struct usb_wait {
	bool appeared;
	bool already_present; /* there before we started waiting: no time to measure */
	double elapsed_s;
	double timeout_s;
	struct usb_desc device; /* when appeared */
};

enum usb_exit usb_wait_status(const struct usb_wait *wait);
void usb_wait_text(FILE *out, const struct usb_wait *wait);
void usb_wait_json(FILE *out, const struct usb_wait *wait);

/* The words for a machine where libusb sees no device at all. */
extern const char usb_no_bus_words[];

/* What --json prints when there is no USB to look at (or libusb failed): why, in words. */
void usb_error_json(FILE *out, const char *why);

#endif
