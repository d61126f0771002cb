/* The AN3155 USART bootloader protocol as portable C. The ROM model runs it on the emulated chip
 * (port.c and the per-IP drivers supply the bl_port_* functions); the host unit tests run the same
 * file over a fake USART and memory (tests/fake_port.c). Nothing here touches a register.
 */
#ifndef EMULATOR_ROM_PROTOCOL_H
#define EMULATOR_ROM_PROTOCOL_H

#include <stdbool.h>
#include <stdint.h>

/* AN3155 §2: the byte a host sends first, and the two reply codes. */
#define BL_SYNC 0x7fu
#define BL_ACK 0x79u
#define BL_NACK 0x1fu

/* Extended Erase has 2-byte page numbers, so a command could name 65536 pages; the model takes
 * at most this many in one command (stm32flash sends 512 at a time) and NACKs a larger count. */
#define BL_ERASE_MAX_PAGES 512u

struct bl_region {
	uint32_t base;
	uint32_t size;
};

/* What the protocol needs to know about the part (from bj_part.h on the chip, from bj_parts.h in
 * the tests): nothing else in this file depends on the part. */
struct bl_device {
	uint16_t pid;           /* GET ID: the DEV_ID, AN2606 Table 226 */
	uint8_t version;        /* GET and GET VERSION: 0x31 = V3.1 */
	bool extended_erase;    /* 0x44 Extended Erase, else 0x43 Erase */
	struct bl_region flash;
	uint32_t erase_units;   /* what Erase numbers: pages, or sectors on parts that erase by sector */
	uint32_t bank2_unit;    /* bank 2's first erase unit; 0: single bank (bank erase is refused) */
	struct bl_region sram;
	bool rw_sram;           /* Read/Write/Go accept SRAM (AN2606 says not on every part) */
	struct bl_region bootloader_ram; /* the bootloader's own RAM: never written by a host */
	struct bl_region system_memory;
	struct bl_region option_bytes;
};

/* ---------------------------------------------------------------- supplied by the platform */

/* Waits for the next byte on any bootloader interface and makes that interface the one the
 * session uses; the idle loop of the ROM. */
uint8_t bl_port_sync_byte(void);
/* Waits for the next byte on the session's interface. */
uint8_t bl_port_getc(void);
void bl_port_putc(uint8_t byte);
void bl_port_read(uint32_t addr, uint8_t *buf, uint32_t len);
/* Programs len bytes (addr and len word-aligned, inside flash) through the flash controller. */
bool bl_port_flash_program(uint32_t addr, const uint8_t *data, uint32_t len);
/* Erases one erase unit (page or sector, numbered from the flash base). */
bool bl_port_flash_erase_page(uint32_t page);
void bl_port_sram_write(uint32_t addr, const uint8_t *data, uint32_t len);
/* De-initialises what the bootloader used, loads MSP from [addr] and branches to [addr + 4].
 * Never returns on the chip; the test fake records the address and returns. */
void bl_port_go(uint32_t addr);

/* ---------------------------------------------------------------- the protocol */

/* Waits until a 0x7F arrives (anything else is ignored) and answers ACK. */
void bl_sync(void);
/* Receives and executes one command frame, replying as AN3155 says; every malformed or refused
 * frame ends with a NACK and the next call starts on a fresh command. */
void bl_command(const struct bl_device *dev);

#endif
