/* The probe's checkpoint record: encode/decode over 16-bit cells, the rules for each reset-handler
 * entry, and the facts the probe prints. Built into the firmware and into the host tests; the
 * layout comes from build/gen/bj_record.h (generated from c_probe/record.json), and
 * c_probe/record.py decodes the same bytes. */
#ifndef C_PROBE_RECORD_CODEC_H
#define C_PROBE_RECORD_CODEC_H

#include <stdbool.h>
#include <stdint.h>

#include "bj_record.h"

/* Field values by BJ_REC_* index. */
struct bj_record {
	uint32_t f[BJ_REC_NFIELDS];
};

uint32_t bj_bits_get(const uint16_t *cells, unsigned bit, unsigned width);
void bj_bits_set(uint16_t *cells, unsigned bit, unsigned width, uint32_t value);

/* Storage registers are 16 or 32 bits wide; a 32-bit register holds cell 2i in its low half. */
#define BJ_STORAGE_WORDS(ncells, width) (((ncells) * BJ_CELL_BITS + (width) - 1u) / (width))
void bj_cells_to_words(const uint16_t *cells, unsigned ncells, unsigned width, uint32_t *words);
void bj_words_to_cells(const uint32_t *words, unsigned ncells, unsigned width, uint16_t *cells);

void bj_record_decode(const uint16_t cells[BJ_RECORD_CELLS], struct bj_record *r);
void bj_record_encode(const struct bj_record *r, uint16_t cells[BJ_RECORD_CELLS]);

bool bj_record_valid(const struct bj_record *r);
/* A fresh record: magic and version set, no attempt, no entries. */
void bj_record_create(struct bj_record *r);
/* One entry into the reset handler with these reset causes (BJ_CAUSE_*; 0 = entered by a branch).
 * Returns true when the record was (re)created: it was not valid, or the entry is a power-on. */
bool bj_record_enter(struct bj_record *r, uint32_t causes);
/* Start an attempt: recipe and options recorded, counters cleared, step armed. */
void bj_record_arm(struct bj_record *r, unsigned recipe, unsigned options);
void bj_record_checkpoint(struct bj_record *r, unsigned step);
/* idle, refused, running, returned-by-branch or returned-by-reset (c_probe/README.md, "Outcome"). */
const char *bj_record_outcome(const struct bj_record *r);

/* The recipe's name from record.json, or "unknown". */
const char *bj_recipe_name(unsigned code);

/* Calls emit once per fact, in the order and with the text c_probe/record.py's facts() gives. */
typedef void bj_fact_fn(void *ctx, const char *key, const char *value);
void bj_record_facts(const struct bj_record *r, bj_fact_fn *emit, void *ctx);

/* Append a checkpoint to the RAM ring (initialising it when its magic is wrong). */
void bj_ring_append(uint16_t ring[BJ_RING_CELLS], unsigned boots, unsigned recipe, unsigned step, unsigned causes);
void bj_ring_clear(uint16_t ring[BJ_RING_CELLS]);

#endif
