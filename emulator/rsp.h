/* GDB remote serial protocol: packet framing and the small parsers every packet handler needs.
 * No sockets and no chip here, so the framing can be unit-tested and fuzzed on its own
 * (emulator/tests/rsp/, emulator/fuzz/). Protocol reference: GDB manual, "Remote Protocol"
 * (Overview: $payload#cc, '}' escapes, '*' run-length encoding, acknowledgments).
 */
#ifndef EMULATOR_RSP_H
#define EMULATOR_RSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest payload (after run-length expansion) either side may send; the stub advertises it as
 * PacketSize, so GDB never sends more and a longer packet is hostile or broken. */
#define RSP_PACKET_MAX 0x4000u

enum rsp_event {
	RSP_NONE,       /* every byte consumed, no complete event yet */
	RSP_PACKET,     /* a well-formed packet: rsp_reader.data[0..len), NUL-terminated */
	RSP_BAD_PACKET, /* wrong checksum, non-hex checksum digits, bad run-length or too long */
	RSP_INTERRUPT,  /* 0x03 between packets: GDB's Ctrl-C */
	RSP_ACK,        /* '+' between packets */
	RSP_NAK,        /* '-' between packets: resend the last packet */
};

struct rsp_reader {
	int state;
	uint8_t sum;       /* running checksum of the raw bytes between '$' and '#' */
	uint8_t check;     /* the checksum as sent, from its two hex digits */
	bool broken;       /* overflow or bad run-length seen: report RSP_BAD_PACKET at '#' */
	size_t len;
	uint8_t data[RSP_PACKET_MAX + 1];
};

void rsp_reader_init(struct rsp_reader *r);
/* Consumes bytes from (*buf, *len) up to and including the first event and returns it; bytes
 * outside packets other than '+', '-' and 0x03 are line noise and skipped. A '$' inside a packet
 * starts a new one: a correct sender escapes it, so this only resynchronises after junk. */
enum rsp_event rsp_read(struct rsp_reader *r, const uint8_t **buf, size_t *len);

/* Frames payload as $payload#cc into out, run-length encoding repeats; out needs len + 4 bytes
 * (encoding never grows the payload). Returns the frame length. */
size_t rsp_frame(uint8_t *out, const uint8_t *payload, size_t len);

/* Binary data ('X', vFlashWrite, qXfer replies): '#', '$', '}' and '*' travel as '}' c^0x20. */
/* Escapes in[0..*in_len) into out[0..cap) and returns the bytes written; *in_len is reduced to
 * the input bytes that fitted. */
size_t rsp_escape(uint8_t *out, size_t cap, const uint8_t *in, size_t *in_len);
/* Undoes escapes in place; false if the data ends inside an escape. */
bool rsp_unescape(uint8_t *buf, size_t *len);

void rsp_hex_encode(char *out, const uint8_t *in, size_t len);
/* Decodes 2*len hex digits; false on a non-hex digit or a NUL before the end. */
bool rsp_hex_decode(uint8_t *out, const char *hex, size_t len);

/* Argument parsing with a sticky error: parse everything, then check rsp_args_end() once. */
struct rsp_args {
	const char *p;
	bool ok;
};
struct rsp_args rsp_args(const char *p);
uint32_t rsp_arg_hex(struct rsp_args *a);        /* 1..8 hex digits (more if leading zeros) */
void rsp_arg_char(struct rsp_args *a, char c);    /* the next character must be c */
bool rsp_arg_try(struct rsp_args *a, char c);     /* skip c if it is next */
bool rsp_args_end(const struct rsp_args *a);      /* everything parsed and nothing left */

#endif
