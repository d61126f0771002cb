/* Host tests of the AN3155 protocol core (protocol.c), for every part of the database: every
 * command, every NACK path, and streams of random bytes after which the host gets the bootloader
 * back. The fake chip (fake_port.c) stands in for the USART, the memories and the flash controller.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fake_port.h"

#define ACK BL_ACK
#define NACK BL_NACK

static void send(const uint8_t *bytes, size_t len)
{
	fake_send(bytes, len);
}

#define SEND(...)                                                 \
	do {                                                      \
		const uint8_t bytes_[] = {__VA_ARGS__};           \
		send(bytes_, sizeof(bytes_));                     \
	} while (0)

static void send_command(uint8_t code)
{
	SEND(code, (uint8_t)~code);
}

static void send_address(uint32_t addr)
{
	uint8_t b[5] = {addr >> 24, addr >> 16, addr >> 8, addr};
	b[4] = b[0] ^ b[1] ^ b[2] ^ b[3];
	send(b, 5);
}

/* Everything the ROM sent since fake_init() equals the given bytes. */
static bool replied(const uint8_t *want, size_t len)
{
	return fake.out_len == len && memcmp(fake.out, want, len) == 0;
}

#define REPLIED(...) replied((const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}))

/* A fresh chip for the part, already synchronised (its ACK cleared from the output). */
static void start(const struct bj_part *part)
{
	fake_init(part);
	SEND(BL_SYNC);
	fake_run(true);
	fake.out_len = 0;
}

static uint32_t flash_end(void)
{
	return fake.dev.flash.base + fake.dev.flash.size;
}

static uint32_t pages(void)
{
	return fake.dev.erase_units;
}

static bool all_bytes(uint32_t addr, uint32_t len, uint8_t value)
{
	const uint8_t *p = fake_mem(addr, len);

	for (uint32_t i = 0; p && i < len; i++)
		if (p[i] != value)
			return false;
	return p != NULL;
}

/* ---------------------------------------------------------------- synchronisation, information */

static void test_sync(const struct bj_part *part)
{
	fake_init(part);
	/* Noise before the host's 0x7F is ignored; the 0x7F gets exactly one ACK. */
	SEND(0x00, 0x55, 0xff, 0x80, 0x7e);
	fake_run(true);
	CHECK(fake.out_len == 0);
	SEND(BL_SYNC);
	fake_run(true);
	CHECK(REPLIED(ACK));
}

static void test_get(const struct bj_part *part)
{
	start(part);
	send_command(0x00);
	fake_run(false);
	const uint8_t erase = part->bootloader_extended_erase ? 0x44 : 0x43;
	CHECK(REPLIED(ACK, 11, part->bootloader_version, 0x00, 0x01, 0x02, 0x11, 0x21, 0x31, erase, 0x63, 0x73, 0x82,
	              0x92, ACK));
}

static void test_get_version_and_id(const struct bj_part *part)
{
	start(part);
	send_command(0x01);
	send_command(0x02);
	fake_run(false);
	CHECK(REPLIED(ACK, part->bootloader_version, 0x00, 0x00, ACK, ACK, 1, part->bootloader_pid >> 8,
	              part->bootloader_pid & 0xff, ACK));
}

static void test_malformed_commands(const struct bj_part *part)
{
	start(part);
	SEND(0x00, 0x00);              /* complement wrong */
	SEND(0x11, 0x11);              /* complement wrong */
	SEND(BL_SYNC, BL_SYNC);        /* a second sync is a command byte with a wrong complement */
	send_command(0x50);            /* not a command */
	send_command(part->bootloader_extended_erase ? 0x43 : 0x44); /* the erase this part does not have */
	send_command(0x02);            /* and the loop still answers */
	fake_run(false);
	CHECK(REPLIED(NACK, NACK, NACK, NACK, NACK, ACK, 1, part->bootloader_pid >> 8, part->bootloader_pid & 0xff, ACK));
}

static void test_refused_commands(const struct bj_part *part)
{
	start(part);
	send_command(0x63); /* Write Protect */
	send_command(0x73); /* Write Unprotect */
	send_command(0x82); /* Readout Protect */
	send_command(0x92); /* Readout Unprotect */
	fake_run(false);
	CHECK(REPLIED(NACK, NACK, NACK, NACK));
}

/* ---------------------------------------------------------------- Read Memory */

/* Reads len bytes at addr; true if the reply is the three ACKs and the memory's bytes. */
static bool reads_back(uint32_t addr, uint32_t len)
{
	fake.out_len = 0;
	send_command(0x11);
	send_address(addr);
	SEND(len - 1, ~(len - 1));
	fake_run(false);
	const uint8_t *mem = fake_mem(addr, len);
	return mem && fake.out_len == 3 + len && fake.out[0] == ACK && fake.out[1] == ACK && fake.out[2] == ACK
	       && memcmp(fake.out + 3, mem, len) == 0;
}

static void test_read_memory(const struct bj_part *part)
{
	start(part);
	for (uint32_t i = 0; i < 256; i++)
		fake_mem(part->flash.base, 256)[i] = (uint8_t)(i * 7);
	CHECK(reads_back(part->flash.base, 256));
	CHECK(reads_back(flash_end() - 1, 1));
	CHECK(reads_back(part->system_memory.base + part->system_memory.size - 4, 4));
	CHECK(reads_back(part->option_bytes.base, part->option_bytes.size));
	CHECK(reads_back(part->sram.base, 16) == part->bootloader_rw_sram);

	start(part);
	send_command(0x11);
	SEND(0x08, 0x00, 0x00, 0x00, 0x00); /* checksum wrong */
	fake_run(false);
	CHECK(REPLIED(ACK, NACK));

	start(part);
	send_command(0x11);
	send_address(0x30000000); /* no memory there */
	fake_run(false);
	CHECK(REPLIED(ACK, NACK));

	start(part);
	send_command(0x11);
	send_address(part->flash.base);
	SEND(0x0f, 0x0f); /* count complement wrong */
	fake_run(false);
	CHECK(REPLIED(ACK, ACK, NACK));

	start(part);
	send_command(0x11);
	send_address(flash_end() - 4);
	SEND(0x07, 0xf8); /* 8 bytes from 4 before the end of flash */
	fake_run(false);
	CHECK(REPLIED(ACK, ACK, NACK));
	CHECK(fake.bad_accesses == 0);
}

/* ---------------------------------------------------------------- Write Memory */

/* Sends a Write Memory of len bytes (value i ^ salt) at addr, optionally with a wrong checksum. */
static void write_frame(uint32_t addr, uint32_t len, uint8_t salt, bool bad_sum)
{
	uint8_t frame[258];
	uint8_t sum = (uint8_t)(len - 1);

	frame[0] = (uint8_t)(len - 1);
	for (uint32_t i = 0; i < len; i++) {
		frame[1 + i] = (uint8_t)(i ^ salt);
		sum ^= frame[1 + i];
	}
	frame[1 + len] = bad_sum ? (uint8_t)~sum : sum;
	send_command(0x31);
	send_address(addr);
	send(frame, len + 2);
}

static bool holds_frame(uint32_t addr, uint32_t len, uint8_t salt)
{
	const uint8_t *p = fake_mem(addr, len);

	for (uint32_t i = 0; p && i < len; i++)
		if (p[i] != (uint8_t)(i ^ salt))
			return false;
	return p != NULL;
}

static void test_write_memory(const struct bj_part *part)
{
	uint32_t page1 = part->flash.base + part->page_size;

	start(part);
	write_frame(page1, 256, 0x11, false);
	write_frame(flash_end() - 8, 8, 0x22, false);
	fake_run(false);
	CHECK(REPLIED(ACK, ACK, ACK, ACK, ACK, ACK));
	CHECK(holds_frame(page1, 256, 0x11) && holds_frame(flash_end() - 8, 8, 0x22));

	const struct {
		uint32_t addr, len;
		bool bad_sum;
		int acks; /* ACKs before the NACK: 1 = address refused, 2 = data refused */
	} refused[] = {
		{page1, 16, true, 2},                /* checksum wrong */
		{page1 + 2, 16, false, 2},           /* flash address not word aligned */
		{page1, 6, false, 2},                /* flash length not whole words */
		{flash_end() - 4, 8, false, 2},      /* runs past the end of flash */
		{part->option_bytes.base, 4, false, 1}, /* option bytes: not modelled */
		{part->system_memory.base, 4, false, 1},
		{part->bootloader_ram.base, 4, false, 1}, /* the bootloader's own RAM */
		{0x30000000, 4, false, 1},
	};
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		start(part);
		if (refused[i].acks == 2) {
			write_frame(refused[i].addr, refused[i].len, 0x33, refused[i].bad_sum);
		} else { /* the host stops at the address's NACK */
			send_command(0x31);
			send_address(refused[i].addr);
		}
		fake_run(false);
		CHECK(refused[i].acks == 2 ? REPLIED(ACK, ACK, NACK) : REPLIED(ACK, NACK));
		CHECK(fake.programs == 0 && !holds_frame(refused[i].addr, 4, 0x33));
	}

	start(part);
	fake.fail_flash = true; /* the flash controller reports an error */
	write_frame(page1, 8, 0x44, false);
	fake_run(false);
	CHECK(REPLIED(ACK, ACK, NACK));

	/* SRAM above the bootloader's own RAM, where the part allows it. */
	uint32_t user_ram = part->bootloader_ram.base + part->bootloader_ram.size;
	if (user_ram + 16 <= part->sram.base + part->sram.size) {
		start(part);
		write_frame(user_ram, 6, 0x55, false);
		fake_run(false);
		if (part->bootloader_rw_sram)
			CHECK(REPLIED(ACK, ACK, ACK) && holds_frame(user_ram, 6, 0x55));
		else /* refused at the address; the rest of the frame is then read as commands */
			CHECK(fake.out_len >= 2 && fake.out[0] == ACK && fake.out[1] == NACK && !holds_frame(user_ram, 6, 0x55));
	}
	CHECK(fake.bad_accesses == 0);
}

/* ---------------------------------------------------------------- Erase / Extended Erase */

static void fill_flash(uint8_t value)
{
	memset(fake_mem(fake.dev.flash.base, fake.dev.flash.size), value, fake.dev.flash.size);
}

static bool page_erased(uint32_t page)
{
	return all_bytes(fake_unit_addr(page), fake_unit_size(page), (uint8_t)fake.part->flash_erased);
}

static void send_extended_erase(const uint16_t *list, uint32_t count, bool bad_sum)
{
	uint8_t hi = (uint8_t)((count - 1) >> 8), lo = (uint8_t)(count - 1);
	uint8_t sum = hi ^ lo;

	send_command(0x44);
	SEND(hi, lo);
	for (uint32_t i = 0; i < count; i++) {
		SEND(list[i] >> 8, list[i] & 0xff);
		sum ^= (uint8_t)(list[i] >> 8) ^ (uint8_t)list[i];
	}
	SEND(bad_sum ? (uint8_t)~sum : sum);
}

static void send_special_erase(uint16_t code, bool bad_sum)
{
	uint8_t sum = (uint8_t)(code >> 8) ^ (uint8_t)code;

	send_command(0x44);
	SEND(code >> 8, code & 0xff, bad_sum ? (uint8_t)~sum : sum);
}

static void test_extended_erase(const struct bj_part *part)
{
	if (!part->bootloader_extended_erase)
		return;
	uint32_t last = pages() - 1;

	start(part);
	fill_flash(0x5a);
	uint16_t list[] = {0, 2, (uint16_t)last};
	send_extended_erase(list, 3, false);
	fake_run(false);
	CHECK(REPLIED(ACK, ACK));
	CHECK(page_erased(0) && !page_erased(1) && page_erased(2) && page_erased(last) && !page_erased(last - 1));

	/* Refused frames erase nothing. */
	uint16_t beyond[] = {1, (uint16_t)pages()};
	start(part);
	fill_flash(0x5a);
	send_extended_erase(list, 3, true);      /* checksum wrong */
	send_extended_erase(beyond, 2, false);   /* a page the part does not have */
	send_special_erase(0xfff0, false);       /* reserved special code */
	send_special_erase(0xffff, true);        /* mass erase, checksum wrong */
	fake_run(false);
	CHECK(REPLIED(ACK, NACK, ACK, NACK, ACK, NACK, ACK, NACK));
	CHECK(fake.erases == 0 && !page_erased(0) && !page_erased(1));

	/* A count larger than the part's pages (or the model's limit) is refused at once. */
	start(part);
	uint32_t too_many = (pages() < BL_ERASE_MAX_PAGES ? pages() : BL_ERASE_MAX_PAGES) + 1;
	SEND(0x44, 0xbb, (too_many - 1) >> 8, (too_many - 1) & 0xff);
	fake_run(false);
	CHECK(REPLIED(ACK, NACK) && fake.erases == 0);

	start(part);
	fill_flash(0x5a);
	send_special_erase(0xffff, false);
	fake_run(false);
	CHECK(REPLIED(ACK, ACK) && page_erased(0) && page_erased(last));

	/* Bank erase: only on dual-bank parts, and only that bank. */
	for (int bank = 1; bank <= 2; bank++) {
		start(part);
		fill_flash(0x5a);
		send_special_erase(bank == 1 ? 0xfffe : 0xfffd, false);
		fake_run(false);
		if (part->n_banks < 2) {
			CHECK(REPLIED(ACK, NACK) && fake.erases == 0);
			continue;
		}
		uint32_t split = fake.dev.bank2_unit;
		CHECK(REPLIED(ACK, ACK));
		CHECK(page_erased(bank == 1 ? 0 : split) && page_erased(bank == 1 ? split - 1 : last));
		CHECK(!page_erased(bank == 1 ? split : split - 1));
	}

	start(part);
	fake.fail_flash = true;
	send_extended_erase(list, 1, false);
	fake_run(false);
	CHECK(REPLIED(ACK, NACK));
	CHECK(fake.bad_accesses == 0);
}

/* Erase (0x43) on a part that has it; every part in the database today has Extended Erase, so
 * the legacy command is also run against a copy of each part switched to it. */
static void test_legacy_erase(const struct bj_part *part)
{
	struct bj_part legacy = *part;

	legacy.bootloader_extended_erase = false;
	start(&legacy);
	fill_flash(0x5a);
	SEND(0x43, 0xbc, 1, 0, 2, 1 ^ 0 ^ 2); /* pages 0 and 2 */
	SEND(0x43, 0xbc, 0, 1, 0);             /* page 1, checksum wrong */
	SEND(0x43, 0xbc, 0xff, 0x01);          /* global erase, second byte wrong */
	fake_run(false);
	CHECK(REPLIED(ACK, ACK, ACK, NACK, ACK, NACK));
	CHECK(page_erased(0) && !page_erased(1) && page_erased(2));

	start(&legacy);
	fill_flash(0x5a);
	SEND(0x43, 0xbc, 0xff, 0x00); /* global erase */
	fake_run(false);
	CHECK(REPLIED(ACK, ACK) && page_erased(0) && page_erased(pages() - 1));
}

/* ---------------------------------------------------------------- Go */

static void test_go(const struct bj_part *part)
{
	start(part);
	send_command(0x21);
	send_address(part->flash.base);
	fake_run(false);
	CHECK(REPLIED(ACK, ACK) && fake.gos == 1 && fake.go_addr == part->flash.base);

	const uint32_t refused[] = {
		0x00000000,                                       /* the boot alias: not an address Go takes */
		flash_end() - 4,                                  /* no room for SP and reset vector */
		part->system_memory.base, part->option_bytes.base, 0x30000000,
	};
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		start(part);
		send_command(0x21);
		send_address(refused[i]);
		fake_run(false);
		CHECK(REPLIED(ACK, NACK) && fake.gos == 0);
	}

	start(part);
	send_command(0x21);
	SEND(0x08, 0, 0, 0, 0x00); /* checksum wrong */
	fake_run(false);
	CHECK(REPLIED(ACK, NACK) && fake.gos == 0);

	start(part);
	send_command(0x21);
	send_address(part->sram.base + part->sram.size - 8);
	fake_run(false);
	CHECK(part->bootloader_rw_sram ? REPLIED(ACK, ACK) && fake.gos == 1 : REPLIED(ACK, NACK) && fake.gos == 0);
}

/* ---------------------------------------------------------------- random bytes */

/* The host side of getting the bootloader back after noise, as ST's tools and stm32flash do it:
 * send 0x7F and wait for a reply. The 0x7F either completes the frame the noise left open, or is
 * the complement of a command byte the noise left pending, or starts a command that the next 0x7F
 * makes invalid; a NACK in answer to one of these 0x7F ends a frame, so the bootloader then waits
 * for a command, and GET ID must answer as on a fresh connection. */
static size_t recovery_from;  /* output length when the last 0x7F was sent, then GET ID's start */
static unsigned recovery_sent;
static bool recovery_done;

static bool recovering_host(struct fake_chip *chip)
{
	if (recovery_done)
		return false;
	if (recovery_sent > 0 && chip->out_len > recovery_from && chip->out[chip->out_len - 1] == NACK) {
		recovery_done = true;
		recovery_from = chip->out_len;
		send_command(0x02);
		return true;
	}
	/* The longest frame the protocol accepts is an Extended Erase of BL_ERASE_MAX_PAGES pages;
	 * if that many 0x7F do not close it, the loop is stuck. */
	if (recovery_sent++ == 2 * BL_ERASE_MAX_PAGES + 8)
		return false;
	recovery_from = chip->out_len;
	SEND(BL_SYNC);
	return true;
}

static void test_random_bytes(const struct bj_part *part, unsigned seed)
{
	uint8_t noise[3000];

	srand(seed);
	for (size_t i = 0; i < sizeof(noise); i++)
		noise[i] = (uint8_t)rand();

	/* Before the host synchronises: everything but 0x7F is ignored, then a fresh 0x7F gets ACK. */
	fake_init(part);
	for (size_t i = 0; i < sizeof(noise); i++)
		if (noise[i] != BL_SYNC)
			send(&noise[i], 1);
	fake_run(true);
	CHECK(fake.out_len == 0);
	SEND(BL_SYNC);
	fake_run(true);
	CHECK(REPLIED(ACK));

	/* In a session: every byte value, then the host gets the bootloader back. */
	start(part);
	send(noise, sizeof(noise));
	fake.refill = recovering_host;
	recovery_from = 0;
	recovery_sent = 0;
	recovery_done = false;
	fake_run(false);
	CHECK(recovery_done);
	const uint8_t id[] = {ACK, 1, part->bootloader_pid >> 8, part->bootloader_pid & 0xff, ACK};
	CHECK(fake.out_len == recovery_from + sizeof(id) && memcmp(fake.out + recovery_from, id, sizeof(id)) == 0);
	CHECK(fake.bad_accesses == 0);
}

int main(void)
{
	for (size_t i = 0; i < BJ_N_PARTS; i++) {
		const struct bj_part *part = &bj_parts[i];
		check_context = part->name;
		test_sync(part);
		test_get(part);
		test_get_version_and_id(part);
		test_malformed_commands(part);
		test_refused_commands(part);
		test_read_memory(part);
		test_write_memory(part);
		test_extended_erase(part);
		test_legacy_erase(part);
		test_go(part);
		for (unsigned seed = 1; seed <= 20; seed++)
			test_random_bytes(part, seed);
	}
	fake_free();
	return check_failures("emulator/rom protocol");
}
