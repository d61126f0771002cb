/* The protocol core as the ROM builds it: with only the erase command AN2606 gives the part
 * (bj_part.h), so that the model fits the smallest system memories. */
#include "bj_part.h"

#define BL_WITH_LEGACY_ERASE (!BJ_BOOTLOADER_EXTENDED_ERASE)
#define BL_WITH_EXTENDED_ERASE BJ_BOOTLOADER_EXTENDED_ERASE

#include "protocol.c"
