# Small helpers of the bootjump library: number formatting, JSON text, memory reads, register
# facts of the current part, and the one bounded poll every wait goes through.

namespace eval bj {
	# The part bootjump_part identified (or was told); every command works on it.
	variable part ""
}

bj::cmd bj::hex {value} {value} {a 32-bit value as 0x%08x, as the trace format writes it} {
	format 0x%08x [expr {$value & 0xffffffff}]
}

bj::cmd bj::hexw {value size} {value size} {a value of size bytes as 0x followed by 2*size hex digits} {
	format 0x%0*x [expr {2 * $size}] [expr {$value & ((1 << (8 * $size)) - 1)}]
}

bj::cmd bj::jstr {text} {text} {text as a JSON string} {
	set map {\\ \\\\ \" \\\" \n \\n \r \\r \t \\t}
	return "\"[string map $map $text]\""
}

bj::cmd bj::jobj {args} {key json_value ...} {a JSON object from keys and already encoded values} {
	set out {}
	foreach {k v} $args {
		lappend out "[bj::jstr $k]: $v"
	}
	return "\{[join $out {, }]\}"
}

bj::cmd bj::jlist {items} {json_values} {a JSON array from already encoded values} {
	return "\[[join $items {, }]\]"
}

bj::cmd bj::words {addr count} {address count} {count 32-bit words of target memory from address} {
	read_memory $addr 32 $count
}

bj::cmd bj::bytes {addr count} {address count} \
	{count bytes of target memory from address, read as words where alignment allows} {
	if {($addr & 3) || ($count & 3)} {
		return [read_memory $addr 8 $count]
	}
	set out {}
	foreach w [read_memory $addr 32 [expr {$count / 4}]] {
		lappend out [expr {$w & 0xff}] [expr {($w >> 8) & 0xff}] [expr {($w >> 16) & 0xff}] [expr {($w >> 24) & 0xff}]
	}
	return $out
}

bj::cmd bj::u32 {addr} {address} {one 32-bit word of target memory} {
	lindex [read_memory $addr 32 1] 0
}

bj::cmd bj::need_part {} {} {the current part's name, identified from the target the first time (bj::identify); an error naming what to do when that fails} {
	# The emulator configs identify at examine-end; the board configs keep upstream's examine-end,
	# so on silicon the first library command identifies the part.
	if {$::bj::part eq ""} {
		if {[catch {bj::identify} found]} {
			error "bootjump: no part identified yet, and reading the target did not name one: $found"
		}
		set ::bj::part $found
	}
	return $::bj::part
}

bj::cmd bj::fact {key} {key} {a fact of the current part from build/gen/bj_parts.tcl (flash_base, backup_regs ...)} {
	dict get $::bootjump_parts [bj::need_part] $key
}

bj::cmd bj::ocd {args} {key ...} {a fact of the current part from build/gen/bj_openocd.tcl (target, rdp, regions ...)} {
	dict get $::bootjump_ocd [bj::need_part] {*}$args
}

bj::cmd bj::reg {path} {PERIPH.REG} {the address of a register of the current part, e.g. bj::reg RCC.CSR} {
	set regs [dict get $::bootjump_regs [bj::need_part]]
	if {![dict exists $regs $path]} {
		error "bootjump: [bj::need_part] has no register $path in parts/stm32.json"
	}
	dict get $regs $path
}

bj::cmd bj::bits {path args} {PERIPH.REG BIT ...} \
	{the mask of some bits of a register of the current part, e.g. bj::bits RCC.CR HSI16ON MSION} {
	set mask 0
	foreach bit $args {
		set mask [expr {$mask | [bj::reg $path.$bit]}]
	}
	return $mask
}

bj::cmd bj::field {path value} {PERIPH.REG.FIELD value} {the value of a register field within a register value} {
	set f [bj::reg $path]
	expr {($value >> [dict get $f lsb]) & ((1 << [dict get $f width]) - 1)}
}

bj::cmd bj::field_value {path name} {PERIPH.REG.FIELD NAME} \
	{a named value of a register field, in place in the register (e.g. RCC.CFGR.SW HSI16)} {
	set f [bj::reg $path]
	expr {[dict get $f values $name] << [dict get $f lsb]}
}

bj::cmd bj::field_mask {path} {PERIPH.REG.FIELD} {the mask of a register field, in place in the register} {
	set f [bj::reg $path]
	expr {((1 << [dict get $f width]) - 1) << [dict get $f lsb]}
}

bj::cmd bj::reg_name {addr} {address} {the PERIPH.REG name of a register address of the current part, or ""} {
	dict for {path value} [dict get $::bootjump_regs [bj::need_part]] {
		if {[llength $value] == 1 && [llength [split $path .]] == 2 && $value == $addr} {
			return $path
		}
	}
	return ""
}

bj::cmd bj::region {addr} {address} \
	{the part database's name of the memory region holding an address (as parts.Part.region_of)} {
	foreach r [bj::ocd regions] {
		lassign $r name lo hi
		if {$addr >= $lo && $addr < $hi} {
			return $name
		}
	}
	return unmapped
}

bj::cmd bj::poll_until {condition timeout_ms what} {condition timeout_ms what} \
	{evaluate condition (in the caller) every millisecond until it holds; after timeout_ms an error says what did not happen} {
	set deadline [expr {[clock milliseconds] + $timeout_ms}]
	while {![uplevel 1 [list expr $condition]]} {
		if {[clock milliseconds] >= $deadline} {
			error "bootjump: $what did not happen within $timeout_ms ms"
		}
		sleep 1
	}
}
