# tools/: the C host tools bootjump-usart (AN3155 checker) and bootjump-usb (ST-Link and DFU
# watcher), their host unit tests, and the tests that run them against ptys and the emulator.
TOOLS_USART_SRC := tools/bootjump_usart.c tools/usart_report.c tools/usart_check.c \
	tools/an3155.c tools/serial_port.c tools/json_out.c
TOOLS_HEADERS := $(wildcard tools/*.h)
TOOLS_TEST_DIR := $(BUILD)/test/tools
TOOLS_UNIT_TESTS := $(TOOLS_TEST_DIR)/test_an3155

ALL += $(BIN)/bootjump-usart
TESTS += test-tools
.PHONY: test-tools

$(BIN)/bootjump-usart: $(TOOLS_USART_SRC) $(TOOLS_HEADERS) $(GEN)/bj_parts.h
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $(TOOLS_USART_SRC)

$(TOOLS_TEST_DIR)/test_an3155: tools/tests/test_an3155.c tools/an3155.c tools/an3155.h \
		tools/tests/check.h
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -Itools -o $@ tools/tests/test_an3155.c tools/an3155.c

test-tools: $(BIN)/bootjump-usart $(TOOLS_UNIT_TESTS)
	@set -e; for t in $(TOOLS_UNIT_TESTS); do $$t; done
	$(PYTEST) -rs tools/tests
