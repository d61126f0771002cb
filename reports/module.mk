# reports/: trace analysis and the Markdown/HTML reports. The tests assemble fixture ROMs with
# arm-none-eabi-gcc; where the build has bootjump-emu and the L011 ROM model, they also trace them
# for real with gdb-multiarch (reports/tests/real_traces.py).
TESTS += test-reports
.PHONY: test-reports

REPORTS_REAL_INPUTS := $(filter $(BIN)/bootjump-emu $(BUILD)/rom/stm32l011.bin $(BUILD)/rom/stm32l073.bin \
	$(BUILD)/rom/stm32f042.bin $(BUILD)/rom/stm32g071.bin $(BUILD)/c_probe/stm32l011/probe.elf \
	$(BUILD)/c_probe/stm32f042/probe.elf $(BUILD)/c_probe/stm32g071/probe.elf,$(ALL))

test-reports: $(REPORTS_REAL_INPUTS)
	$(PYTEST) reports/tests
