/* SysTick on the core clock: reload 999 (1000 cycles a period), the interrupt counted, the core
 * asleep in WFI between ticks. */
#include "bj_part.h"
#include "fw.h"

volatile uint32_t ticks;

void systick_handler(void)
{
	ticks++;
}

int main(void)
{
	SYST_RVR = 999;
	SYST_CVR = 0;
	SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE;
	while (ticks < 3)
		__asm volatile("wfi");
	SYST_CSR = 0;
	fw_record(ticks);
	return 0;
}
