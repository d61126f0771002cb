/* The start of system memory (the vector table, as the core reads it at reset when the boot pins
 * select system memory) and the bootloader ID byte AN2606 places at the end of it. */
#include "rom.h"

void bl_reset(void);

/* NMI, HardFault and every interrupt: the bootloader enables none, so arriving here means the
 * caller left one pending or faulted us; stay put where a debugger can see it. */
static void bl_unexpected(void)
{
	for (;;) {
	}
}

typedef void (*bl_vector)(void);

/* An entry per NVIC line, so that an interrupt its caller left pending stops cleanly in
 * bl_unexpected. The 2 KB system memory of the F1 parts has no room for them next to the model
 * (there a pending interrupt fetches its vector from the code that follows the table). */
#if BJ_SYSMEM_SIZE > 0x800u
#define BL_IRQ_VECTORS BJ_NVIC_IRQS
#else
#define BL_IRQ_VECTORS 0
#endif

/* 16 system exceptions, then the interrupts. Reserved slots (7-10, 13) stay 0. */
__attribute__((section(".vectors"), used)) static const bl_vector bl_vectors[16 + BL_IRQ_VECTORS] = {
	/* The initial stack pointer: the top of the RAM AN2606 gives the bootloader. */
	[0] = (bl_vector)(BJ_BOOTLOADER_RAM_BASE + BJ_BOOTLOADER_RAM_SIZE),
	[1] = bl_reset,
	[2] = bl_unexpected, /* NMI */
	[3] = bl_unexpected, /* HardFault */
	[4] = bl_unexpected, /* MemManage (ARMv7-M) */
	[5] = bl_unexpected, /* BusFault (ARMv7-M) */
	[6] = bl_unexpected, /* UsageFault (ARMv7-M) */
	[11] = bl_unexpected, /* SVCall */
	[12] = bl_unexpected, /* DebugMonitor (ARMv7-M) */
	[14] = bl_unexpected, /* PendSV */
	[15] = bl_unexpected, /* SysTick */
#if BL_IRQ_VECTORS
	[16 ... 16 + BL_IRQ_VECTORS - 1] = bl_unexpected,
#endif
};

#if BJ_HAS_BOOTLOADER_ID
/* AN2606 §4.2: the bootloader ID is at "the last byte address - 1" of system memory; the linker
 * script puts this section at _bj_bootloader_id_addr from build/gen/<part>/memory.ld. (AN2606
 * gives some parts, F10xxx among them, no ID.) */
__attribute__((section(".bl_id"), used)) static const uint8_t bl_id = BJ_BOOTLOADER_ID;
#else
/* No ID: the section holds the last byte of system memory, as fill, so the image still spans it. */
__attribute__((section(".bl_id"), used)) static const uint8_t bl_last_byte = 0xff;
#endif
