#include "an3155.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

/* AN3155's command set (st-bootloader-facts.md §6). The no-stretch codes belong to the I2C
 * variant of the protocol; stm32flash knows them too, so a GET that lists them is named, not
 * called unknown. 0x51 (Extended Special) is left out: no source we have confirms it. */
const struct an3155_command an3155_commands[] = {
	{0x00, "Get"},
	{0x01, "Get Version"},
	{0x02, "Get ID"},
	{0x11, "Read Memory"},
	{0x21, "Go"},
	{0x31, "Write Memory"},
	{0x32, "No-Stretch Write Memory"},
	{0x43, "Erase"},
	{0x44, "Extended Erase"},
	{0x45, "No-Stretch Erase"},
	{0x50, "Special"},
	{0x63, "Write Protect"},
	{0x64, "No-Stretch Write Protect"},
	{0x73, "Write Unprotect"},
	{0x74, "No-Stretch Write Unprotect"},
	{0x82, "Readout Protect"},
	{0x83, "No-Stretch Readout Protect"},
	{0x92, "Readout Unprotect"},
	{0x93, "No-Stretch Readout Unprotect"},
	{0xa1, "Get Checksum"},
};
const size_t an3155_n_commands = sizeof(an3155_commands) / sizeof(an3155_commands[0]);

const char *an3155_command_name(uint8_t code)
{
	for (size_t i = 0; i < an3155_n_commands; i++)
		if (an3155_commands[i].code == code)
			return an3155_commands[i].name;
	return NULL;
}

void an3155_frame(uint8_t code, uint8_t frame[2])
{
	frame[0] = code;
	frame[1] = code ^ 0xffu;
}

size_t an3155_reply_length(uint8_t code, const uint8_t *reply, size_t len)
{
	if (len == 0)
		return 0;
	if (reply[0] != AN3155_ACK)
		return 1;
	switch (code) {
	case AN3155_CMD_GET_VERSION:
		return 5; /* ACK, version, option 1, option 2, ACK */
	case AN3155_CMD_GET:
	case AN3155_CMD_GET_ID:
		/* ACK, N, then N + 1 bytes, then ACK */
		return len < 2 ? 0 : (size_t)reply[1] + 4;
	default:
		return 0;
	}
}

static enum an3155_verdict say(enum an3155_verdict verdict, char *why, size_t why_len,
			       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, why_len, fmt, ap);
	va_end(ap);
	return verdict;
}

/* The checks every reply shares: first byte, announced length, final ACK, nothing after it. */
static enum an3155_verdict check_frame(uint8_t code, const uint8_t *reply, size_t len, char *why,
				       size_t why_len)
{
	const char *name = an3155_command_name(code);

	if (len == 0)
		return say(AN3155_SHORT, why, why_len, "no reply to %s (0x%02x)", name, code);
	if (reply[0] == AN3155_NACK)
		return say(AN3155_REFUSED, why, why_len, "NACK (0x1f) to %s (0x%02x)", name, code);
	if (reply[0] != AN3155_ACK)
		return say(AN3155_GARBAGE, why, why_len,
			   "%s (0x%02x) answered 0x%02x where ACK (0x79) belongs", name, code,
			   reply[0]);
	size_t want = an3155_reply_length(code, reply, len);
	if (want == 0)
		return say(AN3155_SHORT, why, why_len,
			   "%s (0x%02x) reply stopped after its ACK, before its length byte", name,
			   code);
	if (len < want)
		return say(AN3155_SHORT, why, why_len,
			   "%s (0x%02x) reply stopped after %zu of the %zu bytes it announced", name,
			   code, len, want);
	if (reply[want - 1] != AN3155_ACK)
		return say(AN3155_GARBAGE, why, why_len,
			   "%s (0x%02x) reply ends with 0x%02x where the final ACK (0x79) belongs",
			   name, code, reply[want - 1]);
	if (len > want)
		return say(AN3155_GARBAGE, why, why_len,
			   "%s (0x%02x) reply has %zu extra byte(s) after its final ACK, first 0x%02x",
			   name, code, len - want, reply[want]);
	return AN3155_OK;
}

enum an3155_verdict an3155_decode_get(const uint8_t *reply, size_t len, struct an3155_get *get,
				      char *why, size_t why_len)
{
	static const uint8_t required[] = {AN3155_CMD_GET, AN3155_CMD_GET_VERSION, AN3155_CMD_GET_ID};
	enum an3155_verdict verdict = check_frame(AN3155_CMD_GET, reply, len, why, why_len);

	if (verdict != AN3155_OK)
		return verdict;
	/* N counts the version byte and the command codes, minus one. */
	get->version = reply[2];
	get->n_commands = reply[1];
	for (unsigned i = 0; i < get->n_commands; i++)
		get->commands[i] = reply[3 + i];

	bool seen[256] = {false};
	for (unsigned i = 0; i < get->n_commands; i++) {
		if (seen[get->commands[i]])
			return say(AN3155_GARBAGE, why, why_len, "Get (0x00) lists command 0x%02x twice",
				   get->commands[i]);
		seen[get->commands[i]] = true;
	}
	/* AN3155: Get, Get Version and Get ID work even under readout protection, so a bootloader
	 * that does not list them is not one. */
	for (size_t i = 0; i < sizeof(required); i++)
		if (!seen[required[i]])
			return say(AN3155_GARBAGE, why, why_len,
				   "Get (0x00) command list lacks %s (0x%02x)",
				   an3155_command_name(required[i]), required[i]);
	return AN3155_OK;
}

enum an3155_verdict an3155_decode_version(const uint8_t *reply, size_t len,
					  struct an3155_version *version, char *why,
					  size_t why_len)
{
	enum an3155_verdict verdict =
		check_frame(AN3155_CMD_GET_VERSION, reply, len, why, why_len);

	if (verdict != AN3155_OK)
		return verdict;
	version->version = reply[1];
	version->option1 = reply[2];
	version->option2 = reply[3];
	return AN3155_OK;
}

enum an3155_verdict an3155_decode_id(const uint8_t *reply, size_t len, uint16_t *pid, char *why,
				     size_t why_len)
{
	enum an3155_verdict verdict = check_frame(AN3155_CMD_GET_ID, reply, len, why, why_len);

	if (verdict != AN3155_OK)
		return verdict;
	/* AN3155: N = 1, then the PID's two bytes, MSB first (04 25 on an STM32L031). */
	if (reply[1] != 1)
		return say(AN3155_GARBAGE, why, why_len,
			   "Get ID (0x02) length byte is %u; AN3155 says 1 (a two-byte PID)", reply[1]);
	*pid = (uint16_t)(reply[2] << 8 | reply[3]);
	return AN3155_OK;
}
