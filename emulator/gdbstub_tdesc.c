/* What GDB learns about the target before it touches it: the registers (target description,
 * qXfer:features:read) and the memory map (qXfer:memory-map:read). Both come from chip_part(), so
 * the stub knows nothing about any particular part.
 *
 * Register description: GDB manual, "ARM Features": org.gnu.gdb.arm.m-profile (r0-r12, sp, lr, pc,
 * xpsr) and org.gnu.gdb.arm.m-system (msp, psp; "extra registers are allowed in this feature").
 * Memory map: GDB manual, "Memory Map Format". A region typed flash or rom makes GDB use hardware
 * breakpoints there (Z1) and vFlash* for load; GDB refuses accesses outside the map
 * (`mem inaccessible-by-default`), so every gap is described as ram, as OpenOCD does.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "gdbstub_priv.h"

#define M_PROFILE "org.gnu.gdb.arm.m-profile"
#define M_SYSTEM "org.gnu.gdb.arm.m-system"

static const struct gdb_reg gdb_regs[] = {
	{"r0", 0, CHIP_R0, M_PROFILE, NULL, false},
	{"r1", 1, CHIP_R1, M_PROFILE, NULL, false},
	{"r2", 2, CHIP_R2, M_PROFILE, NULL, false},
	{"r3", 3, CHIP_R3, M_PROFILE, NULL, false},
	{"r4", 4, CHIP_R4, M_PROFILE, NULL, false},
	{"r5", 5, CHIP_R5, M_PROFILE, NULL, false},
	{"r6", 6, CHIP_R6, M_PROFILE, NULL, false},
	{"r7", 7, CHIP_R7, M_PROFILE, NULL, false},
	{"r8", 8, CHIP_R8, M_PROFILE, NULL, false},
	{"r9", 9, CHIP_R9, M_PROFILE, NULL, false},
	{"r10", 10, CHIP_R10, M_PROFILE, NULL, false},
	{"r11", 11, CHIP_R11, M_PROFILE, NULL, false},
	{"r12", 12, CHIP_R12, M_PROFILE, NULL, false},
	{"sp", 13, CHIP_SP, M_PROFILE, "data_ptr", false},
	{"lr", 14, CHIP_LR, M_PROFILE, NULL, false},
	{"pc", 15, CHIP_PC, M_PROFILE, "code_ptr", false},
	{"xpsr", 25, CHIP_XPSR, M_PROFILE, NULL, false},
	{"msp", 26, CHIP_MSP, M_SYSTEM, "data_ptr", false},
	{"psp", 27, CHIP_PSP, M_SYSTEM, "data_ptr", false},
	{"primask", 28, CHIP_PRIMASK, M_SYSTEM, NULL, false},
	{"basepri", 29, CHIP_BASEPRI, M_SYSTEM, NULL, true},
	{"faultmask", 30, CHIP_FAULTMASK, M_SYSTEM, NULL, true},
	{"control", 31, CHIP_CONTROL, M_SYSTEM, NULL, false},
};

static void appendf(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *len, cap - *len, fmt, ap);
	va_end(ap);
	/* The buffers are sized for the largest part; running out is a programming error. */
	if (n < 0 || (size_t)n >= cap - *len) {
		fprintf(stderr, "bootjump-emu: gdbstub: description buffer too small\n");
		abort();
	}
	*len += (size_t)n;
}

static void build_target_xml(struct gdbstub *stub)
{
	char *x = stub->target_xml;
	size_t cap = sizeof stub->target_xml, *len = &stub->target_xml_len;
	const char *feature = NULL;

	*len = 0;
	appendf(x, cap, len, "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
			     "<target version=\"1.0\">\n<architecture>arm</architecture>\n");
	for (unsigned i = 0; i < stub->n_regs; i++) {
		const struct gdb_reg *r = stub->regs[i];
		if (feature != r->feature) {
			appendf(x, cap, len, "%s<feature name=\"%s\">\n", feature ? "</feature>\n" : "", r->feature);
			feature = r->feature;
		}
		appendf(x, cap, len, "<reg name=\"%s\" bitsize=\"32\" regnum=\"%u\"%s%s%s/>\n", r->name,
			r->regnum, r->type ? " type=\"" : "", r->type ? r->type : "", r->type ? "\"" : "");
	}
	appendf(x, cap, len, "</feature>\n</target>\n");
}

struct map_region {
	uint32_t base, size;
	const char *type;
	uint32_t blocksize; /* flash only */
};

static int by_base(const void *a, const void *b)
{
	uint32_t x = ((const struct map_region *)a)->base, y = ((const struct map_region *)b)->base;
	return x < y ? -1 : x > y;
}

static void append_region(struct gdbstub *stub, const char *type, uint64_t base, uint64_t size,
			  uint32_t blocksize)
{
	char *x = stub->memory_map;
	size_t cap = sizeof stub->memory_map, *len = &stub->memory_map_len;

	if (size == 0)
		return;
	appendf(x, cap, len, "<memory type=\"%s\" start=\"0x%llx\" length=\"0x%llx\"", type,
		(unsigned long long)base, (unsigned long long)size);
	if (blocksize)
		appendf(x, cap, len, "><property name=\"blocksize\">0x%x</property></memory>\n", blocksize);
	else
		appendf(x, cap, len, "/>\n");
}

/* Flash regions carry their erase unit as blocksize: uniform pages per bank, or on parts with
 * sectors of several sizes (F4) one region per run of equal sectors. */
static unsigned flash_regions(const struct bj_part *part, struct map_region *regions, unsigned max)
{
	unsigned n = 0;

	if (part->n_sectors == 0) {
		for (unsigned i = 0; i < part->n_banks && n < max; i++)
			regions[n++] = (struct map_region){part->banks[i].base, part->banks[i].size, "flash", part->page_size};
		return n;
	}
	uint32_t base = part->flash.base;
	for (unsigned i = 0; i < part->n_sectors; i++) {
		uint32_t size = part->sector_sizes[i];
		if (n > 0 && regions[n - 1].blocksize == size && regions[n - 1].base + regions[n - 1].size == base)
			regions[n - 1].size += size;
		else if (n < max)
			regions[n++] = (struct map_region){base, size, "flash", size};
		base += size;
	}
	return n;
}

static void build_memory_map(struct gdbstub *stub)
{
	const struct bj_part *part = chip_part(stub->chip);
	struct map_region regions[16];
	unsigned n = flash_regions(part, regions, 15);

	regions[n++] = (struct map_region){part->system_memory.base, part->system_memory.size, "rom", 0};
	qsort(regions, n, sizeof regions[0], by_base);

	stub->memory_map_len = 0;
	appendf(stub->memory_map, sizeof stub->memory_map, &stub->memory_map_len,
		"<?xml version=\"1.0\"?>\n<!DOCTYPE memory-map PUBLIC \"+//IDN gnu.org//DTD GDB Memory Map "
		"V1.0//EN\" \"http://sourceware.org/gdb/gdb-memory-map.dtd\">\n<memory-map>\n");
	uint64_t next = 0;
	for (unsigned i = 0; i < n; i++) {
		append_region(stub, "ram", next, regions[i].base - next, 0);
		append_region(stub, regions[i].type, regions[i].base, regions[i].size, regions[i].blocksize);
		next = (uint64_t)regions[i].base + regions[i].size;
	}
	append_region(stub, "ram", next, (1ull << 32) - next, 0);
	appendf(stub->memory_map, sizeof stub->memory_map, &stub->memory_map_len, "</memory-map>\n");
}

void gdbstub_tdesc_init(struct gdbstub *stub)
{
	bool v7m = bj_cores[chip_part(stub->chip)->core].arch == BJ_ARCH_V7M;

	stub->n_regs = 0;
	for (size_t i = 0; i < sizeof gdb_regs / sizeof gdb_regs[0]; i++)
		if (v7m || !gdb_regs[i].v7m_only)
			stub->regs[stub->n_regs++] = &gdb_regs[i];
	build_target_xml(stub);
	build_memory_map(stub);
}

const struct gdb_reg *gdbstub_reg_by_regnum(const struct gdbstub *stub, unsigned regnum)
{
	for (unsigned i = 0; i < stub->n_regs; i++)
		if (stub->regs[i]->regnum == regnum)
			return stub->regs[i];
	return NULL;
}
