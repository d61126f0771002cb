/* HardFault causes, one per run, picked by the mailbox. v[0] is where the fault must be taken:
 * the faulting instruction (the branch target for INVSTATE; v[1] is then the branch itself, where
 * a debugger steps from). */
#include "bj_part.h"
#include "fw.h"
#include "scenarios.h"

extern char site_udf[], site_unaligned[], site_bus_read[], site_bus_write[], site_rom_write[], invstate_target[],
	invstate_bx[];

void fw_on_hardfault(void)
{
	if (fw.mailbox == FAULT_LOCKUP && fw.faults == 1)
		__asm volatile("udf #2"); /* a fault inside HardFault: lockup */
	fw_done();
}

int main(void)
{
	switch (fw.mailbox) {
	case FAULT_UDF:
	case FAULT_LOCKUP:
		fw_record((uint32_t)site_udf);
		__asm volatile(".global site_udf\nsite_udf: udf #1");
		break;
	case FAULT_UNALIGNED:
		fw_record((uint32_t)site_unaligned);
		__asm volatile("ldr r1, =%c0 + 1\n.global site_unaligned\nsite_unaligned: ldr r0, [r1]\n" ::"i"(BJ_SRAM_BASE) : "r0", "r1");
		break;
	case FAULT_BUS_READ:
		fw_record((uint32_t)site_bus_read);
		__asm volatile("ldr r1, =%c0\n.global site_bus_read\nsite_bus_read: ldr r0, [r1]\n" ::"i"(UNMAPPED_ADDR) : "r0", "r1");
		break;
	case FAULT_BUS_WRITE:
		fw_record((uint32_t)site_bus_write);
		__asm volatile("ldr r1, =%c0\n.global site_bus_write\nsite_bus_write: str r1, [r1]\n" ::"i"(UNMAPPED_ADDR) : "r1");
		break;
	case FAULT_ROM_WRITE:
		fw_record((uint32_t)site_rom_write);
		__asm volatile("ldr r1, =%c0\n.global site_rom_write\nsite_rom_write: str r1, [r1]\n" ::"i"(BJ_SYSMEM_BASE) : "r1");
		break;
	case FAULT_INVSTATE:
		fw_record((uint32_t)invstate_target);
		fw_record((uint32_t)invstate_bx);
		/* BX to an even address clears EPSR.T: the next instruction faults (INVSTATE). */
		__asm volatile("ldr r0, =invstate_target\n.global invstate_bx\ninvstate_bx: bx r0\n.balign 4\n"
			       ".global invstate_target\ninvstate_target: nop\n" ::: "r0");
		break;
	}
	fw_record(0x0c0ffee0); /* reached only if nothing faulted */
	return 0;
}
