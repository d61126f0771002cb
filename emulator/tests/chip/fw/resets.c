/* Resets as firmware sees them: each boot records the reset flags and backup register 0; the
 * mailbox picks what happens next (scenarios.h). */
#include "bj_part.h"
#include "fw.h"
#include "scenarios.h"


#if BJ_BACKUP_COUNT
static const uint32_t backup[] = BJ_BACKUP_ADDRS;
#define BACKUP0 backup[0]
#else
#define BACKUP0 0u
#endif

static uint32_t read_backup0(void)
{
	return BACKUP0 ? MMIO32(BACKUP0) : 0;
}

/* 16-bit backup registers (F1) keep the low half only. */
#define BACKUP_VALUE (BJ_BACKUP_WIDTH == 16 ? 0xb001u : 0xb0010001u)

int main(void)
{
	if (BACKUP0)
		BJ_BACKUP_UNLOCK(); /* the backup block's bus clock too: F1, G0 and L4 read 0 without it */
	fw_record(MMIO32(BJ_RESET_FLAGS_ADDR));
	fw_record(read_backup0());
	if (fw.mailbox == RESET_RECORD || fw.boots > 1)
		return 0;
	if (BACKUP0)
		MMIO32(BACKUP0) = BACKUP_VALUE;
	MMIO32(BJ_RESET_FLAGS_ADDR) |= BJ_RESET_FLAGS_CLEAR; /* RMVF: the next boot sees one cause */
	if (fw.mailbox == RESET_SYSTEM) {
		SCB_AIRCR = (SCB_AIRCR_VECTKEY_KEY << SCB_AIRCR_VECTKEY_SHIFT) | SCB_AIRCR_SYSRESETREQ;
	} else if (fw.mailbox == RESET_IWDG) {
		IWDG_KR = IWDG_KR_START;
		IWDG_KR = IWDG_KR_ACCESS;
		IWDG_PR = 0;
		IWDG_RLR = IWDG_TEST_RL;
		IWDG_KR = IWDG_KR_REFRESH;
	}
	for (;;)
		; /* until the reset */
}
