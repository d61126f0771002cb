/* Host unit tests of the record codec (c_probe/record_codec.c): layout, storage widths, the
 * entry rules, facts text and the ring. Exit status 0 only if every check passed. */
#include <stdio.h>
#include <string.h>

#include "record_codec.h"

static int failures;
static int checks;

#define CHECK(cond) \
	do { \
		checks++; \
		if (!(cond)) { \
			failures++; \
			fprintf(stderr, "%s:%d: %s: check failed: %s\n", __FILE__, __LINE__, __func__, #cond); \
		} \
	} while (0)

static void test_bits_span_cells(void)
{
	uint16_t cells[4] = {0};
	bj_bits_set(cells, 8, 32, 0xdeadbeefu);
	CHECK(cells[0] == 0xef00u && cells[1] == 0xadbeu && cells[2] == 0x00deu);
	CHECK(bj_bits_get(cells, 8, 32) == 0xdeadbeefu);
	bj_bits_set(cells, 12, 8, 0);
	CHECK(bj_bits_get(cells, 8, 32) == 0xdeadb00fu);
	CHECK(bj_bits_get(cells, 0, 8) == 0);
}

static void test_storage_widths(void)
{
	uint16_t cells[3] = {0x424a, 0x0201, 0x1234};
	uint32_t w32[2], w16[3];
	uint16_t back[3];
	CHECK(BJ_STORAGE_WORDS(3u, 32u) == 2 && BJ_STORAGE_WORDS(3u, 16u) == 3 && BJ_STORAGE_WORDS(10u, 32u) == 5);
	bj_cells_to_words(cells, 3, 32, w32);
	CHECK(w32[0] == 0x0201424au && w32[1] == 0x00001234u);
	bj_words_to_cells(w32, 3, 32, back);
	CHECK(memcmp(back, cells, sizeof(cells)) == 0);
	bj_cells_to_words(cells, 3, 16, w16);
	CHECK(w16[0] == 0x424au && w16[1] == 0x0201u && w16[2] == 0x1234u);
	/* A 16-bit register read as a 32-bit word may carry junk in its reserved upper half. */
	w16[1] |= 0xffff0000u;
	bj_words_to_cells(w16, 3, 16, back);
	CHECK(memcmp(back, cells, sizeof(cells)) == 0);
}

/* The layout is a contract with record.py, TCL and every stored trace: pin it down. */
static void test_golden_layout(void)
{
	struct bj_record r;
	uint16_t cells[BJ_RECORD_CELLS];
	bj_record_create(&r);
	r.f[BJ_REC_RECIPE] = BJ_RECIPE_CLASSIC;
	r.f[BJ_REC_STEP] = BJ_STEP_JUMP;
	r.f[BJ_REC_OPTIONS] = BJ_OPT_DESTRUCTIVE;
	r.f[BJ_REC_BOOTS] = 0x1234;
	r.f[BJ_REC_STEP_BOOT] = 0x1233;
	r.f[BJ_REC_CAUSES] = BJ_CAUSE_SOFTWARE | BJ_CAUSE_PIN;
	r.f[BJ_REC_SEEN] = BJ_CAUSE_INDEPENDENT_WATCHDOG;
	r.f[BJ_REC_RESETS] = 3;
	r.f[BJ_REC_RETURNS] = 4;
	r.f[BJ_REC_FAULT_PC] = 0x1ff00abcu;
	bj_record_encode(&r, cells);
	static const uint16_t want[BJ_RECORD_CELLS] = {0x424a, 0x0201, 0x010b, 0x1234, 0x1233, 0x0006, 0x0008, 0x0403, 0x0abc, 0x1ff0};
	CHECK(memcmp(cells, want, sizeof(want)) == 0);
	struct bj_record d;
	bj_record_decode(cells, &d);
	CHECK(memcmp(&d, &r, sizeof(r)) == 0);
	CHECK(bj_record_valid(&d));
}

static void test_zeroed_storage_is_no_record(void)
{
	uint16_t cells[BJ_RECORD_CELLS] = {0};
	struct bj_record r;
	bj_record_decode(cells, &r);
	CHECK(!bj_record_valid(&r));
	CHECK(bj_record_enter(&r, BJ_CAUSE_POWER_ON | BJ_CAUSE_PIN));
	CHECK(bj_record_valid(&r) && r.f[BJ_REC_BOOTS] == 1 && r.f[BJ_REC_RECIPE] == BJ_RECIPE_NONE);
	CHECK(strcmp(bj_record_outcome(&r), "idle") == 0);
}

/* L011 + classic: armed, the branch, then back in the reset handler with no reset flag. */
static void test_story_return_by_branch(void)
{
	struct bj_record r = {{0}};
	CHECK(bj_record_enter(&r, BJ_CAUSE_POWER_ON));
	bj_record_arm(&r, BJ_RECIPE_CLASSIC, 0);
	bj_record_checkpoint(&r, BJ_STEP_IRQ_OFF);
	bj_record_checkpoint(&r, BJ_STEP_JUMP);
	CHECK(strcmp(bj_record_outcome(&r), "running") == 0);
	CHECK(!bj_record_enter(&r, 0));
	CHECK(r.f[BJ_REC_BOOTS] == 2 && r.f[BJ_REC_STEP] == BJ_STEP_JUMP && r.f[BJ_REC_STEP_BOOT] == 1);
	CHECK(r.f[BJ_REC_RETURNS] == 1 && r.f[BJ_REC_RESETS] == 0 && r.f[BJ_REC_SEEN] == 0);
	CHECK(strcmp(bj_record_outcome(&r), "returned-by-branch") == 0);
}

/* L011 + reset-flag: a software reset, the branch from the reset handler, back by a branch. */
static void test_story_reset_flag(void)
{
	struct bj_record r = {{0}};
	bj_record_enter(&r, BJ_CAUSE_POWER_ON | BJ_CAUSE_PIN);
	bj_record_arm(&r, BJ_RECIPE_RESET_FLAG, 0);
	bj_record_checkpoint(&r, BJ_STEP_RESET_REQUESTED);
	CHECK(!bj_record_enter(&r, BJ_CAUSE_SOFTWARE | BJ_CAUSE_PIN));
	bj_record_checkpoint(&r, BJ_STEP_RESET_SEEN);
	bj_record_checkpoint(&r, BJ_STEP_JUMP);
	bj_record_enter(&r, 0);
	CHECK(r.f[BJ_REC_BOOTS] == 3 && r.f[BJ_REC_STEP_BOOT] == 2);
	CHECK(r.f[BJ_REC_RESETS] == 1 && r.f[BJ_REC_RETURNS] == 1);
	CHECK(r.f[BJ_REC_SEEN] == (BJ_CAUSE_SOFTWARE | BJ_CAUSE_PIN) && r.f[BJ_REC_CAUSES] == 0);
	CHECK(strcmp(bj_record_outcome(&r), "returned-by-branch") == 0);
}

static void test_story_watchdog_and_power_on(void)
{
	struct bj_record r = {{0}};
	bj_record_enter(&r, BJ_CAUSE_POWER_ON);
	bj_record_arm(&r, BJ_RECIPE_IWDG_RUNNING, 0);
	bj_record_checkpoint(&r, BJ_STEP_JUMP);
	bj_record_enter(&r, BJ_CAUSE_INDEPENDENT_WATCHDOG);
	CHECK(strcmp(bj_record_outcome(&r), "returned-by-reset") == 0 && r.f[BJ_REC_RESETS] == 1);
	/* A power-on ends the story: new record, no attempt. */
	CHECK(bj_record_enter(&r, BJ_CAUSE_POWER_ON));
	CHECK(r.f[BJ_REC_BOOTS] == 1 && r.f[BJ_REC_RECIPE] == BJ_RECIPE_NONE && r.f[BJ_REC_RESETS] == 0);
	/* Re-arming clears the previous attempt's counters. */
	bj_record_arm(&r, BJ_RECIPE_NAIVE, 0);
	bj_record_enter(&r, 0);
	bj_record_arm(&r, BJ_RECIPE_CLASSIC, 0);
	CHECK(r.f[BJ_REC_RETURNS] == 0 && r.f[BJ_REC_STEP] == BJ_STEP_ARMED && r.f[BJ_REC_STEP_BOOT] == 2);
}

static void test_counters_saturate(void)
{
	struct bj_record r = {{0}};
	bj_record_enter(&r, BJ_CAUSE_POWER_ON);
	bj_record_arm(&r, BJ_RECIPE_NAIVE, 0);
	for (int i = 0; i < 300; i++)
		bj_record_enter(&r, 0);
	CHECK(r.f[BJ_REC_RETURNS] == 255 && r.f[BJ_REC_BOOTS] == 301);
	r.f[BJ_REC_BOOTS] = 0xffff;
	bj_record_enter(&r, 0);
	CHECK(r.f[BJ_REC_BOOTS] == 0);
}

struct lines {
	char text[1024];
};

static void collect(void *ctx, const char *key, const char *value)
{
	struct lines *l = ctx;
	size_t n = strlen(l->text);
	snprintf(l->text + n, sizeof(l->text) - n, "%s: %s\n", key, value);
}

static void test_facts_text(void)
{
	struct bj_record r = {{0}};
	struct lines l = {""};
	bj_record_facts(&r, collect, &l);
	CHECK(strcmp(l.text, "record: absent\n") == 0);
	bj_record_enter(&r, BJ_CAUSE_POWER_ON);
	bj_record_arm(&r, BJ_RECIPE_NO_THUMB, BJ_OPT_DESTRUCTIVE);
	bj_record_checkpoint(&r, BJ_STEP_FAULT);
	r.f[BJ_REC_FAULT_PC] = 0x1ff00198u;
	bj_record_enter(&r, BJ_CAUSE_SOFTWARE | BJ_CAUSE_PIN | (1u << 12));
	l.text[0] = '\0';
	bj_record_facts(&r, collect, &l);
	CHECK(strcmp(l.text,
		"record: v1\nboots: 2\nentry: reset pin,software,bit12\nrecipe: no-thumb\nstep: fault\n"
		"step-boot: 1\noptions: destructive\nresets: 1\nreturns: 0\nseen: pin,software,bit12\n"
		"fault-pc: 0x1ff00198\noutcome: returned-by-reset\n") == 0);
	r.f[BJ_REC_RECIPE] = 200;
	r.f[BJ_REC_VERSION] = 9;
	l.text[0] = '\0';
	bj_record_facts(&r, collect, &l);
	CHECK(strcmp(l.text, "record: version-9-unknown\n") == 0);
}

static void test_ring_wraps(void)
{
	uint16_t ring[BJ_RING_CELLS];
	memset(ring, 0xa5, sizeof(ring)); /* SRAM after power-on: junk */
	for (unsigned i = 0; i < BJ_RING_ENTRIES + 3; i++)
		bj_ring_append(ring, 100 + i, BJ_RECIPE_CLASSIC, i % BJ_STEP_COUNT, i);
	CHECK(ring[0] == BJ_RING_MAGIC && ring[1] == BJ_RING_ENTRIES + 3);
	/* Entry seq 17 overwrote slot 1. */
	const uint16_t *slot1 = ring + BJ_RING_HEADER_CELLS + 1 * BJ_RING_ENTRY_CELLS;
	CHECK(slot1[0] == 17 && slot1[1] == 117 && slot1[2] == (BJ_RECIPE_CLASSIC | (17 % BJ_STEP_COUNT) << 8) && slot1[3] == 17);
	const uint16_t *slot3 = ring + BJ_RING_HEADER_CELLS + 3 * BJ_RING_ENTRY_CELLS;
	CHECK(slot3[0] == 3 && slot3[1] == 103);
	bj_ring_clear(ring);
	CHECK(ring[0] == BJ_RING_MAGIC && ring[1] == 0 && ring[2] == 0);
}

int main(void)
{
	test_bits_span_cells();
	test_storage_widths();
	test_golden_layout();
	test_zeroed_storage_is_no_record();
	test_story_return_by_branch();
	test_story_reset_flag();
	test_story_watchdog_and_power_on();
	test_counters_saturate();
	test_facts_text();
	test_ring_wraps();
	printf("c_probe codec: %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
