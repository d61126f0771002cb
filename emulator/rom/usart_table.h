/* The part's bootloader USARTs as AN2606 lists them (bj_part.h: BJ_BL_USART<n>_*), for the USART
 * drivers (usart_*.c): the instance, its RCC bits, its pins and their ports' RCC bits. */
#ifndef EMULATOR_ROM_USART_TABLE_H
#define EMULATOR_ROM_USART_TABLE_H

#include "rom.h"

struct bl_usart {
	uint32_t base;
	uint32_t enable_addr, enable_bit, reset_addr, reset_bit;
	uint32_t tx_port, tx_port_enable_addr, tx_port_enable_bit, tx_port_reset_addr, tx_port_reset_bit;
	uint32_t rx_port, rx_port_enable_addr, rx_port_enable_bit, rx_port_reset_addr, rx_port_reset_bit;
	uint8_t tx_pin, rx_pin, af;
};

#define BL_USART(n)                                                                                     \
	{                                                                                                  \
		BJ_BL_USART##n##_BASE, BJ_BL_USART##n##_ENABLE_ADDR, BJ_BL_USART##n##_ENABLE_BIT,              \
		BJ_BL_USART##n##_RESET_ADDR, BJ_BL_USART##n##_RESET_BIT, BJ_BL_USART##n##_TX_PORT,             \
		BJ_BL_USART##n##_TX_PORT_ENABLE_ADDR, BJ_BL_USART##n##_TX_PORT_ENABLE_BIT,                      \
		BJ_BL_USART##n##_TX_PORT_RESET_ADDR, BJ_BL_USART##n##_TX_PORT_RESET_BIT, BJ_BL_USART##n##_RX_PORT, \
		BJ_BL_USART##n##_RX_PORT_ENABLE_ADDR, BJ_BL_USART##n##_RX_PORT_ENABLE_BIT,                      \
		BJ_BL_USART##n##_RX_PORT_RESET_ADDR, BJ_BL_USART##n##_RX_PORT_RESET_BIT, BJ_BL_USART##n##_TX_PIN, \
		BJ_BL_USART##n##_RX_PIN, BJ_BL_USART##n##_AF                                                    \
	}

static const struct bl_usart bl_usarts[] = {
	BL_USART(0),
#if BJ_BL_USART_COUNT > 1
	BL_USART(1),
#endif
#if BJ_BL_USART_COUNT > 2
	BL_USART(2),
#endif
};
#define BL_N_USARTS (sizeof(bl_usarts) / sizeof(bl_usarts[0]))
_Static_assert(BL_N_USARTS == BJ_BL_USART_COUNT, "one bl_usarts[] entry per bootloader USART of bj_part.h");

/* Clocks on and pins routed, for every bootloader USART. */
static inline void bl_usart_connect(const struct bl_usart *u)
{
	bl_set_bits(u->tx_port_enable_addr, u->tx_port_enable_bit);
	bl_set_bits(u->rx_port_enable_addr, u->rx_port_enable_bit);
	bl_gpio_usart_tx(u->tx_port, u->tx_pin, u->af);
	bl_gpio_usart_rx(u->rx_port, u->rx_pin, u->af);
	bl_set_bits(u->enable_addr, u->enable_bit);
}

/* The USART and its GPIO ports back to their reset state through the RCC reset bits, clocks off. */
static inline void bl_usart_disconnect(const struct bl_usart *u)
{
	bl_set_bits(u->reset_addr, u->reset_bit);
	bl_clear_bits(u->reset_addr, u->reset_bit);
	bl_clear_bits(u->enable_addr, u->enable_bit);
	bl_set_bits(u->tx_port_reset_addr, u->tx_port_reset_bit);
	bl_clear_bits(u->tx_port_reset_addr, u->tx_port_reset_bit);
	bl_clear_bits(u->tx_port_enable_addr, u->tx_port_enable_bit);
	bl_set_bits(u->rx_port_reset_addr, u->rx_port_reset_bit);
	bl_clear_bits(u->rx_port_reset_addr, u->rx_port_reset_bit);
	bl_clear_bits(u->rx_port_enable_addr, u->rx_port_enable_bit);
}

#endif
