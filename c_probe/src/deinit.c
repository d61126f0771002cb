/* The steps of the classic de-init, one function each so each gets its own checkpoint. What they
 * touch is chosen by the part's RCC variant (BJ_IP_RCC_*) and reset clock (BJ_RESET_CLOCK_*);
 * every register name is the reference manual's, every address and reset value the database's. */
#include "probe.h"

struct bj_reg_value {
	uint32_t addr;
	uint32_t value;
};

#if defined(BJ_IP_RCC_RCC_L0)
/* RM0377 §7.3: the reset registers of the IO ports, AHB, APB2 and APB1. */
static const uint32_t rcc_reset_regs[] = {RCC_IOPRSTR_ADDR, RCC_AHBRSTR_ADDR, RCC_APB2RSTR_ADDR, RCC_APB1RSTR_ADDR};
/* In every table CR comes first: with the reset oscillator already the system clock it stops
 * the others and the PLL, so the PLL configuration in CFGR may then be cleared; then interrupt
 * enables, clock enables, kernel clocks. Calibration (ICSCR), flag (CIFR/CICR) and reset-flag,
 * LSI and RTC registers (CSR, BDCR) keep their contents. */
static const struct bj_reg_value rcc_reset_values[] = {
	{RCC_CR_ADDR, BJ_RCC_L0_CR_RESET},
	{RCC_CFGR_ADDR, BJ_RCC_L0_CFGR_RESET},
	{RCC_CIER_ADDR, BJ_RCC_L0_CIER_RESET},
	{RCC_IOPENR_ADDR, BJ_RCC_L0_IOPENR_RESET},
	{RCC_AHBENR_ADDR, BJ_RCC_L0_AHBENR_RESET},
	{RCC_APB2ENR_ADDR, BJ_RCC_L0_APB2ENR_RESET},
	{RCC_APB1ENR_ADDR, BJ_RCC_L0_APB1ENR_RESET},
	{RCC_CCIPR_ADDR, BJ_RCC_L0_CCIPR_RESET},
};
#elif defined(BJ_IP_RCC_RCC_F0)
/* RM0091 §6.4 (RM0360 §7.4): AHB, APB2 and APB1 reset registers; CR2 holds HSI14/HSI48. */
static const uint32_t rcc_reset_regs[] = {RCC_AHBRSTR_ADDR, RCC_APB2RSTR_ADDR, RCC_APB1RSTR_ADDR};
static const struct bj_reg_value rcc_reset_values[] = {
	{RCC_CR_ADDR, BJ_RCC_F0_CR_RESET},
	{RCC_CR2_ADDR, BJ_RCC_F0_CR2_RESET},
	{RCC_CFGR_ADDR, BJ_RCC_F0_CFGR_RESET},
	{RCC_CFGR2_ADDR, BJ_RCC_F0_CFGR2_RESET},
	{RCC_CFGR3_ADDR, BJ_RCC_F0_CFGR3_RESET},
	{RCC_CIR_ADDR, BJ_RCC_F0_CIR_RESET},
	{RCC_AHBENR_ADDR, BJ_RCC_F0_AHBENR_RESET},
	{RCC_APB2ENR_ADDR, BJ_RCC_F0_APB2ENR_RESET},
	{RCC_APB1ENR_ADDR, BJ_RCC_F0_APB1ENR_RESET},
};
#elif defined(BJ_IP_RCC_RCC_F1)
/* RM0008 §7.3: APB2 and APB1 reset registers (AHB has none on the medium density line). */
static const uint32_t rcc_reset_regs[] = {RCC_APB2RSTR_ADDR, RCC_APB1RSTR_ADDR};
static const struct bj_reg_value rcc_reset_values[] = {
	{RCC_CR_ADDR, BJ_RCC_F1_CR_RESET},
	{RCC_CFGR_ADDR, BJ_RCC_F1_CFGR_RESET},
	{RCC_CIR_ADDR, BJ_RCC_F1_CIR_RESET},
	{RCC_AHBENR_ADDR, BJ_RCC_F1_AHBENR_RESET},
	{RCC_APB2ENR_ADDR, BJ_RCC_F1_APB2ENR_RESET},
	{RCC_APB1ENR_ADDR, BJ_RCC_F1_APB1ENR_RESET},
};
#elif defined(BJ_IP_RCC_RCC_F4)
/* RM0368 §6.3: AHB1, AHB2, APB1 and APB2 reset registers; PLLCFGR only with the PLLs stopped. */
static const uint32_t rcc_reset_regs[] = {RCC_AHB1RSTR_ADDR, RCC_AHB2RSTR_ADDR, RCC_APB1RSTR_ADDR, RCC_APB2RSTR_ADDR};
static const struct bj_reg_value rcc_reset_values[] = {
	{RCC_CR_ADDR, BJ_RCC_F4_CR_RESET},
	{RCC_PLLCFGR_ADDR, BJ_RCC_F4_PLLCFGR_RESET},
	{RCC_CFGR_ADDR, BJ_RCC_F4_CFGR_RESET},
	{RCC_CIR_ADDR, BJ_RCC_F4_CIR_RESET},
	{RCC_AHB1ENR_ADDR, BJ_RCC_F4_AHB1ENR_RESET},
	{RCC_AHB2ENR_ADDR, BJ_RCC_F4_AHB2ENR_RESET},
	{RCC_APB1ENR_ADDR, BJ_RCC_F4_APB1ENR_RESET},
	{RCC_APB2ENR_ADDR, BJ_RCC_F4_APB2ENR_RESET},
	{RCC_SSCGR_ADDR, BJ_RCC_F4_SSCGR_RESET},
	{RCC_DCKCFGR_ADDR, BJ_RCC_F4_DCKCFGR_RESET},
};
#elif defined(BJ_IP_RCC_RCC_G0)
/* RM0444 §5.4: IO port, AHB and the two APB reset registers; PLLCFGR only with the PLL stopped. */
static const uint32_t rcc_reset_regs[] = {RCC_IOPRSTR_ADDR, RCC_AHBRSTR_ADDR, RCC_APBRSTR1_ADDR, RCC_APBRSTR2_ADDR};
static const struct bj_reg_value rcc_reset_values[] = {
	{RCC_CR_ADDR, BJ_RCC_G0_CR_RESET},
	{RCC_PLLCFGR_ADDR, BJ_RCC_G0_PLLCFGR_RESET},
	{RCC_CFGR_ADDR, BJ_RCC_G0_CFGR_RESET},
	{RCC_CIER_ADDR, BJ_RCC_G0_CIER_RESET},
	{RCC_IOPENR_ADDR, BJ_RCC_G0_IOPENR_RESET},
	{RCC_AHBENR_ADDR, BJ_RCC_G0_AHBENR_RESET},
	{RCC_APBENR1_ADDR, BJ_RCC_G0_APBENR1_RESET},
	{RCC_APBENR2_ADDR, BJ_RCC_G0_APBENR2_RESET},
	{RCC_CCIPR_ADDR, BJ_RCC_G0_CCIPR_RESET},
};
#elif defined(BJ_IP_RCC_RCC_L4)
/* RM0394 §6.4: AHB1, AHB2, APB1 (two) and APB2 reset registers; the PLL configurations only
 * with the PLLs stopped. */
static const uint32_t rcc_reset_regs[] = {RCC_AHB1RSTR_ADDR, RCC_AHB2RSTR_ADDR, RCC_APB1RSTR1_ADDR, RCC_APB1RSTR2_ADDR,
					   RCC_APB2RSTR_ADDR};
static const struct bj_reg_value rcc_reset_values[] = {
	{RCC_CR_ADDR, BJ_RCC_L4_CR_RESET},
	{RCC_PLLCFGR_ADDR, BJ_RCC_L4_PLLCFGR_RESET},
	{RCC_PLLSAI1CFGR_ADDR, BJ_RCC_L4_PLLSAI1CFGR_RESET},
	{RCC_CFGR_ADDR, BJ_RCC_L4_CFGR_RESET},
	{RCC_CIER_ADDR, BJ_RCC_L4_CIER_RESET},
	{RCC_AHB1ENR_ADDR, BJ_RCC_L4_AHB1ENR_RESET},
	{RCC_AHB2ENR_ADDR, BJ_RCC_L4_AHB2ENR_RESET},
	{RCC_APB1ENR1_ADDR, BJ_RCC_L4_APB1ENR1_RESET},
	{RCC_APB1ENR2_ADDR, BJ_RCC_L4_APB1ENR2_RESET},
	{RCC_APB2ENR_ADDR, BJ_RCC_L4_APB2ENR_RESET},
	{RCC_CCIPR_ADDR, BJ_RCC_L4_CCIPR_RESET},
};
#else
#error "c_probe/src/deinit.c: no RCC de-init table for this part's RCC variant"
#endif

#if defined(BJ_RESET_CLOCK_MSI)
#define BJ_RESET_OSC_ON RCC_CR_MSION
#define BJ_RESET_OSC_RDY RCC_CR_MSIRDY
#define BJ_RESET_SW RCC_CFGR_SW_MSI
#define BJ_RESET_SWS RCC_CFGR_SWS_MSI
#elif defined(BJ_RESET_CLOCK_HSI)
#define BJ_RESET_OSC_ON RCC_CR_HSION
#define BJ_RESET_OSC_RDY RCC_CR_HSIRDY
#define BJ_RESET_SW RCC_CFGR_SW_HSI
#define BJ_RESET_SWS RCC_CFGR_SWS_HSI
#elif defined(BJ_RESET_CLOCK_HSISYS)
/* G0: HSI16 through HSIDIV (RM0444 §5.2). */
#define BJ_RESET_OSC_ON RCC_CR_HSION
#define BJ_RESET_OSC_RDY RCC_CR_HSIRDY
#define BJ_RESET_SW RCC_CFGR_SW_HSISYS
#define BJ_RESET_SWS RCC_CFGR_SWS_HSISYS
#else
#error "c_probe/src/deinit.c: unknown reset clock source"
#endif

#define BJ_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

void bj_systick_off(void)
{
	SYST_CSR = 0;
	SYST_RVR = 0;
	SYST_CVR = 0;
	SCB_ICSR = SCB_ICSR_PENDSTCLR;
}

void bj_nvic_clear(void)
{
	/* One ICER/ICPR word per 32 interrupts (DDI0403 §B3.4.3; a single word on ARMv6-M). */
	for (unsigned i = 0; i < (BJ_NVIC_IRQS + 31u) / 32u; i++) {
		(&NVIC_ICER)[i] = 0xffffffffu;
		(&NVIC_ICPR)[i] = 0xffffffffu;
	}
}

void bj_clock_reset(void)
{
	RCC_CR |= BJ_RESET_OSC_ON;
	for (unsigned n = BJ_POLL_LIMIT; n && !(RCC_CR & BJ_RESET_OSC_RDY); n--)
		;
	RCC_CFGR = (RCC_CFGR & ~(RCC_CFGR_SW_MASK << RCC_CFGR_SW_SHIFT)) | (BJ_RESET_SW << RCC_CFGR_SW_SHIFT);
	for (unsigned n = BJ_POLL_LIMIT; n && (RCC_CFGR >> RCC_CFGR_SWS_SHIFT & RCC_CFGR_SWS_MASK) != BJ_RESET_SWS; n--)
		;
	RCC_CR &= ~(RCC_CR_HSEON | RCC_CR_PLLON);
}

/* All ones, then zero, as the vendor HAL's __HAL_RCC_APBx_FORCE_RESET/RELEASE_RESET do. */
void bj_periph_reset(void)
{
	for (unsigned i = 0; i < BJ_ARRAY_LEN(rcc_reset_regs); i++) {
		MMIO32(rcc_reset_regs[i]) = 0xffffffffu;
		MMIO32(rcc_reset_regs[i]) = 0;
	}
}

void bj_rcc_reset(void)
{
	for (unsigned i = 0; i < BJ_ARRAY_LEN(rcc_reset_values); i++)
		MMIO32(rcc_reset_values[i].addr) = rcc_reset_values[i].value;
}

void bj_remap_system_memory(void)
{
#if defined(BJ_REMAP_ADDR)
	MMIO32(BJ_SYSCFG_ENABLE_ADDR) |= BJ_SYSCFG_ENABLE_BIT;
	MMIO32(BJ_REMAP_ADDR) = (MMIO32(BJ_REMAP_ADDR) & ~(BJ_REMAP_MASK << BJ_REMAP_SHIFT)) |
				(BJ_REMAP_SYSTEM_MEMORY << BJ_REMAP_SHIFT);
	(void)MMIO32(BJ_REMAP_ADDR); /* the write has landed before the branch fetches from 0 */
	__asm volatile("dsb\n\tisb" ::: "memory");
#endif
}
