/* A minimal harness for the ROM model's host tests: CHECK records a failure with its line and the
 * part under test, then goes on, so one run lists every broken expectation. */
#ifndef EMULATOR_ROM_TESTS_CHECK_H
#define EMULATOR_ROM_TESTS_CHECK_H

#include <stdio.h>

static int check_failed;
static int check_passed;
static const char *check_context = "";

#define CHECK(cond)                                                                                   \
	do {                                                                                          \
		if (cond) {                                                                           \
			check_passed++;                                                               \
		} else {                                                                              \
			check_failed++;                                                               \
			fprintf(stderr, "%s:%d: [%s] CHECK failed: %s\n", __FILE__, __LINE__, check_context, #cond); \
		}                                                                                     \
	} while (0)

static inline int check_failures(const char *name)
{
	printf("%s: %d checks passed, %d failed\n", name, check_passed, check_failed);
	return check_failed ? 1 : 0;
}

#endif
