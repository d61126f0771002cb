/* The pieces of the ROM model that run on the chip, and how they call each other. */
#ifndef EMULATOR_ROM_ROM_H
#define EMULATOR_ROM_ROM_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers.h"

/* activation_*.c: decides, by the part's AN2606 profile, whether the bootloader runs at all.
 * Returns to stay in the bootloader; otherwise starts user code and never returns. */
void bl_activate(void);

/* boot_pins_*.c: true when the boot pins selected system memory at the last reset (BOOT0 = 1),
 * false when the chip booted from main flash and the ROM was reached by a jump. */
bool bl_boot_pins_chose_system_memory(void);

/* start.c: load MSP from [vectors] and branch to [vectors + 4]. */
__attribute__((noreturn)) void bl_start(uint32_t vectors);

/* clock_*.c: the bootloader's clock as AN2606 documents it, and back to the reset clock. */
void bl_clock_init(void);
void bl_clock_deinit(void);

/* usart_*.c: the bootloader USARTs (bl_port_sync_byte/getc/putc live there too). */
void bl_usart_init(void);
void bl_usart_deinit(void);

/* gpio_*.c, with the port's clock on: route a pin to its USART (af: the alternate function
 * number where the GPIO block has one), and read a pin's input level. */
void bl_gpio_usart_tx(uint32_t port, unsigned pin, unsigned af);
void bl_gpio_usart_rx(uint32_t port, unsigned pin, unsigned af);
bool bl_gpio_read(uint32_t port, unsigned pin);

/* Registers by address (the RCC enable/reset bits come as address + mask pairs). */
static inline uint32_t bl_read32(uint32_t addr)
{
	return *(volatile uint32_t *)(uintptr_t)addr;
}

static inline void bl_write32(uint32_t addr, uint32_t value)
{
	*(volatile uint32_t *)(uintptr_t)addr = value;
}

static inline void bl_set_bits(uint32_t addr, uint32_t mask)
{
	bl_write32(addr, bl_read32(addr) | mask);
}

static inline void bl_clear_bits(uint32_t addr, uint32_t mask)
{
	bl_write32(addr, bl_read32(addr) & ~mask);
}

/* Waits until (reg & mask) == value: the hardware ready/busy flags the RM tells software to poll. */
static inline void bl_wait(uint32_t addr, uint32_t mask, uint32_t value)
{
	while ((bl_read32(addr) & mask) != value) {
	}
}

#endif
