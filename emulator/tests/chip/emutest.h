/* A very small test framework for the emulator's C tests: tests register themselves where they
 * are defined (EMUTEST), run once per part, and CHECK counts and reports failures with the part's
 * name; a test that does not apply to a part says why with emutest_skip(). */
#ifndef EMUTEST_H
#define EMUTEST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bj_parts.h"

struct emutest_ctx {
	const struct bj_part *part;
	const char *test;
	unsigned checks, failures;
	const char *skipped; /* why the test does not apply to this part */
};

struct emutest {
	const char *name;
	void (*fn)(struct emutest_ctx *t);
	bool per_part; /* false: runs once, t->part is NULL */
	struct emutest *next;
};

void emutest_register(struct emutest *test);
void emutest_fail(struct emutest_ctx *t, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void emutest_skip(struct emutest_ctx *t, const char *why);

#define EMUTEST_DEFINE(fname, per)                                                          \
	static void fname(struct emutest_ctx *t);                                         \
	static struct emutest fname##_entry = {#fname, fname, per, NULL};                 \
	__attribute__((constructor)) static void fname##_register(void)                   \
	{                                                                                 \
		emutest_register(&fname##_entry);                                         \
	}                                                                                 \
	static void fname(struct emutest_ctx *t)

/* A test run once for every part of the database, and one run once. */
#define EMUTEST(fname) EMUTEST_DEFINE(fname, true)
#define EMUTEST_ONCE(fname) EMUTEST_DEFINE(fname, false)

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		t->checks++;                                                   \
		if (!(cond))                                                   \
			emutest_fail(t, __FILE__, __LINE__, __VA_ARGS__);      \
	} while (0)

#define CHECK_EQ(got, want, what)                                                                          \
	do {                                                                                               \
		uint64_t g_ = (uint64_t)(got), w_ = (uint64_t)(want);                                     \
		CHECK(g_ == w_, "%s: got 0x%llx, want 0x%llx", what, (unsigned long long)g_, (unsigned long long)w_); \
	} while (0)

#endif
