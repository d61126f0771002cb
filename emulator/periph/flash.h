/* Helpers the FLASH controller models share: changing the flash array (and throwing away the
 * code translated from it), the erased state, the two-key unlock sequences. */
#ifndef EMULATOR_PERIPH_FLASH_H
#define EMULATOR_PERIPH_FLASH_H

#include "periph.h"

void flash_write_array(struct periph *p, uint32_t addr, const void *data, uint32_t len);
void flash_erase_array(struct periph *p, uint32_t addr, uint32_t len);
bool flash_is_erased(struct periph *p, uint32_t addr, uint32_t len);
uint32_t flash_read_word(struct periph *p, uint32_t addr);
bool flash_in_array(const struct periph *p, uint32_t addr, unsigned size);
bool flash_in_options(const struct periph *p, uint32_t addr, unsigned size);

/* A two-key unlock sequence (KEY1 then KEY2). A wrong key, or a key after a wrong key, locks
 * the register until the next reset and is refused with a bus error (RM0091 §3.3.1: "In the
 * case of a wrong key sequence, a bus error is detected and a Hard Fault interrupt is
 * generated"; the other families' manuals describe the same lock). */
struct flash_keys {
	unsigned step;
	bool lockout;
};
/* True when this write completed the sequence. */
bool flash_key(struct periph *p, struct flash_keys *k, uint32_t v, uint32_t key1, uint32_t key2);
void flash_key_wrong(struct periph *p, struct flash_keys *k);

#endif
