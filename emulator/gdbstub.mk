# The GDB remote stub of bootjump-emu: included by emulator/module.mk (`-include emulator/gdbstub.mk`),
# which links $(GDBSTUB_SRCS) into $(BIN)/bootjump-emu.
GDBSTUB_SRCS := emulator/gdbstub.c emulator/gdbstub_break.c emulator/gdbstub_tdesc.c emulator/gdbstub_flash.c \
	emulator/gdbstub_monitor.c emulator/rsp.c
GDBSTUB_HDRS := emulator/gdbstub.h emulator/gdbstub_priv.h emulator/rsp.h emulator/chip.h $(GEN)/bj_parts.h

GDBSTUB_TEST := $(BUILD)/test/gdbstub
GDBSTUB_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all
GDBSTUB_FAKE := emulator/fuzz/fake_chip.c emulator/fuzz/fake_chip.h
GDBSTUB_FUZZ_RUNS ?= 30000

TESTS += test-gdbstub-unit test-gdbstub-fuzz test-gdbstub
BENCHES += bench-gdbstub
.PHONY: test-gdbstub-unit test-gdbstub-fuzz test-gdbstub bench-gdbstub fuzz-gdbstub

# Host unit tests: rsp.c alone, then the whole stub on the fake chip, under ASan and UBSan.
$(GDBSTUB_TEST)/test_rsp: emulator/tests/rsp/test_rsp.c emulator/tests/rsp/check.h emulator/rsp.c emulator/rsp.h
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -O1 $(GDBSTUB_SANITIZE) -Iemulator -o $@ $(filter %.c,$^)

$(GDBSTUB_TEST)/test_stub: emulator/tests/rsp/test_stub.c emulator/tests/rsp/check.h $(GDBSTUB_SRCS) $(GDBSTUB_HDRS) $(GDBSTUB_FAKE)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -O1 $(GDBSTUB_SANITIZE) -Iemulator -Iemulator/fuzz -o $@ $(filter %.c,$^)

test-gdbstub-unit: $(GDBSTUB_TEST)/test_rsp $(GDBSTUB_TEST)/test_stub
	$(GDBSTUB_TEST)/test_rsp
	$(GDBSTUB_TEST)/test_stub

# libFuzzer target over the packet reader and every handler; `make test` runs a short fixed-seed
# run from the seed corpus, `make fuzz-gdbstub` an open-ended one (Ctrl-C ends it).
$(GDBSTUB_TEST)/fuzz_gdbstub: emulator/fuzz/fuzz_gdbstub.c $(GDBSTUB_SRCS) $(GDBSTUB_HDRS) $(GDBSTUB_FAKE)
	@mkdir -p $(@D)
	clang $(HOST_CFLAGS) -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-Iemulator -Iemulator/fuzz -o $@ $(filter %.c,$^)

test-gdbstub-fuzz: $(GDBSTUB_TEST)/fuzz_gdbstub
	rm -rf $(GDBSTUB_TEST)/corpus && mkdir -p $(GDBSTUB_TEST)/corpus
	@$(GDBSTUB_TEST)/fuzz_gdbstub -seed=1 -runs=$(GDBSTUB_FUZZ_RUNS) -max_len=4096 -timeout=10 \
		-max_total_time=60 $(GDBSTUB_TEST)/corpus emulator/fuzz/corpus > $(GDBSTUB_TEST)/fuzz.log 2>&1 \
		|| { cat $(GDBSTUB_TEST)/fuzz.log; echo "test-gdbstub-fuzz: the fuzz target failed (log above)"; exit 1; }
	@echo "test-gdbstub-fuzz: $$(tail -n 1 $(GDBSTUB_TEST)/fuzz.log)"

fuzz-gdbstub: $(GDBSTUB_TEST)/fuzz_gdbstub
	mkdir -p $(GDBSTUB_TEST)/corpus
	$(GDBSTUB_TEST)/fuzz_gdbstub -max_len=4096 -timeout=10 $(GDBSTUB_TEST)/corpus emulator/fuzz/corpus

# Real clients against the real emulator: gdb-multiarch -batch, and raw protocol sessions; bj-step
# over the ROM model of every part.
test-gdbstub: $(BIN)/bootjump-emu $(GEN)/stm32l011/bj_part.h $(GEN)/stm32l011/memory.ld \
		$(foreach p,$(BJ_PARTS),$(BUILD)/rom/$(p).bin)
	$(PYTEST) emulator/tests/gdb

$(GDBSTUB_TEST)/bench_client: emulator/tests/gdb/bench_client.c emulator/rsp.c emulator/rsp.h
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -Iemulator -o $@ $(filter %.c,$^)

bench-gdbstub: $(BIN)/bootjump-emu $(GDBSTUB_TEST)/bench_client $(GEN)/stm32l011/bj_part.h $(GEN)/stm32l011/memory.ld
	$(PYTHON) emulator/tests/gdb/bench_gdbstub.py $(GDBSTUB_TEST)/bench_client
