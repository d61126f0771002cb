#ifndef TOOLS_TESTS_CHECK_H
#define TOOLS_TESTS_CHECK_H

/* The smallest test harness that reports every failed expectation with its line and makes the
 * program exit non-zero: CHECK(cond), CHECK_STR(got, want), then return check_summary(name). */

#include <stdio.h>
#include <string.h>

static int check_failures;
static int check_count;

#define CHECK(cond)                                                                              \
	do {                                                                                     \
		check_count++;                                                                   \
		if (!(cond)) {                                                                   \
			check_failures++;                                                        \
			fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #cond);     \
		}                                                                                \
	} while (0)

#define CHECK_STR(got, want)                                                                     \
	do {                                                                                     \
		const char *check_got_ = (got), *check_want_ = (want);                           \
		check_count++;                                                                   \
		if (!check_got_ || strcmp(check_got_, check_want_) != 0) {                       \
			check_failures++;                                                        \
			fprintf(stderr, "%s:%d: got \"%s\"\n%*swant \"%s\"\n", __FILE__, __LINE__,  \
				check_got_ ? check_got_ : "(null)", (int)strlen(__FILE__) + 6, "", \
				check_want_);                                                    \
		}                                                                                \
	} while (0)

static inline int check_summary(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, check_count, check_failures);
	return check_failures ? 1 : 0;
}

#endif
