/* What address 0 reads before and after SYSCFG remaps system memory there, and after it maps
 * flash back (the remap register and its values come from the part's `remap` data). */
#include "bj_part.h"
#include "fw.h"


#ifdef BJ_REMAP_ADDR
/* Address 0, hidden from the compiler (which rejects a literal null dereference). */
static uint32_t at(uint32_t addr)
{
	__asm volatile("" : "+r"(addr));
	return MMIO32(addr);
}

static void remap(uint32_t mode)
{
	MMIO32(BJ_REMAP_ADDR) = (MMIO32(BJ_REMAP_ADDR) & ~(BJ_REMAP_MASK << BJ_REMAP_SHIFT)) | mode << BJ_REMAP_SHIFT;
}
#endif

int main(void)
{
#ifdef BJ_REMAP_ADDR
#ifdef BJ_SYSCFG_ENABLE_ADDR
	MMIO32(BJ_SYSCFG_ENABLE_ADDR) |= BJ_SYSCFG_ENABLE_BIT;
#endif
	fw_record(at(0));
	fw_record((MMIO32(BJ_REMAP_ADDR) >> BJ_REMAP_SHIFT) & BJ_REMAP_MASK);
	remap(BJ_REMAP_SYSTEM_MEMORY);
	fw_record(at(0));
	fw_record(at(4));
	remap(BJ_REMAP_MAIN_FLASH);
	fw_record(at(0));
#endif
	return 0;
}
