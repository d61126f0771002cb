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
