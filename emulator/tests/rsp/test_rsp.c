/* Unit tests of rsp.c: framing, checksums, run-length encoding, escapes, hex and arguments. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rsp.h"

static struct rsp_reader reader;

/* Feeds a whole string and returns the first event (and where it stopped, through rest). */
static enum rsp_event feed(const char *s, size_t n, size_t *rest)
{
	const uint8_t *p = (const uint8_t *)s;
	enum rsp_event ev = rsp_read(&reader, &p, &n);
	if (rest)
		*rest = n;
	return ev;
}

static enum rsp_event feed_str(const char *s)
{
	return feed(s, strlen(s), NULL);
}

static bool packet_is(const char *payload)
{
	return reader.len == strlen(payload) && memcmp(reader.data, payload, reader.len) == 0 &&
	       reader.data[reader.len] == 0;
}

static void test_checksums(void)
{
	uint8_t out[64];
	size_t n = rsp_frame(out, (const uint8_t *)"OK", 2);
	CHECK(n == 6 && memcmp(out, "$OK#9a", 6) == 0);
	n = rsp_frame(out, (const uint8_t *)"", 0);
	CHECK(n == 4 && memcmp(out, "$#00", 4) == 0);

	rsp_reader_init(&reader);
	CHECK(feed_str("$qSupported#37") == RSP_PACKET && packet_is("qSupported"));
	CHECK(feed_str("$OK#9A") == RSP_PACKET && packet_is("OK")); /* upper-case digits */
	CHECK(feed_str("$OK#9b") == RSP_BAD_PACKET);
	CHECK(feed_str("$OK#9g") == RSP_BAD_PACKET);
	CHECK(feed_str("$OK#x") == RSP_BAD_PACKET);
	/* After each bad packet the reader is back in sync. */
	CHECK(feed_str("$g#67") == RSP_PACKET && packet_is("g"));
}

static void test_events_and_noise(void)
{
	size_t rest;

	rsp_reader_init(&reader);
	CHECK(feed_str("+") == RSP_ACK);
	CHECK(feed_str("-") == RSP_NAK);
	CHECK(feed_str("\x03") == RSP_INTERRUPT);
	CHECK(feed("junk\x00\xff\x80 +$g#67", 14, &rest) == RSP_ACK && rest == 5);
	CHECK(feed_str("garbage$g#67") == RSP_PACKET && packet_is("g"));
	/* '$' inside a packet drops the partial one and starts again. */
	CHECK(feed_str("$m0,4$g#67") == RSP_PACKET && packet_is("g"));
	/* 0x03 inside a packet is data (X packets carry raw bytes), not an interrupt. */
	CHECK(feed("$X0,1:\x03#22", 10, &rest) == RSP_PACKET && reader.len == 6 && reader.data[5] == 3);
	/* Two packets in one buffer: the first event stops the feed. */
	CHECK(feed_str("$g#67$?#3f") == RSP_PACKET && packet_is("g"));
}

static void test_split_feeds(void)
{
	const char *frame = "$vCont;s:1;c#c1";
	uint8_t check[32];
	size_t n = rsp_frame(check, (const uint8_t *)"vCont;s:1;c", 11);
	CHECK(n == strlen(frame) && memcmp(check, frame, n) == 0);

	rsp_reader_init(&reader);
	for (size_t i = 0; i < n; i++) {
		enum rsp_event ev = feed(frame + i, 1, NULL);
		CHECK(ev == (i + 1 == n ? RSP_PACKET : RSP_NONE));
	}
	CHECK(packet_is("vCont;s:1;c"));
}

static void test_run_length(void)
{
	uint8_t payload[300], out[310];
	size_t n;

	/* The GDB manual's example: "0* " means "0000". */
	rsp_reader_init(&reader);
	CHECK(feed_str("$0* #7a") == RSP_PACKET && packet_is("0000"));

	memset(payload, '0', 10);
	n = rsp_frame(out, payload, 10);
	CHECK(n == 4 + 3 && memcmp(out, "$0*&", 4) == 0); /* 1 + 9 copies: '&' = 9 + 29 */

	/* Runs whose count character would be '#' (6 more) or '$' (7 more) are shortened. */
	for (size_t run = 1; run < sizeof payload; run++) {
		memset(payload, 'f', run);
		payload[run] = 'x';
		n = rsp_frame(out, payload, run + 1);
		bool clean = true;
		for (size_t i = 1; i + 3 < n; i++)
			if (out[i] == '#' || out[i] == '$')
				clean = false;
		CHECK(clean && n <= run + 1 + 4);
		const uint8_t *p = out;
		size_t left = n;
		CHECK(rsp_read(&reader, &p, &left) == RSP_PACKET && left == 0);
		CHECK(reader.len == run + 1 && memcmp(reader.data, payload, run + 1) == 0);
	}

	/* A run-length at the start has nothing to repeat; one beyond '~' is not valid. */
	CHECK(feed_str("$* #4a") == RSP_BAD_PACKET);
	CHECK(feed_str("$0*\x7f#d9") == RSP_BAD_PACKET);
	CHECK(feed_str("$0*#5a") == RSP_BAD_PACKET);
	CHECK(feed_str("$OK#9a") == RSP_PACKET && packet_is("OK"));
}

static void test_random_round_trips(void)
{
	static uint8_t payload[RSP_PACKET_MAX], escaped[2 * RSP_PACKET_MAX], out[2 * RSP_PACKET_MAX + 4];

	srand(1);
	for (int round = 0; round < 200; round++) {
		size_t len = (size_t)rand() % 2000;
		for (size_t i = 0; i < len; i++)
			payload[i] = (rand() & 1) ? (uint8_t)rand() : (uint8_t)"0*}#$"[rand() % 5];
		size_t consumed = len;
		size_t elen = rsp_escape(escaped, sizeof escaped, payload, &consumed);
		CHECK(consumed == len);
		size_t n = rsp_frame(out, escaped, elen);
		const uint8_t *p = out;
		size_t left = n;
		rsp_reader_init(&reader);
		CHECK(rsp_read(&reader, &p, &left) == RSP_PACKET && left == 0);
		size_t dlen = reader.len;
		CHECK(rsp_unescape(reader.data, &dlen));
		CHECK(dlen == len && memcmp(reader.data, payload, len) == 0);
	}
}

static void test_overflow(void)
{
	static char big[RSP_PACKET_MAX + 16];
	uint8_t sum = 0;

	memset(big, 'a', sizeof big);
	big[0] = '$';
	for (size_t i = 1; i <= RSP_PACKET_MAX + 1; i++)
		sum += 'a';
	snprintf(big + RSP_PACKET_MAX + 2, 4, "#%02x", sum);
	rsp_reader_init(&reader);
	CHECK(feed(big, RSP_PACKET_MAX + 5, NULL) == RSP_BAD_PACKET);
	/* Exactly the limit is fine. */
	sum -= 'a';
	snprintf(big + RSP_PACKET_MAX + 1, 4, "#%02x", sum);
	CHECK(feed(big, RSP_PACKET_MAX + 4, NULL) == RSP_PACKET && reader.len == RSP_PACKET_MAX);
	/* So is a run-length expansion that overflows. */
	CHECK(feed_str("$0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~"
		       "0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~"
		       "0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~"
		       "0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~"
		       "0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~"
		       "0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~"
		       "0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~0*~#00") ==
	      RSP_BAD_PACKET);
}

static void test_escapes(void)
{
	uint8_t all[256], esc[512];
	for (int i = 0; i < 256; i++)
		all[i] = (uint8_t)i;
	size_t n = 256;
	size_t elen = rsp_escape(esc, sizeof esc, all, &n);
	CHECK(n == 256 && elen == 256 + 4);
	for (size_t i = 0; i < elen; i++)
		CHECK(esc[i] != '#' && esc[i] != '$' && esc[i] != '*' && (esc[i] != '}' || i + 1 < elen));
	CHECK(rsp_unescape(esc, &elen) && elen == 256 && memcmp(esc, all, 256) == 0);

	/* An escape that does not fit is not split. */
	uint8_t small[3];
	n = 2;
	CHECK(rsp_escape(small, 2, (const uint8_t *)"a#", &n) == 1 && n == 1);

	uint8_t bad[] = {'a', '}'};
	size_t blen = 2;
	CHECK(!rsp_unescape(bad, &blen));
}

static void test_hex(void)
{
	char out[9] = {0};
	uint8_t bytes[4] = {0x00, 0x08, 0xab, 0xff}, back[4];
	rsp_hex_encode(out, bytes, 4);
	CHECK(strcmp(out, "0008abff") == 0);
	CHECK(rsp_hex_decode(back, "0008ABff", 4) && memcmp(back, bytes, 4) == 0);
	CHECK(!rsp_hex_decode(back, "0008abf", 4)); /* NUL stops it */
	CHECK(!rsp_hex_decode(back, "00g8abff", 4));
}

static void test_args(void)
{
	struct rsp_args a = rsp_args("9abc0de,4");
	uint32_t addr = rsp_arg_hex(&a);
	rsp_arg_char(&a, ',');
	uint32_t len = rsp_arg_hex(&a);
	CHECK(rsp_args_end(&a) && addr == 0x9abc0de && len == 4);

	a = rsp_args("ffffffff");
	CHECK(rsp_arg_hex(&a) == 0xffffffffu && rsp_args_end(&a));
	a = rsp_args("000000001");
	CHECK(rsp_arg_hex(&a) == 1 && rsp_args_end(&a));
	a = rsp_args("100000000");
	rsp_arg_hex(&a);
	CHECK(!a.ok);
	a = rsp_args(",4");
	rsp_arg_hex(&a);
	CHECK(!a.ok);
	a = rsp_args("10,4x");
	rsp_arg_hex(&a);
	rsp_arg_char(&a, ',');
	rsp_arg_hex(&a);
	CHECK(a.ok && !rsp_args_end(&a));
	a = rsp_args("1;2");
	rsp_arg_hex(&a);
	CHECK(!rsp_arg_try(&a, ',') && rsp_arg_try(&a, ';') && rsp_arg_hex(&a) == 2 && rsp_args_end(&a));
}

int main(void)
{
	test_checksums();
	test_events_and_noise();
	test_split_feeds();
	test_run_length();
	test_random_round_trips();
	test_overflow();
	test_escapes();
	test_hex();
	test_args();
	return check_failures("test_rsp");
}
