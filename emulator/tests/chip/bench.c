/* `make bench`: free-running speed of the emulated core (fw/bench.c, CRC-32 in a loop), as
 * retired instructions per second of host time, and what switching access tracking on costs
 * (the first bj-step, watchpoint or access observer: the translated code is dropped). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "chip.h"
#include "part_lookup.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void count_access(void *ctx, const struct chip_access *access)
{
	(void)access;
	++*(unsigned long *)ctx;
}

/* Host time of switching the access observer on and running one instruction with it. */
static double tracing_on(struct chip *chip, unsigned long *accesses)
{
	double t0 = now();
	chip_set_access_observer(chip, count_access, accesses);
	chip_run(chip, 1);
	return now() - t0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s FIRMWARE_DIR PART...\n", argv[0]);
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		bool ambiguous;
		const struct bj_part *part = part_lookup(argv[i], &ambiguous);
		char path[512], err[256];
		snprintf(path, sizeof(path), "%s/%s/bench.elf", argv[1], argv[i]);
		struct chip_config cfg = {.part = part, .flash_path = path};
		struct chip *chip = part ? chip_create(&cfg, err, sizeof(err)) : NULL;
		if (!chip) {
			fprintf(stderr, "bench-emulator: %s: %s\n", argv[i], part ? err : "unknown part");
			return 1;
		}
		chip_run(chip, 1000000); /* translate the loop once before timing */
		uint64_t n0 = chip_instructions(chip);
		double t0 = now(), t;
		do
			chip_run(chip, 5000000);
		while ((t = now() - t0) < 2.0);
		uint64_t n = chip_instructions(chip) - n0;
		printf("bench-emulator: %s (%s) free-running: %.1f MIPS (%llu instructions in %.2f s)\n", part->name,
		       part->designator, (double)n / t / 1e6, (unsigned long long)n, t);
		unsigned long accesses = 0;
		double first = tracing_on(chip, &accesses);
		chip_run(chip, 1000000);
		chip_set_access_observer(chip, NULL, NULL);
		chip_run(chip, 1000000);
		double later = tracing_on(chip, &accesses);
		chip_set_access_observer(chip, NULL, NULL);
		printf("bench-emulator: %s access tracking on: first %.1f ms, later %.1f ms (%lu accesses observed)\n",
		       part->name, first * 1e3, later * 1e3, accesses);
		chip_destroy(chip);
	}
	return 0;
}
