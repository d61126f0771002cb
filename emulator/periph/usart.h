/* The serial-port side of the USART/LPUART models, for chip_uart_*() and the pty bridge. */
#ifndef EMULATOR_PERIPH_USART_H
#define EMULATOR_PERIPH_USART_H

#include "periph.h"

/* Bytes the firmware transmitted whose frame has completed on the emulated line (drained). */
size_t usart_take_tx(struct periph *p, uint8_t *buf, size_t len);
/* Bytes arriving from outside: queued, then received one frame time apart at the baud rate. */
void usart_put_rx(struct periph *p, const uint8_t *buf, size_t len);
/* The baud rate the host side of the line uses (what auto-baud measures). */
void usart_set_line_baud(struct periph *p, uint32_t baud);

#endif
