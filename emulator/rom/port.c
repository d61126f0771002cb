/* The protocol's memory access and Go, on the chip. Flash programming and erasing are in the
 * flash controller's driver (flash_*.c), the USART byte functions in usart_*.c. */
#include "protocol.h"
#include "rom.h"

void bl_port_read(uint32_t addr, uint8_t *buf, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		buf[i] = *(volatile const uint8_t *)(uintptr_t)(addr + i);
}

void bl_port_sram_write(uint32_t addr, const uint8_t *data, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		*(volatile uint8_t *)(uintptr_t)(addr + i) = data[i];
}

/* AN3155 Go: the bootloader "initializes the registers of the peripherals used by the bootloader
 * to their default reset values", then loads the main stack pointer from the address and jumps to
 * the address + 4. */
void bl_port_go(uint32_t addr)
{
	bl_usart_deinit();
	bl_clock_deinit();
	bl_start(addr);
}
