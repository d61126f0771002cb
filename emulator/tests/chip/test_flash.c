/* The FLASH controller's sequences (fw/flash.c), per family: locked writes rejected, unlock,
 * program, erase, the errors of a wrong sequence, and a wrong key locking it until reset. */
#include <string.h>

#include "harness.h"

/* Register bits of each controller, from the generated IP tables' macros. */
#define L0_SR_EOP BJ_FLASH_L0_SR_EOP
#define L0_SR_WRPERR BJ_FLASH_L0_SR_WRPERR
#define L0_SR_SIZERR BJ_FLASH_L0_SR_SIZERR
#define L0_SR_NOTZEROERR BJ_FLASH_L0_SR_NOTZEROERR
#define L0_PECR_LOCKS (BJ_FLASH_L0_PECR_PELOCK | BJ_FLASH_L0_PECR_PRGLOCK | BJ_FLASH_L0_PECR_OPTLOCK)

/* The IP of the part's FLASH controller. */
static enum bj_ip_id flash_ip(const struct bj_part *p)
{
	for (unsigned i = 0; i < p->n_periphs; i++)
		if (strcmp(p->periphs[i].name, "FLASH") == 0)
			return p->periphs[i].ip;
	return BJ_IP_COUNT;
}

static void check_l0(struct emutest_ctx *t, struct chip *chip)
{
	const struct bj_part *p = t->part;
	uint32_t target = p->flash.base + p->flash.size - p->page_size, erased = p->flash_erased;
	CHECK(fw_value(chip, 0) & L0_SR_WRPERR, "a write while locked sets WRPERR");
	CHECK_EQ(fw_value(chip, 1), erased, "a write while locked changes nothing");
	CHECK_EQ(fw_value(chip, 2) & L0_PECR_LOCKS, L0_PECR_LOCKS & ~BJ_FLASH_L0_PECR_PELOCK, "PEKEY1/2 clear PELOCK only");
	CHECK_EQ(fw_value(chip, 3) & L0_PECR_LOCKS, BJ_FLASH_L0_PECR_OPTLOCK, "PRGKEY1/2 clear PRGLOCK");
	CHECK(fw_value(chip, 4) & L0_SR_EOP, "word programming ends with EOP");
	CHECK_EQ(fw_value(chip, 5), 0x12345678u, "the word is programmed");
	CHECK(fw_value(chip, 6) & L0_SR_NOTZEROERR, "programming a word that is not erased: NOTZEROERR");
	CHECK_EQ(fw_value(chip, 7), 0x12345678u, "... and the word keeps its value");
	CHECK(fw_value(chip, 8) & L0_SR_EOP, "page erase ends with EOP");
	CHECK_EQ(fw_value(chip, 9), erased, "page erase: the page reads erased");
	CHECK(fw_value(chip, 10) & L0_SR_EOP, "half-page programming ends with EOP");
	CHECK_EQ(fw_value(chip, 11), 0xa5000000u, "half-page: first word");
	CHECK_EQ(fw_value(chip, 12), 0xa5000000u + p->page_size / 8 - 1, "half-page: last word");
	CHECK_EQ(mem_word(chip, target + p->page_size / 2), erased, "half-page: the other half untouched");
	CHECK(fw_value(chip, 13) & L0_SR_SIZERR, "a byte write to program memory: SIZERR");
	CHECK_EQ(fw_value(chip, 14) & L0_PECR_LOCKS, L0_PECR_LOCKS, "PELOCK relocks everything");
}

static void check_f0f1(struct emutest_ctx *t, struct chip *chip)
{
	CHECK(fw_value(chip, 0) & BJ_FLASH_F0_CR_LOCK, "CR ignores writes while LOCK is set");
	CHECK_EQ(fw_value(chip, 1), 0xffff, "a store without PG programs nothing");
	CHECK(!(fw_value(chip, 2) & BJ_FLASH_F0_CR_LOCK), "KEY1/KEY2 clear LOCK");
	CHECK(fw_value(chip, 3) & BJ_FLASH_F0_SR_EOP, "half-word programming ends with EOP");
	CHECK_EQ(fw_value(chip, 4), 0x1234, "the half-word is programmed");
	CHECK(fw_value(chip, 5) & BJ_FLASH_F0_SR_PGERR, "programming a half-word that is not erased: PGERR");
	CHECK_EQ(fw_value(chip, 6), 0x1234, "... and it keeps its value");
	CHECK(fw_value(chip, 7) & BJ_FLASH_F0_SR_PGERR, "a word store: PGERR");
	CHECK(fw_value(chip, 8) & BJ_FLASH_F0_SR_EOP, "page erase ends with EOP");
	CHECK_EQ(fw_value(chip, 9), 0xffff, "page erase: the page reads erased");
	CHECK(fw_value(chip, 10) & BJ_FLASH_F0_CR_LOCK, "LOCK relocks");
}

static void check_f4(struct emutest_ctx *t, struct chip *chip)
{
	CHECK(fw_value(chip, 0) & BJ_FLASH_F4_CR_LOCK, "CR ignores writes while LOCK is set");
	CHECK(!(fw_value(chip, 1) & BJ_FLASH_F4_CR_LOCK), "KEY1/KEY2 clear LOCK");
	CHECK(fw_value(chip, 2) & BJ_FLASH_F4_SR_EOP, "word programming ends with EOP");
	CHECK_EQ(fw_value(chip, 3), 0x12345678u, "the word is programmed");
	CHECK(fw_value(chip, 4) & BJ_FLASH_F4_SR_PGPERR, "a byte with PSIZE x32: PGPERR");
	CHECK(fw_value(chip, 5) & BJ_FLASH_F4_SR_PGSERR, "a store with PG clear: PGSERR");
	CHECK(fw_value(chip, 6) & BJ_FLASH_F4_SR_EOP, "sector erase ends with EOP");
	CHECK_EQ(fw_value(chip, 7), 0xffffffffu, "sector erase: the sector reads erased");
	CHECK(fw_value(chip, 8) & BJ_FLASH_F4_CR_LOCK, "LOCK relocks");
}

static void check_g0l4(struct emutest_ctx *t, struct chip *chip)
{
	CHECK(fw_value(chip, 0) & BJ_FLASH_G0_CR_LOCK, "CR ignores writes while LOCK is set");
	CHECK(!(fw_value(chip, 1) & BJ_FLASH_G0_CR_LOCK), "KEY1/KEY2 clear LOCK");
	CHECK(fw_value(chip, 2) & BJ_FLASH_G0_SR_EOP, "double-word programming ends with EOP (EOPIE set)");
	CHECK_EQ(fw_value(chip, 3), 0x12345678u, "the double word is programmed (low)");
	CHECK_EQ(fw_value(chip, 4), 0x9abcdef0u, "the double word is programmed (high)");
	CHECK(fw_value(chip, 5) & BJ_FLASH_G0_SR_PROGERR, "programming a double word that is not erased: PROGERR");
	CHECK(fw_value(chip, 6) & BJ_FLASH_G0_SR_SIZERR, "a half-word store: SIZERR");
	CHECK(fw_value(chip, 7) & BJ_FLASH_G0_SR_PGAERR, "a double word started at its second word: PGAERR");
	CHECK(fw_value(chip, 8) & BJ_FLASH_G0_SR_EOP, "page erase ends with EOP");
	CHECK_EQ(fw_value(chip, 9), 0xffffffffu, "page erase: the page reads erased");
	CHECK(fw_value(chip, 10) & BJ_FLASH_G0_CR_LOCK, "LOCK relocks");
}

EMUTEST(flash_sequences)
{
	const struct bj_part *p = t->part;
	struct chip *chip = fw_start(t, "flash", NULL);
	if (!chip)
		return;
	fw_run(chip, 2000000);
	CHECK_EQ(fw_word(chip, FW_OFF(done)), FW_DONE, "the scenario completed");
	CHECK_EQ(fw_word(chip, FW_OFF(faults)), 0, "no fault");
	switch (flash_ip(p)) {
	case BJ_IP_FLASH_L0: check_l0(t, chip); break;
	case BJ_IP_FLASH_F0:
	case BJ_IP_FLASH_F1: check_f0f1(t, chip); break;
	case BJ_IP_FLASH_F4: check_f4(t, chip); break;
	case BJ_IP_FLASH_G0:
	case BJ_IP_FLASH_L4: check_g0l4(t, chip); break;
	default: CHECK(false, "no flash checks for controller %s", bj_ips[flash_ip(p)].name); break;
	}
	chip_destroy(chip);
}

/* The register that takes the first unlock keys, the keys, and the lock bit they clear. */
struct unlock {
	uint32_t keyr, key1, key2, lockreg, lock;
};

static bool unlock_of(const struct bj_part *p, struct unlock *u)
{
	uint32_t base = 0;
	for (unsigned i = 0; i < p->n_periphs; i++)
		if (p->periphs[i].ip == flash_ip(p))
			base = p->periphs[i].base;
	switch (flash_ip(p)) {
	case BJ_IP_FLASH_L0:
		*u = (struct unlock){base + BJ_FLASH_L0_PEKEYR_OFFSET, BJ_FLASH_L0_PEKEYR_PEKEY1, BJ_FLASH_L0_PEKEYR_PEKEY2,
				     base + BJ_FLASH_L0_PECR_OFFSET, BJ_FLASH_L0_PECR_PELOCK};
		return true;
	case BJ_IP_FLASH_F0:
	case BJ_IP_FLASH_F1:
		*u = (struct unlock){base + BJ_FLASH_F0_KEYR_OFFSET, BJ_FLASH_F0_KEYR_KEY1, BJ_FLASH_F0_KEYR_KEY2,
				     base + BJ_FLASH_F0_CR_OFFSET, BJ_FLASH_F0_CR_LOCK};
		return true;
	case BJ_IP_FLASH_F4:
		*u = (struct unlock){base + BJ_FLASH_F4_KEYR_OFFSET, BJ_FLASH_F4_KEYR_KEY1, BJ_FLASH_F4_KEYR_KEY2,
				     base + BJ_FLASH_F4_CR_OFFSET, BJ_FLASH_F4_CR_LOCK};
		return true;
	case BJ_IP_FLASH_G0:
	case BJ_IP_FLASH_L4:
		*u = (struct unlock){base + BJ_FLASH_G0_KEYR_OFFSET, BJ_FLASH_G0_KEYR_KEY1, BJ_FLASH_G0_KEYR_KEY2,
				     base + BJ_FLASH_G0_CR_OFFSET, BJ_FLASH_G0_CR_LOCK};
		return true;
	default:
		return false;
	}
}

EMUTEST(flash_wrong_key)
{
	const struct bj_part *p = t->part;
	struct unlock u;
	if (!unlock_of(p, &u)) {
		CHECK(false, "no unlock data for controller %s", bj_ips[flash_ip(p)].name);
		return;
	}
	struct fw_options o = {.mailbox = 1};
	struct chip *chip = fw_start(t, "flash", &o);
	if (!chip)
		return;
	fw_run(chip, 2000000);
	CHECK_EQ(fw_word(chip, FW_OFF(faults)), 1, "a wrong key is a bus error: HardFault");
	for (unsigned i = 0; i < fw_word(chip, FW_OFF(n)); i++)
		CHECK(fw_value(chip, i) != 0xbadu, "the instruction after the wrong key did not run");
	CHECK(chip_mem_write(chip, u.keyr, &u.key1, 4) != 0, "after a wrong key, even the right key faults");
	CHECK(mem_word(chip, u.lockreg) & u.lock, "the controller stays locked until reset");
	chip_reset(chip, CHIP_RESET_SYSTEM, true);
	CHECK(chip_mem_write(chip, u.keyr, &u.key1, 4) == 0 && chip_mem_write(chip, u.keyr, &u.key2, 4) == 0,
	      "after a reset the keys are accepted");
	CHECK(!(mem_word(chip, u.lockreg) & u.lock), "after a reset the right keys unlock it");
	chip_destroy(chip);
}
