/* RCC of the STM32F0 (rcc-f0, RM0091 §7 / RM0360 §6) and STM32F1 (rcc-f1, RM0008 §7): the same
 * CR/CFGR layout; the oscillators are the part's (HSI, HSI48 where the part has one), HSE the
 * assumed crystal. PLL: F1 (RM0008 §7.3.2) HSI/2 or HSE (/2 with PLLXTPRE) x (PLLMUL + 2, at
 * most 16); F0 (RM0091 §7.4.2) HSI/2 or HSE/(PREDIV + 1) by CFGR.PLLSRC (its settings that
 * take HSI or HSI48 through PREDIV are not modelled: HSI/2). */
#include "rcc.h"

#define F0(reg, f) (((p->regs[BJ_RCC_F0_##reg##_OFFSET / 4]) >> BJ_RCC_F0_##reg##_##f##_SHIFT) & BJ_RCC_F0_##reg##_##f##_MASK)
#define F1(reg, f) (((p->regs[BJ_RCC_F1_##reg##_OFFSET / 4]) >> BJ_RCC_F1_##reg##_##f##_SHIFT) & BJ_RCC_F1_##reg##_##f##_MASK)

static unsigned pll_mul(unsigned field)
{
	return field >= 14 ? 16 : field + 2;
}

static void clocks_f0(struct periph *p, struct rcc_clocks *c)
{
	uint64_t hsi = rcc_osc_hz(p, "HSI", 0), hsi48 = rcc_osc_hz(p, "HSI48", 0);
	uint64_t pll_in = F0(CFGR, PLLSRC) == BJ_RCC_F0_CFGR_PLLSRC_HSE_PREDIV ? RCC_HSE_ASSUMED_HZ / (F0(CFGR2, PREDIV) + 1)
										: hsi / 2;
	switch (F0(CFGR, SWS)) {
	case BJ_RCC_F0_CFGR_SWS_HSE: c->sysclk = RCC_HSE_ASSUMED_HZ; break;
	case BJ_RCC_F0_CFGR_SWS_PLL: c->sysclk = pll_in * pll_mul(F0(CFGR, PLLMUL)); break;
	case BJ_RCC_F0_CFGR_SWS_HSI48: c->sysclk = hsi48 ? hsi48 : hsi; break; /* reserved without HSI48 */
	default: c->sysclk = hsi; break;
	}
	c->hclk = rcc_ahb_div(c->sysclk, F0(CFGR, HPRE));
	c->pclk1 = c->pclk2 = rcc_apb_div(c->hclk, F0(CFGR, PPRE));
}

static void clocks_f1(struct periph *p, struct rcc_clocks *c)
{
	uint32_t cfgr = p->regs[BJ_RCC_F1_CFGR_OFFSET / 4];
	uint64_t hsi = rcc_osc_hz(p, "HSI", 0);
	uint64_t pll_in = (cfgr & BJ_RCC_F1_CFGR_PLLSRC) ? RCC_HSE_ASSUMED_HZ / ((cfgr & BJ_RCC_F1_CFGR_PLLXTPRE) ? 2 : 1) : hsi / 2;
	switch (F1(CFGR, SWS)) {
	case BJ_RCC_F1_CFGR_SWS_HSE: c->sysclk = RCC_HSE_ASSUMED_HZ; break;
	case BJ_RCC_F1_CFGR_SWS_PLL: c->sysclk = pll_in * pll_mul(F1(CFGR, PLLMUL)); break;
	default: c->sysclk = hsi; break;
	}
	c->hclk = rcc_ahb_div(c->sysclk, F1(CFGR, HPRE));
	c->pclk1 = rcc_apb_div(c->hclk, F1(CFGR, PPRE1));
	c->pclk2 = rcc_apb_div(c->hclk, F1(CFGR, PPRE2));
}

static const struct rcc_osc oscs_f0[] = {
	{BJ_RCC_F0_CR_OFFSET, BJ_RCC_F0_CR_HSION, BJ_RCC_F0_CR_HSIRDY},
	{BJ_RCC_F0_CR_OFFSET, BJ_RCC_F0_CR_HSEON, BJ_RCC_F0_CR_HSERDY},
	{BJ_RCC_F0_CR_OFFSET, BJ_RCC_F0_CR_PLLON, BJ_RCC_F0_CR_PLLRDY},
	{BJ_RCC_F0_CR2_OFFSET, BJ_RCC_F0_CR2_HSI14ON, BJ_RCC_F0_CR2_HSI14RDY},
	{BJ_RCC_F0_CR2_OFFSET, BJ_RCC_F0_CR2_HSI48ON, BJ_RCC_F0_CR2_HSI48RDY},
	{BJ_RCC_F0_CSR_OFFSET, BJ_RCC_F0_CSR_LSION, BJ_RCC_F0_CSR_LSIRDY},
	{BJ_RCC_F0_BDCR_OFFSET, BJ_RCC_F0_BDCR_LSEON, BJ_RCC_F0_BDCR_LSERDY},
};

static const struct rcc_osc sources_f0[] = { /* SW: HSI, HSE, PLL, HSI48 */
	{BJ_RCC_F0_CR_OFFSET, 0, BJ_RCC_F0_CR_HSIRDY},
	{BJ_RCC_F0_CR_OFFSET, 0, BJ_RCC_F0_CR_HSERDY},
	{BJ_RCC_F0_CR_OFFSET, 0, BJ_RCC_F0_CR_PLLRDY},
	{BJ_RCC_F0_CR2_OFFSET, 0, BJ_RCC_F0_CR2_HSI48RDY},
};

static const struct rcc_enable enables_f0[] = {
	{BJ_RCC_F0_APB1ENR_OFFSET, RCC_APB1},
	{BJ_RCC_F0_APB2ENR_OFFSET, RCC_APB2},
};

static const struct rcc_family f0 = {
	oscs_f0, sizeof(oscs_f0) / sizeof(oscs_f0[0]),
	BJ_RCC_F0_CFGR_OFFSET, BJ_RCC_F0_CFGR_SW_SHIFT, BJ_RCC_F0_CFGR_SWS_SHIFT, BJ_RCC_F0_CFGR_SW_MASK,
	sources_f0, sizeof(sources_f0) / sizeof(sources_f0[0]),
	enables_f0, sizeof(enables_f0) / sizeof(enables_f0[0]),
	clocks_f0,
};

static const struct rcc_osc oscs_f1[] = {
	{BJ_RCC_F1_CR_OFFSET, BJ_RCC_F1_CR_HSION, BJ_RCC_F1_CR_HSIRDY},
	{BJ_RCC_F1_CR_OFFSET, BJ_RCC_F1_CR_HSEON, BJ_RCC_F1_CR_HSERDY},
	{BJ_RCC_F1_CR_OFFSET, BJ_RCC_F1_CR_PLLON, BJ_RCC_F1_CR_PLLRDY},
	{BJ_RCC_F1_CSR_OFFSET, BJ_RCC_F1_CSR_LSION, BJ_RCC_F1_CSR_LSIRDY},
	{BJ_RCC_F1_BDCR_OFFSET, BJ_RCC_F1_BDCR_LSEON, BJ_RCC_F1_BDCR_LSERDY},
};

static const struct rcc_osc sources_f1[] = { /* SW: HSI, HSE, PLL */
	{BJ_RCC_F1_CR_OFFSET, 0, BJ_RCC_F1_CR_HSIRDY},
	{BJ_RCC_F1_CR_OFFSET, 0, BJ_RCC_F1_CR_HSERDY},
	{BJ_RCC_F1_CR_OFFSET, 0, BJ_RCC_F1_CR_PLLRDY},
};

static const struct rcc_enable enables_f1[] = {
	{BJ_RCC_F1_APB1ENR_OFFSET, RCC_APB1},
	{BJ_RCC_F1_APB2ENR_OFFSET, RCC_APB2},
};

static const struct rcc_family f1 = {
	oscs_f1, sizeof(oscs_f1) / sizeof(oscs_f1[0]),
	BJ_RCC_F1_CFGR_OFFSET, BJ_RCC_F1_CFGR_SW_SHIFT, BJ_RCC_F1_CFGR_SWS_SHIFT, BJ_RCC_F1_CFGR_SW_MASK,
	sources_f1, sizeof(sources_f1) / sizeof(sources_f1[0]),
	enables_f1, sizeof(enables_f1) / sizeof(enables_f1[0]),
	clocks_f1,
};

RCC_MODEL(rcc_f0_model, BJ_IP_RCC_F0, f0);
RCC_MODEL(rcc_f1_model, BJ_IP_RCC_F1, f1);
