/* The STM32L0 NVM controller (flash-l0), RM0377 §3: PECR and its three locks (PEKEYR unlocks
 * PECR and the data EEPROM, then PRGKEYR the program memory, OPTKEYR the option bytes), word
 * programming, the half-page programming OpenOCD's stm32lx loader uses (FPRG+PROG, 16 words),
 * page erase (ERASE+PROG and a write to the page), data EEPROM writes and erases, option bytes
 * loaded into FLASH_OPTR at power-on and OBL_LAUNCH. Operations complete at once: BSY never
 * reads 1, EOP is set when one ends.
 *
 * The L0 erases to 0x00 (part flash_erased). A wrong key locks the registers until the next
 * reset and the access returns a bus error (HardFault), as the F0/F1 manuals state for their
 * keys; RM0377 §3.3.4 gives the lock-until-reset, the bus error is the emulator's reading.
 */
#include <string.h>

#include "flash.h"

#define R(p, reg) ((p)->regs[BJ_FLASH_L0_##reg##_OFFSET / 4])
#define SR_ERRORS (BJ_FLASH_L0_SR_WRPERR | BJ_FLASH_L0_SR_PGAERR | BJ_FLASH_L0_SR_SIZERR | BJ_FLASH_L0_SR_OPTVERR | \
		   BJ_FLASH_L0_SR_RDERR | BJ_FLASH_L0_SR_NOTZEROERR | BJ_FLASH_L0_SR_FWWERR)
#define PECR_LOCKS (BJ_FLASH_L0_PECR_PELOCK | BJ_FLASH_L0_PECR_PRGLOCK | BJ_FLASH_L0_PECR_OPTLOCK)
#define OPT_WORDS 8
#define HALF_PAGE_MAX_WORDS 32

struct flash_l0 {
	uint32_t opt[OPT_WORDS];   /* option bytes as stored: value in [15:0], complement in [31:16] */
	unsigned pekey, prgkey, optkey; /* keys seen so far of each two-key sequence */
	bool key_lockout;          /* a wrong key: locked until the next reset */
	uint32_t half_base;        /* half-page programming in progress */
	unsigned half_count;
	uint32_t half_buf[HALF_PAGE_MAX_WORDS];
};

static struct flash_l0 *st(struct periph *p)
{
	return p->state;
}

static void update_irq(struct periph *p)
{
	uint32_t pecr = R(p, PECR), sr = R(p, SR);
	periph_irq(p, ((pecr & BJ_FLASH_L0_PECR_EOPIE) && (sr & BJ_FLASH_L0_SR_EOP)) ||
			      ((pecr & BJ_FLASH_L0_PECR_ERRIE) && (sr & SR_ERRORS)));
}

static void error(struct periph *p, uint32_t bit)
{
	R(p, SR) |= bit;
	st(p)->half_count = 0;
	update_irq(p);
}

static void done(struct periph *p)
{
	R(p, SR) |= BJ_FLASH_L0_SR_EOP;
	update_irq(p);
}

/* Option bytes -> FLASH_OPTR (RM0377 §3.4.1): word 0 gives OPTR[15:0] (RDPROT, WPRMOD), word 1
 * OPTR[31:16] (BOR_LEV, WDG_SW, nRST_STOP, nRST_STDBY, BFB2, nBOOT1); each with its complement. */
static void load_options(struct periph *p)
{
	struct flash_l0 *s = st(p);
	uint32_t optr = BJ_FLASH_L0_OPTR_RESET;
	for (unsigned i = 0; i < 2; i++) {
		uint32_t w = s->opt[i];
		if ((w >> 16) != (~w & 0xffffu)) {
			R(p, SR) |= BJ_FLASH_L0_SR_OPTVERR;
			continue; /* that half keeps its reset value */
		}
		optr = (optr & ~(0xffffu << (16 * i))) | (w & 0xffffu) << (16 * i);
	}
	R(p, OPTR) = optr;
}

static uint32_t with_complement(uint32_t half)
{
	return (half & 0xffffu) | (~half & 0xffffu) << 16;
}

static void set_option_register(struct periph *p, uint32_t value)
{
	struct flash_l0 *s = st(p);
	s->opt[0] = with_complement(value);
	s->opt[1] = with_complement(value >> 16);
	for (unsigned i = 2; i < OPT_WORDS; i++)
		s->opt[i] = with_complement(0); /* no write protection */
	R(p, OPTR) = value;
}

static uint32_t option_read(struct periph *p, uint32_t addr)
{
	unsigned i = (addr - p->chip->part->option_bytes.base) / 4;
	return i < OPT_WORDS ? st(p)->opt[i] : 0;
}

static void reset(struct periph *p, enum chip_reset_kind kind)
{
	struct flash_l0 *s = st(p);
	uint32_t optr = R(p, OPTR);
	periph_storage_reset(p);
	s->pekey = s->prgkey = s->optkey = 0;
	s->key_lockout = false;
	s->half_count = 0;
	if (kind == CHIP_RESET_POWER_ON || kind == CHIP_RESET_OPTION_LOAD)
		load_options(p);
	else
		R(p, OPTR) = optr;
	update_irq(p);
}

static void wrong_key(struct periph *p, unsigned *step)
{
	st(p)->key_lockout = true;
	*step = 0;
	bus_error(p->chip);
}

/* One step of a two-key unlock sequence; returns true when the second key unlocked. */
static bool key(struct periph *p, unsigned *step, uint32_t v, uint32_t key1, uint32_t key2)
{
	if (!st(p)->key_lockout && v == (*step ? key2 : key1)) {
		*step = !*step;
		return *step == 0;
	}
	wrong_key(p, step);
	return false;
}

static void pecr_write(struct periph *p, uint32_t v)
{
	uint32_t pecr = R(p, PECR);
	if (pecr & BJ_FLASH_L0_PECR_PELOCK)
		return; /* PECR is write-protected while PELOCK is set */
	uint32_t locks = pecr & PECR_LOCKS;
	if (v & BJ_FLASH_L0_PECR_PELOCK) {
		/* Locking PECR returns it to its reset value: the silicon clears PROG/ERASE/FPRG/DATA
		 * there. OpenOCD's stm32lx driver relies on it (after a page erase it only sets PRGLOCK
		 * then PELOCK, and later writes with FPRG|PROG); Renode's STM32L0 model does the same. */
		v = 0;
		locks = PECR_LOCKS;
	}
	locks |= v & (BJ_FLASH_L0_PECR_PRGLOCK | BJ_FLASH_L0_PECR_OPTLOCK); /* lock bits only set */
	R(p, PECR) = (v & ~(PECR_LOCKS | BJ_FLASH_L0_PECR_OBL_LAUNCH)) | locks;
	st(p)->half_count = 0;
	if ((v & BJ_FLASH_L0_PECR_OBL_LAUNCH) && !(locks & BJ_FLASH_L0_PECR_OPTLOCK))
		chip_request_reset(p->chip, CHIP_RESET_OPTION_LOAD);
	update_irq(p);
}

static void reg_write(struct periph *p, uint32_t off, uint32_t v, uint32_t mask)
{
	(void)mask;
	uint32_t *pecr = &R(p, PECR);
	struct flash_l0 *s = st(p);
	switch (off) {
	case BJ_FLASH_L0_PECR_OFFSET:
		pecr_write(p, v);
		break;
	case BJ_FLASH_L0_PEKEYR_OFFSET:
		if ((*pecr & BJ_FLASH_L0_PECR_PELOCK) &&
		    key(p, &s->pekey, v, BJ_FLASH_L0_PEKEYR_PEKEY1, BJ_FLASH_L0_PEKEYR_PEKEY2))
			*pecr &= ~BJ_FLASH_L0_PECR_PELOCK;
		break;
	case BJ_FLASH_L0_PRGKEYR_OFFSET:
		if (*pecr & BJ_FLASH_L0_PECR_PELOCK)
			wrong_key(p, &s->prgkey); /* program keys before PECR is unlocked are wrong keys */
		else if ((*pecr & BJ_FLASH_L0_PECR_PRGLOCK) &&
			 key(p, &s->prgkey, v, BJ_FLASH_L0_PRGKEYR_PRGKEY1, BJ_FLASH_L0_PRGKEYR_PRGKEY2))
			*pecr &= ~BJ_FLASH_L0_PECR_PRGLOCK;
		break;
	case BJ_FLASH_L0_OPTKEYR_OFFSET:
		if (*pecr & BJ_FLASH_L0_PECR_PELOCK)
			wrong_key(p, &s->optkey);
		else if ((*pecr & BJ_FLASH_L0_PECR_OPTLOCK) &&
			 key(p, &s->optkey, v, BJ_FLASH_L0_OPTKEYR_OPTKEY1, BJ_FLASH_L0_OPTKEYR_OPTKEY2))
			*pecr &= ~BJ_FLASH_L0_PECR_OPTLOCK;
		break;
	case BJ_FLASH_L0_SR_OFFSET:
		R(p, SR) &= ~(v & (SR_ERRORS | BJ_FLASH_L0_SR_EOP)); /* write 1 to clear */
		update_irq(p);
		break;
	case BJ_FLASH_L0_OPTR_OFFSET:
	case BJ_FLASH_L0_WRPROT1_OFFSET:
		break; /* loaded from the option bytes only */
	default:
		p->regs[off / 4] = v;
		break;
	}
}

static void flash_write(struct periph *p, uint32_t addr, unsigned size, uint32_t value)
{
	struct chip *chip = p->chip;
	struct flash_l0 *s = st(p);
	uint32_t pecr = R(p, PECR), erased = chip->part->flash_erased;
	uint32_t half = chip->part->page_size / 2, prog = pecr & BJ_FLASH_L0_PECR_PROG;
	if (pecr & (BJ_FLASH_L0_PECR_PELOCK | BJ_FLASH_L0_PECR_PRGLOCK)) {
		error(p, BJ_FLASH_L0_SR_WRPERR);
		return;
	}
	if (size != 4) {
		error(p, BJ_FLASH_L0_SR_SIZERR);
		return;
	}
	if (prog && (pecr & BJ_FLASH_L0_PECR_ERASE)) {
		/* Page erase: the write's value does not matter, its page is erased. */
		flash_erase_array(p, addr & ~(chip->part->page_size - 1), chip->part->page_size);
		done(p);
		return;
	}
	if (prog && (pecr & BJ_FLASH_L0_PECR_FPRG)) {
		/* Half-page: 16 words into the same half-page, programmed after the last one. */
		uint32_t base = addr & ~(half - 1);
		if (s->half_count == 0)
			s->half_base = base;
		if (base != s->half_base) {
			error(p, BJ_FLASH_L0_SR_PGAERR);
			return;
		}
		s->half_buf[(addr - base) / 4] = value;
		if (++s->half_count == half / 4) {
			s->half_count = 0;
			flash_write_array(p, base, s->half_buf, half);
			done(p);
		}
		return;
	}
	if (pecr & (BJ_FLASH_L0_PECR_ERASE | BJ_FLASH_L0_PECR_FPRG | BJ_FLASH_L0_PECR_DATA)) {
		error(p, BJ_FLASH_L0_SR_PGAERR); /* a sequence for something else is armed */
		return;
	}
	/* Word programming: the word must be erased (NOTZEROERR otherwise, and the write is lost). */
	uint32_t old;
	memcpy(&old, chip->flash.mem + (addr - chip->flash.base), 4);
	if (old != erased) {
		error(p, BJ_FLASH_L0_SR_NOTZEROERR);
		return;
	}
	flash_write_array(p, addr, &value, 4);
	done(p);
}

static void eeprom_write(struct periph *p, uint32_t addr, unsigned size, uint32_t value)
{
	struct chip *chip = p->chip;
	uint32_t pecr = R(p, PECR);
	if (pecr & BJ_FLASH_L0_PECR_PELOCK) {
		error(p, BJ_FLASH_L0_SR_WRPERR);
		return;
	}
	uint8_t *m = chip->eeprom.mem + (addr - chip->eeprom.base);
	if ((pecr & BJ_FLASH_L0_PECR_ERASE) && (pecr & BJ_FLASH_L0_PECR_DATA)) {
		memset(m, (uint8_t)chip->part->flash_erased, 4); /* word erase */
	} else {
		memcpy(m, &value, size); /* the data EEPROM erases before it writes by itself */
	}
	done(p);
}

static void option_write(struct periph *p, uint32_t addr, unsigned size, uint32_t value)
{
	uint32_t pecr = R(p, PECR);
	if (pecr & (BJ_FLASH_L0_PECR_PELOCK | BJ_FLASH_L0_PECR_OPTLOCK)) {
		error(p, BJ_FLASH_L0_SR_WRPERR);
		return;
	}
	unsigned i = (addr - p->chip->part->option_bytes.base) / 4;
	if (size != 4 || (addr & 3) || i >= OPT_WORDS) {
		error(p, BJ_FLASH_L0_SR_SIZERR);
		return;
	}
	st(p)->opt[i] = value; /* takes effect at the next option load */
	done(p);
}

static void mem_write(struct periph *p, uint32_t addr, unsigned size, uint32_t value)
{
	struct chip *chip = p->chip;
	if (addr >= chip->eeprom.base && addr - chip->eeprom.base < chip->eeprom.size)
		eeprom_write(p, addr, size, value);
	else if (addr >= chip->part->option_bytes.base && addr - chip->part->option_bytes.base < chip->part->option_bytes.size)
		option_write(p, addr, size, value);
	else
		flash_write(p, addr, size, value);
}

static const struct flash_iface iface = {
	.mem_write = mem_write,
	.option_read = option_read,
	.set_option_register = set_option_register,
};

const struct periph_model flash_l0_model = {
	.ip = BJ_IP_FLASH_L0,
	.state_size = sizeof(struct flash_l0),
	.reset = reset,
	.write = reg_write,
	.always_clocked = true,
	.flash = &iface,
};
