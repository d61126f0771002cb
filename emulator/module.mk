# emulator/: bootjump-emu, the emulated STM32 (C on libunicorn). The GDB stub's rules are in
# emulator/gdbstub.mk, the ROM model's in emulator/rom/module.mk.
EMU_OBJ := $(BUILD)/emulator/obj
EMU_CHIP_SRCS := $(addprefix emulator/,chip.c cpu.c exception.c scs.c debug.c regtable.c bus.c timebase.c image.c \
	accesslog.c) \
	$(wildcard emulator/periph/*.c)
EMU_MAIN_SRCS := $(addprefix emulator/,main.c cli.c part_lookup.c pty.c)
EMU_CFLAGS := $(HOST_CFLAGS) -Iemulator -MMD -MP
EMU_LIBS := -lunicorn -lpthread

-include emulator/gdbstub.mk
-include emulator/jtag.mk

EMU_CHIP_OBJS := $(EMU_CHIP_SRCS:%.c=$(EMU_OBJ)/%.o)
EMU_OBJS := $(EMU_CHIP_OBJS) $(EMU_MAIN_SRCS:%.c=$(EMU_OBJ)/%.o) $(GDBSTUB_SRCS:%.c=$(EMU_OBJ)/%.o) \
	$(JTAG_SRCS:%.c=$(EMU_OBJ)/%.o)

ALL += $(BIN)/bootjump-emu

$(EMU_OBJ)/%.o: %.c $(GEN)/bj_parts.h
	@mkdir -p $(@D)
	$(HOST_CC) $(EMU_CFLAGS) -c -o $@ $<

$(BIN)/bootjump-emu: $(EMU_OBJS)
	@mkdir -p $(@D)
	$(HOST_CC) $(EMU_CFLAGS) -o $@ $^ $(EMU_LIBS)

-include $(EMU_OBJS:.o=.d)

include emulator/tests/chip/module.mk
