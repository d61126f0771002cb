/* empty-check-f04x (STM32F04x): a jump from user code goes back to user flash unless one of three
 * conditions holds.
 *
 * AN2606 (STM32F04xxx): "Due to empty check mechanism present on this product, it is not possible
 * to jump from user code to system bootloader. Such jump goes back to user flash memory space. To
 * jump to the bootloader one of the following three conditions must be fulfilled": the first 4
 * bytes of user flash are 0xFFFFFFFF (empty), Boot_SW = 0 (the BOOT_SEL option bit: the boot
 * source comes from the nBOOT0 option bit, not the pin), or "PB8 or PF11 State = 1" (the BOOT0
 * pin). The model reads them in that order, each a load, a test and a branch to "stay", and
 * starts user flash when none holds.
 *
 * Simplest readings where AN2606 is silent: "empty" is the part's erased word (BJ_FLASH_ERASED);
 * BOOT_SEL is read from FLASH_OBR, where the option bytes are loaded at reset; the pin is the one
 * parts/stm32.json names (PB8 on the packages the database describes), read through its GPIO.
 */
#include "rom.h"

#if BL_ACTIVATION_EMPTY_CHECK_F04X

#define BL_CAT(a, b, c) a##b##c
#define BL_XCAT(a, b, c) BL_CAT(a, b, c)
#define BOOT0_PORT BL_XCAT(, BJ_BOOT0_GPIO, _BASE)
#define BOOT0_PORT_ENABLE_ADDR BL_XCAT(BJ_, BJ_BOOT0_GPIO, _ENABLE_ADDR)
#define BOOT0_PORT_ENABLE_BIT BL_XCAT(BJ_, BJ_BOOT0_GPIO, _ENABLE_BIT)

static bool boot0_pin_high(void)
{
	/* The port reads 0 while its clock is off; leave the enable bit as the caller had it. */
	bool was_on = bl_read32(BOOT0_PORT_ENABLE_ADDR) & BOOT0_PORT_ENABLE_BIT;

	bl_set_bits(BOOT0_PORT_ENABLE_ADDR, BOOT0_PORT_ENABLE_BIT);
	bool high = bl_gpio_read(BOOT0_PORT, BJ_BOOT0_PIN);
	if (!was_on)
		bl_clear_bits(BOOT0_PORT_ENABLE_ADDR, BOOT0_PORT_ENABLE_BIT);
	return high;
}

void bl_activate(void)
{
	if (*(volatile const uint32_t *)BJ_FLASH_BASE == BJ_FLASH_ERASED)
		return;
	if (!(bl_read32(BJ_OPTION_REGISTER_ADDR) & BJ_OPTION_BOOT_SEL))
		return;
	if (boot0_pin_high())
		return;
	bl_start(BJ_FLASH_BASE);
}

#endif
