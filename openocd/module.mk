# openocd/: configs for silicon (board/) and for bootjump-emu (emu/), the TCL library
# (bootjump.tcl, lib/) and the part data it reads, generated here from the part database.
OCD_GEN := $(GEN)/bj_openocd.tcl
OCD_TCL := openocd/bootjump.tcl $(wildcard openocd/lib/*.tcl openocd/emu/*.tcl openocd/emu/*.cfg openocd/board/*.cfg openocd/board/*.tcl)
# Everything a session of OpenOCD with the library needs besides OpenOCD itself.
OCD_DATA := $(OCD_GEN) $(GEN)/bj_parts.tcl $(GEN)/bj_record.tcl

ALL += $(OCD_GEN)

$(OCD_GEN): openocd/gen.py $(PARTS_JSON) $(PARTS_PY)
	@mkdir -p $(@D)
	$(PYTHON) -m openocd.gen $@.tmp.$$$$ && mv $@.tmp.$$$$ $@

OCD_EMU_PARTS := stm32l011 stm32l031
OCD_TEST_DEPS := $(OCD_DATA) $(BIN)/bootjump-emu $(foreach p,$(OCD_EMU_PARTS),$(BUILD)/rom/$(p).bin \
	$(BUILD)/c_probe/$(p)/probe.elf $(BUILD)/c_probe/$(p)/probe.bin)

TESTS += test-openocd
BENCHES += bench-openocd
.PHONY: test-openocd bench-openocd

# The library in OpenOCD's interpreter against the Python that defines the same facts, then stock
# OpenOCD driving bootjump-emu (openocd/tests/test_emu.py lists what it shows).
test-openocd: $(OCD_TEST_DEPS)
	$(PYTEST) openocd/tests

bench-openocd: $(OCD_TEST_DEPS)
	$(PYTHON) openocd/tests/bench_openocd.py
