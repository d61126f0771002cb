/* RCC of the STM32L4 (rcc-l4), RM0394 §6: the part's MSI ranges (CR.MSIRANGE when MSIRGSEL is
 * set, else CSR.MSISRANGE: 4 MHz after reset) and HSI16, HSE the assumed crystal,
 * PLLCLK = input / (PLLM + 1) x PLLN / (2 x (PLLR + 1)) (RM0394 §6.4.4). */
#include "rcc.h"
#define FIELD(reg, f) ((p->regs[BJ_RCC_L4_##reg##_OFFSET / 4] >> BJ_RCC_L4_##reg##_##f##_SHIFT) & BJ_RCC_L4_##reg##_##f##_MASK)

static uint64_t msi_hz(const struct periph *p)
{
	unsigned r = (p->regs[BJ_RCC_L4_CR_OFFSET / 4] & BJ_RCC_L4_CR_MSIRGSEL) ? FIELD(CR, MSIRANGE) : FIELD(CSR, MSISRANGE);
	return rcc_osc_hz(p, "MSI", r);
}

static void clocks(struct periph *p, struct rcc_clocks *c)
{
	uint64_t hsi16 = rcc_osc_hz(p, "HSI16", 0);
	unsigned src = FIELD(PLLCFGR, PLLSRC);
	uint64_t in = src == BJ_RCC_L4_PLLCFGR_PLLSRC_HSE ? RCC_HSE_ASSUMED_HZ : src == BJ_RCC_L4_PLLCFGR_PLLSRC_HSI16 ? hsi16 : msi_hz(p);
	uint64_t pllr = in / (FIELD(PLLCFGR, PLLM) + 1) * FIELD(PLLCFGR, PLLN) / (2 * (FIELD(PLLCFGR, PLLR) + 1));
	switch (FIELD(CFGR, SWS)) {
	case BJ_RCC_L4_CFGR_SWS_HSI16: c->sysclk = hsi16; break;
	case BJ_RCC_L4_CFGR_SWS_HSE: c->sysclk = RCC_HSE_ASSUMED_HZ; break;
	case BJ_RCC_L4_CFGR_SWS_PLL: c->sysclk = pllr ? pllr : msi_hz(p); break;
	default: c->sysclk = msi_hz(p); break;
	}
	c->hclk = rcc_ahb_div(c->sysclk, FIELD(CFGR, HPRE));
	c->pclk1 = rcc_apb_div(c->hclk, FIELD(CFGR, PPRE1));
	c->pclk2 = rcc_apb_div(c->hclk, FIELD(CFGR, PPRE2));
}

static const struct rcc_osc oscs[] = {
	{BJ_RCC_L4_CR_OFFSET, BJ_RCC_L4_CR_MSION, BJ_RCC_L4_CR_MSIRDY},
	{BJ_RCC_L4_CR_OFFSET, BJ_RCC_L4_CR_HSION, BJ_RCC_L4_CR_HSIRDY},
	{BJ_RCC_L4_CR_OFFSET, BJ_RCC_L4_CR_HSEON, BJ_RCC_L4_CR_HSERDY},
	{BJ_RCC_L4_CR_OFFSET, BJ_RCC_L4_CR_PLLON, BJ_RCC_L4_CR_PLLRDY},
	{BJ_RCC_L4_CR_OFFSET, BJ_RCC_L4_CR_PLLSAI1ON, BJ_RCC_L4_CR_PLLSAI1RDY},
	{BJ_RCC_L4_CSR_OFFSET, BJ_RCC_L4_CSR_LSION, BJ_RCC_L4_CSR_LSIRDY},
	{BJ_RCC_L4_BDCR_OFFSET, BJ_RCC_L4_BDCR_LSEON, BJ_RCC_L4_BDCR_LSERDY},
};

static const struct rcc_osc sources[] = { /* SW: MSI, HSI16, HSE, PLL */
	{BJ_RCC_L4_CR_OFFSET, 0, BJ_RCC_L4_CR_MSIRDY},
	{BJ_RCC_L4_CR_OFFSET, 0, BJ_RCC_L4_CR_HSIRDY},
	{BJ_RCC_L4_CR_OFFSET, 0, BJ_RCC_L4_CR_HSERDY},
	{BJ_RCC_L4_CR_OFFSET, 0, BJ_RCC_L4_CR_PLLRDY},
};

static const struct rcc_enable enables[] = {
	{BJ_RCC_L4_APB1ENR1_OFFSET, RCC_APB1},
	{BJ_RCC_L4_APB1ENR2_OFFSET, RCC_APB1},
	{BJ_RCC_L4_APB2ENR_OFFSET, RCC_APB2},
};

static const struct rcc_family l4 = {
	oscs, sizeof(oscs) / sizeof(oscs[0]),
	BJ_RCC_L4_CFGR_OFFSET, BJ_RCC_L4_CFGR_SW_SHIFT, BJ_RCC_L4_CFGR_SWS_SHIFT, BJ_RCC_L4_CFGR_SW_MASK,
	sources, sizeof(sources) / sizeof(sources[0]),
	enables, sizeof(enables) / sizeof(enables[0]),
	clocks,
};

RCC_MODEL(rcc_l4_model, BJ_IP_RCC_L4, l4);
