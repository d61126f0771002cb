# What every openocd/board/<family>.cfg shares: the probe (an ST-Link in its DAP mode over SWD:
# ST-Link/V2 with firmware V2J24 or later, V2-1, V3), the upstream target config the part database
# names for the family (openocd.target), the bootjump library, and this machine's git-ignored
# openocd/local.cfg (e.g. `adapter serial 066DFF...`), sourced last so it may also change the reset
# configuration the target config set.
#   bj::board FAMILY

source [find interface/stlink-dap.cfg]
transport select dapdirect_swd
source [file join [file dirname [info script]] .. .. openocd bootjump.tcl]

bj::cmd bj::board {family} {family} {the upstream target config of a database family, then openocd/local.cfg if present} {
	if {![dict exists $::bootjump_families $family]} {
		error "bootjump: no family $family in parts/stm32.json; known: [join [dict keys $::bootjump_families] {, }]"
	}
	uplevel #0 [list source [find [dict get $::bootjump_families $family target]]]
	set local [file join $::bj::root openocd local.cfg]
	if {[file exists $local]} {
		uplevel #0 [list source $local]
	}
}
