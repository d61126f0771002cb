/* The C codec on the command line, so c_probe/tests/test_record.py can hold record.py and the C
 * codec to the same bytes in both directions:
 *   record_tool encode WIDTH NAME=VALUE...   storage words the C codec writes (hex, one per line)
 *   record_tool decode WIDTH WORD...         the facts the probe would print for those words
 *   record_tool ring N                       the ring's cells after N appends (hex, one per line) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record_codec.h"

static const char *const field_names[BJ_REC_NFIELDS] = BJ_REC_FIELD_NAMES_INIT;

static int usage(void)
{
	fprintf(stderr, "usage: record_tool encode 16|32 NAME=VALUE... | decode 16|32 WORD... | ring N\n");
	return 2;
}

static int number(const char *text, unsigned long *out)
{
	char *end;
	errno = 0;
	*out = strtoul(text, &end, 0);
	return errno || *text == '\0' || *end != '\0' ? -1 : 0;
}

static int width_of(const char *text, unsigned *width)
{
	unsigned long w;
	if (number(text, &w) || (w != 16 && w != 32)) {
		fprintf(stderr, "record_tool: width %s: the record lives in 16- or 32-bit registers\n", text);
		return -1;
	}
	*width = (unsigned)w;
	return 0;
}

static void print_fact(void *ctx, const char *key, const char *value)
{
	(void)ctx;
	printf("%s: %s\n", key, value);
}

static int encode(unsigned width, int argc, char **argv)
{
	struct bj_record r;
	bj_record_create(&r);
	for (int i = 0; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		unsigned long v;
		int field = -1;
		for (int f = 0; eq && f < BJ_REC_NFIELDS; f++)
			if (strlen(field_names[f]) == (size_t)(eq - argv[i]) && !strncmp(field_names[f], argv[i], (size_t)(eq - argv[i])))
				field = f;
		if (field < 0 || number(eq + 1, &v)) {
			fprintf(stderr, "record_tool: %s is not FIELD=NUMBER with a record field\n", argv[i]);
			return 2;
		}
		r.f[field] = (uint32_t)v;
	}
	uint16_t cells[BJ_RECORD_CELLS];
	uint32_t words[BJ_RECORD_CELLS];
	bj_record_encode(&r, cells);
	bj_cells_to_words(cells, BJ_RECORD_CELLS, width, words);
	for (unsigned i = 0; i < BJ_STORAGE_WORDS(BJ_RECORD_CELLS, width); i++)
		printf("0x%08x\n", (unsigned)words[i]);
	return 0;
}

static int decode(unsigned width, int argc, char **argv)
{
	uint32_t words[BJ_RECORD_CELLS] = {0};
	if ((unsigned)argc > BJ_STORAGE_WORDS(BJ_RECORD_CELLS, width)) {
		fprintf(stderr, "record_tool: at most %u words of %u bits\n", BJ_STORAGE_WORDS(BJ_RECORD_CELLS, width), width);
		return 2;
	}
	for (int i = 0; i < argc; i++) {
		unsigned long v;
		if (number(argv[i], &v)) {
			fprintf(stderr, "record_tool: word %s is not a number\n", argv[i]);
			return 2;
		}
		words[i] = (uint32_t)v;
	}
	uint16_t cells[BJ_RECORD_CELLS];
	struct bj_record r;
	bj_words_to_cells(words, BJ_RECORD_CELLS, width, cells);
	bj_record_decode(cells, &r);
	bj_record_facts(&r, print_fact, NULL);
	return 0;
}

static int ring(const char *count)
{
	unsigned long n;
	uint16_t cells[BJ_RING_CELLS] = {0};
	if (number(count, &n)) {
		fprintf(stderr, "record_tool: ring count %s is not a number\n", count);
		return 2;
	}
	for (unsigned long i = 0; i < n; i++)
		bj_ring_append(cells, (unsigned)(7 + i), (unsigned)(i % BJ_RECIPE_COUNT), (unsigned)(i % BJ_STEP_COUNT), (unsigned)(i & 0x3ff));
	for (unsigned i = 0; i < BJ_RING_CELLS; i++)
		printf("0x%04x\n", cells[i]);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned width;
	if (argc >= 3 && !strcmp(argv[1], "encode"))
		return width_of(argv[2], &width) ? 2 : encode(width, argc - 3, argv + 3);
	if (argc >= 3 && !strcmp(argv[1], "decode"))
		return width_of(argv[2], &width) ? 2 : decode(width, argc - 3, argv + 3);
	if (argc == 3 && !strcmp(argv[1], "ring"))
		return ring(argv[2]);
	return usage();
}
