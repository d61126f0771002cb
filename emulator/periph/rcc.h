/* What every RCC model shares: reset flags, peripheral reset registers, oscillator ready bits,
 * and the clock of the bus a peripheral sits on. Family specifics live in rcc_<family>.c. */
#ifndef EMULATOR_PERIPH_RCC_H
#define EMULATOR_PERIPH_RCC_H

#include "periph.h"

/* An oscillator's ON bit and the ready bit that follows it at once (no start-up time). */
struct rcc_osc {
	uint32_t off;
	uint32_t on, rdy;
};

/* The family's clock tree, answered by its RCC model. */
struct rcc_clocks {
	uint64_t sysclk, hclk, pclk1, pclk2;
};

/* Reset flags as the part's reset_flags data says: POR clears them and sets PORRSTF, every
 * other reset adds its own flag; every reset pulses NRST, so PINRSTF is set too (RM0377 §7.1,
 * RM0091 §6.1: the internal reset sources drive the NRST pin low). */
uint32_t rcc_reset_flags(const struct chip *chip, uint32_t old, enum chip_reset_kind kind);
/* All reset flag bits of the part. */
uint32_t rcc_reset_flag_mask(const struct chip *chip);
/* A write to a peripheral reset register: every block whose reset bit is set goes back to its
 * reset state (RCC resets hold it there; the model resets it on each write with the bit set). */
void rcc_apply_resets(struct periph *rcc, uint32_t off, uint32_t value);
/* Set each oscillator's ready bit to its ON bit. */
uint32_t rcc_osc_ready(uint32_t reg, const struct rcc_osc *osc, unsigned n, uint32_t off);
/* The clock of the bus the block sits on, from which register enables it (APB1/APB2/AHB). */
uint64_t rcc_bus_hz(struct chip *chip, const struct bj_periph *of);

#endif
