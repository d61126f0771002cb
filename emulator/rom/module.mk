# emulator/rom/: the behavioural ROM bootloader model, one system-memory image per part
# (build/rom/<part>.bin, and the same stripped as build/rom/<part>.elf), and its tests.
ROM_DIR := emulator/rom
ROM_OUT := $(BUILD)/rom
# protocol.c is built through protocol_rom.c, which picks the part's erase command.
ROM_SRCS := $(filter-out $(ROM_DIR)/protocol.c,$(wildcard $(ROM_DIR)/*.c))
ROM_HDRS := $(wildcard $(ROM_DIR)/*.h)

# Which parts the model can build is decided by drivers.h alone (from each part's IP blocks and
# profile); this fragment records the preprocessor's verdict per part, with each part's -mcpu.
# Make regenerates it, then rereads the makefiles, whenever a part or drivers.h changes.
-include $(ROM_OUT)/parts.mk
$(ROM_OUT)/parts.mk: $(PART_HEADERS) $(ROM_DIR)/drivers.h $(PARTS_JSON) $(PARTS_PY)
	@mkdir -p $(@D)
	@# Several makes may share build/: each writes its own temporary file, then renames it.
	@set -e; tmp=$@.$$$$; \
	$(PYTHON) -m parts.gen mk $$tmp.gen; grep '^BJ_MCPU_' $$tmp.gen > $$tmp; rm $$tmp.gen; \
	for p in $(BJ_PARTS); do \
		if $(ARM_CC) -E -I$(GEN)/$$p $(ROM_DIR)/drivers.h > /dev/null 2> $$tmp.err; then \
			echo "ROM_PARTS += $$p"; rm -f $(ROM_OUT)/$$p.unsupported; \
		else echo "ROM_UNSUPPORTED += $$p"; mv $$tmp.err $(ROM_OUT)/$$p.unsupported; fi; \
	done >> $$tmp; rm -f $$tmp.err; mv $$tmp $@

rom_cflags = -mcpu=$(BJ_MCPU_$(1)) -mthumb -std=c11 -Os -g -Wall -Wextra -Werror -ffreestanding -fno-common \
	-I$(GEN)/$(1) -I$(ROM_DIR)

define rom_part
$(ROM_OUT)/obj/$(1)/%.o: $(ROM_DIR)/%.c $(ROM_HDRS) $(ROM_DIR)/protocol.c $(GEN)/$(1)/bj_part.h
	@mkdir -p $$(@D)
	$(ARM_CC) $(call rom_cflags,$(1)) -c $$< -o $$@

# Unstripped, for working on the model itself; what the emulator and the tracer get has no symbols.
$(ROM_OUT)/obj/$(1)/rom.elf: $(patsubst $(ROM_DIR)/%.c,$(ROM_OUT)/obj/$(1)/%.o,$(ROM_SRCS)) $(ROM_DIR)/rom.ld $(GEN)/$(1)/memory.ld
	$(ARM_CC) $(call rom_cflags,$(1)) -nostdlib -T $(ROM_DIR)/rom.ld -L$(GEN)/$(1) -o $$@ $$(filter %.o,$$^) -lgcc

$(ROM_OUT)/$(1).elf: $(ROM_OUT)/obj/$(1)/rom.elf
	$(ARM_STRIP) -o $$@ $$<

$(ROM_OUT)/$(1).bin: $(ROM_OUT)/obj/$(1)/rom.elf
	$(ARM_OBJCOPY) -O binary --gap-fill 0xff -j .text -j .bl_id $$< $$@
endef
$(foreach p,$(sort $(ROM_PARTS)),$(eval $(call rom_part,$(p))))

ROM_IMAGES := $(foreach p,$(sort $(ROM_PARTS)),$(ROM_OUT)/$(p).bin $(ROM_OUT)/$(p).elf)
ALL += $(ROM_IMAGES)

.PHONY: rom test-rom test-rom-unit test-rom-emu
rom: $(ROM_IMAGES)

# Host unit tests: the protocol core over a fake USART and memory, for every part in bj_parts.h;
# then the images themselves.
ROM_TEST_BIN := $(BUILD)/test/rom/test_protocol
$(ROM_TEST_BIN): $(ROM_DIR)/tests/test_protocol.c $(ROM_DIR)/tests/fake_port.c $(ROM_DIR)/tests/fake_port.h \
		$(ROM_DIR)/tests/check.h $(ROM_DIR)/protocol.c $(ROM_DIR)/protocol.h $(GEN)/bj_parts.h
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -I$(ROM_DIR) -o $@ $(filter %.c,$^)

test-rom-unit: $(ROM_TEST_BIN) $(ROM_IMAGES)
	$(ROM_TEST_BIN)
	$(PYTEST) -rs $(ROM_DIR)/tests/test_rom_image.py

# The model on bootjump-emu: stm32flash, jumps from test firmware (built by the tests), dual bank,
# random bytes. Until the emulator is in the tree its tests report themselves skipped.
ROM_EMU_DEPS := $(ROM_IMAGES) $(if $(wildcard emulator/module.mk),$(BIN)/bootjump-emu)
test-rom-emu: $(ROM_EMU_DEPS)
	$(PYTEST) -rs $(ROM_DIR)/tests/test_rom_emulated.py

test-rom: test-rom-unit test-rom-emu
TESTS += test-rom
