/* Backup-domain register blocks (RTC with its backup registers, BKP, TAMP): they keep their
 * content through every reset but power-on (and an RTC-domain reset from the RCC), and they
 * accept writes only while the part's backup unlock bits are set (PWR_CR.DBP: RM0377 §6.1.2,
 * RM0091 §6.1.2, RM0008 §5.4.1). Reads always work. */
#include "periph.h"

static bool is_clock_enable(struct chip *chip, struct bj_bitref b)
{
	for (unsigned i = 0; i < chip->n_periphs; i++)
		if (chip->periphs[i].desc->enable.reg == b.reg && chip->periphs[i].desc->enable.mask == b.mask)
			return true;
	return false;
}

/* The clock enable in the unlock list only gives access to the register that holds DBP; what
 * gates the writes is DBP itself, which stays set if that clock is later turned off. */
static bool writable(struct chip *chip)
{
	const struct bj_part *part = chip->part;
	for (unsigned i = 0; i < part->n_backup_unlock; i++)
		if (!is_clock_enable(chip, part->backup_unlock[i]) && !chip_bit(chip, part->backup_unlock[i]))
			return false;
	return true;
}

static void reset(struct periph *p, enum chip_reset_kind kind)
{
	if (kind == CHIP_RESET_POWER_ON)
		periph_storage_reset(p);
}

static void reg_write(struct periph *p, uint32_t off, uint32_t v, uint32_t mask)
{
	(void)mask;
	if (writable(p->chip))
		p->regs[off / 4] = v;
}

#define BACKUP_MODEL(name, ipid) const struct periph_model name = {.ip = ipid, .reset = reset, .write = reg_write}

BACKUP_MODEL(rtc_l0_model, BJ_IP_RTC_L0);
BACKUP_MODEL(rtc_f0_model, BJ_IP_RTC_F0);
BACKUP_MODEL(rtc_f4_model, BJ_IP_RTC_F4);
BACKUP_MODEL(rtc_l4_model, BJ_IP_RTC_L4);
BACKUP_MODEL(bkp_f1_model, BJ_IP_BKP_F1);
BACKUP_MODEL(tamp_g0_model, BJ_IP_TAMP_G0);
