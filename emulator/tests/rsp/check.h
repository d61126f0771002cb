/* A minimal test harness for the stub's host tests: CHECK records a failure with its line and
 * goes on, so one run lists every broken expectation; main returns check_failures(). */
#ifndef EMULATOR_TESTS_RSP_CHECK_H
#define EMULATOR_TESTS_RSP_CHECK_H

#include <stdio.h>

static int check_failed;
static int check_passed;

#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (cond) {                                                                \
			check_passed++;                                                    \
		} else {                                                                   \
			check_failed++;                                                    \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                          \
	} while (0)

static inline int check_failures(const char *name)
{
	printf("%s: %d checks passed, %d failed\n", name, check_passed, check_failed);
	return check_failed ? 1 : 0;
}

#endif
