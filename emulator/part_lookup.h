/* Finding a part of the database by name, alias or DEV_ID (case-insensitive names). */
#ifndef EMULATOR_PART_LOOKUP_H
#define EMULATOR_PART_LOOKUP_H

#include "bj_parts.h"

/* NULL if nothing matches, or a DEV_ID is shared by several parts (then *ambiguous is set). */
const struct bj_part *part_lookup(const char *name, bool *ambiguous);
/* "stm32l011, stm32l031, ..." for error messages. */
void part_names(char *buf, size_t len);
/* The same, of the parts whose DEV_ID name gives ("0x445": "stm32f042, stm32f070x6"). */
void part_names_with_dev_id(const char *name, char *buf, size_t len);

#endif
