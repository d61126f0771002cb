# bootjump's OpenOCD library: which part is connected, the probe's checkpoint record and the backup
# registers, the option bytes, a ROM dump with its SHA-256, and a step tracer that writes the same
# trace format as `bootjump trace` in GDB (traces/README.md) without GDB.
#
# openocd/board/*.cfg and openocd/emu/*.cfg source it; after any other STM32 config:
#     source openocd/bootjump.tcl
# `help bootjump` lists the commands (openocd/README.md has the runbook).
#
# No address, bit or ID is typed here: they come from the part database through the files `make`
# generates in build/gen/ (bj_parts.tcl, bj_record.tcl, bj_openocd.tcl), or are architectural
# Cortex-M facts cited where they are used.

namespace eval bj {
	variable root [file normalize [file join [file dirname [info script]] ..]]
}

# The one way a command is declared here: the proc with its usage and help, registered together so
# that none goes without them.
proc bj::cmd {name arglist usage help body} {
	uplevel 1 [list proc $name $arglist $body]
	add_usage_text $name $usage
	add_help_text $name $help
}
add_usage_text bj::cmd "name arglist usage help body"
add_help_text bj::cmd "declare a bootjump TCL command with its usage and help text"

foreach bj_gen {bj_parts.tcl bj_record.tcl bj_openocd.tcl} {
	set bj_path [file join $::bj::root build gen $bj_gen]
	if {![file exists $bj_path]} {
		error "bootjump: $bj_path is missing: run `make` in $::bj::root first (it generates the part data)"
	}
	source $bj_path
}
foreach bj_lib {util part record options sha256 rom thumb stops trace} {
	source [file join $::bj::root openocd lib $bj_lib.tcl]
}
unset bj_gen bj_path bj_lib
