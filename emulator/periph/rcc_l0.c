/* RCC of the STM32L0 (rcc-l0), RM0377 §7: the part's HSI16 (divided by 4 with HSI16DIVEN,
 * RM0377 §7.3.1) and MSI ranges (MSIRANGE 5, 2.097 MHz, after reset); HSE the assumed crystal.
 * PLL = input x PLLMUL / PLLDIV (RM0377 §7.3.3). */
#include "rcc.h"

#define FIELD(v, reg, f) (((v) >> BJ_RCC_L0_##reg##_##f##_SHIFT) & BJ_RCC_L0_##reg##_##f##_MASK)
#define CFGR(v, f) FIELD(v, CFGR, f)

static const struct rcc_osc oscs[] = {
	{BJ_RCC_L0_CR_OFFSET, BJ_RCC_L0_CR_HSI16ON, BJ_RCC_L0_CR_HSI16RDYF},
	{BJ_RCC_L0_CR_OFFSET, BJ_RCC_L0_CR_MSION, BJ_RCC_L0_CR_MSIRDY},
	{BJ_RCC_L0_CR_OFFSET, BJ_RCC_L0_CR_HSEON, BJ_RCC_L0_CR_HSERDY},
	{BJ_RCC_L0_CR_OFFSET, BJ_RCC_L0_CR_PLLON, BJ_RCC_L0_CR_PLLRDY},
	{BJ_RCC_L0_CSR_OFFSET, BJ_RCC_L0_CSR_LSION, BJ_RCC_L0_CSR_LSIRDY},
	{BJ_RCC_L0_CSR_OFFSET, BJ_RCC_L0_CSR_LSEON, BJ_RCC_L0_CSR_LSERDY},
};

static const struct rcc_osc sources[] = { /* SW: MSI, HSI16, HSE, PLL */
	{BJ_RCC_L0_CR_OFFSET, 0, BJ_RCC_L0_CR_MSIRDY},
	{BJ_RCC_L0_CR_OFFSET, 0, BJ_RCC_L0_CR_HSI16RDYF},
	{BJ_RCC_L0_CR_OFFSET, 0, BJ_RCC_L0_CR_HSERDY},
	{BJ_RCC_L0_CR_OFFSET, 0, BJ_RCC_L0_CR_PLLRDY},
};

static const struct rcc_enable enables[] = {
	{BJ_RCC_L0_APB1ENR_OFFSET, RCC_APB1},
	{BJ_RCC_L0_APB2ENR_OFFSET, RCC_APB2},
};

static uint64_t source_hz(const struct periph *p, unsigned sw)
{
	uint32_t cr = p->regs[BJ_RCC_L0_CR_OFFSET / 4], cfgr = p->regs[BJ_RCC_L0_CFGR_OFFSET / 4];
	uint64_t hsi = rcc_osc_hz(p, "HSI16", 0) / ((cr & BJ_RCC_L0_CR_HSI16DIVEN) ? 4 : 1);
	switch (sw) {
	case BJ_RCC_L0_CFGR_SW_MSI:
		return rcc_osc_hz(p, "MSI", FIELD(p->regs[BJ_RCC_L0_ICSCR_OFFSET / 4], ICSCR, MSIRANGE));
	case BJ_RCC_L0_CFGR_SW_HSI16:
		return hsi;
	case BJ_RCC_L0_CFGR_SW_HSE:
		return RCC_HSE_ASSUMED_HZ;
	default: {
		/* The factors the settings' names give; a reserved setting acts as the smallest. */
		static const unsigned mul[BJ_RCC_L0_CFGR_PLLMUL_MASK + 1] = {
			[BJ_RCC_L0_CFGR_PLLMUL_MUL3] = 3, [BJ_RCC_L0_CFGR_PLLMUL_MUL4] = 4, [BJ_RCC_L0_CFGR_PLLMUL_MUL6] = 6,
			[BJ_RCC_L0_CFGR_PLLMUL_MUL8] = 8, [BJ_RCC_L0_CFGR_PLLMUL_MUL12] = 12, [BJ_RCC_L0_CFGR_PLLMUL_MUL16] = 16,
			[BJ_RCC_L0_CFGR_PLLMUL_MUL24] = 24, [BJ_RCC_L0_CFGR_PLLMUL_MUL32] = 32, [BJ_RCC_L0_CFGR_PLLMUL_MUL48] = 48,
		};
		static const unsigned div[BJ_RCC_L0_CFGR_PLLDIV_MASK + 1] = {
			[BJ_RCC_L0_CFGR_PLLDIV_DIV2] = 2, [BJ_RCC_L0_CFGR_PLLDIV_DIV3] = 3, [BJ_RCC_L0_CFGR_PLLDIV_DIV4] = 4,
		};
		unsigned m = mul[CFGR(cfgr, PLLMUL)], d = div[CFGR(cfgr, PLLDIV)];
		uint64_t in = CFGR(cfgr, PLLSRC) == BJ_RCC_L0_CFGR_PLLSRC_HSE ? RCC_HSE_ASSUMED_HZ : hsi;
		return in * (m ? m : mul[BJ_RCC_L0_CFGR_PLLMUL_MUL3]) / (d ? d : div[BJ_RCC_L0_CFGR_PLLDIV_DIV2]);
	}
	}
}

static void clocks(struct periph *p, struct rcc_clocks *c)
{
	uint32_t cfgr = p->regs[BJ_RCC_L0_CFGR_OFFSET / 4];
	c->sysclk = source_hz(p, CFGR(cfgr, SWS));
	c->hclk = rcc_ahb_div(c->sysclk, CFGR(cfgr, HPRE));
	c->pclk1 = rcc_apb_div(c->hclk, CFGR(cfgr, PPRE1));
	c->pclk2 = rcc_apb_div(c->hclk, CFGR(cfgr, PPRE2));
}

static const struct rcc_family l0 = {
	oscs, sizeof(oscs) / sizeof(oscs[0]),
	BJ_RCC_L0_CFGR_OFFSET, BJ_RCC_L0_CFGR_SW_SHIFT, BJ_RCC_L0_CFGR_SWS_SHIFT, BJ_RCC_L0_CFGR_SW_MASK,
	sources, sizeof(sources) / sizeof(sources[0]),
	enables, sizeof(enables) / sizeof(enables[0]),
	clocks,
};

RCC_MODEL(rcc_l0_model, BJ_IP_RCC_L0, l0);
