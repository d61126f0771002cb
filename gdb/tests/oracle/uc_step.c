/* Test oracle for gdb/bjgdb/lib/accesses.py: executes single Thumb instructions on libunicorn (the
 * CPU bootjump-emu is built on) and prints every data access its memory hooks see.
 *
 * stdin, one case per line:  MODEL CODEHEX R0 .. R12 SP LR XPSR   (MODEL: m0 | m3; numbers hex)
 * stdout per case:           post R0 .. R12 SP LR PC XPSR, then "r|w ADDR SIZE VALUE" lines, then
 *                            "end OK" or "end ERR <uc_err>" when the instruction faulted.
 * Memory: CODE_BASE holds the instruction bytes (and any table after them); RAM_BASE.. RAM_END is
 * filled with a pattern whose words are odd addresses inside CODE, so a load into the PC lands on
 * mapped memory in Thumb state.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicorn/unicorn.h>

#define CODE_BASE 0x08000000u
#define CODE_SIZE 0x10000u
#define RAM_BASE 0x20000000u
#define RAM_SIZE 0x10000u

static const int core_regs[] = {
	UC_ARM_REG_R0, UC_ARM_REG_R1, UC_ARM_REG_R2, UC_ARM_REG_R3, UC_ARM_REG_R4, UC_ARM_REG_R5,
	UC_ARM_REG_R6, UC_ARM_REG_R7, UC_ARM_REG_R8, UC_ARM_REG_R9, UC_ARM_REG_R10, UC_ARM_REG_R11,
	UC_ARM_REG_R12, UC_ARM_REG_SP, UC_ARM_REG_LR,
};
#define N_CORE (sizeof core_regs / sizeof core_regs[0])

static void on_access(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value, void *user)
{
	(void)user;
	uint32_t v = (uint32_t)value;
	if (type == UC_MEM_READ) {
		uint8_t b[4] = {0};
		uc_mem_read(uc, addr, b, (size_t)size);
		v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	}
	if (size < 4)
		v &= (1u << (8 * size)) - 1;
	printf("%c %08" PRIx64 " %d %08" PRIx32 "\n", type == UC_MEM_READ ? 'r' : 'w', addr, size, v);
}

static int run_case(const char *model, const char *hex, uint32_t *regs, uint32_t xpsr)
{
	uc_engine *uc;
	if (uc_open(UC_ARCH_ARM, UC_MODE_THUMB, &uc) != UC_ERR_OK)
		return -1;
	uc_ctl_set_cpu_model(uc, strcmp(model, "m3") == 0 ? UC_CPU_ARM_CORTEX_M3 : UC_CPU_ARM_CORTEX_M0);
	uc_mem_map(uc, CODE_BASE, CODE_SIZE, UC_PROT_ALL);
	uc_mem_map(uc, RAM_BASE, RAM_SIZE, UC_PROT_ALL);
	static uint8_t ram[RAM_SIZE];
	for (uint32_t a = 0; a < RAM_SIZE; a += 4) {
		uint32_t w = CODE_BASE | (((RAM_BASE + a) * 2654435761u) & (CODE_SIZE - 2)) | 1u;
		memcpy(ram + a, &w, 4);
	}
	uc_mem_write(uc, RAM_BASE, ram, RAM_SIZE);
	uint8_t code[256];
	size_t n = strlen(hex) / 2;
	for (size_t i = 0; i < n && i < sizeof code; i++)
		sscanf(hex + 2 * i, "%2hhx", &code[i]);
	uc_mem_write(uc, CODE_BASE, code, n);
	for (size_t i = 0; i < N_CORE; i++)
		uc_reg_write(uc, core_regs[i], &regs[i]);
	uc_reg_write(uc, UC_ARM_REG_XPSR, &xpsr);
	uc_hook hook;
	uc_hook_add(uc, &hook, UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE, (void *)on_access, NULL, 1, 0);
	uc_err err = uc_emu_start(uc, CODE_BASE | 1, CODE_BASE + CODE_SIZE, 0, 1);
	uint32_t v;
	printf("post");
	for (size_t i = 0; i < N_CORE; i++) {
		uc_reg_read(uc, core_regs[i], &v);
		printf(" %08" PRIx32, v);
	}
	uc_reg_read(uc, UC_ARM_REG_PC, &v);
	printf(" %08" PRIx32, v);
	uc_reg_read(uc, UC_ARM_REG_XPSR, &v);
	printf(" %08" PRIx32 "\n", v);
	if (err == UC_ERR_OK)
		printf("end OK\n");
	else
		printf("end ERR %d\n", (int)err);
	uc_close(uc);
	return 0;
}

int main(void)
{
	char line[1024];
	while (fgets(line, sizeof line, stdin)) {
		char model[8], hex[520];
		uint32_t regs[N_CORE], xpsr;
		char *p = line;
		int used;
		if (sscanf(p, "%7s %519s%n", model, hex, &used) != 2)
			continue;
		p += used;
		for (size_t i = 0; i < N_CORE; i++) {
			if (sscanf(p, "%" SCNx32 "%n", &regs[i], &used) != 1)
				return 2;
			p += used;
		}
		if (sscanf(p, "%" SCNx32, &xpsr) != 1)
			return 2;
		if (run_case(model, hex, regs, xpsr) != 0)
			return 1;
		fflush(stdout);
	}
	return 0;
}
