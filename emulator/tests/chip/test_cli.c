/* bootjump-emu's command-line errors: an unknown part, a missing file, a bad option each give
 * exit status 2 and exactly one line on stderr, and nothing on stdout (no ready line). */
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "part_lookup.h"

extern char **environ;

struct outcome {
	int status;
	char out[4096], err[4096];
};

static void drain(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	ssize_t r;
	while (n + 1 < cap && (r = read(fd, buf + n, cap - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = 0;
}

/* Through timeout(1): an emulator that accepts a bad command line runs until killed, and must
 * fail the test rather than hang it. */
static bool run_emu(const char *const *args, struct outcome *o)
{
	char *argv[24];
	unsigned n = 0;
	argv[n++] = (char *)"timeout";
	argv[n++] = (char *)"-s";
	argv[n++] = (char *)"KILL";
	argv[n++] = (char *)"10";
	argv[n++] = (char *)harness_emu;
	for (; *args && n < 23; args++)
		argv[n++] = (char *)*args;
	argv[n] = NULL;
	int out[2], err[2];
	if (pipe(out) || pipe(err))
		return false;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, err[1], 2);
	posix_spawn_file_actions_addclose(&fa, out[0]);
	posix_spawn_file_actions_addclose(&fa, err[0]);
	pid_t pid;
	int rc = posix_spawnp(&pid, "timeout", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(out[1]);
	close(err[1]);
	if (rc == 0) {
		drain(out[0], o->out, sizeof(o->out));
		drain(err[0], o->err, sizeof(o->err));
		waitpid(pid, &o->status, 0);
	}
	close(out[0]);
	close(err[0]);
	return rc == 0;
}

/* Returns the message, for checks of what it must not say. */
static const char *expect_usage_error(struct emutest_ctx *t, const char *const *args, const char *mentions)
{
	static struct outcome o;
	if (!run_emu(args, &o)) {
		CHECK(false, "cannot start %s", harness_emu);
		return "";
	}
	size_t len = strlen(o.err);
	CHECK(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 2, "%s: exit status 2 (got 0x%x)", args[1], o.status);
	CHECK(len > 0 && o.err[len - 1] == '\n' && memchr(o.err, '\n', len) == o.err + len - 1,
	      "%s: exactly one line on stderr: [%s]", args[1], o.err);
	CHECK(strstr(o.err, mentions) != NULL, "%s: the message names %s: [%s]", args[1], mentions, o.err);
	CHECK(o.out[0] == 0, "%s: no ready line: [%s]", args[1], o.out);
	return o.err;
}

EMUTEST_ONCE(cli_errors)
{
	const char *unknown_part[] = {"--part", "stm32x999", NULL};
	expect_usage_error(t, unknown_part, "stm32x999");
	const char *missing_flash[] = {"--part", "stm32l011", "--flash", "/nonexistent/fw.elf", NULL};
	expect_usage_error(t, missing_flash, "/nonexistent/fw.elf");
	const char *missing_rom[] = {"--part", "stm32l011", "--rom", "/nonexistent/rom.bin", NULL};
	expect_usage_error(t, missing_rom, "/nonexistent/rom.bin");
	const char *bad_option[] = {"--part", "stm32l011", "--frobnicate", NULL};
	expect_usage_error(t, bad_option, "--frobnicate");
	const char *bad_boot0[] = {"--part", "stm32l011", "--boot0", "2", NULL};
	expect_usage_error(t, bad_boot0, "--boot0");
	const char *no_value[] = {"--part", NULL};
	expect_usage_error(t, no_value, "--part");
	const char *bad_bit[] = {"--part", "stm32l011", "--option", "BFB2=1", NULL};
	expect_usage_error(t, bad_bit, "BFB2");
	const char *bad_uart[] = {"--part", "stm32l011", "--uart", "usart1=pty", NULL};
	expect_usage_error(t, bad_uart, "usart1");
	const char *bad_port[] = {"--part", "stm32l011", "--gdb", "http", NULL};
	expect_usage_error(t, bad_port, "--gdb");

	/* A shared DEV_ID names the parts that share it, not the whole database. */
	char shared[64] = "", dev_id[16] = "";
	for (unsigned i = 0; i < BJ_N_PARTS && !dev_id[0]; i++)
		for (unsigned j = i + 1; j < BJ_N_PARTS && !dev_id[0]; j++)
			if (bj_parts[i].dev_id == bj_parts[j].dev_id) {
				snprintf(dev_id, sizeof(dev_id), "0x%03x", bj_parts[i].dev_id);
				snprintf(shared, sizeof(shared), "name one of: %s, %s\n", bj_parts[i].name, bj_parts[j].name);
			}
	if (dev_id[0]) {
		const char *shared_id[] = {"--part", dev_id, NULL};
		const char *msg = expect_usage_error(t, shared_id, dev_id);
		CHECK(strstr(msg, shared) != NULL, "%s: the message names exactly the parts that share it (%s): [%s]",
		      dev_id, shared, msg);
	}

	/* Given twice: the second would override the first, or two ptys would share one USART. */
	const char *twice_part[] = {"--part", "stm32l011", "--part", "stm32l031", NULL};
	expect_usage_error(t, twice_part, "--part is given twice");
	const char *twice_uart[] = {"--part", "stm32l011", "--uart", "usart2=pty", "--uart", "USART2=pty", NULL};
	expect_usage_error(t, twice_uart, "USART2 is given twice");
	const char *twice_bit[] = {"--part", "stm32l011", "--option", "nBOOT1=1", "--option", "nBOOT1=0", NULL};
	expect_usage_error(t, twice_bit, "nBOOT1 is given twice");
}

/* bj_parts is a static table of the generated header: each object file has its own copy, so a part
 * is recognised by its name. */
static bool is_part(const struct bj_part *got, const struct bj_part *p)
{
	return got && strcmp(got->name, p->name) == 0;
}

/* The forms the parts loader accepts (parts/__init__.py lookup): name, alias in any case, DEV_ID in
 * hex with or without 0x; a shared DEV_ID is ambiguous, anything else unknown. */
EMUTEST_ONCE(part_lookup_forms)
{
	for (unsigned i = 0; i < BJ_N_PARTS; i++) {
		const struct bj_part *p = &bj_parts[i];
		bool ambiguous, shared = false;
		for (unsigned j = 0; j < BJ_N_PARTS; j++)
			shared |= j != i && bj_parts[j].dev_id == p->dev_id;
		char upper[64], with_0x[16], bare[16];
		snprintf(upper, sizeof(upper), "%s", p->name);
		for (char *c = upper; *c; c++)
			*c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
		snprintf(with_0x, sizeof(with_0x), "0x%03x", p->dev_id);
		snprintf(bare, sizeof(bare), "%03x", p->dev_id);
		CHECK(is_part(part_lookup(p->name, &ambiguous), p) && !ambiguous, "%s by name", p->name);
		CHECK(is_part(part_lookup(upper, &ambiguous), p), "%s by %s", p->name, upper);
		if (p->aliases[0])
			CHECK(is_part(part_lookup(p->aliases[0], &ambiguous), p), "%s by alias %s", p->name, p->aliases[0]);
		for (const char *id = with_0x; id; id = id == with_0x ? bare : NULL) {
			const struct bj_part *got = part_lookup(id, &ambiguous);
			CHECK(shared ? (got == NULL && ambiguous) : (is_part(got, p) && !ambiguous), "%s by DEV_ID %s%s", p->name,
			      id, shared ? " (shared: ambiguous)" : "");
		}
	}
	bool ambiguous;
	CHECK(part_lookup("stm32x999", &ambiguous) == NULL && !ambiguous, "an unknown name");
	CHECK(part_lookup("0x", &ambiguous) == NULL && part_lookup("0xfff", &ambiguous) == NULL && !ambiguous,
	      "no DEV_ID, an unknown DEV_ID");
}
