/* A fake chip for the protocol core's host tests: a byte pipe standing in for the USART, and the
 * part's memory regions (from bj_parts.h) standing in for its buses and flash controller. The
 * bl_port_* functions protocol.h declares are implemented in fake_port.c over this state. */
#ifndef EMULATOR_ROM_TESTS_FAKE_PORT_H
#define EMULATOR_ROM_TESTS_FAKE_PORT_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bj_parts.h"
#include "protocol.h"

#define FAKE_MAX_BYTES 65536

struct fake_memory {
	struct bl_region region;
	uint8_t *bytes;
};

struct fake_chip {
	const struct bj_part *part;
	struct bl_device dev;

	/* Host -> ROM: queued bytes. When they run out, refill() may queue more (a host reacting to
	 * replies); if it does not, the ROM's wait for a byte ends the run (fake_run returns). */
	uint8_t in[FAKE_MAX_BYTES];
	size_t in_len, in_pos;
	bool (*refill)(struct fake_chip *chip);
	jmp_buf starved;

	/* ROM -> host */
	uint8_t out[FAKE_MAX_BYTES];
	size_t out_len;

	struct fake_memory flash, sram, system_memory, option_bytes;
	unsigned programs, erases, gos;
	uint32_t go_addr;
	bool fail_flash;  /* the flash controller reports an error on the next operations */
	unsigned bad_accesses; /* reads or writes the protocol made outside what the part has */
};

extern struct fake_chip fake;

/* A fresh chip for part: memories filled with a pattern (flash erased where the test says). */
void fake_init(const struct bj_part *part);
void fake_free(void);
void fake_send(const uint8_t *bytes, size_t len);
/* Runs bl_command() until the ROM waits for a byte nobody sends; with sync, bl_sync() first. */
void fake_run(bool sync);
uint8_t *fake_mem(uint32_t addr, uint32_t len); /* NULL if [addr, addr+len) is in no region */
/* Where erase unit n (page, or sector on parts that erase by sector) starts, and its size. */
uint32_t fake_unit_addr(uint32_t unit);
uint32_t fake_unit_size(uint32_t unit);

#endif
