#ifndef TOOLS_USART_CHECK_H
#define TOOLS_USART_CHECK_H

/* One AN3155 conversation over an open port: sync with 0x7F, then Get, Get Version and Get ID,
 * all inside one deadline. The outcome says whether a bootloader answered and whether what it
 * said can be trusted. */

#include <stdbool.h>
#include <stdint.h>

#include "an3155.h"

enum usart_outcome {
	USART_ANSWERED,
	USART_NO_ANSWER,   /* nothing came back to 0x7F */
	USART_REFUSED,     /* a command got NACK */
	USART_BAD_REPLY,   /* something came back, but not what AN3155 allows */
};

struct usart_check {
	enum usart_outcome outcome;
	char why[256];	      /* for every outcome but USART_ANSWERED: one sentence */
	double time_to_ack_ms; /* from sending the 0x7F that was answered to its answer */
	unsigned sync_attempts;
	bool synchronised; /* 0x7F drew ACK or NACK: a bootloader is listening */
	/* The ROM answered 0x7F with NACK: it had measured the baud rate before (an earlier
	 * session) and took 0x7F as a command byte. It is listening all the same. */
	bool already_synchronised;
	double elapsed_ms;
	bool have_get, have_version, have_id;
	struct an3155_get get;
	struct an3155_version version;
	uint16_t pid;
};

/* Talks to the bootloader on fd (opened by serial_open) and fills *check; returns within
 * timeout_ms (plus scheduling noise) whatever the other end does. */
void usart_check_run(int fd, unsigned timeout_ms, struct usart_check *check);

#endif
