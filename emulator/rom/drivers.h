/* Which driver serves this part, chosen from the IP blocks and the activation profile that
 * build/gen/<part>/bj_part.h declares (never from the part's name). Each driver file compiles only
 * when its macro here is 1. A part whose blocks have no driver stops here with a message, and
 * emulator/rom/module.mk asks this header (through the preprocessor) which parts it can build.
 */
#ifndef EMULATOR_ROM_DRIVERS_H
#define EMULATOR_ROM_DRIVERS_H

#include "bj_part.h"

/* Clock tree: clock_*.c */
#if defined(BJ_IP_RCC_RCC_L0)
#define BL_CLOCK_L0 1
#elif defined(BJ_IP_RCC_RCC_F0) || defined(BJ_IP_RCC_RCC_F1) || defined(BJ_IP_RCC_RCC_F4) || defined(BJ_IP_RCC_RCC_G0) \
	|| defined(BJ_IP_RCC_RCC_L4)
#define BL_CLOCK_RESET 1
#else
#error "ROM model: no clock driver for this part's RCC block (add emulator/rom/clock_<ip>.c)"
#endif

/* Flash controller: flash_*.c */
#if defined(BJ_IP_FLASH_FLASH_L0)
#define BL_FLASH_L0 1
#elif defined(BJ_IP_FLASH_FLASH_F0) || defined(BJ_IP_FLASH_FLASH_F1)
#define BL_FLASH_F0_F1 1
#elif defined(BJ_IP_FLASH_FLASH_F4)
#define BL_FLASH_F4 1
#elif defined(BJ_IP_FLASH_FLASH_G0) || defined(BJ_IP_FLASH_FLASH_L4)
#define BL_FLASH_G0_L4 1
#else
#error "ROM model: no flash driver for this part's FLASH block (add emulator/rom/flash_<ip>.c)"
#endif

/* Bootloader USARTs: usart_*.c (every bootloader USART of a part uses the same block). */
#if defined(BJ_BL_USART0_IP_USART_V2)
#define BL_USART_V2 1
#elif defined(BJ_BL_USART0_IP_USART_V1)
#define BL_USART_V1 1
#else
#error "ROM model: no USART driver for this part's bootloader USART block (add emulator/rom/usart_<ip>.c)"
#endif

/* GPIO ports of the bootloader USART pins: gpio_*.c */
#if defined(BJ_GPIO_V2_MODER_OFFSET) || defined(BJ_GPIO_F4_MODER_OFFSET)
#define BL_GPIO_V2 1
#elif defined(BJ_GPIO_F1_CRL_OFFSET)
#define BL_GPIO_F1 1
#else
#error "ROM model: no GPIO driver for this part's GPIO block (add emulator/rom/gpio_<ip>.c)"
#endif

/* What the boot pins selected at reset: boot_pins_*.c (used by profiles that must tell a
 * BOOT0-pin boot from a jump). */
#if defined(BJ_IP_SYSCFG_SYSCFG_L0)
#define BL_BOOT_PINS_SYSCFG_L0 1
#endif

/* Activation profile: activation_*.c */
#if defined(BJ_PART_PROFILE_PLAIN) || defined(BJ_PART_PROFILE_BOOT_EMPTY_CHECK) || defined(BJ_PART_PROFILE_G0_EMPTY_FLAG)
#define BL_ACTIVATION_STAYS 1
#elif defined(BJ_PART_PROFILE_EMPTY_CHECK)
#define BL_ACTIVATION_EMPTY_CHECK 1
#elif defined(BJ_PART_PROFILE_EMPTY_CHECK_F04X)
#define BL_ACTIVATION_EMPTY_CHECK_F04X 1
#elif defined(BJ_PART_PROFILE_DUAL_BANK)
#define BL_ACTIVATION_DUAL_BANK 1
#else
#error "ROM model: this part's activation profile is not modelled (emulator/rom/README.md lists them)"
#endif

#if defined(BL_ACTIVATION_DUAL_BANK) && !defined(BL_BOOT_PINS_SYSCFG_L0)
#error "ROM model: the dual-bank profile needs to read what the boot pins selected, and the part has no block that records it"
#endif

#endif
