#ifndef TOOLS_USART_REPORT_H
#define TOOLS_USART_REPORT_H

/* What bootjump-usart says about one run: in words, as one JSON object, and as its exit
 * status. The part behind a PID comes from the part database (build/gen/bj_parts.h). */

#include <stdbool.h>
#include <stdio.h>

#include "serial_port.h"
#include "usart_check.h"

enum usart_exit {
	USART_EXIT_ANSWERED = 0,
	USART_EXIT_NO_ANSWER = 1,
	USART_EXIT_PROTOCOL = 2, /* NACK, or a reply AN3155 does not allow */
	USART_EXIT_CANNOT_OPEN = 3,
	USART_EXIT_USAGE = 64, /* sysexits.h EX_USAGE */
};

struct usart_run {
	const char *port;
	struct serial_settings settings;
	unsigned timeout_ms;
	bool opened;
	enum serial_failure open_failure; /* when !opened */
	const char *open_why;		  /* when !opened */
	const struct usart_check *check;  /* when opened */
};

enum usart_exit usart_exit_status(const struct usart_run *run);
void usart_report_text(FILE *out, const struct usart_run *run);
void usart_report_json(FILE *out, const struct usart_run *run);

#endif
