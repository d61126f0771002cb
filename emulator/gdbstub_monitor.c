/* `monitor ...` (qRcmd): the emulator's own commands, declared once in monitor_cmds[] below, which
 * `monitor help` prints. Output travels in O packets (hex text), then OK, or E01 when the command
 * failed, so a script sees the failure as a GDB error.
 *
 * bj-step is the tracer's fast path (docs/architecture.md, "Monitor commands"): it steps inside the
 * emulator and prints one JSON object per instruction, with every data access the chip observed.
 * It stops before an exception is entered (chip_set_exception_catch), after a reset and at a
 * breakpoint, so the debugger takes those steps the ordinary way and both paths record the same
 * trace.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gdbstub_priv.h"

/* Enough steps for any chunk a tracer asks for, few enough that one command ends in seconds. */
#define BJ_STEP_MAX 1000000u
/* Data accesses one instruction makes: at most 16 (LDM/STM/PUSH/POP of every register). */
#define STEP_MAX_ACCESSES 64
/* The longest a written line waits for company before it is sent. GDB waits remotetimeout (2 s
 * by default) for each packet of a command's output and, after three such waits, prints "Ignoring
 * packet error, continuing..." into that output (remote.c, getpkt), which breaks a reader of
 * bj-step's JSON lines: so output goes out well within one wait, however slowly the steps go. */
#define OUTPUT_MAX_WAIT_NS 200000000ll

/* ------------------------------------------------------------------ output */

struct monitor_out {
	struct gdbstub *stub;
	size_t len;
	long long first_ns; /* when text[0] was written */
	char text[8000]; /* one O packet of 2 * 8000 hex digits, under PacketSize; longer than any line */
};

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static void flush(struct monitor_out *out)
{
	char *p = out->stub->reply;

	if (out->len == 0)
		return;
	p[0] = 'O';
	rsp_hex_encode(p + 1, (const uint8_t *)out->text, out->len);
	gdbstub_send(out->stub, p, 1 + 2 * out->len);
	out->len = 0;
}

/* A line that fits goes whole into one O packet, so a reader may parse each packet on its own. The
 * packet goes out when full, or with the first text written once its first line has waited
 * OUTPUT_MAX_WAIT_NS: bj-step writes a line per step, so the client hears from the stub at least
 * every OUTPUT_MAX_WAIT_NS plus one step. */
static void write_text(struct monitor_out *out, const char *text, size_t len)
{
	if (out->len + len > sizeof out->text)
		flush(out);
	while (len > 0) {
		size_t n = sizeof out->text - out->len;
		if (n > len)
			n = len;
		if (out->len == 0)
			out->first_ns = now_ns();
		memcpy(out->text + out->len, text, n);
		out->len += n;
		text += n;
		len -= n;
		if (out->len == sizeof out->text)
			flush(out);
	}
	if (out->len > 0 && now_ns() - out->first_ns >= OUTPUT_MAX_WAIT_NS)
		flush(out);
}

static void __attribute__((format(printf, 2, 3))) printf_out(struct monitor_out *out, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n > 0)
		write_text(out, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

/* ------------------------------------------------------------------ bj-step */

struct step_record {
	bool active; /* inside bj-step: the observer stays installed between commands */
	struct chip_access access[STEP_MAX_ACCESSES];
	unsigned n;
	bool overflow;
};

static struct step_record rec;

static void observe(void *ctx, const struct chip_access *access)
{
	struct step_record *rec = ctx;

	/* Stacking and unstacking belong to the exception, not to the instruction (trace format:
	 * "every data access of the instruction"). */
	if (!rec->active || access->by != CHIP_BY_INSN)
		return;
	if (rec->n == STEP_MAX_ACCESSES) {
		rec->overflow = true;
		return;
	}
	rec->access[rec->n++] = *access;
}

/* The instruction's bytes in memory order: a Thumb halfword whose top five bits are 0b11101,
 * 0b11110 or 0b11111 starts a 32-bit instruction (ARMv7-M ARM A5.1). */
static size_t insn_bytes(struct chip *chip, uint32_t pc, uint8_t bytes[4])
{
	if (chip_mem_read(chip, pc, bytes, 2) != 0)
		return 0;
	if ((bytes[1] & 0xf8) < 0xe8)
		return 2;
	return chip_mem_read(chip, pc + 2, bytes + 2, 2) == 0 ? 4 : 0;
}

static size_t format_step(struct gdbstub *stub, char *line, size_t cap, uint32_t pc, const uint8_t *bytes,
			  size_t nbytes, const uint32_t *before, const struct step_record *rec)
{
	char hex[9] = {0};
	size_t n;
	const char *sep = "";

	rsp_hex_encode(hex, bytes, nbytes);
	hex[2 * nbytes] = 0;
	n = (size_t)snprintf(line, cap, "{\"pc\": \"0x%08x\", \"bytes\": \"%s\", \"regs\": {", pc, hex);
	for (unsigned i = 0; i < stub->n_regs; i++) {
		const struct gdb_reg *r = stub->regs[i];
		uint32_t v = chip_reg_read(stub->chip, r->reg);
		if (r->reg == CHIP_PC || v == before[i])
			continue;
		n += (size_t)snprintf(line + n, cap - n, "%s\"%s\": \"0x%08x\"", sep, r->name, v);
		sep = ", ";
	}
	n += (size_t)snprintf(line + n, cap - n, "}, \"mem\": [");
	for (unsigned i = 0; i < rec->n; i++) {
		const struct chip_access *a = &rec->access[i];
		n += (size_t)snprintf(line + n, cap - n,
				      "%s{\"op\": \"%c\", \"addr\": \"0x%08x\", \"size\": %u, \"value\": \"0x%0*x\"}",
				      i ? ", " : "", a->op, a->addr, a->size, 2 * a->size, a->value);
	}
	n += (size_t)snprintf(line + n, cap - n, "]}\n");
	return n;
}

static bool parse_hex_arg(const char *s, uint32_t *v)
{
	char *end;
	unsigned long long x = strtoull(s, &end, 16);
	if (end == s || *end || x > 0xffffffffull || s[0] == '-')
		return false;
	*v = (uint32_t)x;
	return true;
}

static bool parse_bj_step(const char *args, unsigned long *count, uint32_t *lo, uint32_t *hi, bool *ranged)
{
	char a[3][24];
	char extra;
	int n = sscanf(args, "%23s %23s %23s %c", a[0], a[1], a[2], &extra);
	char *end;

	if (n != 1 && n != 3)
		return false;
	*count = strtoul(a[0], &end, 10);
	if (*end || a[0][0] == '-' || *count == 0 || *count > BJ_STEP_MAX)
		return false;
	*ranged = n == 3;
	return !*ranged || (parse_hex_arg(a[1], lo) && parse_hex_arg(a[2], hi) && *lo < *hi);
}

static bool cmd_bj_step(struct monitor_out *out, const char *args)
{
	struct gdbstub *stub = out->stub;
	struct chip *chip = stub->chip;
	static char line[8192];
	unsigned long count;
	uint32_t lo = 0, hi = 0, before[CHIP_NREGS];
	bool ranged;
	const char *stopped = "count";

	if (!parse_bj_step(args, &count, &lo, &hi, &ranged)) {
		printf_out(out, "bj-step: expected `bj-step N [LO HI]` with N from 1 to %u and hex LO < HI\n",
			   BJ_STEP_MAX);
		return false;
	}
	if (chip_state(chip) == CHIP_RUNNING || chip_state(chip) == CHIP_SLEEPING)
		chip_halt(chip);
	/* Installing the observer makes the chip translate its code again (memory hooks), which costs
	 * milliseconds: a tracer calls bj-step in chunks, so it stays until the chip runs again. */
	if (!stub->observing) {
		chip_set_access_observer(chip, observe, &rec);
		stub->observing = true;
	}
	rec.active = true;
	chip_set_exception_catch(chip, true);
	for (unsigned long i = 0; i < count; i++) {
		uint32_t pc = chip_reg_read(chip, CHIP_PC);
		uint8_t bytes[4];
		size_t nbytes = insn_bytes(chip, pc, bytes);
		uint64_t retired = chip_instructions(chip);
		uint32_t resets = chip_reset_count(chip);

		if (chip_state(chip) == CHIP_LOCKUP) {
			stopped = "lockup";
			break;
		}
		for (unsigned r = 0; r < stub->n_regs; r++)
			before[r] = chip_reg_read(chip, stub->regs[r]->reg);
		rec.n = 0;
		rec.overflow = false;
		chip_step(chip);
		if (rec.overflow) {
			printf_out(out, "bj-step: more than %u data accesses at 0x%08x\n", STEP_MAX_ACCESSES, pc);
			stopped = NULL;
			break;
		}
		if (chip_instructions(chip) != retired && nbytes)
			write_text(out, line, format_step(stub, line, sizeof line, pc, bytes, nbytes, before, &rec));

		uint32_t next = chip_reg_read(chip, CHIP_PC);
		enum chip_halt_reason why = chip_halt_reason(chip);
		if (chip_reset_count(chip) != resets)
			stopped = "reset";
		else if (chip_state(chip) == CHIP_LOCKUP)
			stopped = "lockup";
		else if (why == CHIP_HALT_VCATCH)
			stopped = "exception";
		else if (why == CHIP_HALT_BKPT || why == CHIP_HALT_BREAKPOINT || gdbstub_is_breakpoint(stub, next))
			stopped = "breakpoint";
		else if (ranged && (next < lo || next >= hi))
			stopped = "range";
		else
			continue;
		break;
	}
	chip_set_exception_catch(chip, false);
	rec.active = false;
	if (!stopped)
		return false;
	printf_out(out, "{\"stopped\": \"%s\", \"pc\": \"0x%08x\"}\n", stopped, chip_reg_read(chip, CHIP_PC));
	return true;
}

void gdbstub_stop_observing(struct gdbstub *stub)
{
	if (stub->observing)
		chip_set_access_observer(stub->chip, NULL, NULL);
	stub->observing = false;
}

/* ------------------------------------------------------------------ the other commands */

static bool cmd_reset(struct monitor_out *out, const char *args)
{
	enum chip_reset_kind kind = CHIP_RESET_SYSTEM;
	bool halt = false;

	if (strcmp(args, "halt") == 0)
		halt = true;
	else if (strcmp(args, "power") == 0)
		kind = CHIP_RESET_POWER_ON, halt = true;
	else if (args[0] && strcmp(args, "run") != 0) {
		printf_out(out, "reset: expected `reset`, `reset halt` or `reset power`, not `reset %s`\n", args);
		return false;
	}
	if (!halt)
		gdbstub_stop_observing(out->stub);
	chip_reset(out->stub->chip, kind, halt);
	gdbstub_restore_comparators(out->stub);
	printf_out(out, "%s reset, %s at 0x%08x\n", kind == CHIP_RESET_POWER_ON ? "power-on" : "system",
		   halt ? "halted" : "running from", chip_reg_read(out->stub->chip, CHIP_PC));
	return true;
}

static bool cmd_boot0(struct monitor_out *out, const char *args)
{
	if (strcmp(args, "0") != 0 && strcmp(args, "1") != 0) {
		printf_out(out, "boot0: expected `boot0 0` or `boot0 1`\n");
		return false;
	}
	chip_set_boot0(out->stub->chip, args[0] - '0');
	printf_out(out, "BOOT0 = %c (read at the next reset)\n", args[0]);
	return true;
}

static bool cmd_info(struct monitor_out *out, const char *args)
{
	struct gdbstub *stub = out->stub;
	char text[512];

	(void)args;
	chip_describe(stub->chip, text, sizeof text);
	printf_out(out, "%s\n", text);
	printf_out(out, "gdb: %u of %u breakpoint and %u of %u watchpoint comparators in use\n", stub->n_bps,
		   chip_bp_slots(stub->chip), stub->n_wps, chip_wp_slots(stub->chip));
	return true;
}

static bool cmd_quit(struct monitor_out *out, const char *args)
{
	(void)args;
	printf_out(out, "bootjump-emu exits\n");
	out->stub->quit = true;
	return true;
}

static bool cmd_help(struct monitor_out *out, const char *args);

static const struct {
	const char *name;
	bool (*fn)(struct monitor_out *out, const char *args);
	const char *usage;
	const char *help;
} monitor_cmds[] = {
	{"reset", cmd_reset, "reset [halt|power]",
	 "system reset and run; `halt`: stop at the reset vector; `power`: power-on reset "
	 "(SRAM and backup registers cleared), halted"},
	{"boot0", cmd_boot0, "boot0 0|1", "set the BOOT0 pin level, read at the next reset"},
	{"info", cmd_info, "info", "the chip's state, PC, boot source, instruction count and time"},
	{"bj-step", cmd_bj_step, "bj-step N [LO HI]",
	 "step up to N instructions, one JSON line each; stop before an exception, after a reset, "
	 "at a breakpoint, or once the PC leaves [LO, HI)"},
	{"quit", cmd_quit, "quit", "end the emulator"},
	{"help", cmd_help, "help", "this list"},
};

static bool cmd_help(struct monitor_out *out, const char *args)
{
	(void)args;
	for (size_t i = 0; i < sizeof monitor_cmds / sizeof monitor_cmds[0]; i++)
		printf_out(out, "%-20s %s\n", monitor_cmds[i].usage, monitor_cmds[i].help);
	return true;
}

void gdbstub_monitor(struct gdbstub *stub, const char *cmd)
{
	static struct monitor_out out;
	const char *name = cmd + strspn(cmd, " \t");
	size_t n = strcspn(name, " \t");
	char args[480];
	bool found = false, ok = false;

	out.stub = stub;
	out.len = 0;
	snprintf(args, sizeof args, "%s", name + n + strspn(name + n, " \t"));
	for (size_t end = strlen(args); end > 0 && strchr(" \t", args[end - 1]); end--)
		args[end - 1] = 0;
	for (size_t i = 0; i < sizeof monitor_cmds / sizeof monitor_cmds[0] && !found; i++)
		if (strlen(monitor_cmds[i].name) == n && strncmp(name, monitor_cmds[i].name, n) == 0) {
			found = true;
			ok = monitor_cmds[i].fn(&out, args);
		}
	if (!found)
		printf_out(&out, "unknown monitor command `%.*s`: `monitor help` lists them\n", (int)(n < 40 ? n : 40), name);
	flush(&out);
	gdbstub_send_str(stub, ok ? "OK" : "E01");
}
