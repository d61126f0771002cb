/* The FLASH controller's program and erase sequences as firmware runs them, and their errors.
 * The target is the last page of flash (away from this program). With mailbox 1 the run ends
 * with a wrong unlock key, which must fault (bus error). Each controller family's sequence in
 * its own section; the host test knows what each record means (test_flash.c). */
#include "bj_part.h"
#include "fw.h"


#define TARGET (BJ_FLASH_BASE + BJ_FLASH_SIZE - BJ_FLASH_PAGE_SIZE)
#define WORD(a) MMIO32(a)
#define MMIO16(a) (*(volatile uint16_t *)(uintptr_t)(a))

#ifdef BJ_IP_FLASH_FLASH_L0
static void clear_errors(void)
{
	FLASH_SR = 0xffffffffu; /* the error flags and EOP clear when written with 1 */
}

int main(void)
{
	WORD(TARGET) = 0x11111111u; /* locked: WRPERR, nothing written */
	fw_record(FLASH_SR);
	fw_record(WORD(TARGET));
	clear_errors();

	FLASH_PEKEYR = FLASH_PEKEYR_PEKEY1;
	FLASH_PEKEYR = FLASH_PEKEYR_PEKEY2;
	fw_record(FLASH_PECR);
	FLASH_PRGKEYR = FLASH_PRGKEYR_PRGKEY1;
	FLASH_PRGKEYR = FLASH_PRGKEYR_PRGKEY2;
	fw_record(FLASH_PECR);

	WORD(TARGET) = 0x12345678u; /* word programming */
	fw_record(FLASH_SR);
	fw_record(WORD(TARGET));
	clear_errors();
	WORD(TARGET) = 0x0000ffffu; /* not erased: NOTZEROERR, unchanged */
	fw_record(FLASH_SR);
	fw_record(WORD(TARGET));
	clear_errors();

	FLASH_PECR = FLASH_PECR_ERASE | FLASH_PECR_PROG; /* page erase */
	WORD(TARGET + 8) = 0;
	fw_record(FLASH_SR);
	fw_record(WORD(TARGET));
	clear_errors();

	FLASH_PECR = FLASH_PECR_FPRG | FLASH_PECR_PROG; /* half-page: 16 words */
	for (uint32_t i = 0; i < BJ_FLASH_PAGE_SIZE / 8; i++)
		WORD(TARGET + 4 * i) = 0xa5000000u + i;
	fw_record(FLASH_SR);
	fw_record(WORD(TARGET));
	fw_record(WORD(TARGET + BJ_FLASH_PAGE_SIZE / 2 - 4));
	clear_errors();
	FLASH_PECR = 0;

	*(volatile uint8_t *)(TARGET + BJ_FLASH_PAGE_SIZE / 2) = 0x55; /* a byte: SIZERR */
	fw_record(FLASH_SR);
	clear_errors();

	FLASH_PECR |= FLASH_PECR_PRGLOCK;
	FLASH_PECR |= FLASH_PECR_PELOCK;
	fw_record(FLASH_PECR);

	if (fw.mailbox == 1) {
		FLASH_PEKEYR = FLASH_PEKEYR_PEKEY1;
		FLASH_PEKEYR = 0x12345678u; /* wrong second key: bus error, locked until reset */
		fw_record(0xbadu);
	}
	return 0;
}
#elif defined(BJ_IP_FLASH_FLASH_F0) || defined(BJ_IP_FLASH_FLASH_F1)
int main(void)
{
	FLASH_CR = FLASH_CR_PG; /* locked: CR ignores the write */
	fw_record(FLASH_CR);
	MMIO16(TARGET) = 0x1234u;
	fw_record(MMIO16(TARGET));
	FLASH_KEYR = FLASH_KEYR_KEY1;
	FLASH_KEYR = FLASH_KEYR_KEY2;
	fw_record(FLASH_CR);

	FLASH_CR = FLASH_CR_PG; /* half-word programming */
	MMIO16(TARGET) = 0x1234u;
	fw_record(FLASH_SR);
	fw_record(MMIO16(TARGET));
	FLASH_SR = FLASH_SR_EOP | FLASH_SR_PGERR;
	MMIO16(TARGET) = 0x5678u; /* not erased: PGERR, unchanged */
	fw_record(FLASH_SR);
	fw_record(MMIO16(TARGET));
	FLASH_SR = FLASH_SR_EOP | FLASH_SR_PGERR;
	WORD(TARGET + 4) = 0x11111111u; /* a word: PGERR */
	fw_record(FLASH_SR);
	FLASH_SR = FLASH_SR_EOP | FLASH_SR_PGERR;

	FLASH_CR = FLASH_CR_PER; /* page erase */
	FLASH_AR = TARGET;
	FLASH_CR = FLASH_CR_PER | FLASH_CR_STRT;
	fw_record(FLASH_SR);
	fw_record(MMIO16(TARGET));
	FLASH_SR = FLASH_SR_EOP;
	FLASH_CR = FLASH_CR_LOCK;
	fw_record(FLASH_CR);

	if (fw.mailbox == 1) {
		FLASH_KEYR = FLASH_KEYR_KEY1;
		FLASH_KEYR = 0x12345678u; /* wrong second key: bus error, locked until reset */
		fw_record(0xbadu);
	}
	return 0;
}
#elif defined(BJ_IP_FLASH_FLASH_F4)
static const uint32_t sectors[] = BJ_FLASH_SECTOR_SIZES;
#define LAST_SECTOR (sizeof(sectors) / sizeof(sectors[0]) - 1)

int main(void)
{
	FLASH_CR = FLASH_CR_PG; /* locked: CR ignores the write */
	fw_record(FLASH_CR);
	FLASH_KEYR = FLASH_KEYR_KEY1;
	FLASH_KEYR = FLASH_KEYR_KEY2;
	fw_record(FLASH_CR);

	FLASH_CR = FLASH_CR_PG | FLASH_CR_PSIZE_X32 << FLASH_CR_PSIZE_SHIFT; /* word programming */
	WORD(TARGET) = 0x12345678u;
	fw_record(FLASH_SR);
	fw_record(WORD(TARGET));
	FLASH_SR = 0xffffffffu;
	*(volatile uint8_t *)(TARGET + 4) = 0x55u; /* a byte with PSIZE x32: PGPERR */
	fw_record(FLASH_SR);
	FLASH_SR = 0xffffffffu;
	FLASH_CR = FLASH_CR_PSIZE_X32 << FLASH_CR_PSIZE_SHIFT;
	WORD(TARGET + 8) = 0; /* PG clear: PGSERR */
	fw_record(FLASH_SR);
	FLASH_SR = 0xffffffffu;

	FLASH_CR = FLASH_CR_SER | LAST_SECTOR << FLASH_CR_SNB_SHIFT; /* sector erase */
	FLASH_CR |= FLASH_CR_STRT;
	fw_record(FLASH_SR);
	fw_record(WORD(TARGET));
	FLASH_SR = 0xffffffffu;
	FLASH_CR = FLASH_CR_LOCK;
	fw_record(FLASH_CR);

	if (fw.mailbox == 1) {
		FLASH_KEYR = FLASH_KEYR_KEY1;
		FLASH_KEYR = 0x12345678u;
		fw_record(0xbadu);
	}
	return 0;
}
#elif defined(BJ_IP_FLASH_FLASH_G0) || defined(BJ_IP_FLASH_FLASH_L4)
#define PAGE ((TARGET - BJ_FLASH_BASE) / BJ_FLASH_PAGE_SIZE)

int main(void)
{
	FLASH_CR = FLASH_CR_PG; /* locked: CR ignores the write */
	fw_record(FLASH_CR);
	FLASH_KEYR = FLASH_KEYR_KEY1;
	FLASH_KEYR = FLASH_KEYR_KEY2;
	fw_record(FLASH_CR);

	FLASH_CR = FLASH_CR_PG | FLASH_CR_EOPIE; /* double-word programming; EOP needs EOPIE */
	WORD(TARGET) = 0x12345678u;
	WORD(TARGET + 4) = 0x9abcdef0u;
	fw_record(FLASH_SR);
	fw_record(WORD(TARGET));
	fw_record(WORD(TARGET + 4));
	FLASH_SR = 0xffffu;
	WORD(TARGET) = 0;
	WORD(TARGET + 4) = 0; /* not erased: PROGERR */
	fw_record(FLASH_SR);
	FLASH_SR = 0xffffu;
	*(volatile uint16_t *)(TARGET + 8) = 0x1234u; /* a half-word: SIZERR */
	fw_record(FLASH_SR);
	FLASH_SR = 0xffffu;
	WORD(TARGET + 12) = 0; /* the second word of a double word first: PGAERR */
	fw_record(FLASH_SR);
	FLASH_SR = 0xffffu;

	FLASH_CR = FLASH_CR_PER | FLASH_CR_EOPIE | PAGE << FLASH_CR_PNB_SHIFT; /* page erase */
	FLASH_CR |= FLASH_CR_STRT;
	fw_record(FLASH_SR);
	fw_record(WORD(TARGET));
	FLASH_SR = 0xffffu;
	FLASH_CR = FLASH_CR_LOCK;
	fw_record(FLASH_CR);

	if (fw.mailbox == 1) {
		FLASH_KEYR = FLASH_KEYR_KEY1;
		FLASH_KEYR = 0x12345678u;
		fw_record(0xbadu);
	}
	return 0;
}
#endif
