/* Mailbox values of the test scenarios, shared by firmware and host. */
#ifndef EMU_TEST_SCENARIOS_H
#define EMU_TEST_SCENARIOS_H

enum fault_scenario {
	FAULT_UDF = 1,
	FAULT_UNALIGNED,
	FAULT_BUS_READ,
	FAULT_BUS_WRITE,
	FAULT_ROM_WRITE,
	FAULT_INVSTATE,
	FAULT_LOCKUP,
};

enum reset_scenario {
	RESET_SYSTEM = 1, /* record, write a backup register, SYSRESETREQ, record again */
	RESET_IWDG,       /* record, start the IWDG, never refresh it, record after its reset */
	RESET_RECORD,     /* record the reset flags and the backup register, nothing else */
};

/* Nothing answers here on any part of the database (the external memory region). */
#define UNMAPPED_ADDR 0x60000000u
/* The IWDG scenario: prescaler /4 (PR 0) and RL 99, i.e. 100 x 4 LSI periods. */
#define IWDG_TEST_RL 99u

/* Record tags of the exception scenario. */
#define TAG_SVC 0x5c000000u
#define TAG_PENDSV 0x5e000000u
#define TAG_THREAD 0x7d000000u
#define TAG_IRQ 0x1e000000u

#endif
