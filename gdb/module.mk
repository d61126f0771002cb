# gdb/: bootjump's GDB commands (Python inside gdb-multiarch; gdb/README.md). Nothing to build for
# the commands themselves; the tests need a libunicorn oracle and, for the integration tests,
# bootjump-emu with the ROM model and the probe for the parts they trace.
GDB_TEST := $(BUILD)/test/gdb
GDB_ORACLE := $(GDB_TEST)/uc_step
GDB_IT_PARTS := stm32l011 stm32l031 stm32f042 stm32l073 stm32f103

# What the integration tests run, for the components whose makefiles exist (a component that has
# not landed yet adds nothing here, and the tests that need it report themselves skipped).
GDB_EMU_DEPS :=
ifneq ($(wildcard emulator/module.mk),)
GDB_EMU_DEPS += $(BIN)/bootjump-emu $(foreach p,$(filter $(GDB_IT_PARTS),$(ROM_PARTS)),$(BUILD)/rom/$(p).bin)
endif
ifneq ($(wildcard c_probe/module.mk),)
GDB_EMU_DEPS += $(foreach p,$(filter $(GDB_IT_PARTS),$(PROBE_PARTS)),$(BUILD)/c_probe/$(p)/probe.elf $(BUILD)/c_probe/$(p)/probe.bin)
endif

TESTS += test-gdb
BENCHES += bench-gdb
.PHONY: test-gdb test-gdb-unit bench-gdb

$(GDB_ORACLE): gdb/tests/oracle/uc_step.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -O1 -o $@ $< -lunicorn

test-gdb-unit: $(GDB_ORACLE)
	$(PYTEST) gdb/tests/unit

test-gdb: $(GDB_ORACLE) $(GDB_EMU_DEPS)
	$(PYTEST) -rs gdb/tests

bench-gdb: $(GDB_EMU_DEPS)
	$(PYTHON) gdb/tests/integration/bench.py
