# The adapter half of every openocd/emu/<family>.cfg: OpenOCD's remote_bitbang driver to the JTAG
# port of bootjump-emu (`--jtag 0` prints the port it took in its ready line: {"jtag": N}).
# OpenOCD 0.12's remote_bitbang speaks JTAG only, so the emulated chip has a JTAG-DP.
if {![info exists BOOTJUMP_EMU_PORT]} {
	error "openocd/emu: no emulator port: start `bootjump-emu --part PART --jtag 0`, then `openocd -c 'set BOOTJUMP_EMU_PORT N' -f [info script]` with N from its ready line"
}
# A connection attempt first, so that a wrong port is named as such instead of the driver's
# "Failed to connect" halfway through init.
if {[catch {close [socket stream 127.0.0.1:$BOOTJUMP_EMU_PORT]} bj_err]} {
	error "openocd/emu: nothing listens on 127.0.0.1:$BOOTJUMP_EMU_PORT ($bj_err): is bootjump-emu running with --jtag, and is this the \"jtag\" port of its ready line?"
}
adapter driver remote_bitbang
remote_bitbang host 127.0.0.1
remote_bitbang port $BOOTJUMP_EMU_PORT
transport select jtag
