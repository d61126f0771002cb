# The emulator's C tests (test-emulator) and its benchmark (bench-emulator). Test firmware in
# fw/ is built for every part of the database; the tests run it on chips made through chip.h.
EMU_TEST := $(BUILD)/emulator/test
EMU_FW_DIR := emulator/tests/chip/fw
EMU_FW_NAMES := faults exceptions systick resets remap flash loop usart bench
EMU_FW_COMMON := $(EMU_FW_DIR)/crt.c $(EMU_FW_DIR)/fw.h $(EMU_FW_DIR)/scenarios.h $(EMU_FW_DIR)/link.ld
EMU_FW_CFLAGS := -mthumb -Os -g -std=c11 -Wall -Wextra -Werror -ffreestanding -nostdlib -nostartfiles
EMU_TEST_SRCS := $(addprefix emulator/tests/chip/,harness.c test_faults.c test_exceptions.c test_resets.c \
	test_remap.c test_flash.c test_debug.c test_access.c test_usart.c test_periph.c test_cli.c)
EMU_PARTS_MK := $(BUILD)/emulator/parts.mk

-include $(EMU_PARTS_MK)
$(EMU_PARTS_MK): $(PARTS_JSON) $(PARTS_PY)
	@mkdir -p $(@D)
	$(PYTHON) -m parts.gen mk $@

define EMU_FW_RULES
$(EMU_TEST)/fw/$(1)/%.elf: $(EMU_FW_DIR)/%.c $(EMU_FW_COMMON) $(GEN)/$(1)/bj_part.h $(GEN)/$(1)/memory.ld $(EMU_PARTS_MK)
	@mkdir -p $$(@D)
	$(ARM_CC) -mcpu=$$(BJ_MCPU_$(1)) $(EMU_FW_CFLAGS) -I$(GEN)/$(1) -I$(EMU_FW_DIR) -L$(GEN)/$(1) \
		-T $(EMU_FW_DIR)/link.ld -o $$@ $(EMU_FW_DIR)/crt.c $$< -lgcc
endef
$(foreach p,$(BJ_PARTS),$(eval $(call EMU_FW_RULES,$(p))))
EMU_FW := $(foreach p,$(BJ_PARTS),$(foreach f,$(EMU_FW_NAMES),$(EMU_TEST)/fw/$(p)/$(f).elf))

$(EMU_TEST)/test_chip: $(EMU_TEST_SRCS) emulator/tests/chip/emutest.h emulator/tests/chip/harness.h $(EMU_CHIP_OBJS) \
		$(EMU_OBJ)/emulator/part_lookup.o
	@mkdir -p $(@D)
	$(HOST_CC) $(EMU_CFLAGS) -Iemulator/tests/chip -o $@ $(filter %.c %.o,$^) $(EMU_LIBS)

$(EMU_TEST)/bench_chip: emulator/tests/chip/bench.c $(EMU_CHIP_OBJS) $(EMU_OBJ)/emulator/part_lookup.o
	@mkdir -p $(@D)
	$(HOST_CC) $(EMU_CFLAGS) -o $@ $(filter %.c %.o,$^) $(EMU_LIBS)

TESTS += test-emulator
BENCHES += bench-emulator
.PHONY: test-emulator bench-emulator

test-emulator: $(EMU_TEST)/test_chip $(EMU_FW) $(BIN)/bootjump-emu
	$(EMU_TEST)/test_chip $(EMU_TEST)/fw $(EMU_TEST)/scratch $(BIN)/bootjump-emu

bench-emulator: $(EMU_TEST)/bench_chip $(EMU_FW)
	$(EMU_TEST)/bench_chip $(EMU_TEST)/fw stm32l011 stm32f103 stm32f401
