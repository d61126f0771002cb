/* RCC of the STM32L0 (rcc-l0), RM0377 §7: oscillators ready as soon as they are switched on,
 * SW mirrored into SWS, the clock tree that sets HCLK for the time base, peripheral resets,
 * reset flags in RCC_CSR (kept across system resets until RMVF), the RTC-domain bits of RCC_CSR
 * (kept until power-on or RTCRST). */
#include "rcc.h"

/* Oscillator frequencies, RM0377 §7.2: HSI16 is 16 MHz (/4 with HSI16DIVEN); MSI is
 * 65.536 kHz x 2^MSIRANGE (range 5, 2.097 MHz, after reset); LSI 37 kHz is the part's lsi_hz.
 * HSE depends on the board: the emulator assumes an 8 MHz crystal (emulator/README.md). */
#define HSI16_HZ 16000000u
#define MSI_RANGE0_HZ 65536u
#define HSE_ASSUMED_HZ 8000000u
#define CR_HSI16DIVEN (1u << 3)   /* RM0377 §7.3.1 */
#define ICSCR_MSIRANGE_SHIFT 13u  /* RM0377 §7.3.2 */
#define CSR_RTC_DOMAIN 0x000f7f00u /* LSEON..RTCSEL, RTCEN, RTCRST: RM0377 §7.3.21 */

static const struct rcc_osc oscs[] = {
	{BJ_RCC_L0_CR_OFFSET, BJ_RCC_L0_CR_HSI16ON, BJ_RCC_L0_CR_HSI16RDYF},
	{BJ_RCC_L0_CR_OFFSET, BJ_RCC_L0_CR_MSION, BJ_RCC_L0_CR_MSIRDY},
	{BJ_RCC_L0_CR_OFFSET, BJ_RCC_L0_CR_HSEON, BJ_RCC_L0_CR_HSERDY},
	{BJ_RCC_L0_CR_OFFSET, BJ_RCC_L0_CR_PLLON, BJ_RCC_L0_CR_PLLRDY},
	{BJ_RCC_L0_CSR_OFFSET, BJ_RCC_L0_CSR_LSION, BJ_RCC_L0_CSR_LSIRDY},
	{BJ_RCC_L0_CSR_OFFSET, BJ_RCC_L0_CSR_LSEON, BJ_RCC_L0_CSR_LSERDY},
};

#define FIELD(v, name) (((v) >> BJ_RCC_L0_CFGR_##name##_SHIFT) & BJ_RCC_L0_CFGR_##name##_MASK)

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
		unsigned m = FIELD(cfgr, PLLMUL), d = FIELD(cfgr, PLLDIV);
		uint64_t in = FIELD(cfgr, PLLSRC) == BJ_RCC_L0_CFGR_PLLSRC_HSE ? HSE_ASSUMED_HZ : hsi;
		return in * (m < 9 ? mul[m] : 3) / (d ? d + 1 : 2);
	}
	}
}

static void clocks(struct periph *p, struct rcc_clocks *c)
{
	/* RM0377 §7.3.3: HPRE 0xxx /1, 1000../2..512 (skipping /32); PPREx 0xx /1, 100../2..16. */
	static const unsigned ahb_shift[] = {1, 2, 3, 4, 6, 7, 8, 9};
	uint32_t cfgr = p->regs[BJ_RCC_L0_CFGR_OFFSET / 4];
	unsigned hpre = FIELD(cfgr, HPRE), ppre1 = FIELD(cfgr, PPRE1), ppre2 = FIELD(cfgr, PPRE2);
	c->sysclk = source_hz(p, FIELD(cfgr, SWS));
	c->hclk = hpre & 8 ? c->sysclk >> ahb_shift[hpre & 7] : c->sysclk;
	c->pclk1 = ppre1 & 4 ? c->hclk >> ((ppre1 & 3) + 1) : c->hclk;
	c->pclk2 = ppre2 & 4 ? c->hclk >> ((ppre2 & 3) + 1) : c->hclk;
}

static uint64_t bus_of(struct periph *p, uint32_t enable_off, const struct rcc_clocks *c)
{
	(void)p;
	switch (enable_off) {
	case BJ_RCC_L0_APB1ENR_OFFSET:
		return c->pclk1;
	case BJ_RCC_L0_APB2ENR_OFFSET:
		return c->pclk2;
	default:
		return c->hclk;
	}
}

static void update_clock(struct periph *p)
{
	struct rcc_clocks c;
	clocks(p, &c);
	tb_set_hz(p->chip, c.hclk);
}

static void reset(struct periph *p, enum chip_reset_kind kind)
{
	uint32_t csr = p->regs[BJ_RCC_L0_CSR_OFFSET / 4];
	uint32_t flags = rcc_reset_flags(p->chip, csr & rcc_reset_flag_mask(p->chip), kind);
	uint32_t rtc = kind == CHIP_RESET_POWER_ON ? 0 : csr & CSR_RTC_DOMAIN;
	periph_storage_reset(p);
	p->regs[BJ_RCC_L0_CSR_OFFSET / 4] = flags | rtc;
	update_clock(p);
}

static void reg_write(struct periph *p, uint32_t off, uint32_t v, uint32_t mask)
{
	(void)mask;
	uint32_t *r = &p->regs[off / 4];
	switch (off) {
	case BJ_RCC_L0_CR_OFFSET:
		*r = rcc_osc_ready(v, oscs, sizeof(oscs) / sizeof(oscs[0]), off);
		break;
	case BJ_RCC_L0_CFGR_OFFSET: {
		/* SWS follows SW at once when the selected oscillator is ready (RM0377 §7.3.3). */
		unsigned sw = (v >> BJ_RCC_L0_CFGR_SW_SHIFT) & BJ_RCC_L0_CFGR_SW_MASK;
		static const uint32_t rdy[] = {BJ_RCC_L0_CR_MSIRDY, BJ_RCC_L0_CR_HSI16RDYF, BJ_RCC_L0_CR_HSERDY, BJ_RCC_L0_CR_PLLRDY};
		unsigned sws = FIELD(*r, SWS);
		if (p->regs[BJ_RCC_L0_CR_OFFSET / 4] & rdy[sw])
			sws = sw;
		*r = (v & ~(BJ_RCC_L0_CFGR_SWS_MASK << BJ_RCC_L0_CFGR_SWS_SHIFT)) | sws << BJ_RCC_L0_CFGR_SWS_SHIFT;
		break;
	}
	case BJ_RCC_L0_IOPRSTR_OFFSET:
	case BJ_RCC_L0_AHBRSTR_OFFSET:
	case BJ_RCC_L0_APB2RSTR_OFFSET:
	case BJ_RCC_L0_APB1RSTR_OFFSET:
		*r = v;
		rcc_apply_resets(p, off, v);
		break;
	case BJ_RCC_L0_CSR_OFFSET: {
		uint32_t flags = *r & rcc_reset_flag_mask(p->chip);
		if (v & BJ_RCC_L0_CSR_RMVF)
			flags = 0;
		if (v & BJ_RCC_L0_CSR_RTCRST) {
			/* RTC domain reset: the RTC block and its backup registers go back to reset. */
			struct periph *rtc = chip_periph_at(p->chip, p->chip->part->n_backup_regs ? p->chip->part->backup_regs[0] : 0);
			if (rtc)
				periph_storage_reset(rtc);
		}
		uint32_t keep = v & ~(rcc_reset_flag_mask(p->chip) | BJ_RCC_L0_CSR_RMVF);
		*r = rcc_osc_ready(keep | flags, oscs, sizeof(oscs) / sizeof(oscs[0]), off);
		break;
	}
	default:
		*r = v;
		break;
	}
	update_clock(p);
}

const struct periph_model rcc_l0_model = {
	.ip = BJ_IP_RCC_L0,
	.reset = reset,
	.write = reg_write,
	.always_clocked = true,
	.clocks = clocks,
	.bus_of = bus_of,
};
