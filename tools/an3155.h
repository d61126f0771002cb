#ifndef TOOLS_AN3155_H
#define TOOLS_AN3155_H

/* The AN3155 USART bootloader protocol as byte buffers: command frames out, replies in.
 * No I/O here, so the host tests feed it good and bad replies directly.
 * Source: AN3155 (USART protocol used in the STM32 bootloader), see
 * /work/shared/notes/st-bootloader-facts.md §6. */

#include <stddef.h>
#include <stdint.h>

#define AN3155_SYNC 0x7fu /* the host's first byte; the ROM measures the baud rate on it */
#define AN3155_ACK 0x79u
#define AN3155_NACK 0x1fu

#define AN3155_CMD_GET 0x00u
#define AN3155_CMD_GET_VERSION 0x01u
#define AN3155_CMD_GET_ID 0x02u

/* The longest reply we decode: ACK, N, N + 1 bytes (N at most 255), ACK. */
#define AN3155_MAX_REPLY (1 + 1 + 256 + 1)

enum an3155_verdict {
	AN3155_OK,
	AN3155_REFUSED, /* NACK where the first ACK belongs */
	AN3155_SHORT,   /* fewer bytes than the reply announced (or none) */
	AN3155_GARBAGE, /* bytes AN3155 does not allow: wrong framing, length, or extra bytes */
};

struct an3155_command {
	uint8_t code;
	const char *name;
};

/* Every command code AN3155 defines, in code order. */
extern const struct an3155_command an3155_commands[];
extern const size_t an3155_n_commands;

/* The AN3155 name of a command code, or NULL when AN3155 defines none. */
const char *an3155_command_name(uint8_t code);

/* A command goes out as its code followed by the code's complement (their XOR is 0xff). */
void an3155_frame(uint8_t code, uint8_t frame[2]);

/* The whole length of the reply to `code`, judged from its first `len` bytes; 0 while the bytes
 * so far do not tell (a reader keeps reading until it has this many bytes or its deadline).
 * A first byte other than ACK is a whole reply on its own. */
size_t an3155_reply_length(uint8_t code, const uint8_t *reply, size_t len);

struct an3155_get {
	uint8_t version; /* 0x31 = 3.1 */
	unsigned n_commands;
	uint8_t commands[256];
};

struct an3155_version {
	uint8_t version;
	uint8_t option1, option2; /* AN3155: 0x00 0x00, kept for compatibility */
};

/* Each decoder checks one whole reply (from its first ACK through its final ACK, plus whatever
 * arrived after it) and says why it is not trusted when it is not: `why` gets one sentence. */
enum an3155_verdict an3155_decode_get(const uint8_t *reply, size_t len, struct an3155_get *get,
				      char *why, size_t why_len);
enum an3155_verdict an3155_decode_version(const uint8_t *reply, size_t len,
					  struct an3155_version *version, char *why,
					  size_t why_len);
enum an3155_verdict an3155_decode_id(const uint8_t *reply, size_t len, uint16_t *pid, char *why,
				     size_t why_len);

#endif
