/* GDB remote serial protocol framing (see rsp.h). */
#include "rsp.h"

#include <string.h>

enum { IDLE, BODY, RUN_LENGTH, CHECK_HI, CHECK_LO };

/* '*' is followed by one character c meaning c - 29 more copies of the previous character
 * (GDB manual, "Overview"): ' ' (3) is the shortest run worth encoding, '~' (97) the longest. */
#define RLE_BIAS 29
#define RLE_MIN 3
#define RLE_MAX ('~' - RLE_BIAS)

static int hex_value(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void rsp_reader_init(struct rsp_reader *r)
{
	r->state = IDLE;
	r->len = 0;
	r->broken = false;
}

static void start_packet(struct rsp_reader *r)
{
	r->state = BODY;
	r->sum = 0;
	r->len = 0;
	r->broken = false;
}

static void append(struct rsp_reader *r, uint8_t c, unsigned count)
{
	if (r->len + count > RSP_PACKET_MAX) {
		r->broken = true;
		return;
	}
	memset(r->data + r->len, c, count);
	r->len += count;
}

static enum rsp_event step(struct rsp_reader *r, uint8_t c)
{
	int v;

	switch (r->state) {
	case IDLE:
		if (c == '$')
			start_packet(r);
		else if (c == '+')
			return RSP_ACK;
		else if (c == '-')
			return RSP_NAK;
		else if (c == 0x03)
			return RSP_INTERRUPT;
		return RSP_NONE;
	case BODY:
		if (c == '$')
			start_packet(r);
		else if (c == '#')
			r->state = CHECK_HI;
		else {
			r->sum += c;
			if (c == '*')
				r->state = RUN_LENGTH;
			else
				append(r, c, 1);
		}
		return RSP_NONE;
	case RUN_LENGTH:
		if (c == '$') {
			start_packet(r);
			return RSP_NONE;
		}
		if (c == '#') {
			r->broken = true;
			r->state = CHECK_HI;
			return RSP_NONE;
		}
		r->sum += c;
		r->state = BODY;
		if (r->len == 0 || c < ' ' || c > '~')
			r->broken = true;
		else
			append(r, r->data[r->len - 1], c - RLE_BIAS);
		return RSP_NONE;
	case CHECK_HI:
		v = hex_value(c);
		if (v < 0) {
			r->state = IDLE;
			return RSP_BAD_PACKET;
		}
		r->check = (uint8_t)(v << 4);
		r->state = CHECK_LO;
		return RSP_NONE;
	default: /* CHECK_LO */
		v = hex_value(c);
		r->state = IDLE;
		if (v < 0 || r->broken || r->sum != (uint8_t)(r->check | v))
			return RSP_BAD_PACKET;
		r->data[r->len] = 0;
		return RSP_PACKET;
	}
}

enum rsp_event rsp_read(struct rsp_reader *r, const uint8_t **buf, size_t *len)
{
	while (*len > 0) {
		enum rsp_event ev = step(r, **buf);
		(*buf)++;
		(*len)--;
		if (ev != RSP_NONE)
			return ev;
	}
	return RSP_NONE;
}

static const char hex_digits[] = "0123456789abcdef";

size_t rsp_frame(uint8_t *out, const uint8_t *payload, size_t len)
{
	size_t o = 0;
	uint8_t sum = 0;

	out[o++] = '$';
	for (size_t i = 0; i < len;) {
		size_t run = 1;
		while (i + run < len && payload[i + run] == payload[i] && run - 1 < RLE_MAX)
			run++;
		unsigned extra = (unsigned)(run - 1);
		/* '#' and '$' would end or restart the frame, so those counts are never sent. */
		while (extra + RLE_BIAS == '#' || extra + RLE_BIAS == '$')
			extra--;
		out[o++] = payload[i];
		sum += payload[i];
		if (extra >= RLE_MIN) {
			out[o++] = '*';
			out[o++] = (uint8_t)(extra + RLE_BIAS);
			sum += '*' + (uint8_t)(extra + RLE_BIAS);
			i += 1 + extra;
		} else {
			i++;
		}
	}
	out[o++] = '#';
	out[o++] = (uint8_t)hex_digits[sum >> 4];
	out[o++] = (uint8_t)hex_digits[sum & 0xf];
	return o;
}

static bool needs_escape(uint8_t c)
{
	return c == '#' || c == '$' || c == '}' || c == '*';
}

size_t rsp_escape(uint8_t *out, size_t cap, const uint8_t *in, size_t *in_len)
{
	size_t o = 0, i = 0;

	for (; i < *in_len; i++) {
		if (needs_escape(in[i])) {
			if (o + 2 > cap)
				break;
			out[o++] = '}';
			out[o++] = in[i] ^ 0x20;
		} else {
			if (o + 1 > cap)
				break;
			out[o++] = in[i];
		}
	}
	*in_len = i;
	return o;
}

bool rsp_unescape(uint8_t *buf, size_t *len)
{
	size_t o = 0;

	for (size_t i = 0; i < *len; i++) {
		if (buf[i] == '}') {
			if (++i == *len)
				return false;
			buf[o++] = buf[i] ^ 0x20;
		} else {
			buf[o++] = buf[i];
		}
	}
	*len = o;
	return true;
}

void rsp_hex_encode(char *out, const uint8_t *in, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = hex_digits[in[i] >> 4];
		out[2 * i + 1] = hex_digits[in[i] & 0xf];
	}
}

bool rsp_hex_decode(uint8_t *out, const char *hex, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		int hi = hex_value((uint8_t)hex[2 * i]);
		int lo = hi < 0 ? -1 : hex_value((uint8_t)hex[2 * i + 1]);
		if (lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

struct rsp_args rsp_args(const char *p)
{
	return (struct rsp_args){.p = p, .ok = true};
}

uint32_t rsp_arg_hex(struct rsp_args *a)
{
	uint32_t value = 0;
	const char *start = a->p;
	int v;

	if (!a->ok)
		return 0;
	while ((v = hex_value((uint8_t)*a->p)) >= 0) {
		if (value >> 28) {
			a->ok = false;
			return 0;
		}
		value = value << 4 | (uint32_t)v;
		a->p++;
	}
	if (a->p == start)
		a->ok = false;
	return value;
}

void rsp_arg_char(struct rsp_args *a, char c)
{
	if (a->ok && *a->p == c)
		a->p++;
	else
		a->ok = false;
}

bool rsp_arg_try(struct rsp_args *a, char c)
{
	if (!a->ok || *a->p != c)
		return false;
	a->p++;
	return true;
}

bool rsp_args_end(const struct rsp_args *a)
{
	return a->ok && *a->p == 0;
}
