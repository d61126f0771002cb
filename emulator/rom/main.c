/* The reset handler: activation profile, then the bootloader proper (clock, USARTs, AN3155). */
#include "protocol.h"
#include "rom.h"

/* The part's bootloader facts, from bj_part.h (generated from parts/stm32.json). */
static const struct bl_device bl_device = {
	.pid = BJ_BOOTLOADER_PID,
	.version = BJ_BOOTLOADER_VERSION,
	.extended_erase = BJ_BOOTLOADER_EXTENDED_ERASE,
	.flash = {BJ_FLASH_BASE, BJ_FLASH_SIZE},
#if defined(BJ_FLASH_SECTORS)
	.erase_units = BJ_FLASH_SECTORS,
#else
	.erase_units = BJ_FLASH_SIZE / BJ_FLASH_PAGE_SIZE,
#endif
#if BJ_FLASH_BANKS > 1
	.bank2_unit = (BJ_FLASH_BANK2_BASE - BJ_FLASH_BASE) / BJ_FLASH_PAGE_SIZE,
#endif
	.sram = {BJ_SRAM_BASE, BJ_SRAM_SIZE},
	.rw_sram = BJ_BOOTLOADER_RW_SRAM,
	.bootloader_ram = {BJ_BOOTLOADER_RAM_BASE, BJ_BOOTLOADER_RAM_SIZE},
	.system_memory = {BJ_SYSMEM_BASE, BJ_SYSMEM_SIZE},
	.option_bytes = {BJ_OPTION_BYTES_BASE, BJ_OPTION_BYTES_SIZE},
};

/* rom.ld places the ROM's variables at the start of SRAM, which must be the bootloader's RAM. */
_Static_assert(BJ_BOOTLOADER_RAM_BASE == BJ_SRAM_BASE, "the bootloader's RAM starts SRAM");
extern uint32_t _bl_bss_start[], _bl_bss_end[];

__attribute__((noreturn)) void bl_reset(void)
{
	/* Decided before the ROM writes any RAM of its own, so that code sent back to user flash
	 * finds its RAM as it left it (apart from the few words the check pushes on the stack). */
	bl_activate();
	for (uint32_t *p = _bl_bss_start; p < _bl_bss_end; p++)
		*p = 0;
	bl_clock_init();
	bl_usart_init();
	bl_sync();
	for (;;)
		bl_command(&bl_device);
}
