# Which part is connected: the core's CPUID narrows the database to one core, the DBGMCU_IDCODE
# at the address the database gives for those parts yields DEV_ID and REV_ID, and where two parts
# share a DEV_ID (F04x / F070x6) the bootloader ID byte AN2606 places in system memory decides.

namespace eval bj {
	# CPUID's address and its IMPLEMENTER and PARTNO fields, which name the core whatever its
	# revision, come from build/gen/bj_openocd.tcl ($bootjump_core).
	variable dev_id ""
	variable rev_id ""
}

bj::cmd bj::part_field {name path value} {part PERIPH.REG.FIELD value} {a register field of a value, with the named part's layout} {
	set f [dict get $::bootjump_regs $name $path]
	expr {($value >> [dict get $f lsb]) & ((1 << [dict get $f width]) - 1)}
}

bj::cmd bj::identify {} {} {the name of the connected part, read from the target; an error says why none matches} {
	set mask [dict get $::bootjump_core cpuid_core_mask]
	set cpuid [bj::u32 [dict get $::bootjump_core cpuid]]
	set core [expr {$cpuid & $mask}]
	set candidates {}
	dict for {name ocd} $::bootjump_ocd {
		if {([dict get $ocd cpuid] & $mask) == $core} {
			lappend candidates $name
		}
	}
	if {![llength $candidates]} {
		error "bootjump: CPUID [bj::hex $cpuid] is no core of a part in parts/stm32.json: is the target an STM32 the database knows? (bootjump_part NAME forces one)"
	}
	set matches {}
	set seen {}
	foreach name $candidates {
		set addr [dict get $::bootjump_parts $name dbgmcu_idcode]
		if {![dict exists $seen $addr]} {
			dict set seen $addr [bj::u32 $addr]
		}
		set idcode [dict get $seen $addr]
		if {[bj::part_field $name DBGMCU.IDCODE.DEV_ID $idcode] == [dict get $::bootjump_parts $name dev_id]} {
			lappend matches $name
			set ::bj::dev_id [bj::part_field $name DBGMCU.IDCODE.DEV_ID $idcode]
			set ::bj::rev_id [bj::part_field $name DBGMCU.IDCODE.REV_ID $idcode]
		}
	}
	if {![llength $matches]} {
		error "bootjump: DBGMCU_IDCODE [join [dict values $seen] {, }] names no part of parts/stm32.json with CPUID [bj::hex $cpuid] (bootjump_part NAME forces one)"
	}
	if {[llength $matches] > 1} {
		set byid {}
		foreach name $matches {
			set at [dict get $::bootjump_parts $name bootloader_id_addr]
			if {$at ne "none" && [lindex [read_memory $at 8 1] 0] == [dict get $::bootjump_parts $name bootloader_id]} {
				lappend byid $name
			}
		}
		if {[llength $byid] != 1} {
			error "bootjump: DEV_ID [format 0x%03x $::bj::dev_id] is shared by [join $matches {, }] and the bootloader ID byte does not tell them apart: bootjump_part NAME"
		}
		set matches $byid
	}
	return [lindex $matches 0]
}

bj::cmd bootjump_part {{name ""}} {[part]} \
	{identify the connected STM32 (CPUID, DBGMCU_IDCODE, bootloader ID byte) or name it; print what the database says of it} {
	if {$name eq ""} {
		set ::bj::part [bj::identify]
	} elseif {[dict exists $::bootjump_parts $name]} {
		set ::bj::part $name
		set ::bj::dev_id [dict get $::bootjump_parts $name dev_id]
		set ::bj::rev_id ""
	} else {
		error "bootjump: unknown part $name; known parts: [join [dict keys $::bootjump_parts] {, }]"
	}
	set p [dict get $::bootjump_parts $::bj::part]
	echo "part:          $::bj::part ([dict get $p designator])"
	echo "DEV_ID:        [format 0x%03x $::bj::dev_id][expr {$::bj::rev_id eq {} ? {} : [format {, REV_ID 0x%04x} $::bj::rev_id]}]"
	echo "core:          [dict get $p core]"
	echo "system memory: [dict get $p sysmem_base] ([format %d [dict get $p sysmem_size]] bytes)"
	echo "profile:       [dict get $p profile]"
	echo "OpenOCD:       [bj::ocd target], flash driver [bj::ocd flash_driver]"
	return $::bj::part
}
