/* RCC of the STM32G0 (rcc-g0), RM0444 §5: HSISYS = HSI16 / 2^HSIDIV (16 MHz after reset), HSE
 * assumed 8 MHz (README), PLLRCLK = input / (PLLM + 1) x PLLN / (PLLR + 1) with PLLCFGR
 * PLLSRC[1:0] (2 HSI16, 3 HSE), PLLM[6:4], PLLN[14:8], PLLR[31:29] (RM0444 §5.4.4). */
#include "rcc.h"

#define HSI16_HZ 16000000u
#define HSE_ASSUMED_HZ 8000000u
#define LSI_LSE_HZ 32768u
#define BDCR_DOMAIN 0x0301ffffu /* LSEON..RTCEN, BDRST, LSCO: RM0444 §5.4.21 */
#define FIELD(reg, f) ((p->regs[BJ_RCC_G0_##reg##_OFFSET / 4] >> BJ_RCC_G0_##reg##_##f##_SHIFT) & BJ_RCC_G0_##reg##_##f##_MASK)

static void clocks(struct periph *p, struct rcc_clocks *c)
{
	uint32_t pll = p->regs[BJ_RCC_G0_PLLCFGR_OFFSET / 4];
	uint64_t in = (pll & 3) == 3 ? HSE_ASSUMED_HZ : HSI16_HZ;
	uint64_t pllr = in / (((pll >> 4) & 7) + 1) * ((pll >> 8) & 0x7f) / (((pll >> 29) & 7) + 1);
	switch (FIELD(CFGR, SWS)) {
	case BJ_RCC_G0_CFGR_SWS_HSE: c->sysclk = HSE_ASSUMED_HZ; break;
	case BJ_RCC_G0_CFGR_SWS_PLLRCLK: c->sysclk = pllr ? pllr : HSI16_HZ; break;
	case BJ_RCC_G0_CFGR_SWS_LSI:
	case BJ_RCC_G0_CFGR_SWS_LSE: c->sysclk = LSI_LSE_HZ; break;
	default: c->sysclk = HSI16_HZ >> FIELD(CR, HSIDIV); break;
	}
	c->hclk = rcc_ahb_div(c->sysclk, FIELD(CFGR, HPRE));
	c->pclk1 = c->pclk2 = rcc_apb_div(c->hclk, FIELD(CFGR, PPRE));
}

static const struct rcc_osc oscs[] = {
	{BJ_RCC_G0_CR_OFFSET, BJ_RCC_G0_CR_HSION, BJ_RCC_G0_CR_HSIRDY},
	{BJ_RCC_G0_CR_OFFSET, BJ_RCC_G0_CR_HSEON, BJ_RCC_G0_CR_HSERDY},
	{BJ_RCC_G0_CR_OFFSET, BJ_RCC_G0_CR_PLLON, BJ_RCC_G0_CR_PLLRDY},
	{BJ_RCC_G0_CSR_OFFSET, BJ_RCC_G0_CSR_LSION, BJ_RCC_G0_CSR_LSIRDY},
	{BJ_RCC_G0_BDCR_OFFSET, BJ_RCC_G0_BDCR_LSEON, BJ_RCC_G0_BDCR_LSERDY},
};

static const struct rcc_osc sources[] = { /* SW: HSISYS, HSE, PLLRCLK, LSI, LSE */
	{BJ_RCC_G0_CR_OFFSET, 0, BJ_RCC_G0_CR_HSIRDY},
	{BJ_RCC_G0_CR_OFFSET, 0, BJ_RCC_G0_CR_HSERDY},
	{BJ_RCC_G0_CR_OFFSET, 0, BJ_RCC_G0_CR_PLLRDY},
	{BJ_RCC_G0_CSR_OFFSET, 0, BJ_RCC_G0_CSR_LSIRDY},
	{BJ_RCC_G0_BDCR_OFFSET, 0, BJ_RCC_G0_BDCR_LSERDY},
};

static const struct rcc_enable enables[] = {
	{BJ_RCC_G0_APBENR1_OFFSET, RCC_APB1},
	{BJ_RCC_G0_APBENR2_OFFSET, RCC_APB2},
};

static const struct rcc_family g0 = {
	oscs, sizeof(oscs) / sizeof(oscs[0]),
	BJ_RCC_G0_CFGR_OFFSET, BJ_RCC_G0_CFGR_SW_SHIFT, 3, BJ_RCC_G0_CFGR_SWS_SHIFT,
	sources, sizeof(sources) / sizeof(sources[0]),
	BJ_RCC_G0_BDCR_OFFSET, BDCR_DOMAIN, BJ_RCC_G0_BDCR_BDRST,
	enables, sizeof(enables) / sizeof(enables[0]),
	clocks,
};

RCC_MODEL(rcc_g0_model, BJ_IP_RCC_G0, g0);
