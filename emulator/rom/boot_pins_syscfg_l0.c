/* What the boot pins selected at reset, on parts whose SYSCFG_CFGR1 records it in BOOT_MODE
 * (RM0377 §10.2.1: "Boot mode selected by the boot pins status bits", read only). */
#include "rom.h"

#if BL_BOOT_PINS_SYSCFG_L0

bool bl_boot_pins_chose_system_memory(void)
{
	/* SYSCFG registers read as 0 while its clock is off; turn it on for the read and leave the
	 * enable bit as the caller had it. */
	bool was_on = bl_read32(BJ_SYSCFG_ENABLE_ADDR) & BJ_SYSCFG_ENABLE_BIT;

	bl_set_bits(BJ_SYSCFG_ENABLE_ADDR, BJ_SYSCFG_ENABLE_BIT);
	uint32_t mode = (SYSCFG_CFGR1 >> SYSCFG_CFGR1_BOOT_MODE_SHIFT) & SYSCFG_CFGR1_BOOT_MODE_MASK;
	if (!was_on)
		bl_clear_bits(BJ_SYSCFG_ENABLE_ADDR, BJ_SYSCFG_ENABLE_BIT);
	return mode == SYSCFG_CFGR1_BOOT_MODE_SYSTEM_FLASH;
}

#endif
