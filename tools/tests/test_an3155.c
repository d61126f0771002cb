/* Host tests of the AN3155 decoder: good replies, and every way a reply can be wrong. */
#include "an3155.h"

#include "check.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* A Get reply shaped like an STM32L0's: version 3.1 and eleven commands (N = 11). */
static const uint8_t good_get[] = {0x79, 0x0b, 0x31, 0x00, 0x01, 0x02, 0x11, 0x21,
				   0x31, 0x44, 0x63, 0x73, 0x82, 0x92, 0x79};

static void test_frames_and_names(void)
{
	uint8_t frame[2];

	an3155_frame(AN3155_CMD_GET_ID, frame);
	CHECK(frame[0] == 0x02 && frame[1] == 0xfd);
	an3155_frame(0x44, frame);
	CHECK(frame[0] == 0x44 && frame[1] == 0xbb);
	CHECK_STR(an3155_command_name(0x44), "Extended Erase");
	CHECK_STR(an3155_command_name(0x00), "Get");
	CHECK(an3155_command_name(0x51) == NULL);
	CHECK(an3155_command_name(0x7f) == NULL);
}

static void test_reply_length(void)
{
	CHECK(an3155_reply_length(AN3155_CMD_GET, good_get, 0) == 0);
	CHECK(an3155_reply_length(AN3155_CMD_GET, good_get, 1) == 0);
	CHECK(an3155_reply_length(AN3155_CMD_GET, good_get, 2) == LEN(good_get));
	CHECK(an3155_reply_length(AN3155_CMD_GET_VERSION, good_get, 1) == 5);
	static const uint8_t nack[] = {0x1f};
	CHECK(an3155_reply_length(AN3155_CMD_GET, nack, 1) == 1);
	static const uint8_t id_max[] = {0x79, 0xff};
	CHECK(an3155_reply_length(AN3155_CMD_GET_ID, id_max, 2) == 259);
}

static void test_get(void)
{
	struct an3155_get get;
	char why[200] = "";

	CHECK(an3155_decode_get(good_get, LEN(good_get), &get, why, sizeof(why)) == AN3155_OK);
	CHECK(get.version == 0x31);
	CHECK(get.n_commands == 11);
	CHECK(get.commands[0] == 0x00 && get.commands[10] == 0x92);

	static const uint8_t nack[] = {0x1f};
	CHECK(an3155_decode_get(nack, 1, &get, why, sizeof(why)) == AN3155_REFUSED);
	CHECK_STR(why, "NACK (0x1f) to Get (0x00)");

	static const uint8_t noise[] = {0x55, 0x79};
	CHECK(an3155_decode_get(noise, 2, &get, why, sizeof(why)) == AN3155_GARBAGE);
	CHECK_STR(why, "Get (0x00) answered 0x55 where ACK (0x79) belongs");

	CHECK(an3155_decode_get(good_get, 0, &get, why, sizeof(why)) == AN3155_SHORT);
	CHECK(an3155_decode_get(good_get, 1, &get, why, sizeof(why)) == AN3155_SHORT);
	CHECK_STR(why, "Get (0x00) reply stopped after its ACK, before its length byte");
	CHECK(an3155_decode_get(good_get, 5, &get, why, sizeof(why)) == AN3155_SHORT);
	CHECK_STR(why, "Get (0x00) reply stopped after 5 of the 15 bytes it announced");

	uint8_t no_final_ack[LEN(good_get)];
	memcpy(no_final_ack, good_get, sizeof(good_get));
	no_final_ack[LEN(good_get) - 1] = 0x00;
	CHECK(an3155_decode_get(no_final_ack, LEN(no_final_ack), &get, why, sizeof(why)) ==
	      AN3155_GARBAGE);
	CHECK_STR(why, "Get (0x00) reply ends with 0x00 where the final ACK (0x79) belongs");

	uint8_t extra[LEN(good_get) + 2];
	memcpy(extra, good_get, sizeof(good_get));
	extra[LEN(good_get)] = 0xaa;
	extra[LEN(good_get) + 1] = 0xbb;
	CHECK(an3155_decode_get(extra, LEN(extra), &get, why, sizeof(why)) == AN3155_GARBAGE);
	CHECK_STR(why, "Get (0x00) reply has 2 extra byte(s) after its final ACK, first 0xaa");

	/* A length byte that understates the list leaves the rest as extra bytes. */
	uint8_t understated[LEN(good_get)];
	memcpy(understated, good_get, sizeof(good_get));
	understated[1] = 0x03;
	CHECK(an3155_decode_get(understated, LEN(understated), &get, why, sizeof(why)) ==
	      AN3155_GARBAGE);

	static const uint8_t no_get_id[] = {0x79, 0x03, 0x31, 0x00, 0x01, 0x11, 0x79};
	CHECK(an3155_decode_get(no_get_id, LEN(no_get_id), &get, why, sizeof(why)) ==
	      AN3155_GARBAGE);
	CHECK_STR(why, "Get (0x00) command list lacks Get ID (0x02)");

	static const uint8_t twice[] = {0x79, 0x04, 0x31, 0x00, 0x01, 0x02, 0x01, 0x79};
	CHECK(an3155_decode_get(twice, LEN(twice), &get, why, sizeof(why)) == AN3155_GARBAGE);
	CHECK_STR(why, "Get (0x00) lists command 0x01 twice");
}

static void test_version(void)
{
	struct an3155_version version;
	char why[200] = "";

	static const uint8_t good[] = {0x79, 0x31, 0x00, 0x00, 0x79};
	CHECK(an3155_decode_version(good, LEN(good), &version, why, sizeof(why)) == AN3155_OK);
	CHECK(version.version == 0x31 && version.option1 == 0 && version.option2 == 0);

	CHECK(an3155_decode_version(good, 3, &version, why, sizeof(why)) == AN3155_SHORT);
	CHECK_STR(why, "Get Version (0x01) reply stopped after 3 of the 5 bytes it announced");

	static const uint8_t nack[] = {0x1f};
	CHECK(an3155_decode_version(nack, 1, &version, why, sizeof(why)) == AN3155_REFUSED);
}

static void test_id(void)
{
	uint16_t pid = 0;
	char why[200] = "";

	static const uint8_t l031[] = {0x79, 0x01, 0x04, 0x25, 0x79};
	CHECK(an3155_decode_id(l031, LEN(l031), &pid, why, sizeof(why)) == AN3155_OK);
	CHECK(pid == 0x425);

	static const uint8_t long_pid[] = {0x79, 0x03, 0x04, 0x25, 0x00, 0x00, 0x79};
	CHECK(an3155_decode_id(long_pid, LEN(long_pid), &pid, why, sizeof(why)) ==
	      AN3155_GARBAGE);
	CHECK_STR(why, "Get ID (0x02) length byte is 3; AN3155 says 1 (a two-byte PID)");

	static const uint8_t no_pid[] = {0x79, 0x00, 0x04, 0x79};
	CHECK(an3155_decode_id(no_pid, LEN(no_pid), &pid, why, sizeof(why)) == AN3155_GARBAGE);

	static const uint8_t trailing[] = {0x79, 0x01, 0x04, 0x25, 0x79, 0x79};
	CHECK(an3155_decode_id(trailing, LEN(trailing), &pid, why, sizeof(why)) ==
	      AN3155_GARBAGE);

	static const uint8_t nack[] = {0x1f, 0x1f};
	CHECK(an3155_decode_id(nack, LEN(nack), &pid, why, sizeof(why)) == AN3155_REFUSED);
}

int main(void)
{
	test_frames_and_names();
	test_reply_length();
	test_get();
	test_version();
	test_id();
	return check_summary("test_an3155");
}
