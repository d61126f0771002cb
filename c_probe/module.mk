# c_probe/: the probe firmware for every part (build/c_probe/<part>/probe.elf and .bin), its
# record definition generated into C, TCL and a linker fragment, the host tests of the record
# codec (test-probe) and the probe's runs on bootjump-emu (test-probe-emu).
#   make PROBE_RECIPE=classic    compile a default recipe in (run at power-on); none by default
PROBE_DIR := c_probe
PROBE_OUT := $(BUILD)/c_probe
PROBE_RECIPE ?= none
PROBE_SRCS := $(wildcard $(PROBE_DIR)/src/*.c) $(PROBE_DIR)/record_codec.c
PROBE_HDRS := $(wildcard $(PROBE_DIR)/src/*.h) $(PROBE_DIR)/record_codec.h $(GEN)/bj_record.h
PROBE_GEN_PY := $(PROBE_DIR)/gen_record.py $(PROBE_DIR)/record.py $(PROBE_DIR)/record.json

$(GEN)/bj_record.h: $(PROBE_GEN_PY)
	@mkdir -p $(@D)
	$(PYTHON) -m c_probe.gen_record c-header $@

$(GEN)/bj_record.tcl: $(PROBE_GEN_PY) $(PARTS_JSON) $(PARTS_PY)
	@mkdir -p $(@D)
	$(PYTHON) -m c_probe.gen_record tcl $@

$(PROBE_OUT)/%/bj_noinit.ld: $(PROBE_GEN_PY) $(PARTS_JSON) $(PARTS_PY)
	@mkdir -p $(@D)
	$(PYTHON) -m c_probe.gen_record ld $* $@

# Recipe names and each part's -mcpu, plus which parts the firmware supports: a part is supported
# when every probe source compiles for it (-fsyntax-only: the IP-variant checks in c_probe/src/
# stop a part they have no code for with #error). Make regenerates this fragment, then rereads
# the makefiles.
-include $(PROBE_OUT)/parts.mk
$(PROBE_OUT)/parts.mk: $(PART_HEADERS) $(PROBE_SRCS) $(PROBE_HDRS) $(PROBE_GEN_PY) $(PARTS_JSON) $(PARTS_PY)
	@mkdir -p $(@D)
	@tmp=$@.$$$$; $(PYTHON) -m c_probe.gen_record mk $$tmp && \
	for p in $(BJ_PARTS); do \
		log=$(PROBE_OUT)/$$p.unsupported; ok=1; \
		mcpu=$$(sed -n "s/^PROBE_MCPU_$$p := //p" $$tmp); \
		for f in $(PROBE_SRCS); do $(ARM_CC) -fsyntax-only $(call probe_cflags,$$p,$$mcpu) \
			$$f 2>> $$log.$$$$ || { ok=0; break; }; done; \
		if [ $$ok = 1 ]; then rm -f $$log $$log.$$$$; echo "PROBE_PARTS += $$p"; \
		else mv $$log.$$$$ $$log; echo "PROBE_UNSUPPORTED += $$p"; fi; \
	done >> $$tmp && mv $$tmp $@

# The compiled-in default recipe, rewritten only when PROBE_RECIPE changes (so the ELFs rebuild).
$(PROBE_OUT)/default_recipe.h: FORCE
	@mkdir -p $(@D)
	@$(if $(filter $(PROBE_RECIPE),$(PROBE_RECIPES)),,$(error PROBE_RECIPE=$(PROBE_RECIPE) is not a recipe; choose one of: $(PROBE_RECIPES)))
	@tmp=$@.$$$$; echo '#define BJ_PROBE_DEFAULT_RECIPE BJ_RECIPE_$(shell echo '$(PROBE_RECIPE)' | tr 'a-z-' 'A-Z_')' > $$tmp; \
		cmp -s $$tmp $@ && rm $$tmp || mv $$tmp $@
.PHONY: FORCE
FORCE:

probe_cflags = -mcpu=$(2) -mthumb -std=c11 -Os -g -Wall -Wextra -Werror -ffreestanding -fno-common \
	-ffunction-sections -fdata-sections -I$(GEN)/$(1) -I$(GEN) -I$(PROBE_DIR) -I$(PROBE_DIR)/src

define probe_part
$(PROBE_OUT)/$(1)/obj/%.o: $(PROBE_DIR)/src/%.c $(PROBE_HDRS) $(GEN)/$(1)/bj_part.h $(PROBE_OUT)/default_recipe.h
	@mkdir -p $$(@D)
	$(ARM_CC) $(call probe_cflags,$(1),$(PROBE_MCPU_$(1))) -include $(PROBE_OUT)/default_recipe.h -c $$< -o $$@

$(PROBE_OUT)/$(1)/obj/record_codec.o: $(PROBE_DIR)/record_codec.c $(PROBE_HDRS)
	@mkdir -p $$(@D)
	$(ARM_CC) $(call probe_cflags,$(1),$(PROBE_MCPU_$(1))) -c $$< -o $$@

$(PROBE_OUT)/$(1)/probe.elf: $(patsubst %.c,$(PROBE_OUT)/$(1)/obj/%.o,$(notdir $(PROBE_SRCS))) \
		$(PROBE_DIR)/probe.ld $(GEN)/$(1)/memory.ld $(PROBE_OUT)/$(1)/bj_noinit.ld
	$(ARM_CC) $(call probe_cflags,$(1),$(PROBE_MCPU_$(1))) -nostartfiles -Wl,--gc-sections -T $(PROBE_DIR)/probe.ld \
		-L$(GEN)/$(1) -L$(PROBE_OUT)/$(1) -o $$@ $$(filter %.o,$$^) -lc -lgcc

$(PROBE_OUT)/$(1)/probe.bin: $(PROBE_OUT)/$(1)/probe.elf
	$(ARM_OBJCOPY) -O binary $$< $$@
endef
$(foreach p,$(PROBE_PARTS),$(eval $(call probe_part,$(p))))

PROBE_IMAGES := $(foreach p,$(PROBE_PARTS),$(PROBE_OUT)/$(p)/probe.elf $(PROBE_OUT)/$(p)/probe.bin)
ALL += $(GEN)/bj_record.h $(GEN)/bj_record.tcl $(PROBE_IMAGES)

.PHONY: probe test-probe test-probe-emu
probe: $(PROBE_IMAGES)

# Host side: the codec's unit tests and record_tool, the C codec on the command line for the
# Python cross-tests.
PROBE_HOST := $(PROBE_OUT)/host
$(PROBE_HOST)/%: $(PROBE_DIR)/tests/%.c $(PROBE_DIR)/record_codec.c $(PROBE_DIR)/record_codec.h $(GEN)/bj_record.h
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -I$(PROBE_DIR) -o $@ $(filter %.c,$^)

# Every part of the database must build: a part the firmware does not support fails here with
# the compiler's reason.
test-probe: $(PROBE_HOST)/test_codec $(PROBE_HOST)/record_tool $(GEN_PARTS) $(PROBE_IMAGES) $(GEN)/bj_record.tcl
	$(PROBE_HOST)/test_codec
	$(PYTEST) $(PROBE_DIR)/tests/test_record.py
	@$(if $(PROBE_UNSUPPORTED),for p in $(PROBE_UNSUPPORTED); do echo "c_probe: $$p is not supported: \
		$$(grep -m1 error: $(PROBE_OUT)/$$p.unsupported)"; done; exit 1,echo "c_probe: built for all $(words $(PROBE_PARTS)) parts")
TESTS += test-probe

# The probe on bootjump-emu with the ROM model: the stories of issue 5 (L011, L031), classic on
# every part, the other recipes.
PROBE_EMU_DEPS := $(BIN)/bootjump-emu $(foreach p,$(PROBE_PARTS),$(BUILD)/rom/$(p).bin $(PROBE_OUT)/$(p)/probe.elf)
test-probe-emu: $(PROBE_EMU_DEPS)
	$(PYTEST) $(PROBE_DIR)/tests/test_emu.py
TESTS += test-probe-emu
