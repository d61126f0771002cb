#ifndef TOOLS_JSON_OUT_H
#define TOOLS_JSON_OUT_H

#include <stdio.h>

/* Writes s as a JSON string literal ("null" for NULL). Control characters and every byte above
 * 0x7e are escaped as \u00XX (a Latin-1 reading), so a device path or serial number with odd
 * bytes can never make the output invalid JSON (RFC 8259 §7, §8.1). */
void json_string(FILE *out, const char *s);

#endif
