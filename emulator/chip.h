/* The emulated STM32 as its front ends see it: the main loop, the GDB stub (gdbstub.c) and the
 * JTAG debug port (jtag.c). Everything a real debug probe can do to a chip goes through here, so
 * GDB, OpenOCD and the tests observe the same chip.
 *
 * Contract between the emulator core (chip.c, cpu*.c, periph/) and the debug front ends: add
 * functions when needed, never change the meaning of an existing one without updating every caller.
 */
#ifndef EMULATOR_CHIP_H
#define EMULATOR_CHIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bj_parts.h"

struct chip;

#define CHIP_MAX_OPTIONS 16

struct chip_option {
	const char *key; /* e.g. "BOOT_SEL", "nBOOT1", "BFB2", "EMPTY" (validated by chip_create) */
	uint32_t value;
};

struct chip_config {
	const struct bj_part *part;
	const char *flash_path; /* .elf (loaded by program headers) or .bin (at the flash base); NULL: erased */
	const char *rom_path;   /* system-memory image; the ROM model's build/rom/<part>.bin by default */
	int boot0;              /* level of the BOOT0 pin */
	struct chip_option options[CHIP_MAX_OPTIONS];
	unsigned n_options;
	const char *access_log_path; /* NULL: no ground-truth log */
	bool halt_at_reset;          /* --halt: wait halted at the reset vector */
};

/* Returns NULL and fills err (one line, says what to do) on bad configuration. */
struct chip *chip_create(const struct chip_config *cfg, char *err, size_t errlen);
void chip_destroy(struct chip *chip);
const struct bj_part *chip_part(const struct chip *chip);

/* ------------------------------------------------------------------ execution */

enum chip_state {
	CHIP_RUNNING,
	CHIP_HALTED, /* debug halt: see chip_halt_reason() */
	CHIP_SLEEPING, /* WFI/WFE with nothing pending: time may jump to the next timer event */
	CHIP_LOCKUP,   /* fault while in HardFault (or NMI): the core is stuck, as on silicon */
};

enum chip_halt_reason {
	CHIP_HALT_NONE,
	CHIP_HALT_REQUEST,    /* chip_halt(), DHCSR.C_HALT, GDB Ctrl-C */
	CHIP_HALT_STEP,       /* one chip_step() done */
	CHIP_HALT_BREAKPOINT, /* FPB comparator matched the PC */
	CHIP_HALT_BKPT,       /* BKPT instruction (PC at the BKPT) */
	CHIP_HALT_WATCHPOINT, /* DWT comparator: chip_watch_hit() says which */
	CHIP_HALT_VCATCH,     /* vector catch: reset (DEMCR.VC_CORERESET) or a fault (VC_HARDERR ...) */
};

/* Run up to max_instructions; returns early when the chip halts, sleeps or locks up. */
enum chip_state chip_run(struct chip *chip, uint64_t max_instructions);
/* Execute exactly one instruction and halt (CHIP_HALT_STEP). If an enabled exception is pending
 * and not masked, the step enters it and halts on the handler's first instruction, as a Cortex-M
 * does with DHCSR.C_STEP and C_MASKINTS clear. A fault is the faulting instruction's step: a branch
 * to an even address (BX/BLX) halts at the target with xPSR.T clear, and the next step enters the
 * INVSTATE fault there. */
enum chip_state chip_step(struct chip *chip);
void chip_halt(struct chip *chip);  /* request a debug halt; takes effect before the next instruction */
void chip_resume(struct chip *chip);
enum chip_state chip_state(const struct chip *chip);
/* Nothing happens until something from outside (debugger, UART byte, reset): halted, locked up,
 * or asleep with no timer armed. The main loop may then block in poll(). */
bool chip_blocked(struct chip *chip);
enum chip_halt_reason chip_halt_reason(const struct chip *chip);
/* After CHIP_HALT_WATCHPOINT: the data address that matched and the kind (0 write, 1 read, 2 access). */
bool chip_watch_hit(const struct chip *chip, uint32_t *addr, int *kind);

enum chip_reset_kind {
	CHIP_RESET_POWER_ON, /* clears SRAM and the backup domain; RCC_CSR shows PORRSTF (and PINRSTF) */
	CHIP_RESET_SYSTEM,   /* AIRCR.SYSRESETREQ: keeps backup registers and SRAM, sets SFTRSTF */
	CHIP_RESET_PIN,      /* NRST */
	CHIP_RESET_IWDG,     /* independent watchdog expired */
	CHIP_RESET_OPTION_LOAD, /* OBL_LAUNCH: option bytes reloaded, then a system reset (OBLRSTF) */
};
/* Reset as the hardware would; the boot source is re-evaluated. halt: stop at the reset vector. */
void chip_reset(struct chip *chip, enum chip_reset_kind kind, bool halt);

/* Instructions retired since power-on: the "step" of the access log. */
uint64_t chip_instructions(const struct chip *chip);
/* Emulated time since power-on, from the deterministic time base. */
uint64_t chip_time_ns(const struct chip *chip);

/* ------------------------------------------------------------------ registers */

/* Order and numbering of the GDB m-profile + m-system target description used by gdbstub.c. */
enum chip_reg {
	CHIP_R0, CHIP_R1, CHIP_R2, CHIP_R3, CHIP_R4, CHIP_R5, CHIP_R6, CHIP_R7,
	CHIP_R8, CHIP_R9, CHIP_R10, CHIP_R11, CHIP_R12, CHIP_SP, CHIP_LR, CHIP_PC,
	CHIP_XPSR, CHIP_MSP, CHIP_PSP, CHIP_PRIMASK, CHIP_BASEPRI, CHIP_FAULTMASK, CHIP_CONTROL,
	CHIP_NREGS
};
uint32_t chip_reg_read(struct chip *chip, enum chip_reg reg);
void chip_reg_write(struct chip *chip, enum chip_reg reg, uint32_t value);

/* ------------------------------------------------------------------ memory, as the debug port sees it */

/* Reads and writes through the system bus as the AHB-AP does: peripherals answer (with their
 * side effects, as on silicon), unmapped addresses fail. Returns 0, or -1 on a bus error. */
int chip_mem_read(struct chip *chip, uint32_t addr, void *buf, size_t len);
int chip_mem_write(struct chip *chip, uint32_t addr, const void *buf, size_t len);
/* What a debug probe's flash loader does: erase/program user flash directly (GDB vFlash*). */
int chip_flash_erase(struct chip *chip, uint32_t addr, uint32_t len);
int chip_flash_program(struct chip *chip, uint32_t addr, const void *buf, uint32_t len);

/* ------------------------------------------------------------------ hardware breakpoints and watchpoints */

/* The FPB and DWT comparators of the core (4 and 2 on M0/M0+, 6 and 4 on M3/M4), shared with the
 * firmware's view of FP_COMPn / DWT_COMPn. Add returns -1 when every comparator is in use. */
unsigned chip_bp_slots(const struct chip *chip);
unsigned chip_wp_slots(const struct chip *chip);
int chip_bp_add(struct chip *chip, uint32_t addr);
int chip_bp_remove(struct chip *chip, uint32_t addr);
enum chip_wp_kind { CHIP_WP_WRITE, CHIP_WP_READ, CHIP_WP_ACCESS };
int chip_wp_add(struct chip *chip, uint32_t addr, uint32_t len, enum chip_wp_kind kind);
int chip_wp_remove(struct chip *chip, uint32_t addr, uint32_t len, enum chip_wp_kind kind);

/* ------------------------------------------------------------------ observation (ground truth) */

enum chip_access_by { CHIP_BY_INSN, CHIP_BY_EXCEPTION };
struct chip_access {
	uint64_t step; /* chip_instructions() of the instruction making the access */
	uint32_t pc;
	char op;       /* 'r' or 'w' */
	uint32_t addr;
	uint8_t size;  /* 1, 2 or 4 */
	uint32_t value;
	enum chip_access_by by; /* exception stacking/unstacking and vector fetches are CHIP_BY_EXCEPTION */
};
typedef void (*chip_access_fn)(void *ctx, const struct chip_access *access);
/* One observer at a time besides the access log; NULL removes it. Instruction fetches are not reported. */
void chip_set_access_observer(struct chip *chip, chip_access_fn fn, void *ctx);

/* ------------------------------------------------------------------ pins and serial ports */

void chip_set_boot0(struct chip *chip, int level);
unsigned chip_uart_count(const struct chip *chip);
const char *chip_uart_name(const struct chip *chip, unsigned index); /* "USART2", "LPUART1", ... */
int chip_uart_index(const struct chip *chip, const char *name);       /* -1 if the part lacks it */
/* Bytes the firmware transmitted (drained), and bytes arriving on RX (queued, paced by the baud rate). */
size_t chip_uart_take_tx(struct chip *chip, unsigned index, uint8_t *buf, size_t len);
void chip_uart_put_rx(struct chip *chip, unsigned index, const uint8_t *buf, size_t len);
/* The baud rate the far end of the line uses (a pty client's termios): what auto-baud measures. */
void chip_uart_set_line_baud(struct chip *chip, unsigned index, uint32_t baud);

/* A one-line human summary for `monitor info`: part, state, PC, boot source, instructions, time. */
void chip_describe(struct chip *chip, char *buf, size_t len);

/* ------------------------------------------------------------------ added for the tracer fast path
 * `monitor bj-step` (gdbstub_monitor.c, docs/architecture.md) stops *before* an exception is entered
 * and *after* a reset, so that the debugger takes that one step the ordinary way and the fast and
 * the plain path record the same trace. These two functions let it see both. */

/* While on, chip_step() never enters an exception: when the step would enter one (an enabled,
 * unmasked interrupt pending, or a fault or SVC raised by the instruction) it returns CHIP_HALTED
 * with chip_halt_reason() == CHIP_HALT_VCATCH and nothing stacked: a faulting instruction has not
 * retired (registers and memory as before it), an SVC has (PC after it). The next chip_step() with
 * the catch off enters the exception as usual. Off after chip_create(). */
void chip_set_exception_catch(struct chip *chip, bool on);
/* Resets of any kind since chip_create(), so a front end can tell a step or a run reset the chip. */
uint32_t chip_reset_count(const struct chip *chip);

#endif
