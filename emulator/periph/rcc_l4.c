/* RCC of the STM32L4 (rcc-l4), RM0394 §6: MSI ranges 100 kHz .. 48 MHz (CR.MSIRANGE when
 * MSIRGSEL is set, else CSR.MSISRANGE: 4 MHz after reset), HSI16, HSE assumed 8 MHz (README),
 * PLLR = input / (PLLM + 1) x PLLN / (2 x (PLLR + 1)) with PLLCFGR PLLSRC[1:0] (1 MSI, 2 HSI16,
 * 3 HSE), PLLM[6:4], PLLN[14:8], PLLR[26:25] (RM0394 §6.4.4). */
#include "rcc.h"

#define HSI16_HZ 16000000u
#define HSE_ASSUMED_HZ 8000000u
#define BDCR_DOMAIN 0x0301ffffu /* LSEON..RTCEN, BDRST, LSCO: RM0394 §6.4.29 */
#define FIELD(reg, f) ((p->regs[BJ_RCC_L4_##reg##_OFFSET / 4] >> BJ_RCC_L4_##reg##_##f##_SHIFT) & BJ_RCC_L4_##reg##_##f##_MASK)

static uint64_t msi_hz(const struct periph *p)
{
	static const uint32_t range_hz[] = {100000, 200000, 400000, 800000, 1000000, 2000000,
					    4000000, 8000000, 16000000, 24000000, 32000000, 48000000};
	unsigned r = (p->regs[BJ_RCC_L4_CR_OFFSET / 4] & BJ_RCC_L4_CR_MSIRGSEL) ? FIELD(CR, MSIRANGE) : FIELD(CSR, MSISRANGE);
	return range_hz[r < 12 ? r : 11];
}

static void clocks(struct periph *p, struct rcc_clocks *c)
{
	uint32_t pll = p->regs[BJ_RCC_L4_PLLCFGR_OFFSET / 4];
	uint64_t in = (pll & 3) == 3 ? HSE_ASSUMED_HZ : (pll & 3) == 2 ? HSI16_HZ : msi_hz(p);
	uint64_t pllr = in / (((pll >> 4) & 7) + 1) * ((pll >> 8) & 0x7f) / (2 * (((pll >> 25) & 3) + 1));
	switch (FIELD(CFGR, SWS)) {
	case BJ_RCC_L4_CFGR_SWS_HSI16: c->sysclk = HSI16_HZ; break;
	case BJ_RCC_L4_CFGR_SWS_HSE: c->sysclk = HSE_ASSUMED_HZ; break;
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
	BJ_RCC_L4_CFGR_OFFSET, BJ_RCC_L4_CFGR_SW_SHIFT, 2, BJ_RCC_L4_CFGR_SWS_SHIFT,
	sources, sizeof(sources) / sizeof(sources[0]),
	BJ_RCC_L4_BDCR_OFFSET, BDCR_DOMAIN, BJ_RCC_L4_BDCR_BDRST,
	enables, sizeof(enables) / sizeof(enables[0]),
	clocks,
};

RCC_MODEL(rcc_l4_model, BJ_IP_RCC_L4, l4);
