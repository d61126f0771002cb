/* RCC of the STM32L0 (rcc-l0), RM0377 §7. Oscillators, RM0377 §7.2: HSI16 16 MHz (/4 with
 * HSI16DIVEN), MSI 65.536 kHz x 2^MSIRANGE (range 5, 2.097 MHz, after reset). HSE depends on
 * the board: the emulator assumes an 8 MHz crystal (emulator/README.md). */
#include "rcc.h"

#define HSI16_HZ 16000000u
#define MSI_RANGE0_HZ 65536u
#define HSE_ASSUMED_HZ 8000000u
#define CR_HSI16DIVEN (1u << 3)    /* RM0377 §7.3.1 */
#define ICSCR_MSIRANGE_SHIFT 13u   /* RM0377 §7.3.2 */
#define CSR_RTC_DOMAIN 0x000f7f00u /* LSEON..RTCSEL, RTCEN, RTCRST: RM0377 §7.3.21 */
#define CFGR(v, f) (((v) >> BJ_RCC_L0_CFGR_##f##_SHIFT) & BJ_RCC_L0_CFGR_##f##_MASK)

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
	uint64_t hsi = (cr & CR_HSI16DIVEN) ? HSI16_HZ / 4 : HSI16_HZ;
	switch (sw) {
	case BJ_RCC_L0_CFGR_SW_MSI:
		return (uint64_t)MSI_RANGE0_HZ << ((p->regs[BJ_RCC_L0_ICSCR_OFFSET / 4] >> ICSCR_MSIRANGE_SHIFT) & 7);
	case BJ_RCC_L0_CFGR_SW_HSI16:
		return hsi;
	case BJ_RCC_L0_CFGR_SW_HSE:
		return HSE_ASSUMED_HZ;
	default: {
		static const unsigned mul[] = {3, 4, 6, 8, 12, 16, 24, 32, 48};
		unsigned m = CFGR(cfgr, PLLMUL), d = CFGR(cfgr, PLLDIV);
		uint64_t in = CFGR(cfgr, PLLSRC) == BJ_RCC_L0_CFGR_PLLSRC_HSE ? HSE_ASSUMED_HZ : hsi;
		return in * (m < 9 ? mul[m] : 3) / (d ? d + 1 : 2);
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
	BJ_RCC_L0_CFGR_OFFSET, BJ_RCC_L0_CFGR_SW_SHIFT, 2, BJ_RCC_L0_CFGR_SWS_SHIFT,
	sources, sizeof(sources) / sizeof(sources[0]),
	BJ_RCC_L0_CSR_OFFSET, CSR_RTC_DOMAIN, BJ_RCC_L0_CSR_RTCRST,
	enables, sizeof(enables) / sizeof(enables[0]),
	clocks,
};

RCC_MODEL(rcc_l0_model, BJ_IP_RCC_L0, l0);
