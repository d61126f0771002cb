/* The deterministic time base: every retired instruction is one HCLK cycle (no wait states, no
 * pipeline model), sleep adds the cycles to the next event, and time follows HCLK as the RCC
 * model sets it. Timers (SysTick, IWDG, UART pacing) schedule their events in cycles, so two
 * runs of the same firmware with the same input are identical. */
#include "chip_internal.h"
#include "periph/periph.h"

#define NS_PER_S 1000000000u

uint64_t tb_cycles(const struct chip *chip)
{
	return chip->insns + chip->sleep_cycles;
}

void tb_reset(struct chip *chip, uint64_t now_ns)
{
	chip->tb.base_cycle = tb_cycles(chip);
	chip->tb.base_ns = now_ns;
	chip->tb.hz = chip->part->reset_hz;
}

uint64_t tb_ns_at(const struct chip *chip, uint64_t cycle)
{
	const struct timebase *tb = &chip->tb;
	if (cycle < tb->base_cycle)
		return tb->base_ns;
	return tb->base_ns + (uint64_t)((unsigned __int128)(cycle - tb->base_cycle) * NS_PER_S / tb->hz);
}

uint64_t tb_ns(const struct chip *chip)
{
	return tb_ns_at(chip, tb_cycles(chip));
}

uint64_t tb_cycle_at(const struct chip *chip, uint64_t ns)
{
	const struct timebase *tb = &chip->tb;
	if (ns <= tb->base_ns)
		return tb->base_cycle;
	unsigned __int128 c = (unsigned __int128)(ns - tb->base_ns) * tb->hz;
	return tb->base_cycle + (uint64_t)((c + NS_PER_S - 1) / NS_PER_S);
}

void tb_set_hz(struct chip *chip, uint64_t hz)
{
	if (hz == 0 || hz == chip->tb.hz)
		return;
	uint64_t now = tb_cycles(chip);
	chip->tb.base_ns = tb_ns_at(chip, now);
	chip->tb.base_cycle = now;
	chip->tb.hz = hz;
	cpu_attention(chip);
}

uint64_t tb_next_event(struct chip *chip)
{
	uint64_t next = systick_next_event(chip);
	for (unsigned i = 0; i < chip->n_periphs; i++) {
		struct periph *p = &chip->periphs[i];
		if (p->model && p->model->next_event) {
			uint64_t t = p->model->next_event(p);
			if (t < next)
				next = t;
		}
	}
	return next;
}

void tb_process(struct chip *chip)
{
	uint64_t now = tb_cycles(chip);
	if (systick_next_event(chip) <= now)
		systick_advance(chip);
	for (unsigned i = 0; i < chip->n_periphs; i++) {
		struct periph *p = &chip->periphs[i];
		if (p->model && p->model->next_event && p->model->next_event(p) <= now)
			p->model->advance(p);
	}
}
