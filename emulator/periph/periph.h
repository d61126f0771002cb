/* A peripheral instance and the model behind it. One model per IP variant of the part database
 * (bj_ip_id); an instance is parameterised by its bj_periph entry (base, IRQ, clock enable and
 * reset bits, per-instance reset values), never by the part's name.
 *
 * Every instance has a register file initialised from the IP table's reset values; a model
 * gives behaviour to the registers that have some and leaves the rest as plain storage.
 * Offsets the IP table does not list are unmodelled: they read 0, ignore writes and are reported.
 */
#ifndef EMULATOR_PERIPH_H
#define EMULATOR_PERIPH_H

#include "../chip_internal.h"

struct periph {
	struct chip *chip;
	const struct bj_periph *desc;
	const struct bj_ip *ip;
	const struct periph_model *model;
	uint32_t span;   /* bytes mapped: the IP's span rounded up to whole 1 KB pages */
	uint32_t *regs;  /* span / 4 words */
	void *state;     /* model_state_size bytes, zeroed at creation */
	int uart_index;  /* index in chip->uarts, or -1 */
};

/* What a FLASH controller model adds: it owns every write to the flash array, the data EEPROM
 * and the option bytes (CPU stores and debug-port writes alike), and the option bytes' content. */
struct flash_iface {
	/* A store of size bytes at addr (in flash, EEPROM or option bytes); the model calls
	 * bus_error() to refuse it with a bus error. */
	void (*mem_write)(struct periph *p, uint32_t addr, unsigned size, uint32_t value);
	/* The option-byte area as it reads (addr inside part->option_bytes). */
	uint32_t (*option_read)(struct periph *p, uint32_t addr);
	/* Set the option bytes so that the option register loads `value` (--option, tests). */
	void (*set_option_register)(struct periph *p, uint32_t value);
};

struct rcc_clocks;
struct uart_cfg;

struct periph_model {
	enum bj_ip_id ip;
	size_t state_size;
	/* Called after the register file was set to its reset values (power-on) or for every reset
	 * (NULL: plain reset values every time). */
	void (*reset)(struct periph *p, enum chip_reset_kind kind);
	/* Aligned 32-bit register read/write; NULL means storage. mask has the byte lanes written. */
	uint32_t (*read)(struct periph *p, uint32_t off);
	void (*write)(struct periph *p, uint32_t off, uint32_t value, uint32_t mask);
	/* The next cycle at which the model needs advance() (UINT64_MAX: none). */
	uint64_t (*next_event)(struct periph *p);
	void (*advance)(struct periph *p);
	/* True if the model answers while its bus clock is off (RCC-independent blocks). */
	bool always_clocked;
	const struct flash_iface *flash; /* FLASH controllers only */
	const void *variant; /* what distinguishes the IPs one model file serves */
	/* USART/LPUART models: the line configuration their registers give (usart.h works on them). */
	struct uart_cfg (*uart_cfg)(struct periph *p);
	/* RCC models only: the clock tree now, and the clock of the bus whose enable register is
	 * at enable_off. */
	void (*clocks)(struct periph *rcc, struct rcc_clocks *c);
	uint64_t (*bus_of)(struct periph *rcc, uint32_t enable_off, const struct rcc_clocks *c);
};

/* The models, one entry each (periph/registry.c). */
const struct periph_model *periph_model_for(enum bj_ip_id ip);

bool periph_create(struct chip *chip, struct periph *p, const struct bj_periph *desc, char *err, size_t errlen);
void periph_destroy(struct periph *p);
void periph_reset(struct periph *p, enum chip_reset_kind kind);
/* Register file back to the IP table's reset values (what a reset register or RCC reset bit does). */
void periph_storage_reset(struct periph *p);
uint32_t periph_reset_value(const struct periph *p, uint32_t off);
bool periph_has_reg(const struct periph *p, uint32_t off);
bool periph_clocked(struct periph *p);

/* Bus access of size 1, 2 or 4 at offset off (side effects included). */
uint32_t periph_access_read(struct periph *p, uint32_t off, unsigned size);
void periph_access_write(struct periph *p, uint32_t off, uint32_t value, unsigned size);

/* Drive the instance's interrupt line: NVIC interrupts are level-sensitive, so a line held high
 * keeps its interrupt pending (and pends it again after its handler returns). */
void periph_irq(struct periph *p, bool level);

#endif
