/* Test firmware for the ROM model's emulated tests (../test_rom_emulated.py), built per part and
 * per variant by the tests themselves:
 *   FW_ROLE       name printed on every entry ("greeter", "jumper", "bank2")
 *   FW_JUMP       on its first entry, jump into the ROM bootloader as the naive recipe does
 *                 (MSP from the ROM's vector table, branch to its reset handler, nothing de-initialised)
 *   FW_ERASE_PAGE0  erase flash page 0 first (AN2606's way past the empty check), through the
 *                 ROM model's own flash driver
 *   FW_BAD_SP     the vector table's initial SP points outside SRAM (the dual-bank check's "no
 *                 valid code"); the reset handler sets its own stack, so the code still runs
 *   FW_DRIVE_BOOT0  drive the BOOT0 pin's GPIO (BJ_BOOT0_GPIO/PIN, PB8 on F04x) high as an output
 *                 before jumping, as dap42 does on an STM32F042 (gpio-v2 parts only)
 *   FW_REPEAT     print the line again and again instead of once (for a test that reads it only
 *                 after a host tool that shared the USART has let go of it)
 * Every entry prints "bootjump-fw: <role> entry <n>" on the part's first bootloader USART, n
 * counting entries since power-on in a RAM word the ROM leaves alone, so a test sees whether the
 * ROM sent a jump back (entry 2) or started other code.
 */
#include <stdint.h>

#include "bj_part.h"
#include "protocol.h"
#include "rom.h"

#ifndef FW_ROLE
#error "build with -DFW_ROLE=\"name\""
#endif

void reset_handler(void);
extern uint32_t __fw_stack_top[];

__attribute__((section(".vectors"), used)) static const uintptr_t vectors[2] = {
#if FW_BAD_SP
	BJ_FLASH_BASE, /* not in SRAM */
#else
	(uintptr_t)__fw_stack_top,
#endif
	(uintptr_t)reset_handler,
};

/* Entries since power-on. Above the ROM model's variables at the start of SRAM and far below the
 * stacks at its top. */
struct fw_state {
	uint32_t magic;
	uint32_t entries;
};
#define FW_MAGIC 0x77666a62u /* "bjfw" */
#define fw_state ((volatile struct fw_state *)(BJ_SRAM_BASE + 0x40u))

/* The first bootloader USART, ISR/TDR style (usart-v2) or SR/DR style (usart-v1). */
#if defined(BJ_BL_USART0_IP_USART_V2)
#define USART(name) BJ_USART_V2_##name
#define USART_STATUS BJ_USART_V2_ISR_OFFSET
#define USART_TX_DATA BJ_USART_V2_TDR_OFFSET
#define USART_TXE BJ_USART_V2_ISR_TXE
#define USART_TC BJ_USART_V2_ISR_TC
#else
#define USART(name) BJ_USART_V1_##name
#define USART_STATUS BJ_USART_V1_SR_OFFSET
#define USART_TX_DATA BJ_USART_V1_DR_OFFSET
#define USART_TXE BJ_USART_V1_SR_TXE
#define USART_TC BJ_USART_V1_SR_TC
#endif
#define USART_AT(offset) (BJ_BL_USART0_BASE + (offset))

static void uart_start(void)
{
	bl_set_bits(BJ_BL_USART0_TX_PORT_ENABLE_ADDR, BJ_BL_USART0_TX_PORT_ENABLE_BIT);
	bl_gpio_usart_tx(BJ_BL_USART0_TX_PORT, BJ_BL_USART0_TX_PIN, BJ_BL_USART0_AF);
	bl_set_bits(BJ_BL_USART0_ENABLE_ADDR, BJ_BL_USART0_ENABLE_BIT);
	bl_write32(USART_AT(USART(BRR_OFFSET)), BJ_RESET_HZ / 115200u);
	bl_write32(USART_AT(USART(CR1_OFFSET)), USART(CR1_TE) | USART(CR1_UE));
}

static void uart_put(char c)
{
	bl_wait(USART_AT(USART_STATUS), USART_TXE, USART_TXE);
	bl_write32(USART_AT(USART_TX_DATA), (uint8_t)c);
}

static void uart_print(const char *s)
{
	while (*s)
		uart_put(*s++);
}

/* The last byte has left the USART before anything else touches it. */
static void uart_finish(void)
{
	bl_wait(USART_AT(USART_STATUS), USART_TC, USART_TC);
}

void fw_main(void);

#if FW_DRIVE_BOOT0
#define FW_CAT(a, b, c) a##b##c
#define FW_XCAT(a, b, c) FW_CAT(a, b, c)

static void drive_boot0_high(void)
{
	uint32_t port = FW_XCAT(, BJ_BOOT0_GPIO, _BASE);
	unsigned shift = BJ_BOOT0_PIN * __builtin_popcount(BJ_GPIO_V2_MODER_MODE0_MASK);

	bl_set_bits(FW_XCAT(BJ_, BJ_BOOT0_GPIO, _ENABLE_ADDR), FW_XCAT(BJ_, BJ_BOOT0_GPIO, _ENABLE_BIT));
	bl_write32(port + BJ_GPIO_V2_BSRR_OFFSET, 1u << BJ_BOOT0_PIN);
	bl_write32(port + BJ_GPIO_V2_MODER_OFFSET, (bl_read32(port + BJ_GPIO_V2_MODER_OFFSET)
	                                            & ~(BJ_GPIO_V2_MODER_MODE0_MASK << shift))
	                                           | BJ_GPIO_V2_MODER_MODE0_OUTPUT << shift);
}
#endif

__attribute__((used, noreturn)) void fw_main(void)
{
	if (fw_state->magic != FW_MAGIC) {
		fw_state->magic = FW_MAGIC;
		fw_state->entries = 0;
	}
	uint32_t n = ++fw_state->entries;

	uart_start();
	do {
		uart_print("bootjump-fw: " FW_ROLE " entry ");
		uart_put((char)('0' + n % 10));
		uart_print("\n");
	} while (FW_REPEAT);
	uart_finish();
#if FW_JUMP
	if (n == 1) {
#if FW_ERASE_PAGE0
		bl_port_flash_erase_page(0);
#endif
#if FW_DRIVE_BOOT0
		drive_boot0_high();
#endif
		bl_start(BJ_SYSMEM_BASE);
	}
#endif
	for (;;) {
	}
}

/* Its own stack first: the vector table's SP may be deliberately invalid. */
__attribute__((naked, noreturn)) void reset_handler(void)
{
	__asm__ volatile("ldr r0, =__fw_stack_top\n\tmov sp, r0\n\tb fw_main\n\t.ltorg");
}
