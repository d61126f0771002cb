/* The FLASH controller's sequences (fw/flash.c), per family: locked writes rejected, unlock,
 * program, erase, the errors of a wrong sequence, and a wrong key locking it until reset. */
#include <string.h>

#include "harness.h"

#define L0_SR_EOP (1u << 1)
#define L0_SR_WRPERR (1u << 8)
#define L0_SR_SIZERR (1u << 10)
#define L0_SR_NOTZEROERR (1u << 16)
#define L0_PECR_LOCKS 7u
#define L0_FLASH 0x40022000u
#define L0_PECR (L0_FLASH + 0x04)
#define L0_PEKEYR (L0_FLASH + 0x0c)

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
	CHECK_EQ(fw_value(chip, 2) & L0_PECR_LOCKS, 6, "PEKEY1/2 clear PELOCK only");
	CHECK_EQ(fw_value(chip, 3) & L0_PECR_LOCKS, 4, "PRGKEY1/2 clear PRGLOCK");
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

EMUTEST(flash_sequences)
{
	const struct bj_part *p = t->part;
	if (flash_ip(p) != BJ_IP_FLASH_L0) {
		emutest_skip(t, "no flash test firmware for this family's controller yet");
		return;
	}
	struct chip *chip = fw_start(t, "flash", NULL);
	if (!chip)
		return;
	fw_run(chip, 2000000);
	CHECK_EQ(fw_word(chip, FW_OFF(done)), FW_DONE, "the scenario completed");
	CHECK_EQ(fw_word(chip, FW_OFF(faults)), 0, "no fault");
	check_l0(t, chip);
	chip_destroy(chip);
}

EMUTEST(flash_wrong_key)
{
	const struct bj_part *p = t->part;
	if (flash_ip(p) != BJ_IP_FLASH_L0) {
		emutest_skip(t, "no flash test firmware for this family's controller yet");
		return;
	}
	struct fw_options o = {.mailbox = 1};
	struct chip *chip = fw_start(t, "flash", &o);
	if (!chip)
		return;
	fw_run(chip, 2000000);
	CHECK_EQ(fw_word(chip, FW_OFF(faults)), 1, "a wrong key is a bus error: HardFault");
	CHECK(fw_value(chip, 15) != 0xbadu, "the instruction after the wrong key did not run");
	uint32_t key1 = 0x89abcdefu, key2 = 0x02030405u;
	CHECK(chip_mem_write(chip, L0_PEKEYR, &key1, 4) != 0, "after a wrong key, even the right key faults");
	CHECK_EQ(mem_word(chip, L0_PECR) & 1, 1, "PECR stays locked until reset");
	chip_reset(chip, CHIP_RESET_SYSTEM, true);
	CHECK(chip_mem_write(chip, L0_PEKEYR, &key1, 4) == 0 && chip_mem_write(chip, L0_PEKEYR, &key2, 4) == 0,
	      "after a reset the keys are accepted");
	CHECK_EQ(mem_word(chip, L0_PECR) & 1, 0, "after a reset the right keys unlock PECR");
	chip_destroy(chip);
}
