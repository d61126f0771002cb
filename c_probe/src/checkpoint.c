/* Where the record lives: the part's backup registers when it has enough of them (16- or 32-bit,
 * BJ_BACKUP_*), always also a RAM copy; the ring and the mailbox sit next to it in the no-init
 * block, at the fixed address c_probe/record.py's noinit_base() gives (linker fragment
 * bj_noinit.ld). Everything here works before .data/.bss exist. */
#include "probe.h"

__attribute__((section(".bj_noinit.mailbox"))) volatile struct bj_mailbox bj_mailbox;
__attribute__((section(".bj_noinit.record"))) uint16_t bj_ram_record[BJ_RECORD_CELLS];
__attribute__((section(".bj_noinit.ring"))) uint16_t bj_ram_ring[BJ_RING_CELLS];

#define BJ_STORE_WORDS BJ_STORAGE_WORDS(BJ_RECORD_CELLS, BJ_BACKUP_WIDTH)
#if BJ_BACKUP_COUNT >= BJ_STORE_WORDS
#define BJ_STORE_BACKUP 1
static const uint32_t bj_backup_addrs[BJ_BACKUP_COUNT] = BJ_BACKUP_ADDRS;
#else
#define BJ_STORE_BACKUP 0 /* too few backup registers: the RAM copy, which a system reset keeps */
#endif

uint32_t bj_capture_reset_causes(void)
{
	uint32_t flags = MMIO32(BJ_RESET_FLAGS_ADDR);
	/* Read-modify-write: the same register holds oscillator and RTC bits (LSION, RTCEN ...). */
	MMIO32(BJ_RESET_FLAGS_ADDR) = flags | BJ_RESET_FLAGS_CLEAR;
	return BJ_CAUSES_FROM_FLAGS(flags);
}

void bj_record_load(struct bj_record *r)
{
	uint16_t cells[BJ_RECORD_CELLS];
#if BJ_STORE_BACKUP
	uint32_t words[BJ_STORE_WORDS];
	/* Reads need the unlock too where the registers sit behind an RCC enable that the reset
	 * cleared (F1 BKPEN, G0/L4 RTCAPBEN): with it clear they read zero. */
	BJ_BACKUP_UNLOCK();
	for (unsigned i = 0; i < BJ_STORE_WORDS; i++)
		words[i] = MMIO32(bj_backup_addrs[i]);
	bj_words_to_cells(words, BJ_RECORD_CELLS, BJ_BACKUP_WIDTH, cells);
#else
	for (unsigned i = 0; i < BJ_RECORD_CELLS; i++)
		cells[i] = bj_ram_record[i];
#endif
	bj_record_decode(cells, r);
}

void bj_record_store(const struct bj_record *r)
{
	uint16_t cells[BJ_RECORD_CELLS];
	bj_record_encode(r, cells);
	for (unsigned i = 0; i < BJ_RECORD_CELLS; i++)
		bj_ram_record[i] = cells[i];
#if BJ_STORE_BACKUP
	uint32_t words[BJ_STORE_WORDS];
	bj_cells_to_words(cells, BJ_RECORD_CELLS, BJ_BACKUP_WIDTH, words);
	/* Again at every store: the de-init resets PWR and the RCC enables, which locks them. */
	BJ_BACKUP_UNLOCK();
	for (unsigned i = 0; i < BJ_STORE_WORDS; i++)
		MMIO32(bj_backup_addrs[i]) = words[i];
#endif
}

void bj_boot(struct bj_record *r, uint32_t causes)
{
	bj_record_load(r);
	if (bj_record_enter(r, causes))
		bj_ring_clear(bj_ram_ring);
	bj_record_store(r);
	bj_ring_append(bj_ram_ring, r->f[BJ_REC_BOOTS], r->f[BJ_REC_RECIPE], BJ_STEP_BOOT, causes);
}

void bj_arm(struct bj_record *r, unsigned recipe, unsigned options)
{
	bj_record_arm(r, recipe, options);
	bj_record_store(r);
	bj_ring_append(bj_ram_ring, r->f[BJ_REC_BOOTS], recipe, BJ_STEP_ARMED, 0);
}

void bj_checkpoint(struct bj_record *r, unsigned step)
{
	bj_record_checkpoint(r, step);
	bj_record_store(r);
	bj_ring_append(bj_ram_ring, r->f[BJ_REC_BOOTS], r->f[BJ_REC_RECIPE], step, 0);
}

void bj_system_reset(void)
{
	__asm volatile("dsb" ::: "memory");
	SCB_AIRCR = (SCB_AIRCR_VECTKEY_KEY << SCB_AIRCR_VECTKEY_SHIFT) | SCB_AIRCR_SYSRESETREQ;
	__asm volatile("dsb" ::: "memory");
	for (;;)
		;
}
