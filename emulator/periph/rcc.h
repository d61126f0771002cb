/* The RCC: one behaviour for every family, parameterised by a family descriptor (the register
 * offsets and bits come from the generated IP macros) and the family's clock tree. */
#ifndef EMULATOR_PERIPH_RCC_H
#define EMULATOR_PERIPH_RCC_H

#include "periph.h"

/* HSE is a crystal on the board, not a fact of the part: the emulator assumes 8 MHz on every
 * part (emulator/README.md). */
#define RCC_HSE_ASSUMED_HZ 8000000u

/* An oscillator's ON bit and the ready bit that follows it at once (no start-up time). */
struct rcc_osc {
	uint32_t off;
	uint32_t on, rdy;
};

struct rcc_clocks {
	uint64_t sysclk, hclk, pclk1, pclk2;
};

enum rcc_bus { RCC_AHB, RCC_APB1, RCC_APB2 };

struct rcc_enable {
	uint32_t off; /* a clock enable register */
	enum rcc_bus bus;
};

struct rcc_family {
	const struct rcc_osc *oscs;
	unsigned n_oscs;
	uint32_t cfgr_off;               /* SW and SWS */
	unsigned sw_shift, sws_shift;
	uint32_t sw_mask;                /* SW and SWS (as wide as each other) */
	const struct rcc_osc *sources;   /* per SW value: the ready bit the switch waits for */
	unsigned n_sources;
	const struct rcc_enable *enables;
	unsigned n_enables;
	void (*clocks)(struct periph *rcc, struct rcc_clocks *c);
};

/* AHB and APB prescaler encodings shared by every family (RM0377 §7.3.3, RM0091 §7.4.2, ...):
 * HPRE 0xxx /1, 1000 /2, ..., 1111 /512 (no /32); PPRE 0xx /1, 100 /2, ..., 111 /16. */
uint64_t rcc_ahb_div(uint64_t in, unsigned hpre);
/* The part's oscillator `name` (HSI, HSI16, HSI48, MSI ...) at range setting `range` (0 for one
 * without ranges; a reserved setting gives the highest range), from the part database; 0 if the
 * part has no such oscillator. */
uint64_t rcc_osc_hz(const struct periph *rcc, const char *name, unsigned range);
uint64_t rcc_apb_div(uint64_t in, unsigned ppre);
/* The clock of the bus the block sits on, from which register enables it. */
uint64_t rcc_bus_hz(struct chip *chip, const struct bj_periph *of);
/* A write to a peripheral reset register: every block whose reset bit is set goes back to its
 * reset state (the model resets it on each write with the bit set). */
void rcc_apply_resets(struct periph *rcc, uint32_t off, uint32_t value);

void rcc_reset(struct periph *p, enum chip_reset_kind kind);
void rcc_write(struct periph *p, uint32_t off, uint32_t v, uint32_t mask);
void rcc_clocks(struct periph *p, struct rcc_clocks *c);
uint64_t rcc_bus_of(struct periph *p, uint32_t enable_off, const struct rcc_clocks *c);

#define RCC_MODEL(name, ipid, family)                                                                      \
	const struct periph_model name = {.ip = ipid, .reset = rcc_reset, .write = rcc_write,                \
					  .always_clocked = true, .clocks = rcc_clocks, .bus_of = rcc_bus_of, \
					  .variant = &family}

#endif
