/* The independent watchdog (iwdg, iwdg-v1), RM0377 §20.3: KR 0xCCCC starts it (and cannot stop
 * it: only a reset does), 0x5555 opens PR/RLR (and WINR) for writing, 0xAAAA reloads the
 * counter. The counter runs from LSI divided by 4 x 2^PR (at most /256) and resets the chip when
 * it reaches 0, i.e. (RL + 1) x prescaler / f_LSI after the last reload. With a window, a
 * reload while the counter is above WINR resets the chip as well. Time is the deterministic
 * time base, so a firmware that stops refreshing is reset at the same instruction every run. */
#include "periph.h"

#define KEY_START BJ_IWDG_KR_START
#define KEY_ACCESS BJ_IWDG_KR_ACCESS
#define KEY_REFRESH BJ_IWDG_KR_REFRESH
#define NS_PER_S 1000000000ull
/* iwdg-v1 (F1, F4) has iwdg's KR, PR and RLR where iwdg has them (and no WINR: periph_has_reg
 * tells), so iwdg's macros serve both. */
#define FIELD(p, reg, f) (((p)->regs[BJ_IWDG_##reg##_OFFSET / 4] >> BJ_IWDG_##reg##_##f##_SHIFT) & BJ_IWDG_##reg##_##f##_MASK)

struct iwdg {
	bool running;
	bool access;        /* PR/RLR/WINR writable (KR 0x5555 seen) */
	uint64_t reload_ns; /* when the counter was last loaded with RL */
};

static struct iwdg *st(struct periph *p)
{
	return p->state;
}

static uint64_t tick_ns(const struct periph *p)
{
	unsigned pr = FIELD(p, PR, PR);
	unsigned div = 4u << (pr > 6 ? 6 : pr);
	return div * NS_PER_S / p->chip->part->lsi_hz;
}

static uint32_t reload_value(const struct periph *p)
{
	return FIELD(p, RLR, RL);
}

static uint32_t counter(struct periph *p)
{
	uint64_t ticks = (tb_ns(p->chip) - st(p)->reload_ns) / tick_ns(p);
	return ticks >= reload_value(p) ? 0 : reload_value(p) - (uint32_t)ticks;
}

static uint64_t next_event(struct periph *p)
{
	if (!st(p)->running)
		return UINT64_MAX;
	return tb_cycle_at(p->chip, st(p)->reload_ns + ((uint64_t)reload_value(p) + 1) * tick_ns(p));
}

static void advance(struct periph *p)
{
	if (st(p)->running && tb_cycles(p->chip) >= next_event(p))
		chip_request_reset(p->chip, CHIP_RESET_IWDG);
}

static void reset(struct periph *p, enum chip_reset_kind kind)
{
	(void)kind;
	periph_storage_reset(p);
	*st(p) = (struct iwdg){0};
}

static void reg_write(struct periph *p, uint32_t off, uint32_t v, uint32_t mask)
{
	(void)mask;
	struct iwdg *s = st(p);
	if (off == BJ_IWDG_KR_OFFSET) {
		switch ((v >> BJ_IWDG_KR_KEY_SHIFT) & BJ_IWDG_KR_KEY_MASK) {
		case KEY_START:
			if (!s->running) {
				s->running = true;
				s->reload_ns = tb_ns(p->chip);
			}
			s->access = false;
			break;
		case KEY_ACCESS:
			s->access = true;
			break;
		case KEY_REFRESH:
			if (s->running && periph_has_reg(p, BJ_IWDG_WINR_OFFSET) &&
			    counter(p) > FIELD(p, WINR, WIN)) {
				chip_request_reset(p->chip, CHIP_RESET_IWDG); /* refreshed outside the window */
				return;
			}
			s->reload_ns = tb_ns(p->chip);
			s->access = false;
			break;
		default:
			s->access = false;
			break;
		}
	} else if (off != BJ_IWDG_SR_OFFSET && s->access) {
		p->regs[off / 4] = v; /* the update completes at once: SR.PVU/RVU/WVU read 0 */
	}
	cpu_attention(p->chip);
}

#define IWDG_MODEL(name, ipid)                                                                              \
	const struct periph_model name = {.ip = ipid, .state_size = sizeof(struct iwdg), .reset = reset,       \
					  .write = reg_write, .next_event = next_event, .advance = advance,      \
					  .always_clocked = true}

IWDG_MODEL(iwdg_model, BJ_IP_IWDG);
IWDG_MODEL(iwdg_v1_model, BJ_IP_IWDG_V1);
