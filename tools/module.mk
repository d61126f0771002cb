# tools/: the C host tools bootjump-usart (AN3155 checker) and bootjump-usb (ST-Link and DFU
# watcher), their host unit tests, and the tests that run them against ptys and the emulator.
TOOLS_USART_SRC := tools/bootjump_usart.c tools/usart_report.c tools/usart_check.c \
	tools/an3155.c tools/serial_port.c tools/json_out.c
TOOLS_USB_SRC := tools/bootjump_usb.c tools/usb_devices.c tools/json_out.c
TOOLS_HEADERS := $(wildcard tools/*.h)
# Expanded only when bootjump-usb is built, so a machine without libusb still parses this file.
TOOLS_LIBUSB_CFLAGS = $(shell pkg-config --cflags libusb-1.0)
TOOLS_LIBUSB_LIBS = $(shell pkg-config --libs libusb-1.0)
TOOLS_TEST_DIR := $(BUILD)/test/tools
TOOLS_UNIT_TESTS := $(TOOLS_TEST_DIR)/test_an3155 $(TOOLS_TEST_DIR)/test_usb_devices
# The emulator test's firmware, and what it needs from the emulator's modules (build outputs
# fixed by docs/architecture.md). A missing one fails the test, it is never skipped.
TOOLS_EMU_PARTS := stm32l011 stm32l031
TOOLS_JUMP_FIRMWARE := $(foreach p,$(TOOLS_EMU_PARTS),$(TOOLS_TEST_DIR)/$(p)/jump_to_rom.elf)
TOOLS_EMU_DEPS := $(BIN)/bootjump-emu $(foreach p,$(TOOLS_EMU_PARTS),$(BUILD)/rom/$(p).bin)

ALL += $(BIN)/bootjump-usart $(BIN)/bootjump-usb
TESTS += test-tools test-tools-emu
.PHONY: test-tools test-tools-emu

$(BIN)/bootjump-usart: $(TOOLS_USART_SRC) $(TOOLS_HEADERS) $(GEN)/bj_parts.h
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $(TOOLS_USART_SRC)

$(BIN)/bootjump-usb: $(TOOLS_USB_SRC) $(TOOLS_HEADERS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(TOOLS_LIBUSB_CFLAGS) -o $@ $(TOOLS_USB_SRC) \
		$(TOOLS_LIBUSB_LIBS) -lm

$(TOOLS_TEST_DIR)/test_an3155: tools/tests/test_an3155.c tools/an3155.c tools/an3155.h \
		tools/tests/check.h
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -Itools -o $@ tools/tests/test_an3155.c tools/an3155.c

$(TOOLS_TEST_DIR)/test_usb_devices: tools/tests/test_usb_devices.c tools/usb_devices.c \
		tools/usb_devices.h tools/json_out.c tools/json_out.h tools/tests/check.h
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -Itools -o $@ tools/tests/test_usb_devices.c \
		tools/usb_devices.c tools/json_out.c

# Cortex-M0+ code is plain Thumb, which every Cortex-M runs, so one -mcpu serves every part.
$(TOOLS_TEST_DIR)/%/jump_to_rom.elf: tools/tests/jump_to_rom.c tools/tests/jump_to_rom.ld \
		$(GEN)/%/bj_part.h $(GEN)/%/memory.ld
	@mkdir -p $(@D)
	$(ARM_CC) -mcpu=cortex-m0plus -mthumb -Os -std=c11 -Wall -Wextra -Werror -ffreestanding \
		-nostdlib -I$(GEN)/$* -L$(GEN)/$* -T tools/tests/jump_to_rom.ld -o $@ $<

test-tools: $(BIN)/bootjump-usart $(BIN)/bootjump-usb $(TOOLS_UNIT_TESTS)
	@set -e; for t in $(TOOLS_UNIT_TESTS); do $$t; done
	$(PYTEST) -rs tools/tests/test_usart.py tools/tests/test_usb.py

test-tools-emu: $(BIN)/bootjump-usart $(TOOLS_JUMP_FIRMWARE) $(TOOLS_EMU_DEPS)
	$(PYTEST) -rs tools/tests/test_usart_emulator.py
