/* The AN3155 command set, one handler per command, registered once in bl_commands[] (which is also
 * what GET reports). Frames follow AN3155's device-side flowcharts: the command byte and its
 * complement, then per command an address with its XOR checksum, a count, data; whatever does not
 * check out is answered with NACK and the frame is abandoned, so the next byte starts a new command.
 *
 * Where AN3155 leaves a choice open, the model takes the simplest reading and says so here:
 * - A READ, WRITE or GO address must be valid when it arrives (AN3155: "checks the received
 *   address"); the end of the range is checked once the count is known.
 * - Flash is written in whole words at word-aligned addresses (stm32flash pads to 4 bytes).
 * - Option bytes are readable but not writable: such writes are NACKed (a real ROM would program
 *   them and reset the chip).
 * - Readout protection is not modelled: the model always behaves as at RDP level 0, and the
 *   protect/unprotect commands are NACKed.
 */
#include "protocol.h"

#include <stddef.h>

/* Which erase commands the build carries: both by default (the host tests run both); the ROM
 * builds only its part's one (protocol_rom.c), so the model fits a 2 KB system memory. */
#ifndef BL_WITH_LEGACY_ERASE
#define BL_WITH_LEGACY_ERASE 1
#endif
#ifndef BL_WITH_EXTENDED_ERASE
#define BL_WITH_EXTENDED_ERASE 1
#endif

enum bl_when { BL_ALWAYS, BL_LEGACY_ERASE_ONLY, BL_EXTENDED_ERASE_ONLY };

struct bl_command {
	uint8_t code;
	enum bl_when when;
	void (*run)(const struct bl_device *dev);
};

static void cmd_get(const struct bl_device *dev);
static void cmd_get_version(const struct bl_device *dev);
static void cmd_get_id(const struct bl_device *dev);
static void cmd_read_memory(const struct bl_device *dev);
static void cmd_go(const struct bl_device *dev);
static void cmd_write_memory(const struct bl_device *dev);
#if BL_WITH_LEGACY_ERASE
static void cmd_erase(const struct bl_device *dev);
#endif
#if BL_WITH_EXTENDED_ERASE
static void cmd_extended_erase(const struct bl_device *dev);
#endif
static void cmd_refused(const struct bl_device *dev);

/* AN3155 Table 2, in its order. */
static const struct bl_command bl_commands[] = {
	{0x00, BL_ALWAYS, cmd_get},
	{0x01, BL_ALWAYS, cmd_get_version},
	{0x02, BL_ALWAYS, cmd_get_id},
	{0x11, BL_ALWAYS, cmd_read_memory},
	{0x21, BL_ALWAYS, cmd_go},
	{0x31, BL_ALWAYS, cmd_write_memory},
#if BL_WITH_LEGACY_ERASE
	{0x43, BL_LEGACY_ERASE_ONLY, cmd_erase},
#endif
#if BL_WITH_EXTENDED_ERASE
	{0x44, BL_EXTENDED_ERASE_ONLY, cmd_extended_erase},
#endif
	{0x63, BL_ALWAYS, cmd_refused}, /* Write Protect */
	{0x73, BL_ALWAYS, cmd_refused}, /* Write Unprotect */
	{0x82, BL_ALWAYS, cmd_refused}, /* Readout Protect */
	{0x92, BL_ALWAYS, cmd_refused}, /* Readout Unprotect */
};
#define BL_N_COMMANDS (sizeof(bl_commands) / sizeof(bl_commands[0]))

/* AN3155 Extended Erase special codes, sent in place of the page count. */
#define BL_ERASE_MASS 0xffffu
#define BL_ERASE_BANK1 0xfffeu
#define BL_ERASE_BANK2 0xfffdu
#define BL_ERASE_SPECIAL_FIRST 0xfff0u /* 0xfff0..0xffff are reserved for special codes */
/* Erase (0x43): N = 0xff followed by 0x00 is the global erase. */
#define BL_ERASE_GLOBAL 0xffu

static bool available(const struct bl_command *c, const struct bl_device *dev)
{
	switch (c->when) {
	case BL_LEGACY_ERASE_ONLY:
		return !dev->extended_erase;
	case BL_EXTENDED_ERASE_ONLY:
		return dev->extended_erase;
	default:
		return true;
	}
}

static void ack(void)
{
	bl_port_putc(BL_ACK);
}

static void nack(void)
{
	bl_port_putc(BL_NACK);
}

void bl_sync(void)
{
	while (bl_port_sync_byte() != BL_SYNC) {
	}
	ack();
}

void bl_command(const struct bl_device *dev)
{
	uint8_t code = bl_port_getc();
	uint8_t complement = bl_port_getc();

	if ((uint8_t)(code ^ complement) != 0xffu) {
		nack();
		return;
	}
	for (size_t i = 0; i < BL_N_COMMANDS; i++) {
		if (bl_commands[i].code == code && available(&bl_commands[i], dev)) {
			bl_commands[i].run(dev);
			return;
		}
	}
	nack();
}

/* ---------------------------------------------------------------- address checks */

/* [addr, addr + len) lies inside r (len >= 1; no overflow for any input). */
static bool inside(const struct bl_region *r, uint32_t addr, uint32_t len)
{
	uint32_t off = addr - r->base;

	return r->size != 0 && addr >= r->base && off < r->size && len <= r->size - off;
}

static bool overlaps(const struct bl_region *r, uint32_t addr, uint32_t len)
{
	return r->size != 0 && addr < r->base + r->size && r->base < addr + len;
}

static bool readable(const struct bl_device *dev, uint32_t addr, uint32_t len)
{
	return inside(&dev->flash, addr, len) || inside(&dev->system_memory, addr, len)
	       || inside(&dev->option_bytes, addr, len) || (dev->rw_sram && inside(&dev->sram, addr, len));
}

static bool sram_writable(const struct bl_device *dev, uint32_t addr, uint32_t len)
{
	return dev->rw_sram && inside(&dev->sram, addr, len) && !overlaps(&dev->bootloader_ram, addr, len);
}

/* Receives 4 address bytes (MSB first) and their XOR checksum. */
static bool receive_address(uint32_t *addr)
{
	uint8_t sum = 0;

	*addr = 0;
	for (int i = 0; i < 4; i++) {
		uint8_t b = bl_port_getc();
		*addr = (*addr << 8) | b;
		sum ^= b;
	}
	return bl_port_getc() == sum;
}

/* ---------------------------------------------------------------- information commands */

static void cmd_get(const struct bl_device *dev)
{
	uint8_t n = 0;

	for (size_t i = 0; i < BL_N_COMMANDS; i++)
		n += available(&bl_commands[i], dev);
	ack();
	bl_port_putc(n); /* number of bytes that follow, minus one: the version, then n codes */
	bl_port_putc(dev->version);
	for (size_t i = 0; i < BL_N_COMMANDS; i++)
		if (available(&bl_commands[i], dev))
			bl_port_putc(bl_commands[i].code);
	ack();
}

static void cmd_get_version(const struct bl_device *dev)
{
	ack();
	bl_port_putc(dev->version);
	/* AN3155: two option bytes follow, "0x00" for compatibility. */
	bl_port_putc(0x00);
	bl_port_putc(0x00);
	ack();
}

static void cmd_get_id(const struct bl_device *dev)
{
	ack();
	bl_port_putc(1); /* N = number of PID bytes - 1 */
	bl_port_putc((uint8_t)(dev->pid >> 8));
	bl_port_putc((uint8_t)dev->pid);
	ack();
}

static void cmd_refused(const struct bl_device *dev)
{
	(void)dev;
	nack();
}

/* ---------------------------------------------------------------- memory commands */

static void cmd_read_memory(const struct bl_device *dev)
{
	uint32_t addr;

	ack();
	if (!receive_address(&addr) || !readable(dev, addr, 1)) {
		nack();
		return;
	}
	ack();
	uint8_t n = bl_port_getc();
	uint8_t complement = bl_port_getc();
	uint32_t len = (uint32_t)n + 1;
	if ((uint8_t)(n ^ complement) != 0xffu || !readable(dev, addr, len)) {
		nack();
		return;
	}
	ack();
	for (uint32_t i = 0; i < len; i++) {
		uint8_t b;
		bl_port_read(addr + i, &b, 1);
		bl_port_putc(b);
	}
}

static void cmd_write_memory(const struct bl_device *dev)
{
	uint32_t addr;
	uint8_t data[256];

	ack();
	if (!receive_address(&addr) || !(inside(&dev->flash, addr, 1) || sram_writable(dev, addr, 1))) {
		nack();
		return;
	}
	ack();
	uint8_t n = bl_port_getc();
	uint8_t sum = n;
	uint32_t len = (uint32_t)n + 1;
	for (uint32_t i = 0; i < len; i++) {
		data[i] = bl_port_getc();
		sum ^= data[i];
	}
	if (bl_port_getc() != sum) {
		nack();
		return;
	}
	if (inside(&dev->flash, addr, len)) {
		bool aligned = addr % 4 == 0 && len % 4 == 0;
		if (aligned && bl_port_flash_program(addr, data, len))
			ack();
		else
			nack();
	} else if (sram_writable(dev, addr, len)) {
		bl_port_sram_write(addr, data, len);
		ack();
	} else {
		nack();
	}
}

static void cmd_go(const struct bl_device *dev)
{
	uint32_t addr;

	ack();
	/* The initial SP and the reset vector are read from addr and addr + 4. */
	if (!receive_address(&addr)
	    || !(inside(&dev->flash, addr, 8) || (dev->rw_sram && inside(&dev->sram, addr, 8)))) {
		nack();
		return;
	}
	ack();
	bl_port_go(addr);
}

/* ---------------------------------------------------------------- erase commands */

static bool erase_range(uint32_t first, uint32_t count)
{
	bool ok = true;

	for (uint32_t p = first; p < first + count; p++)
		ok = bl_port_flash_erase_page(p) && ok;
	return ok;
}

static bool erase_special(const struct bl_device *dev, uint16_t code)
{
	uint32_t units = dev->erase_units;

	if (code == BL_ERASE_MASS)
		return erase_range(0, units);
#if BL_WITH_EXTENDED_ERASE
	uint32_t bank2 = dev->bank2_unit;
	if (code == BL_ERASE_BANK1)
		return bank2 != 0 && erase_range(0, bank2);
	if (code == BL_ERASE_BANK2)
		return bank2 != 0 && erase_range(bank2, units - bank2);
#endif
	return false; /* 0xfff0..0xfffc: reserved */
}

/* The unit numbers as received: count numbers of width bytes each, most significant first. */
static uint32_t unit_at(const uint8_t *list, uint32_t i, uint32_t width)
{
	return width == 1 ? list[i] : (uint32_t)list[2 * i] << 8 | list[2 * i + 1];
}

static bool erase_list(const struct bl_device *dev, const uint8_t *list, uint32_t count, uint32_t width)
{
	/* Every unit number is checked before anything is erased. */
	for (uint32_t i = 0; i < count; i++)
		if (unit_at(list, i, width) >= dev->erase_units)
			return false;
	bool ok = true;
	for (uint32_t i = 0; i < count; i++)
		ok = bl_port_flash_erase_page(unit_at(list, i, width)) && ok;
	return ok;
}

#if BL_WITH_LEGACY_ERASE
static void cmd_erase(const struct bl_device *dev)
{
	uint8_t list[256];

	ack();
	uint8_t n = bl_port_getc();
	uint8_t sum = n;
	if (n == BL_ERASE_GLOBAL) {
		bool ok = bl_port_getc() == 0x00 && erase_special(dev, BL_ERASE_MASS);
		bl_port_putc(ok ? BL_ACK : BL_NACK);
		return;
	}
	uint32_t count = (uint32_t)n + 1;
	for (uint32_t i = 0; i < count; i++) {
		list[i] = bl_port_getc();
		sum ^= list[i];
	}
	bool ok = bl_port_getc() == sum && erase_list(dev, list, count, 1);
	bl_port_putc(ok ? BL_ACK : BL_NACK);
}
#endif

#if BL_WITH_EXTENDED_ERASE
static void cmd_extended_erase(const struct bl_device *dev)
{
	uint8_t list[2 * BL_ERASE_MAX_PAGES];

	ack();
	uint8_t hi = bl_port_getc();
	uint8_t lo = bl_port_getc();
	uint16_t n = (uint16_t)(hi << 8 | lo);
	uint8_t sum = hi ^ lo;
	if (n >= BL_ERASE_SPECIAL_FIRST) {
		bool ok = bl_port_getc() == sum && erase_special(dev, n);
		bl_port_putc(ok ? BL_ACK : BL_NACK);
		return;
	}
	uint32_t count = (uint32_t)n + 1;
	if (count > BL_ERASE_MAX_PAGES || count > dev->erase_units) {
		nack();
		return;
	}
	for (uint32_t i = 0; i < 2 * count; i++) {
		list[i] = bl_port_getc();
		sum ^= list[i];
	}
	bool ok = bl_port_getc() == sum && erase_list(dev, list, count, 2);
	bl_port_putc(ok ? BL_ACK : BL_NACK);
}
#endif
