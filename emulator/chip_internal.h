/* The emulated chip's insides, shared by the files that implement chip.h: the unicorn core
 * (cpu.c), the exception model (exception.c), the system control space (scs.c, debug.c), the
 * memory map (bus.c), the time base (timebase.c) and the peripheral models (periph/).
 * Front ends never include this: they see the chip only through chip.h.
 */
#ifndef EMULATOR_CHIP_INTERNAL_H
#define EMULATOR_CHIP_INTERNAL_H

#include <stdio.h>

#include <unicorn/unicorn.h>

#include "chip.h"

struct periph;
struct access_log;
struct unmodelled_page;

/* Exception numbers (the part database's architectures). */
enum {
	EXC_RESET = BJ_ARCH_EXC_RESET,
	EXC_NMI = BJ_ARCH_EXC_NMI,
	EXC_HARDFAULT = BJ_ARCH_EXC_HARDFAULT,
	EXC_MEMMANAGE = BJ_ARCH_EXC_MEMMANAGE,
	EXC_BUSFAULT = BJ_ARCH_EXC_BUSFAULT,
	EXC_USAGEFAULT = BJ_ARCH_EXC_USAGEFAULT,
	EXC_SVCALL = BJ_ARCH_EXC_SVCALL,
	EXC_DEBUGMON = BJ_ARCH_EXC_DEBUGMONITOR,
	EXC_PENDSV = BJ_ARCH_EXC_PENDSV,
	EXC_SYSTICK = BJ_ARCH_EXC_SYSTICK,
	EXC_IRQ0 = BJ_ARCH_EXC_IRQ0,
};
#define CHIP_MAX_EXC (EXC_IRQ0 + 240)

/* Why a synchronous fault happened; picks the v7-M fault status bits and the access log's words. */
enum fault_kind {
	FAULT_UNDEFINSTR,
	FAULT_INVSTATE,
	FAULT_UNALIGNED,
	FAULT_BUS_DATA,  /* precise data bus error */
	FAULT_BUS_FETCH, /* instruction fetch from an unmapped or non-executable address */
	FAULT_INVPC,     /* bad EXC_RETURN */
	FAULT_SVC,       /* SVC while SVCall cannot be taken: escalates to HardFault */
	FAULT_BKPT,      /* BKPT with halting debug disabled */
	FAULT_VECTOR,    /* bus error reading a vector */
	FAULT_STACKING,  /* bus error pushing an exception frame */
};

struct region {
	uint32_t base;
	uint32_t size;
	uint8_t *mem;
};

/* What the boot pins and option bits selected at the last reset, and what SYSCFG maps now. */
enum boot_target { BOOT_FLASH, BOOT_SYSTEM, BOOT_SRAM };

struct nvic_state {
	uint8_t prio[CHIP_MAX_EXC]; /* programmed priority of every exception (0 for fixed ones) */
	bool enabled[CHIP_MAX_EXC]; /* external interrupts: ISER; system exceptions: always or SHCSR */
	bool pending[CHIP_MAX_EXC];
	bool active[CHIP_MAX_EXC];
	bool level[CHIP_MAX_EXC];   /* external interrupt lines driven by the peripherals */
	uint32_t vtor;
	uint32_t aircr_prigroup;
	uint32_t scr;
	uint32_t ccr;
	uint32_t shcsr_enables; /* MEMFAULTENA, BUSFAULTENA, USAGEFAULTENA (v7-M) */
	uint32_t cfsr, hfsr, mmfar, bfar;
};

struct systick_state {
	uint32_t csr;      /* ENABLE, TICKINT, CLKSOURCE; COUNTFLAG computed */
	uint32_t rvr;
	uint64_t base_cycle; /* cycle at which the counter held base_value (with its clock) */
	uint32_t base_value;
	bool countflag;
	uint64_t next_wrap; /* cycle of the next reload, or UINT64_MAX */
};

/* Comparators the model holds; chip_create refuses a core with more. */
#define DEBUG_MAX_FP 8
#define DEBUG_MAX_DWT 4

struct debug_state {
	uint32_t dhcsr;      /* the C_ bits */
	bool s_reset_st;
	uint64_t retired_at_read; /* S_RETIRE_ST: an instruction retired since DHCSR was last read */
	uint32_t dcrsr, dcrdr;
	uint32_t demcr;
	uint32_t dfsr;
	uint32_t fp_ctrl_enable;
	uint32_t fp_comp[DEBUG_MAX_FP];
	uint32_t dwt_ctrl;
	uint32_t dwt_comp[DEBUG_MAX_DWT], dwt_mask[DEBUG_MAX_DWT], dwt_function[DEBUG_MAX_DWT];
	unsigned n_fp, n_dwt; /* instruction comparators (FP_COMP beyond them are literal ones), DWT comparators */
	bool fp_active;       /* some enabled comparator: the per-instruction hook compares the PC */
	bool dwt_active;      /* some data watchpoint: memory hooks are installed */
	bool watch_hit;
	uint32_t watch_addr;
	int watch_kind;
};

struct timebase {
	uint64_t hz;          /* current HCLK */
	uint64_t base_cycle;  /* cycle count at the last clock change */
	uint64_t base_ns;     /* time at the last clock change */
};

/* The core's memory-mapped blocks (the part database's `cores`), found by name at creation. */
struct core_blocks {
	const struct bj_core_desc *desc;
	const struct bj_periph *scnscb, *syst, *nvic, *scb, *dcb, *dwt, *fp; /* scnscb: NULL on ARMv6-M */
};

/* One register of the core's blocks: the block, the register's table entry and, in a register
 * array (NVIC_ISERn, FP_COMPn, DWT_COMPn ...), the element. */
struct core_reg {
	const struct bj_periph *block;
	const struct bj_ip_reg *reg;
	unsigned index;
};

struct chip {
	const struct bj_part *part;
	struct chip_config cfg;
	uc_engine *uc;
	struct core_blocks core;
	bool v7m;       /* the core's architecture is ARMv7-M (else ARMv6-M) */
	bool has_vtor;  /* the core's SCB has a VTOR (not the Cortex-M0) */

	struct region flash, sram, sysmem, eeprom;
	struct region info_pages[3]; /* MMIO pages with option bytes, flash size, unique ID */
	struct unmodelled_page *unmodelled_pages;
	uint32_t alias_size;  /* bytes mapped at address 0 */
	enum boot_target boot;    /* chosen at the last reset */
	enum boot_target mapped;  /* what address 0 shows now (SYSCFG can change it) */
	int boot0;
	int empty_override;   /* --option EMPTY=: the G0 EMPTY flag at power-on (-1: from the flash) */

	/* execution */
	enum chip_state state;
	enum chip_halt_reason halt_reason;
	uint64_t insns;         /* instructions retired since power-on */
	uint64_t sleep_cycles;  /* cycles spent asleep since power-on */
	uint64_t attention;     /* the per-instruction hook looks closer once insns reaches this */
	uint64_t stop_at;       /* chip_run's budget, in insns */
	bool in_emu;            /* inside uc_emu_start */
	bool halt_request;
	bool stopped;           /* this run ends at the next instruction boundary */
	bool pend_check;        /* a pending exception may be takeable: look before the next instruction */
	bool masked_pending;    /* an enabled exception is pending but masked by PRIMASK/BASEPRI/... */
	uint32_t mask_snapshot; /* the mask registers when that was found */
	bool fault_taken;       /* the current instruction faulted: it does not retire */
	bool lockup_reported;
	bool locked_up;         /* lockup until the next reset (a debug halt can interrupt it) */
	enum fault_kind last_fault;
	uint32_t last_fault_pc;
	unsigned n_faults;
	uint32_t cur_pc;        /* the instruction being executed (valid inside hooks) */
	uint32_t fault_addr;    /* the address of the last unmapped access */
	bool bus_error;         /* a model refused the current access (e.g. a wrong flash key) */
	uint32_t reset_count;   /* resets of any kind since creation */
	bool exception_catch;   /* chip_set_exception_catch(): single steps stop before entering */
	bool stepping;          /* inside chip_step() */
	unsigned deferred_exc;  /* caught by the exception catch: entered by the next step */
	bool reset_pending;
	enum chip_reset_kind reset_pending_kind;

	struct nvic_state nvic;
	struct systick_state systick;
	struct debug_state dbg;
	struct timebase tb;

	struct periph *periphs;
	unsigned n_periphs;
	struct periph *rcc, *flashc, *syscfg;
	struct periph **uarts;
	unsigned n_uarts;

	/* observation */
	struct access_log *log;
	chip_access_fn observer;
	void *observer_ctx;
	bool tracing; /* memory hooks installed for the log, the observer or DWT */
	uc_hook hook_mem_read, hook_mem_after, hook_mem_write;
	uint32_t *unmodelled_seen; /* addresses already reported (small set) */
	unsigned n_unmodelled_seen, cap_unmodelled_seen;
};

/* ------------------------------------------------------------------ cpu.c */
/* The special registers, as they really are whatever the guest's mode and privilege. */
struct cpu_sys {
	uint32_t xpsr, control, msp, psp, primask, basepri, faultmask;
};
void cpu_sys_get(struct chip *chip, struct cpu_sys *s);
void cpu_sys_set(struct chip *chip, const struct cpu_sys *s);
/* One uc_emu_start from the current PC up to the next stop, fault, sleep or budget end. */
void cpu_emulate(struct chip *chip);
bool cpu_open(struct chip *chip, char *err, size_t errlen);
void cpu_close(struct chip *chip);
uint32_t cpu_reg(struct chip *chip, int uc_reg);
void cpu_set_reg(struct chip *chip, int uc_reg, uint32_t value);
/* Rebuild unicorn's cached flags after a host write to IPSR/XPSR (notes §1.3). */
void cpu_sync_hflags(struct chip *chip);
/* Re-arm the per-instruction check (a pending exception, a halt, a timer may need it now). */
void cpu_attention(struct chip *chip);
/* Stop emulation at the next instruction boundary (from a hook). */
void cpu_stop(struct chip *chip);
void cpu_flush_code(struct chip *chip, uint32_t begin, uint32_t end);
void cpu_set_tracing(struct chip *chip);
void cpu_unretire(struct chip *chip);

/* ------------------------------------------------------------------ exception.c */
void exc_reset(struct chip *chip);
void exc_set_pending(struct chip *chip, unsigned exc);
void exc_clear_pending(struct chip *chip, unsigned exc);
void exc_set_level(struct chip *chip, unsigned irq, bool level);
int exc_priority(const struct chip *chip, unsigned exc);
int exc_execution_priority(struct chip *chip);
/* The exception that would be taken now, or 0. */
unsigned exc_pending_takeable(struct chip *chip);
unsigned exc_highest_pending(const struct chip *chip);
unsigned exc_active_count(const struct chip *chip);
/* Enter exception exc with return address ret_pc (stacking on the current stack), unless the
 * exception catch of a single step stops first; retired: the instruction that raised it completed. */
void exc_enter(struct chip *chip, unsigned exc, uint32_t ret_pc);
void exc_take(struct chip *chip, unsigned exc, uint32_t ret_pc, bool retired);
/* Enter it whatever the catch says. */
void exc_enter_now(struct chip *chip, unsigned exc, uint32_t ret_pc);
/* A synchronous fault at pc (not retired): escalates, may lock up. */
void exc_fault(struct chip *chip, enum fault_kind kind, uint32_t pc, uint32_t addr);
/* Return through EXC_RETURN value exc_return (unicorn's intno 8). */
void exc_return(struct chip *chip, uint32_t exc_return);
void exc_lockup(struct chip *chip, const char *why);
/* WFI/WFE retired: sleep unless something can be taken now. */
void exc_wait(struct chip *chip);
bool exc_wakeup_pending(struct chip *chip);

/* ------------------------------------------------------------------ regtable.c */
/* The register of ip at offset off (an array's element in *index, if index), or NULL. */
const struct bj_ip_reg *ip_reg_at(const struct bj_ip *ip, uint32_t off, unsigned *index);
/* The register of the core's block at offset (NULL: that core's block lacks it). */
const struct bj_ip_reg *core_reg_find(const struct bj_periph *block, uint32_t offset);
bool core_blocks_init(struct chip *chip, char *err, size_t errlen);
/* Which register of the core's blocks the word at addr is; false if none. */
bool core_reg_at(const struct chip *chip, uint32_t addr, struct core_reg *r);

/* ------------------------------------------------------------------ scs.c (NVIC, SCB, SysTick) */
/* An access of size bytes at addr, inside the word of core register r (debug registers go on
 * to debug.c); *ok false: the register is not modelled. */
uint32_t scs_read(struct chip *chip, const struct core_reg *r, uint32_t addr, unsigned size, bool *ok);
void scs_write(struct chip *chip, const struct core_reg *r, uint32_t addr, uint32_t value, unsigned size, bool *ok);
void systick_reset(struct chip *chip);
uint64_t systick_next_event(struct chip *chip);
void systick_advance(struct chip *chip);

/* ------------------------------------------------------------------ debug.c (DCB, FPB, DWT) */
/* The core's comparator counts fit the registers its blocks list and the model's arrays. */
bool debug_check_core(const struct chip *chip, char *err, size_t errlen);
void debug_power_on(struct chip *chip);
void debug_system_reset(struct chip *chip);
/* Whether core register r is one of the debug registers (DCB, DWT, FP, DFSR). */
bool debug_owns(const struct chip *chip, const struct core_reg *r);
uint32_t debug_read(struct chip *chip, const struct core_reg *r, bool *ok);
void debug_write(struct chip *chip, const struct core_reg *r, uint32_t value, bool *ok);
bool debug_bp_match(struct chip *chip, uint32_t pc);
void debug_enter_halt(struct chip *chip, enum chip_halt_reason reason);
void debug_watch_access(struct chip *chip, char op, uint32_t addr, unsigned size);
bool debug_halting_enabled(const struct chip *chip);

/* ------------------------------------------------------------------ bus.c */
bool bus_map(struct chip *chip, char *err, size_t errlen);
void bus_unmap(struct chip *chip);
void bus_patch_sysmem_ids(struct chip *chip);
void bus_remap(struct chip *chip, enum boot_target target);
/* Accesses made by the system itself: exception stacking, unstacking and vector fetches (logged
 * as by "exception"), and the debug port (not logged: a debugger is not the firmware). */
enum bus_origin { BUS_EXCEPTION, BUS_DEBUG };
bool bus_read(struct chip *chip, uint32_t addr, unsigned size, uint32_t *value, enum bus_origin origin);
bool bus_write(struct chip *chip, uint32_t addr, unsigned size, uint32_t value, enum bus_origin origin);
/* Raw memory pointer for addr..addr+len if it is plain memory (flash, SRAM, ROM, EEPROM), else NULL. */
uint8_t *bus_mem(struct chip *chip, uint32_t addr, uint32_t len);
/* Side-effect-free read of plain memory (instruction bytes, vectors for display). */
bool bus_peek(struct chip *chip, uint32_t addr, void *buf, uint32_t len);
/* A CPU store to flash, the boot alias or ROM (read-only to unicorn): the FLASH controller
 * decides what it does; false means a bus error (ROM, or a controller that faults). */
bool bus_cpu_write_readonly(struct chip *chip, uint32_t addr, unsigned size, uint32_t value);
/* Drop the translated code of every region instructions can run from (flash, SRAM, system
 * memory, the boot alias). */
void bus_flush_code(struct chip *chip);
/* Map a reserved page of the peripheral area as unmodelled, so the access completes. */
bool bus_map_unmodelled_page(struct chip *chip, uint32_t addr);
/* A model refuses the access in progress: the CPU takes a precise bus fault, the debug port
 * gets an error. */
void bus_error(struct chip *chip);
/* Report an access the models do not implement, once per address. */
void bus_unmodelled(struct chip *chip, uint32_t addr, char op);

/* ------------------------------------------------------------------ timebase.c */
/* Back to the reset clock; time is now_ns (0 at power-on, unchanged by other resets). */
void tb_reset(struct chip *chip, uint64_t now_ns);
uint64_t tb_cycles(const struct chip *chip);
uint64_t tb_ns(const struct chip *chip);
uint64_t tb_ns_at(const struct chip *chip, uint64_t cycle);
/* First cycle at or after time ns. */
uint64_t tb_cycle_at(const struct chip *chip, uint64_t ns);
void tb_set_hz(struct chip *chip, uint64_t hz);
/* Process every event due now, then re-arm the attention threshold. */
void tb_process(struct chip *chip);
uint64_t tb_next_event(struct chip *chip);

/* ------------------------------------------------------------------ chip.c */
void chip_do_reset(struct chip *chip, enum chip_reset_kind kind);
/* A reset requested from inside execution (AIRCR, IWDG): done at the next instruction boundary. */
void chip_request_reset(struct chip *chip, enum chip_reset_kind kind);
struct periph *chip_periph_at(struct chip *chip, uint32_t addr);
/* The stored value of register reg (no side effects), for bitrefs into other peripherals. */
uint32_t chip_reg_value(struct chip *chip, uint32_t reg);
bool chip_bit(struct chip *chip, struct bj_bitref bit);
void chip_log_access(struct chip *chip, char op, uint32_t addr, unsigned size, uint32_t value, enum chip_access_by by);
void chip_log_event(struct chip *chip, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void chip_warn(struct chip *chip, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
