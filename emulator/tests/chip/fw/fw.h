/* What the test firmware and the host tests share: the results block at the start of SRAM.
 * The firmware never clears it (a NOLOAD section), so it survives system resets, and the host
 * reads it with chip_mem_read(). The host writes `mailbox` while the chip is halted at reset to
 * pick a scenario. */
#ifndef EMU_TEST_FW_H
#define EMU_TEST_FW_H

#include <stdint.h>

#define FW_DONE 0x600dd0e5u
#define FW_N_VALUES 96

struct fw_results {
	uint32_t mailbox;  /* scenario, written by the host */
	uint32_t done;     /* FW_DONE when the scenario finished */
	uint32_t boots;    /* boots since the block was last cleared */
	uint32_t faults;   /* HardFault entries */
	uint32_t fault_pc, fault_xpsr, fault_lr, fault_exc_return, fault_sp;
	uint32_t n;        /* values recorded */
	uint32_t v[FW_N_VALUES];
};

#ifdef __arm__
/* The firmware side (crt.c). */
extern volatile struct fw_results fw;
void fw_record(uint32_t value);
void fw_done(void) __attribute__((noreturn));
#endif

/* Offsets for the host side. */
#define FW_OFF(field) ((uint32_t)__builtin_offsetof(struct fw_results, field))

#endif
