/* RCC of the STM32F401 (rcc-f4), RM0368 §6: the part's HSI, HSE the assumed crystal, main PLL
 * = input / PLLM x PLLN / PLLP (RM0368 §6.3.2: PLLP 0..3 meaning /2, /4, /6, /8). */
#include "rcc.h"
#define FIELD(reg, f) ((p->regs[BJ_RCC_F4_##reg##_OFFSET / 4] >> BJ_RCC_F4_##reg##_##f##_SHIFT) & BJ_RCC_F4_##reg##_##f##_MASK)

static void clocks(struct periph *p, struct rcc_clocks *c)
{
	uint64_t hsi = rcc_osc_hz(p, "HSI", 0);
	uint64_t in = (p->regs[BJ_RCC_F4_PLLCFGR_OFFSET / 4] & BJ_RCC_F4_PLLCFGR_PLLSRC) ? RCC_HSE_ASSUMED_HZ : hsi;
	unsigned m = FIELD(PLLCFGR, PLLM);
	switch (FIELD(CFGR, SWS)) {
	case BJ_RCC_F4_CFGR_SWS_HSE: c->sysclk = RCC_HSE_ASSUMED_HZ; break;
	case BJ_RCC_F4_CFGR_SWS_PLL: c->sysclk = m ? in / m * FIELD(PLLCFGR, PLLN) / (2 * (FIELD(PLLCFGR, PLLP) + 1)) : hsi; break;
	default: c->sysclk = hsi; break;
	}
	c->hclk = rcc_ahb_div(c->sysclk, FIELD(CFGR, HPRE));
	c->pclk1 = rcc_apb_div(c->hclk, FIELD(CFGR, PPRE1));
	c->pclk2 = rcc_apb_div(c->hclk, FIELD(CFGR, PPRE2));
}

static const struct rcc_osc oscs[] = {
	{BJ_RCC_F4_CR_OFFSET, BJ_RCC_F4_CR_HSION, BJ_RCC_F4_CR_HSIRDY},
	{BJ_RCC_F4_CR_OFFSET, BJ_RCC_F4_CR_HSEON, BJ_RCC_F4_CR_HSERDY},
	{BJ_RCC_F4_CR_OFFSET, BJ_RCC_F4_CR_PLLON, BJ_RCC_F4_CR_PLLRDY},
	{BJ_RCC_F4_CR_OFFSET, BJ_RCC_F4_CR_PLLI2SON, BJ_RCC_F4_CR_PLLI2SRDY},
	{BJ_RCC_F4_CSR_OFFSET, BJ_RCC_F4_CSR_LSION, BJ_RCC_F4_CSR_LSIRDY},
	{BJ_RCC_F4_BDCR_OFFSET, BJ_RCC_F4_BDCR_LSEON, BJ_RCC_F4_BDCR_LSERDY},
};

static const struct rcc_osc sources[] = { /* SW: HSI, HSE, PLL */
	{BJ_RCC_F4_CR_OFFSET, 0, BJ_RCC_F4_CR_HSIRDY},
	{BJ_RCC_F4_CR_OFFSET, 0, BJ_RCC_F4_CR_HSERDY},
	{BJ_RCC_F4_CR_OFFSET, 0, BJ_RCC_F4_CR_PLLRDY},
};

static const struct rcc_enable enables[] = {
	{BJ_RCC_F4_APB1ENR_OFFSET, RCC_APB1},
	{BJ_RCC_F4_APB2ENR_OFFSET, RCC_APB2},
};

static const struct rcc_family f4 = {
	oscs, sizeof(oscs) / sizeof(oscs[0]),
	BJ_RCC_F4_CFGR_OFFSET, BJ_RCC_F4_CFGR_SW_SHIFT, BJ_RCC_F4_CFGR_SWS_SHIFT, BJ_RCC_F4_CFGR_SW_MASK,
	sources, sizeof(sources) / sizeof(sources[0]),
	enables, sizeof(enables) / sizeof(enables[0]),
	clocks,
};

RCC_MODEL(rcc_f4_model, BJ_IP_RCC_F4, f4);
