# bin/: the bootjump command line (bin/bootjump, bin/bjcli/) and the cross-component tests in
# tests/ (the demo flow, the matrix, the CLI's targets and errors). `make demo` is defined here.
# What the demo runs: the emulator, the ROM model and the probe for the two parts, the AN3155 checker.
DEMO_DEPS := $(BIN)/bootjump-emu $(BIN)/bootjump-usart \
	$(foreach p,stm32l011 stm32l031,$(BUILD)/rom/$(p).bin $(BUILD)/c_probe/$(p)/probe.elf)
# The matrix runs every part the database has, so it needs everything `make` builds (`all`: ALL is
# not complete yet when this file is read).

.PHONY: test-cli test-demo test-matrix bench-matrix

# `make demo` builds everything first, as the README promises, then runs the demo.
demo: all $(DEMO_DEPS)
	@bin/bootjump demo

# Also a firmware without the probe's symbols (the tools' test firmware that only jumps to the ROM)
# and the part data OpenOCD's configs read (openocd/module.mk's OCD_DATA, named here because that
# file is read after this one).
CLI_TEST_DEPS := $(DEMO_DEPS) $(BUILD)/c_probe/stm32l011/probe.bin $(BUILD)/test/tools/stm32l011/jump_to_rom.elf \
	$(GEN)/bj_openocd.tcl $(GEN)/bj_parts.tcl $(GEN)/bj_record.tcl

test-cli: $(CLI_TEST_DEPS)
	$(PYTEST) tests/test_cli.py

test-demo: $(DEMO_DEPS)
	$(PYTEST) tests/test_demo.py

test-matrix: all
	$(PYTEST) tests/test_matrix.py

bench-matrix: all
	$(PYTHON) tests/bench_matrix.py

TESTS += test-cli test-demo test-matrix
BENCHES += bench-matrix
