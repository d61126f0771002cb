/* bootjump-emu's command-line errors: an unknown part, a missing file, a bad option each give
 * exit status 2 and exactly one line on stderr, and nothing on stdout (no ready line). */
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

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
