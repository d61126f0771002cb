/* `make bench`: free-running speed of the emulated core (fw/bench.c, CRC-32 in a loop), as
 * retired instructions per second of host time. */
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
		chip_destroy(chip);
	}
	return 0;
}
