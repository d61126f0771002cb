/* The record codec; see record_codec.h. No libc beyond the freestanding headers: the firmware
 * links it without printf. */
#include "record_codec.h"

#include <stddef.h>

static const struct bj_bitfield rec_fields[BJ_REC_NFIELDS] = BJ_REC_FIELDS_INIT;
static const struct bj_bitfield ring_hdr_fields[BJ_RING_HDR_NFIELDS] = BJ_RING_HDR_FIELDS_INIT;
static const struct bj_bitfield ring_fields[BJ_RING_NFIELDS] = BJ_RING_FIELDS_INIT;
static const char *const recipe_names[BJ_RECIPE_COUNT] = BJ_RECIPE_NAMES_INIT;
static const char *const step_names[BJ_STEP_COUNT] = BJ_STEP_NAMES_INIT;
static const char *const cause_names[BJ_CAUSE_COUNT] = BJ_CAUSE_NAMES_INIT;
static const char *const option_names[BJ_OPT_COUNT] = BJ_OPT_NAMES_INIT;

uint32_t bj_bits_get(const uint16_t *cells, unsigned bit, unsigned width)
{
	uint32_t value = 0;
	for (unsigned i = 0; i < width; i++) {
		unsigned pos = bit + i;
		if (cells[pos / BJ_CELL_BITS] >> (pos % BJ_CELL_BITS) & 1u)
			value |= 1u << i;
	}
	return value;
}

void bj_bits_set(uint16_t *cells, unsigned bit, unsigned width, uint32_t value)
{
	for (unsigned i = 0; i < width; i++) {
		unsigned pos = bit + i;
		uint16_t mask = (uint16_t)(1u << (pos % BJ_CELL_BITS));
		if (value >> i & 1u)
			cells[pos / BJ_CELL_BITS] |= mask;
		else
			cells[pos / BJ_CELL_BITS] &= (uint16_t)~mask;
	}
}

void bj_cells_to_words(const uint16_t *cells, unsigned ncells, unsigned width, uint32_t *words)
{
	for (unsigned i = 0; i < ncells; i++) {
		if (width == 16)
			words[i] = cells[i];
		else if (i % 2 == 0)
			words[i / 2] = cells[i];
		else
			words[i / 2] |= (uint32_t)cells[i] << 16;
	}
}

void bj_words_to_cells(const uint32_t *words, unsigned ncells, unsigned width, uint16_t *cells)
{
	for (unsigned i = 0; i < ncells; i++)
		cells[i] = (uint16_t)(width == 16 ? words[i] : words[i / 2] >> (16 * (i % 2)));
}

void bj_record_decode(const uint16_t cells[BJ_RECORD_CELLS], struct bj_record *r)
{
	for (unsigned i = 0; i < BJ_REC_NFIELDS; i++)
		r->f[i] = bj_bits_get(cells, rec_fields[i].bit, rec_fields[i].width);
}

void bj_record_encode(const struct bj_record *r, uint16_t cells[BJ_RECORD_CELLS])
{
	for (unsigned i = 0; i < BJ_RECORD_CELLS; i++)
		cells[i] = 0;
	for (unsigned i = 0; i < BJ_REC_NFIELDS; i++)
		bj_bits_set(cells, rec_fields[i].bit, rec_fields[i].width, r->f[i]);
}

bool bj_record_valid(const struct bj_record *r)
{
	return r->f[BJ_REC_MAGIC] == BJ_RECORD_MAGIC && r->f[BJ_REC_VERSION] == BJ_RECORD_VERSION;
}

void bj_record_create(struct bj_record *r)
{
	for (unsigned i = 0; i < BJ_REC_NFIELDS; i++)
		r->f[i] = 0;
	r->f[BJ_REC_MAGIC] = BJ_RECORD_MAGIC;
	r->f[BJ_REC_VERSION] = BJ_RECORD_VERSION;
}

static uint32_t add_saturated(uint32_t value, unsigned field)
{
	uint32_t max = (1u << rec_fields[field].width) - 1u;
	return value < max ? value + 1u : max;
}

bool bj_record_enter(struct bj_record *r, uint32_t causes)
{
	/* A power-on starts a new story even where the backup domain survived it (VBAT). */
	bool fresh = !bj_record_valid(r) || (causes & (BJ_CAUSE_POWER_ON | BJ_CAUSE_BROWN_OUT));
	if (fresh)
		bj_record_create(r);
	r->f[BJ_REC_BOOTS] = (r->f[BJ_REC_BOOTS] + 1u) & 0xffffu;
	r->f[BJ_REC_CAUSES] = causes;
	if (!fresh && r->f[BJ_REC_RECIPE] != BJ_RECIPE_NONE) {
		r->f[BJ_REC_SEEN] |= causes;
		if (causes)
			r->f[BJ_REC_RESETS] = add_saturated(r->f[BJ_REC_RESETS], BJ_REC_RESETS);
		else
			r->f[BJ_REC_RETURNS] = add_saturated(r->f[BJ_REC_RETURNS], BJ_REC_RETURNS);
	}
	return fresh;
}

void bj_record_arm(struct bj_record *r, unsigned recipe, unsigned options)
{
	r->f[BJ_REC_RECIPE] = recipe;
	r->f[BJ_REC_OPTIONS] = options;
	r->f[BJ_REC_SEEN] = 0;
	r->f[BJ_REC_RESETS] = 0;
	r->f[BJ_REC_RETURNS] = 0;
	r->f[BJ_REC_FAULT_PC] = 0;
	bj_record_checkpoint(r, BJ_STEP_ARMED);
}

void bj_record_checkpoint(struct bj_record *r, unsigned step)
{
	r->f[BJ_REC_STEP] = step;
	r->f[BJ_REC_STEP_BOOT] = r->f[BJ_REC_BOOTS];
}

const char *bj_recipe_name(unsigned code)
{
	return code < BJ_RECIPE_COUNT ? recipe_names[code] : "unknown";
}

const char *bj_record_outcome(const struct bj_record *r)
{
	if (r->f[BJ_REC_RECIPE] == BJ_RECIPE_NONE)
		return "idle";
	if (r->f[BJ_REC_STEP] == BJ_STEP_REFUSED)
		return "refused";
	/* The last checkpoint was written during the latest entry: the attempt has not come back. */
	if (r->f[BJ_REC_BOOTS] == r->f[BJ_REC_STEP_BOOT])
		return "running";
	return r->f[BJ_REC_CAUSES] ? "returned-by-reset" : "returned-by-branch";
}

/* ------------------------------------------------------------------ text */

struct text {
	char buf[192];
	size_t len;
};

static void put(struct text *t, const char *s)
{
	while (*s && t->len + 1 < sizeof(t->buf))
		t->buf[t->len++] = *s++;
	t->buf[t->len] = '\0';
}

static void put_dec(struct text *t, uint32_t v)
{
	char digits[11];
	int n = 0;
	do {
		digits[n++] = (char)('0' + v % 10u);
		v /= 10u;
	} while (v);
	char one[2] = {0, 0};
	while (n) {
		one[0] = digits[--n];
		put(t, one);
	}
}

static void put_hex32(struct text *t, uint32_t v)
{
	char s[11] = "0x";
	for (int i = 0; i < 8; i++)
		s[2 + i] = "0123456789abcdef"[v >> (28 - 4 * i) & 0xfu];
	s[10] = '\0';
	put(t, s);
}

static void put_name(struct text *t, const char *const *names, unsigned count, uint32_t code)
{
	if (code < count) {
		put(t, names[code]);
	} else {
		put(t, "unknown-");
		put_dec(t, code);
	}
}

/* Names of the set bits, comma-separated in bit order; unknown bits as bitN; none when empty. */
static void put_flags(struct text *t, const char *const *names, unsigned count, uint32_t mask)
{
	if (!mask) {
		put(t, "none");
		return;
	}
	const char *sep = "";
	for (unsigned b = 0; b < 32; b++) {
		if (!(mask >> b & 1u))
			continue;
		put(t, sep);
		if (b < count) {
			put(t, names[b]);
		} else {
			put(t, "bit");
			put_dec(t, b);
		}
		sep = ",";
	}
}

static void emit_text(bj_fact_fn *emit, void *ctx, const char *key, struct text *t)
{
	emit(ctx, key, t->buf);
	t->len = 0;
	t->buf[0] = '\0';
}

static void emit_dec(bj_fact_fn *emit, void *ctx, const char *key, uint32_t v)
{
	struct text t = {.len = 0};
	put_dec(&t, v);
	emit_text(emit, ctx, key, &t);
}

void bj_record_facts(const struct bj_record *r, bj_fact_fn *emit, void *ctx)
{
	struct text t = {.len = 0};
	if (r->f[BJ_REC_MAGIC] != BJ_RECORD_MAGIC) {
		emit(ctx, "record", "absent");
		return;
	}
	if (r->f[BJ_REC_VERSION] != BJ_RECORD_VERSION) {
		put(&t, "version-");
		put_dec(&t, r->f[BJ_REC_VERSION]);
		put(&t, "-unknown");
		emit_text(emit, ctx, "record", &t);
		return;
	}
	put(&t, "v");
	put_dec(&t, BJ_RECORD_VERSION);
	emit_text(emit, ctx, "record", &t);
	emit_dec(emit, ctx, "boots", r->f[BJ_REC_BOOTS]);
	if (r->f[BJ_REC_CAUSES]) {
		put(&t, "reset ");
		put_flags(&t, cause_names, BJ_CAUSE_COUNT, r->f[BJ_REC_CAUSES]);
	} else {
		put(&t, "branch");
	}
	emit_text(emit, ctx, "entry", &t);
	put_name(&t, recipe_names, BJ_RECIPE_COUNT, r->f[BJ_REC_RECIPE]);
	emit_text(emit, ctx, "recipe", &t);
	put_name(&t, step_names, BJ_STEP_COUNT, r->f[BJ_REC_STEP]);
	emit_text(emit, ctx, "step", &t);
	emit_dec(emit, ctx, "step-boot", r->f[BJ_REC_STEP_BOOT]);
	put_flags(&t, option_names, BJ_OPT_COUNT, r->f[BJ_REC_OPTIONS]);
	emit_text(emit, ctx, "options", &t);
	emit_dec(emit, ctx, "resets", r->f[BJ_REC_RESETS]);
	emit_dec(emit, ctx, "returns", r->f[BJ_REC_RETURNS]);
	put_flags(&t, cause_names, BJ_CAUSE_COUNT, r->f[BJ_REC_SEEN]);
	emit_text(emit, ctx, "seen", &t);
	if (r->f[BJ_REC_STEP] == BJ_STEP_FAULT) {
		put_hex32(&t, r->f[BJ_REC_FAULT_PC]);
		emit_text(emit, ctx, "fault-pc", &t);
	}
	emit(ctx, "outcome", bj_record_outcome(r));
}

/* ------------------------------------------------------------------ ring */

static void ring_set(uint16_t *cells, const struct bj_bitfield *f, uint32_t v)
{
	bj_bits_set(cells, f->bit, f->width, v);
}

void bj_ring_clear(uint16_t ring[BJ_RING_CELLS])
{
	for (unsigned i = 0; i < BJ_RING_CELLS; i++)
		ring[i] = 0;
	ring_set(ring, &ring_hdr_fields[BJ_RING_HDR_MAGIC], BJ_RING_MAGIC);
}

void bj_ring_append(uint16_t ring[BJ_RING_CELLS], unsigned boots, unsigned recipe, unsigned step, unsigned causes)
{
	const struct bj_bitfield *magic = &ring_hdr_fields[BJ_RING_HDR_MAGIC];
	const struct bj_bitfield *next = &ring_hdr_fields[BJ_RING_HDR_NEXT];
	if (bj_bits_get(ring, magic->bit, magic->width) != BJ_RING_MAGIC)
		bj_ring_clear(ring);
	uint32_t seq = bj_bits_get(ring, next->bit, next->width);
	uint16_t *entry = ring + BJ_RING_HEADER_CELLS + (seq % BJ_RING_ENTRIES) * BJ_RING_ENTRY_CELLS;
	for (unsigned i = 0; i < BJ_RING_ENTRY_CELLS; i++)
		entry[i] = 0;
	ring_set(entry, &ring_fields[BJ_RING_SEQ], seq);
	ring_set(entry, &ring_fields[BJ_RING_BOOTS], boots);
	ring_set(entry, &ring_fields[BJ_RING_RECIPE], recipe);
	ring_set(entry, &ring_fields[BJ_RING_STEP], step);
	ring_set(entry, &ring_fields[BJ_RING_CAUSES], causes);
	ring_set(ring, next, (seq + 1u) & 0xffffu);
}
