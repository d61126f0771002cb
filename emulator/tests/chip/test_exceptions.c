/* Exception entry and return on both stacks (fw/exceptions.c): EXC_RETURN, the stack the
 * handler runs on, the frame, the caller-saved registers restored, tail-chaining. */
#include "harness.h"
#include "fw/scenarios.h"

struct handler_rec {
	uint32_t tag, exc_return, sp, msp, psp, r[4];
};

static unsigned read_handler(struct chip *chip, unsigned i, struct handler_rec *h)
{
	uint32_t *w = (uint32_t *)h;
	for (unsigned k = 0; k < 9; k++)
		w[k] = fw_value(chip, i + k);
	return i + 9;
}

static unsigned check_thread(struct emutest_ctx *t, struct chip *chip, unsigned i, uint32_t control, const char *what)
{
	static const uint32_t want[5] = {0x11111111u, 0x22222222u, 0x33333333u, 0x44444444u, 0x12121212u};
	char msg[96];
	snprintf(msg, sizeof(msg), "%s: Thread mode CONTROL", what);
	CHECK_EQ(fw_value(chip, i), TAG_THREAD | control, msg);
	for (unsigned k = 0; k < 5; k++) {
		snprintf(msg, sizeof(msg), "%s: r%u restored by the return", what, k == 4 ? 12 : k);
		CHECK_EQ(fw_value(chip, i + 1 + k), want[k], msg);
	}
	return i + 6;
}

static void check_handler(struct emutest_ctx *t, const struct handler_rec *h, uint32_t tag, uint32_t exc_return,
			  bool frame_args, const char *what)
{
	char msg[96];
	snprintf(msg, sizeof(msg), "%s: tag and IPSR", what);
	CHECK_EQ(h->tag, tag, msg);
	snprintf(msg, sizeof(msg), "%s: EXC_RETURN", what);
	CHECK_EQ(h->exc_return, exc_return, msg);
	snprintf(msg, sizeof(msg), "%s: the handler runs on MSP", what);
	CHECK_EQ(h->sp, h->msp, msg);
	if (frame_args)
		for (unsigned k = 0; k < 4; k++) {
			snprintf(msg, sizeof(msg), "%s: stacked r%u", what, k);
			CHECK_EQ(h->r[k], 0x11111111u * (k + 1), msg);
		}
}

EMUTEST(exception_entry_return)
{
	struct chip *chip = fw_start(t, "exceptions", NULL);
	if (!chip)
		return;
	fw_run(chip, 2000000);
	CHECK_EQ(fw_word(chip, FW_OFF(done)), FW_DONE, "the scenario completed");
	CHECK_EQ(fw_word(chip, FW_OFF(faults)), 0, "no fault");
	struct handler_rec h;
	unsigned i = read_handler(chip, 0, &h);
	check_handler(t, &h, TAG_SVC | 11, 0xfffffff9u, true, "SVC from Thread/MSP");
	uint32_t msp_svc = h.sp;
	i = check_thread(t, chip, i, 0, "after SVC on MSP");

	i = read_handler(chip, i, &h);
	check_handler(t, &h, TAG_SVC | 11, 0xfffffffdu, true, "SVC from Thread/PSP");
	CHECK(h.psp != h.msp, "SVC from PSP: the frame is on PSP (0x%08x), not MSP", h.psp);
	CHECK(h.sp > msp_svc, "SVC from PSP: no frame or call on MSP this time (0x%08x > 0x%08x)", h.sp, msp_svc);
	i = check_thread(t, chip, i, 2, "after SVC on PSP");

	i = read_handler(chip, i, &h);
	check_handler(t, &h, TAG_PENDSV | 14, 0xfffffffdu, false, "PendSV from Thread/PSP");
	CHECK_EQ(fw_value(chip, i), TAG_THREAD | 0xff, "PendSV ran before Thread mode went on");
	i++;

	i = read_handler(chip, i, &h);
	check_handler(t, &h, TAG_SVC | 11, 0xfffffffdu, true, "SVC that pends PendSV");
	i = read_handler(chip, i, &h);
	check_handler(t, &h, TAG_PENDSV | 14, 0xfffffffdu, false, "PendSV tail-chained after SVC");
	i = check_thread(t, chip, i, 2, "after the tail-chained pair");

	CHECK_EQ(fw_value(chip, i), TAG_THREAD | 0xee, "IRQ0 pended under PRIMASK: not taken");
	CHECK_EQ(fw_value(chip, i + 1), TAG_IRQ | 16, "CPSIE: the pending IRQ0 runs at once");
	CHECK_EQ(fw_value(chip, i + 2), TAG_THREAD | 0xef, "Thread mode goes on after IRQ0");
	chip_destroy(chip);
}

EMUTEST(systick_and_wfi)
{
	struct chip *chip = fw_start(t, "systick", NULL);
	if (!chip)
		return;
	fw_run(chip, 1000000);
	CHECK_EQ(fw_word(chip, FW_OFF(done)), FW_DONE, "the scenario completed");
	CHECK_EQ(fw_value(chip, 0), 3, "three SysTick interrupts");
	/* Three 1000-cycle periods passed, mostly asleep: far fewer instructions than cycles. */
	uint64_t cycles = chip_time_ns(chip) * t->part->reset_hz / 1000000000ull;
	CHECK(cycles >= 3000 && cycles < 3400, "time: %llu cycles for three periods", (unsigned long long)cycles);
	CHECK(chip_instructions(chip) < 1000, "WFI slept: %llu instructions", (unsigned long long)chip_instructions(chip));
	chip_destroy(chip);
}
