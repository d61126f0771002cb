/* A stand-in for the emulated chip that implements chip.h with plain arrays, so the GDB stub can
 * be fuzzed and unit-tested without unicorn: fast, deterministic, and every call checked by the
 * sanitizers. It models only what the stub can observe: memory regions of the part (flash, SRAM,
 * read-only system memory; everything else is a bus error), registers, comparators with the
 * core's limits, halt reasons, resets and the access observer.
 *
 * Its "instructions": every halfword is a 2-byte instruction that reads the first SRAM word, except
 * 0xbe00 (BKPT: halts, does not retire) and 0xde00 (UDF: faults into a handler at the start of
 * system memory; with the exception catch on it halts before that instead). 0xbf30 (WFI) retires
 * like the others, after fake_chip_set_wfi_ms() milliseconds of host time (0 at creation): a step
 * that costs the stub time, as on a loaded host.
 */
#ifndef EMULATOR_FUZZ_FAKE_CHIP_H
#define EMULATOR_FUZZ_FAKE_CHIP_H

#include "chip.h"

struct chip *fake_chip_create(const struct bj_part *part);
void fake_chip_set_wfi_ms(struct chip *chip, unsigned ms);

#endif
