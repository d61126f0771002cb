/* Declarations shared by the probe firmware's files. Every address and bit comes from the
 * generated part header (build/gen/<part>/bj_part.h); the record layout from bj_record.h. */
#ifndef C_PROBE_PROBE_H
#define C_PROBE_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bj_part.h"
#include "bj_record.h"
#include "record_codec.h"

#ifndef BJ_PROBE_DEFAULT_RECIPE
#define BJ_PROBE_DEFAULT_RECIPE BJ_RECIPE_NONE
#endif

/* Bounded polls: a register that never reaches its state must not hang the probe (the record
 * shows how far it got). */
#define BJ_POLL_LIMIT 200000u

/* checkpoint.c: the record in the backup registers (or RAM), the RAM ring, the mailbox. */
extern volatile struct bj_mailbox bj_mailbox;
uint32_t bj_capture_reset_causes(void);
void bj_record_load(struct bj_record *r);
void bj_record_store(const struct bj_record *r);
void bj_boot(struct bj_record *r, uint32_t causes);
void bj_arm(struct bj_record *r, unsigned recipe, unsigned options);
void bj_checkpoint(struct bj_record *r, unsigned step);
__attribute__((noreturn)) void bj_system_reset(void);

/* uart.c: the part's first bootloader USART (BJ_BL_USART0_*), 8N1, polled. */
void bj_uart_init(void);
void bj_uart_puts(const char *s);
int bj_uart_getc(void); /* -1: nothing received */
void bj_uart_flush(void);

/* deinit.c: the steps of the classic de-init, one function each. */
void bj_systick_off(void);
void bj_nvic_clear(void);
void bj_clock_reset(void);
void bj_periph_reset(void);
void bj_rcc_reset(void);
void bj_remap_system_memory(void);

/* flash.c */
bool bj_erase_page0(void);
/* F04x only (BJ_PART_PROFILE_EMPTY_CHECK_F04X): BOOT_SEL as loaded, clearing it in the option
 * bytes (NULL, or why not), and the option reload that applies it through a reset. */
bool bj_option_boot_sel(void);
const char *bj_option_clear_boot_sel(void);
__attribute__((noreturn)) void bj_option_reload(void);

/* jump.c: the branch into the ROM. Break here in a debugger to see the state at the jump. */
__attribute__((noreturn)) void bj_jump(uint32_t msp, uint32_t pc);

/* recipes.c */
/* Arms the record and runs the recipe; returns only to refuse it (the reason; step refused). */
const char *bj_recipe_run(struct bj_record *r, unsigned recipe, unsigned options, unsigned param);
__attribute__((noreturn)) void bj_reset_flag_branch(struct bj_record *r);
/* After a reset a recipe caused on purpose (boot-sel's option reload): carry on; else return. */
void bj_recipe_resume(struct bj_record *r);

/* main.c */
__attribute__((noreturn)) void bj_main(struct bj_record *r);

#endif
