/* The peripheral models, one entry per IP variant of the part database. An IP without an entry
 * is plain storage with its table's reset values (and its unlisted offsets reported). */
#include "periph.h"

extern const struct periph_model rcc_l0_model, rcc_f0_model, rcc_f1_model, rcc_f4_model, rcc_g0_model, rcc_l4_model;
extern const struct periph_model flash_l0_model, flash_f0_model, flash_f1_model, flash_f4_model, flash_g0_model, flash_l4_model;
extern const struct periph_model rtc_l0_model, rtc_f0_model, rtc_f4_model, rtc_l4_model, bkp_f1_model, tamp_g0_model;
extern const struct periph_model syscfg_l0_model, syscfg_f0_model, syscfg_f4_model, syscfg_g0_model, syscfg_l4_model;
extern const struct periph_model iwdg_model, iwdg_v1_model;
extern const struct periph_model dbgmcu_model, dbgmcu_f0_model, dbgmcu_f1_model, dbgmcu_l4_model, dbg_g0_model;
extern const struct periph_model gpio_v2_model, gpio_f4_model, gpio_f1_model;
extern const struct periph_model usart_v2_model, lpuart_v1_model, usart_v1_model;

static const struct periph_model *const models[] = {
	&rcc_l0_model, &rcc_f0_model, &rcc_f1_model, &rcc_f4_model, &rcc_g0_model, &rcc_l4_model,
	&flash_l0_model, &flash_f0_model, &flash_f1_model, &flash_f4_model, &flash_g0_model, &flash_l4_model,
	&rtc_l0_model, &rtc_f0_model, &rtc_f4_model, &rtc_l4_model, &bkp_f1_model, &tamp_g0_model,
	&syscfg_l0_model, &syscfg_f0_model, &syscfg_f4_model, &syscfg_g0_model, &syscfg_l4_model,
	&iwdg_model, &iwdg_v1_model,
	&dbgmcu_model, &dbgmcu_f0_model, &dbgmcu_f1_model, &dbgmcu_l4_model, &dbg_g0_model,
	&gpio_v2_model, &gpio_f4_model, &gpio_f1_model,
	&usart_v2_model, &lpuart_v1_model, &usart_v1_model,
};

const struct periph_model *periph_model_for(enum bj_ip_id ip)
{
	for (unsigned i = 0; i < sizeof(models) / sizeof(models[0]); i++)
		if (models[i]->ip == ip)
			return models[i];
	return NULL;
}
