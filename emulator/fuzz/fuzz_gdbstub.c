/* libFuzzer target: the GDB stub's packet reader and every packet handler, on the fake chip of
 * each part in the database (the first input byte picks the part).
 *
 * The input is fed in chunks as if it arrived over the socket; between chunks the chip runs a
 * little, as the main loop would, so continue, Ctrl-C and stop replies are exercised too. Output
 * goes to /dev/null. A crash, a sanitizer report, a leak or a hang (libFuzzer's -timeout) fails.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

#include "fake_chip.h"
#include "gdbstub_priv.h"

#define CHUNK 61 /* odd, so packets straddle chunk boundaries */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];

	if (size == 0)
		return 0;
	struct chip *chip = fake_chip_create(&bj_parts[data[0] % BJ_N_PARTS]);
	struct gdbstub *stub = gdbstub_open(chip, 0, err, sizeof err);
	if (!stub) {
		fprintf(stderr, "fuzz_gdbstub: %s\n", err);
		abort();
	}
	gdbstub_adopt_client(stub, open("/dev/null", O_WRONLY | O_CLOEXEC));
	for (size_t off = 1; off < size; off += CHUNK) {
		gdbstub_input(stub, data + off, size - off < CHUNK ? size - off : CHUNK);
		if (chip_state(chip) == CHIP_RUNNING) {
			chip_run(chip, 8);
			gdbstub_chip_stopped(stub);
		}
	}
	gdbstub_close(stub);
	chip_destroy(chip);
	return 0;
}
