/* The jump recipes, one function each, registered once through the generated BJ_RECIPES list
 * (c_probe/record.json). A recipe writes a checkpoint after every step and ends in bj_jump (or
 * a reset); it returns only to refuse, with the reason, when the part cannot do it. */
#include "probe.h"

typedef const char *recipe_fn(struct bj_record *r, unsigned param);

#define BJ_DECLARE(UP, low, name, letter, destructive, about) static recipe_fn recipe_##low;
BJ_RECIPES(BJ_DECLARE)

static recipe_fn *const recipe_table[BJ_RECIPE_COUNT] = {
#define BJ_ENTRY(UP, low, name, letter, destructive, about) [BJ_RECIPE_##UP] = recipe_##low,
	BJ_RECIPES(BJ_ENTRY)
};

static const bool recipe_destructive[BJ_RECIPE_COUNT] = {
#define BJ_DESTRUCTIVE(UP, low, name, letter, destructive, about) [BJ_RECIPE_##UP] = destructive,
	BJ_RECIPES(BJ_DESTRUCTIVE)
};

/* The ROM's vector table: its initial MSP and its reset handler. */
static uint32_t rom_msp(void)
{
	return MMIO32(BJ_SYSMEM_BASE);
}

static uint32_t rom_reset_vector(void)
{
	return MMIO32(BJ_SYSMEM_BASE + 4u);
}

static __attribute__((noreturn)) void jump(struct bj_record *r, uint32_t msp, uint32_t pc)
{
	bj_checkpoint(r, BJ_STEP_JUMP);
	bj_jump(msp, pc);
}

/* ------------------------------------------------------------------ the classic sequence */

enum bj_target { BJ_TARGET_RESET_VECTOR, BJ_TARGET_ID_ADDRESS, BJ_TARGET_EVEN };

/* What a deliberate mistake changes in the classic sequence. */
struct bj_plan {
	bool keep_systick;
	bool pend_irq;
	bool keep_primask;
	bool psp_unprivileged;
	enum bj_target target;
};

/* CONTROL.SPSEL puts thread mode on PSP, CONTROL.nPRIV drops privilege (DDI0419 §B1.4.4); the
 * Cortex-M0 has no unprivileged mode (DDI0432 §2.3.4). */
static void thread_mode_psp_unprivileged(void)
{
#if defined(BJ_PART_CORE_CORTEX_M0)
	uint32_t control = BJ_ARCH_CONTROL_SPSEL;
#else
	uint32_t control = BJ_ARCH_CONTROL_SPSEL | BJ_ARCH_CONTROL_nPRIV;
#endif
	__asm volatile("mrs r0, msp\n\t"
		       "msr psp, r0\n\t"
		       "msr control, %0\n\t"
		       "isb" ::"r"(control)
		       : "r0", "memory");
}

static __attribute__((noreturn)) void classic_jump(struct bj_record *r, const struct bj_plan *p)
{
	__asm volatile("cpsid i" ::: "memory");
	bj_checkpoint(r, BJ_STEP_IRQ_OFF);
	if (!p->keep_systick) {
		bj_systick_off();
		bj_checkpoint(r, BJ_STEP_SYSTICK_OFF);
	}
	bj_nvic_clear();
	bj_checkpoint(r, BJ_STEP_NVIC_CLEARED);
	bj_clock_reset();
	bj_checkpoint(r, BJ_STEP_CLOCK_RESET);
	bj_periph_reset();
	bj_checkpoint(r, BJ_STEP_PERIPH_RESET);
	bj_rcc_reset();
	bj_checkpoint(r, BJ_STEP_RCC_RESET);
#if defined(BJ_REMAP_ADDR)
	bj_remap_system_memory();
	bj_checkpoint(r, BJ_STEP_REMAPPED);
#endif
	if (p->pend_irq) {
		uint32_t irq = BJ_BL_USART0_IRQn;
		(&NVIC_ISER)[irq / 32u] = 1u << (irq % 32u);
		(&NVIC_ISPR)[irq / 32u] = 1u << (irq % 32u);
		bj_checkpoint(r, BJ_STEP_IRQ_PENDED);
	}
	if (!p->keep_primask) {
		__asm volatile("cpsie i" ::: "memory");
		bj_checkpoint(r, BJ_STEP_IRQ_ON);
	}
	if (p->psp_unprivileged) {
		thread_mode_psp_unprivileged();
		bj_checkpoint(r, BJ_STEP_PSP_UNPRIVILEGED);
	}
	uint32_t pc = rom_reset_vector();
#if defined(BJ_BOOTLOADER_ID_ADDR)
	if (p->target == BJ_TARGET_ID_ADDRESS)
		pc = BJ_BOOTLOADER_ID_ADDR | 1u;
#endif
	if (p->target == BJ_TARGET_EVEN)
		pc &= ~1u;
	jump(r, rom_msp(), pc);
}

/* ------------------------------------------------------------------ recipes */

static const char *recipe_naive(struct bj_record *r, unsigned param)
{
	(void)param;
	jump(r, rom_msp(), rom_reset_vector());
}

static const char *recipe_classic(struct bj_record *r, unsigned param)
{
	(void)param;
	classic_jump(r, &(struct bj_plan){.target = BJ_TARGET_RESET_VECTOR});
}

static const char *recipe_reset_flag(struct bj_record *r, unsigned param)
{
	(void)param;
	bj_checkpoint(r, BJ_STEP_RESET_REQUESTED);
	bj_system_reset();
}

/* Called by the reset handler, before any initialisation, when the record holds the request. */
void bj_reset_flag_branch(struct bj_record *r)
{
	bj_checkpoint(r, BJ_STEP_RESET_SEEN);
#if defined(BJ_REMAP_ADDR)
	bj_remap_system_memory();
	bj_checkpoint(r, BJ_STEP_REMAPPED);
#endif
	jump(r, rom_msp(), rom_reset_vector());
}

static const char *recipe_erase_page0(struct bj_record *r, unsigned param)
{
	(void)param;
	__asm volatile("cpsid i" ::: "memory"); /* page 0 holds the vector table */
	bj_checkpoint(r, BJ_STEP_ERASE_STARTED);
	if (bj_erase_page0())
		bj_checkpoint(r, BJ_STEP_PAGE0_ERASED);
	classic_jump(r, &(struct bj_plan){.target = BJ_TARGET_RESET_VECTOR});
}

/* F04x: with BOOT_SEL=0 the ROM honours nBOOT0 instead of the BOOT0 pin, and stays after a jump
 * (AN2606's second condition). The new option bytes take effect through their reload, a reset;
 * the reset handler finds the record at option-written and bj_recipe_resume jumps. */
static const char *recipe_boot_sel(struct bj_record *r, unsigned param)
{
	(void)param;
#if defined(BJ_PART_PROFILE_EMPTY_CHECK_F04X)
	if (!bj_option_boot_sel())
		classic_jump(r, &(struct bj_plan){.target = BJ_TARGET_RESET_VECTOR});
	const char *why = bj_option_clear_boot_sel();
	if (why)
		return why;
	bj_checkpoint(r, BJ_STEP_OPTION_WRITTEN);
	bj_option_reload();
#else
	(void)r;
	return "boot-sel is for parts whose ROM has the F04x empty check (BOOT_SEL option bit)";
#endif
}

void bj_recipe_resume(struct bj_record *r)
{
	if (r->f[BJ_REC_RECIPE] == BJ_RECIPE_BOOT_SEL && r->f[BJ_REC_STEP] == BJ_STEP_OPTION_WRITTEN &&
	    (r->f[BJ_REC_CAUSES] & BJ_CAUSE_OPTION_LOAD))
		classic_jump(r, &(struct bj_plan){.target = BJ_TARGET_RESET_VECTOR});
}

static const char *recipe_g0_empty(struct bj_record *r, unsigned param)
{
	(void)param;
#if defined(BJ_EMPTY_FLAG_ADDR) && defined(BJ_IP_FLASH_FLASH_G0)
	MMIO32(BJ_EMPTY_FLAG_ADDR) |= BJ_EMPTY_FLAG;
	bj_checkpoint(r, BJ_STEP_EMPTY_SET);
	bj_checkpoint(r, BJ_STEP_RESET_REQUESTED);
	bj_system_reset();
#else
	(void)r;
	return "g0-empty sets the G0's FLASH_ACR EMPTY; this part has no such flag";
#endif
}

static const char *recipe_wrong_address(struct bj_record *r, unsigned param)
{
	(void)param;
#if defined(BJ_BOOTLOADER_ID_ADDR)
	classic_jump(r, &(struct bj_plan){.target = BJ_TARGET_ID_ADDRESS});
#else
	(void)r;
	return "AN2606 gives this part no bootloader ID byte to branch to";
#endif
}

static const char *recipe_no_thumb(struct bj_record *r, unsigned param)
{
	(void)param;
	classic_jump(r, &(struct bj_plan){.target = BJ_TARGET_EVEN});
}

/* SysTick at 1 kHz from the core clock, interrupt on: the probe's handler runs until the remap,
 * the ROM's after it. */
static const char *recipe_systick_running(struct bj_record *r, unsigned param)
{
	(void)param;
	SYST_RVR = BJ_RESET_HZ / 1000u - 1u;
	SYST_CVR = 0;
	SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE;
	bj_checkpoint(r, BJ_STEP_SYSTICK_STARTED);
	classic_jump(r, &(struct bj_plan){.keep_systick = true});
}

static const char *recipe_irq_pending(struct bj_record *r, unsigned param)
{
	(void)param;
	classic_jump(r, &(struct bj_plan){.pend_irq = true});
}

static const char *recipe_primask_set(struct bj_record *r, unsigned param)
{
	(void)param;
	classic_jump(r, &(struct bj_plan){.keep_primask = true});
}

static const char *recipe_psp_unprivileged(struct bj_record *r, unsigned param)
{
	(void)param;
	classic_jump(r, &(struct bj_plan){.psp_unprivileged = true});
}

/* RM0377 §20.3.2: start, unlock PR/RLR, set them, wait for SR to clear, reload. The counter runs
 * at LSI / (4 << PR) (§20.4.2); the smallest prescaler that fits the timeout keeps it precise. */
static void iwdg_start(unsigned ms)
{
	uint32_t ticks = BJ_LSI_HZ / 1000u * ms;
	unsigned pr = 0;
	while (pr < 6u && ticks / (4u << pr) > IWDG_RLR_RL_MASK + 1u)
		pr++;
	uint32_t rl = ticks / (4u << pr);
	rl = rl ? rl - 1u : 0u;
	IWDG_KR = IWDG_KR_START;
	IWDG_KR = IWDG_KR_ACCESS;
	IWDG_PR = pr;
	IWDG_RLR = rl > IWDG_RLR_RL_MASK ? IWDG_RLR_RL_MASK : rl;
	for (unsigned n = BJ_POLL_LIMIT; n && IWDG_SR; n--)
		;
	IWDG_KR = IWDG_KR_REFRESH;
}

static const char *recipe_iwdg_running(struct bj_record *r, unsigned param)
{
	iwdg_start(param ? param : BJ_DEFAULT_IWDG_MS);
	bj_checkpoint(r, BJ_STEP_IWDG_STARTED);
	classic_jump(r, &(struct bj_plan){.target = BJ_TARGET_RESET_VECTOR});
}

/* ------------------------------------------------------------------ entry */

const char *bj_recipe_run(struct bj_record *r, unsigned recipe, unsigned options, unsigned param)
{
	if (recipe == BJ_RECIPE_NONE || recipe >= BJ_RECIPE_COUNT)
		return "no such recipe";
	bj_arm(r, recipe, options);
	const char *why = NULL;
	if (recipe_destructive[recipe] && !(options & BJ_OPT_DESTRUCTIVE))
		why = "destructive: enable it first (UART command !, or the mailbox's destructive option)";
	else
		why = recipe_table[recipe](r, param);
	bj_checkpoint(r, BJ_STEP_REFUSED);
	return why;
}
