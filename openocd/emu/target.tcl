# What every upstream STM32 target config does, for a family of the part database on
# bootjump-emu's JTAG-DP (openocd/emu/<family>.cfg): a 4-bit-IR TAP that accepts the DAP IDs of the
# family's parts, the DAP, the Cortex-M target, the work area and the flash bank (upstream
# target/<family>.cfg does the same through swj_newdap, whose JTAG branch lacks -irlen), reset by
# SYSRESETREQ. The adapter has no speed to set, so there is no `adapter speed` here.
#   bj::emu_target FAMILY  -> sets _CHIPNAME and _TARGETNAME at global level, as upstream does

bj::cmd bj::emu_target {family} {family} {create the TAP, DAP, target and flash bank of a database family on bootjump-emu} {
	set fam [dict get $::bootjump_families $family]
	set first [lindex [dict get $fam parts] 0]
	set ids {}
	foreach id [dict get $fam dap_ids] {
		lappend ids -expected-id $id
	}
	uplevel #0 [list set _CHIPNAME $family]
	uplevel #0 [list set _TARGETNAME $family.cpu]
	jtag newtap $family cpu -irlen 4 -ircapture 0x1 -irmask 0xf {*}$ids
	dap create $family.dap -chain-position $family.cpu
	target create $family.cpu cortex_m -endian little -dap $family.dap
	# The work area the upstream configs use: the start of SRAM, as large as the family's smallest.
	$family.cpu configure -work-area-phys [dict get $::bootjump_parts $first sram_base] \
		-work-area-size [dict get $fam sram_min] -work-area-backup 0
	# Flash size 0: the driver probes it, as upstream.
	flash bank $family.flash [dict get $fam flash_driver] [dict get $::bootjump_parts $first flash_base] 0 0 0 $family.cpu
	# As upstream: no NRST line, so reset is the core's SYSRESETREQ.
	reset_config srst_nogate
	cortex_m reset_config sysresetreq
}
