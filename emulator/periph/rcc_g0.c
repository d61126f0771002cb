/* RCC of the STM32G0 (rcc-g0), RM0444 §5: HSISYS = HSI16 / 2^HSIDIV (16 MHz after reset), HSE
 * the assumed crystal, LSI and LSE the part's, PLLRCLK = input / (PLLM + 1) x PLLN / (PLLR + 1)
 * (RM0444 §5.4.4). */
#include "rcc.h"
#define FIELD(reg, f) ((p->regs[BJ_RCC_G0_##reg##_OFFSET / 4] >> BJ_RCC_G0_##reg##_##f##_SHIFT) & BJ_RCC_G0_##reg##_##f##_MASK)

static void clocks(struct periph *p, struct rcc_clocks *c)
{
	uint64_t hsi16 = rcc_osc_hz(p, "HSI16", 0);
	uint64_t in = FIELD(PLLCFGR, PLLSRC) == BJ_RCC_G0_PLLCFGR_PLLSRC_HSE ? RCC_HSE_ASSUMED_HZ : hsi16;
	uint64_t pllr = in / (FIELD(PLLCFGR, PLLM) + 1) * FIELD(PLLCFGR, PLLN) / (FIELD(PLLCFGR, PLLR) + 1);
	switch (FIELD(CFGR, SWS)) {
	case BJ_RCC_G0_CFGR_SWS_HSE: c->sysclk = RCC_HSE_ASSUMED_HZ; break;
	case BJ_RCC_G0_CFGR_SWS_PLLRCLK: c->sysclk = pllr ? pllr : hsi16; break;
	case BJ_RCC_G0_CFGR_SWS_LSI: c->sysclk = p->chip->part->lsi_hz; break;
	case BJ_RCC_G0_CFGR_SWS_LSE: c->sysclk = rcc_osc_hz(p, "LSE", 0); break;
	default: c->sysclk = hsi16 >> FIELD(CR, HSIDIV); break;
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
	BJ_RCC_G0_CFGR_OFFSET, BJ_RCC_G0_CFGR_SW_SHIFT, BJ_RCC_G0_CFGR_SWS_SHIFT, BJ_RCC_G0_CFGR_SW_MASK,
	sources, sizeof(sources) / sizeof(sources[0]),
	enables, sizeof(enables) / sizeof(enables[0]),
	clocks,
};

RCC_MODEL(rcc_g0_model, BJ_IP_RCC_G0, g0);
