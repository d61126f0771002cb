/* The FLASH controller's program and erase sequences as firmware runs them, and their errors.
 * The target is the last page of flash (away from this program). With mailbox 1 the run ends
 * with a wrong unlock key, which must fault (bus error). Each family's sequence in its own
 * section; the host test knows what each record means (test_flash.c). */
#include "bj_part.h"
#include "fw.h"


#define TARGET (BJ_FLASH_BASE + BJ_FLASH_SIZE - BJ_FLASH_PAGE_SIZE)
#define WORD(a) MMIO32(a)

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
#else
int main(void)
{
	fw_record(0xffffffffu); /* no flash scenario for this family yet */
	return 0;
}
#endif
