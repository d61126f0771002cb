/* A counter loop for the debug-register tests: the host halts, steps and breaks in it. */
#include "fw.h"

volatile uint32_t counter;

__attribute__((noinline)) void bump(void)
{
	counter++;
}

int main(void)
{
	fw_record((uint32_t)bump & ~1u);
	fw_record((uint32_t)&counter);
	for (;;)
		bump();
}
