/* The STM32L0 bootloader's clock. AN2606 (STM32L0 bootloader sections): the bootloader runs on
 * HSI16 with "System clock frequency 32 MHz". The model gets there the RM0377 way (§7.2, §6.1.4):
 * voltage range 1, one flash wait state, PLL = HSI16 x 4 / 2, then switch SYSCLK to the PLL.
 * AN2606 does not say how the ROM builds its 32 MHz; this is the only PLL setting from HSI16 that
 * gives it with the PLL's documented multipliers and dividers. */
#include "rom.h"

#if BL_CLOCK_L0

#define FIELD(value, name) ((uint32_t)(value) << name##_SHIFT)

void bl_clock_init(void)
{
	/* Range 1 (1.8 V) is needed above 16 MHz; PWR is clocked for the change. */
	bl_set_bits(BJ_PWR_ENABLE_ADDR, BJ_PWR_ENABLE_BIT);
	PWR_CR = (PWR_CR & ~FIELD(PWR_CR_VOS_MASK, PWR_CR_VOS)) | FIELD(PWR_CR_VOS_RANGE1, PWR_CR_VOS);
	bl_wait(PWR_CSR_ADDR, PWR_CSR_VOSF, 0);

	bl_set_bits(RCC_CR_ADDR, RCC_CR_HSI16ON);
	bl_wait(RCC_CR_ADDR, RCC_CR_HSI16RDYF, RCC_CR_HSI16RDYF);

	/* One wait state before the clock goes above 16 MHz. */
	bl_set_bits(FLASH_ACR_ADDR, FLASH_ACR_LATENCY);

	RCC_CFGR = FIELD(RCC_CFGR_PLLSRC_HSI16, RCC_CFGR_PLLSRC) | FIELD(RCC_CFGR_PLLMUL_MUL4, RCC_CFGR_PLLMUL)
	           | FIELD(RCC_CFGR_PLLDIV_DIV2, RCC_CFGR_PLLDIV);
	bl_set_bits(RCC_CR_ADDR, RCC_CR_PLLON);
	bl_wait(RCC_CR_ADDR, RCC_CR_PLLRDY, RCC_CR_PLLRDY);

	RCC_CFGR |= FIELD(RCC_CFGR_SW_PLL, RCC_CFGR_SW);
	bl_wait(RCC_CFGR_ADDR, FIELD(RCC_CFGR_SWS_MASK, RCC_CFGR_SWS), FIELD(RCC_CFGR_SWS_PLL, RCC_CFGR_SWS));
}

/* Back to the reset clock (MSI), and every field this file changed back to its reset value. */
void bl_clock_deinit(void)
{
	RCC_CFGR &= ~FIELD(RCC_CFGR_SW_MASK, RCC_CFGR_SW);
	bl_wait(RCC_CFGR_ADDR, FIELD(RCC_CFGR_SWS_MASK, RCC_CFGR_SWS), FIELD(RCC_CFGR_SWS_MSI, RCC_CFGR_SWS));
	bl_clear_bits(RCC_CR_ADDR, RCC_CR_PLLON);
	bl_wait(RCC_CR_ADDR, RCC_CR_PLLRDY, 0);
	RCC_CFGR = BJ_RCC_L0_CFGR_RESET;
	bl_clear_bits(RCC_CR_ADDR, RCC_CR_HSI16ON);

	bl_clear_bits(FLASH_ACR_ADDR, FLASH_ACR_LATENCY);
	PWR_CR = (PWR_CR & ~FIELD(PWR_CR_VOS_MASK, PWR_CR_VOS)) | (BJ_PWR_L0_CR_RESET & FIELD(PWR_CR_VOS_MASK, PWR_CR_VOS));
	bl_wait(PWR_CSR_ADDR, PWR_CSR_VOSF, 0);
	bl_clear_bits(BJ_PWR_ENABLE_ADDR, BJ_PWR_ENABLE_BIT);
}

#endif
