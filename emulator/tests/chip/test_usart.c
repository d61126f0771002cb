/* The bootloader USART of every part (fw/usart.c): transmission paced by the baud rate on the
 * time base, reception one frame apart, overrun, and auto-baud on the usart-v2 parts. */
#include <string.h>

#include "harness.h"

#define BAUD 115200u
#define FRAME_NS (10ull * 1000000000ull / BAUD) /* 8N1 */

static int uart_of(struct emutest_ctx *t, struct chip *chip)
{
	int u = chip_uart_index(chip, t->part->bootloader_usarts[0].periph);
	CHECK(u >= 0, "the bootloader USART %s is a serial port", t->part->bootloader_usarts[0].periph);
	return u;
}

/* Run until n more bytes came out (or the budget ends); returns how many. */
static size_t collect(struct chip *chip, int u, uint8_t *buf, size_t n, uint64_t *first_ns, uint64_t *last_ns)
{
	size_t got = 0;
	for (unsigned i = 0; i < 20000 && got < n; i++) {
		chip_run(chip, 200);
		size_t k = chip_uart_take_tx(chip, (unsigned)u, buf + got, n - got);
		if (k && !got && first_ns)
			*first_ns = chip_time_ns(chip);
		got += k;
		if (k && last_ns)
			*last_ns = chip_time_ns(chip);
	}
	return got;
}

EMUTEST(usart_pacing_echo_overrun)
{
	struct chip *chip = fw_start(t, "usart", NULL);
	if (!chip)
		return;
	int u = uart_of(t, chip);
	if (u < 0)
		return;
	uint8_t buf[16] = {0};
	uint64_t first = 0, last = 0;
	size_t n = collect(chip, u, buf, 10, &first, &last);
	CHECK(n == 10 && memcmp(buf, "0123456789", 10) == 0, "10 bytes transmitted in order (%zu: %.10s)", n, buf);
	/* Nine frames between the first and the last byte, give or take the 200-instruction slice. */
	uint64_t span = last - first, want = 9 * FRAME_NS;
	CHECK(span > want * 95 / 100 && span < want * 105 / 100, "paced at %u baud: %llu ns for 9 frames, want %llu", BAUD,
	      (unsigned long long)span, (unsigned long long)want);

	chip_uart_put_rx(chip, (unsigned)u, (const uint8_t *)"ABC", 3);
	n = collect(chip, u, buf, 3, NULL, NULL);
	CHECK(n == 3 && memcmp(buf, "BCD", 3) == 0, "echo of ABC (%zu: %.3s)", n, buf);

	chip_uart_put_rx(chip, (unsigned)u, (const uint8_t *)"O12", 3);
	for (unsigned i = 0; i < 200 && fw_word(chip, FW_OFF(n)) < 3; i++)
		chip_run(chip, 10000);
	CHECK(fw_value(chip, 1) != 0, "bytes arriving while RXNE is set: ORE");
	CHECK_EQ(fw_value(chip, 2), '1', "the first byte stays in the data register, the next is lost");
	chip_destroy(chip);
}

EMUTEST(usart_auto_baud)
{
	const struct bj_part *p = t->part;
	bool v2 = false;
	for (unsigned i = 0; i < p->n_periphs; i++)
		if (strcmp(p->periphs[i].name, p->bootloader_usarts[0].periph) == 0)
			v2 = p->periphs[i].ip == BJ_IP_USART_V2;
	if (!v2) {
		emutest_skip(t, "usart-v1 has no auto-baud");
		return;
	}
	struct fw_options o = {.mailbox = 2};
	struct chip *chip = fw_start(t, "usart", &o);
	if (!chip)
		return;
	int u = uart_of(t, chip);
	if (u < 0)
		return;
	chip_run(chip, 10000);
	chip_uart_set_line_baud(chip, (unsigned)u, 57600);
	chip_uart_put_rx(chip, (unsigned)u, (const uint8_t *)"\x7f", 1);
	fw_run(chip, 1000000);
	CHECK_EQ(fw_word(chip, FW_OFF(done)), FW_DONE, "the scenario completed");
	CHECK_EQ(fw_value(chip, 0), 0x7f, "the measured character is received");
	CHECK(fw_value(chip, 1) != 0, "ABRF set");
	CHECK_EQ(fw_value(chip, 2), (p->reset_hz + 57600 / 2) / 57600, "BRR measured for the host's 57600 baud");
	chip_destroy(chip);
}
