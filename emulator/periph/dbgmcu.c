/* DBGMCU (and the G0's DBG): IDCODE gives the part's DEV_ID and REV_ID (RM0377 §27.9.1 and each
 * family's debug chapter: DEV_ID in [11:0], REV_ID in [31:16]); the freeze and low-power debug
 * bits are storage (the emulated clock stops whenever the core is halted anyway).
 * It answers whatever its RCC enable bit says: a debugger reads IDCODE before it enables
 * anything (OpenOCD's stm32lx and stm32f1x probes do). */
#include "periph.h"

static uint32_t reg_read(struct periph *p, uint32_t off)
{
	if (off == 0)
		return p->chip->part->dev_id | (uint32_t)p->chip->part->rev_id << 16;
	return p->regs[off / 4];
}

static void reg_write(struct periph *p, uint32_t off, uint32_t v, uint32_t mask)
{
	(void)mask;
	if (off != 0)
		p->regs[off / 4] = v; /* IDCODE is read-only */
}

#define DBGMCU_MODEL(name, ipid) \
	const struct periph_model name = {.ip = ipid, .read = reg_read, .write = reg_write, .always_clocked = true}

DBGMCU_MODEL(dbgmcu_model, BJ_IP_DBGMCU);
DBGMCU_MODEL(dbgmcu_f0_model, BJ_IP_DBGMCU_F0);
DBGMCU_MODEL(dbgmcu_f1_model, BJ_IP_DBGMCU_F1);
DBGMCU_MODEL(dbgmcu_l4_model, BJ_IP_DBGMCU_L4);
DBGMCU_MODEL(dbg_g0_model, BJ_IP_DBG_G0);
