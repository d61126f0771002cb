# The JTAG debug port of bootjump-emu (remote_bitbang server, TAP, JTAG-DP, MEM-AP): included by
# emulator/module.mk (`-include emulator/jtag.mk`), which links $(JTAG_SRCS) into $(BIN)/bootjump-emu.
JTAG_SRCS := emulator/jtag.c emulator/jtag_tap.c emulator/jtag_dap.c
JTAG_HDRS := emulator/jtag.h emulator/jtag_priv.h emulator/chip.h $(GEN)/bj_parts.h

JTAG_TEST := $(BUILD)/test/jtag
JTAG_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all

TESTS += test-jtag-unit
.PHONY: test-jtag-unit

# Host unit tests: byte streams through the TAP, DP and AP onto a fake bus, under ASan and UBSan.
$(JTAG_TEST)/test_jtag: emulator/tests/jtag/test_jtag.c emulator/tests/jtag/fake_bus.c emulator/tests/jtag/fake_bus.h \
		emulator/tests/rsp/check.h emulator/jtag_tap.c emulator/jtag_dap.c $(JTAG_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -O1 $(JTAG_SANITIZE) -Iemulator -Iemulator/tests/jtag -o $@ $(filter %.c,$^)

test-jtag-unit: $(JTAG_TEST)/test_jtag
	$(JTAG_TEST)/test_jtag
