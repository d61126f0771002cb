/* Firmware for the GDB stub's integration test and benchmark. It does what jump code does before
 * it leaves a checkpoint: clock the power interface (RCC_APB1ENR.PWREN), unlock the backup domain
 * (PWR_CR.DBP), write a backup register; then it counts forever, so there is always code to step.
 * Registers come from the generated bj_part.h; BACKUP_VALUE from the test's command line. */
#include <stdint.h>

#include "bj_part.h"

extern uint32_t _estack, _sbss, _ebss;
void reset_handler(void);

__attribute__((section(".vectors"), used)) static const void *const vectors[] = {
	&_estack,
	(const void *)reset_handler,
};

volatile uint32_t loops;

__attribute__((noinline)) void write_backup(uint32_t value)
{
	RTC_BKP0R = value;
}

void reset_handler(void)
{
	for (uint32_t *p = &_sbss; p < &_ebss; p++)
		*p = 0;
	RCC_APB1ENR |= RCC_APB1ENR_PWREN;
	PWR_CR |= PWR_CR_DBP;
	write_backup(BACKUP_VALUE);
	for (;;)
		loops++;
}
