# bootjump_trace: single-step through the ROM bootloader inside OpenOCD and write the trace format
# of `bootjump trace` (traces/README.md), target kind "openocd-tcl", without GDB.
#
# Each step records what the GDB tracer records: pc, region, bytes, insn (capstone's text through
# OpenOCD's `arm disassemble`; MRS/MSR from lib/thumb.tcl, which plain-Thumb capstone cannot show),
# the registers that changed, and every data access with its value, decoded from the instruction's
# bits (lib/thumb.tcl) by the same rules as gdb/bjgdb/lib/accesses.py. The stops are those of
# lib/stops.tcl. The header has the probe's record when it is there (read without setting the backup
# registers' unlock bits, as the GDB tracer reads it), and no firmware or preflight (null).

namespace eval bj::trace {
	# DEMCR's HardFault vector catch (DDI0403 C1.6.5; address and bit from $bootjump_core) is set
	# while running to the ROM entry, so a jump that faults first stops the core whatever vector
	# table is in force.
	# Memory that reads without side effects: a load into the PC is read from there before the step.
	variable READABLE {flash flash-alias sram system_memory option_bytes eeprom}
	variable text_cache {}
	# The registers after the last step (before the next one).
	variable now {}
	variable rom {}
}

bj::cmd bj::trace::reg_names {} {} {the registers a trace records on the current part's core, in the trace's order} {
	set names {r0 r1 r2 r3 r4 r5 r6 r7 r8 r9 r10 r11 r12 sp lr pc xpsr msp psp primask}
	if {[bj::fact core] in {cortex-m3 cortex-m4}} {
		lappend names basepri faultmask
	}
	lappend names control
}

bj::cmd bj::trace::regs {{force ""}} {[-force]} \
	{the tracked registers as a dict of integers (OpenOCD's xPSR is the trace's xpsr); -force reads them from the target} {
	set names [bj::trace::reg_names]
	set ocd [lmap n $names {expr {$n eq "xpsr" ? "xPSR" : $n}}]
	set got [get_reg {*}$force $ocd]
	set out {}
	foreach n $names o $ocd {
		dict set out $n [expr {[dict get $got $o] & 0xffffffff}]
	}
	return $out
}

bj::cmd bj::trace::fetch {pc} {pc} {the bytes of the instruction at pc (from the ROM image read once, else from the target)} {
	variable rom
	set base [bj::fact sysmem_base]
	set off [expr {$pc - $base}]
	if {$off >= 0 && $off + 4 <= [llength $rom]} {
		set first [lrange $rom $off [expr {$off + 1}]]
		set more [lrange $rom [expr {$off + 2}] [expr {$off + 3}]]
	} else {
		set first [read_memory $pc 8 2]
		set more {}
	}
	if {[bj::thumb::size [expr {[lindex $first 0] | ([lindex $first 1] << 8)}]] == 2} {
		return $first
	}
	if {![llength $more]} {
		set more [read_memory [expr {$pc + 2}] 8 2]
	}
	concat $first $more
}

bj::cmd bj::trace::text {pc bytes} {pc byte_list} {capstone's text for the instruction at pc: "mnemonic operands"} {
	variable text_cache
	set key [list $pc $bytes]
	if {[dict exists $text_cache $key]} {
		return [dict get $text_cache $key]
	}
	set text [bj::thumb::special_text $bytes]
	if {$text eq ""} {
		# "0x1ff00388  b510<TAB>push<TAB>{r4, lr}"
		set fields [split [string trim [capture [list arm disassemble $pc 1 thumb]]] "\t"]
		set text [string trim [join [lrange $fields 1 end] " "]]
		if {$text eq "" || [string match .* $text]} {
			error "capstone cannot decode [bj::trace::hexbytes $bytes] at [bj::hex $pc] as a Thumb instruction"
		}
	}
	dict set text_cache $key $text
	return $text
}

bj::cmd bj::trace::hexbytes {bytes} {byte_list} {bytes as hex digits in memory order} {
	join [lmap b $bytes {format %02x $b}] ""
}

bj::cmd bj::trace::readable {addr} {address} {whether memory at addr may be read without side effects} {
	expr {[bj::region $addr] in $::bj::trace::READABLE}
}

bj::cmd bj::trace::read_value {addr size} {address size} {a little-endian value of size bytes from target memory} {
	set v 0
	set i 0
	foreach b [read_memory $addr 8 $size] {
		set v [expr {$v | ($b << (8 * $i))}]
		incr i
	}
	return $v
}

bj::cmd bj::trace::abandoned {pc pre post} {pc pre post} \
	{true when the step entered an exception whose frame returns to this very instruction: it made no data access} {
	set after [bj::stops::ipsr [dict get $post xpsr]]
	if {$after == 0 || $after == [bj::stops::ipsr [dict get $pre xpsr]] || ![bj::stops::is_exc_return [dict get $post lr]]} {
		return 0
	}
	set frame [expr {([dict get $post sp] + [dict get $::bootjump_core stacked_pc]) & 0xffffffff}]
	expr {[bj::trace::readable $frame] && ([bj::u32 $frame] & ~1) == $pc}
}

bj::cmd bj::trace::take_step {} {} \
	{one step: the instruction, the registers before and after it and its data accesses, as a dict (bytes empty when the PC could not be fetched)} {
	set pre $::bj::trace::now
	set pc [expr {[dict get $pre pc] & ~1}]
	if {[catch {bj::trace::fetch $pc} bytes]} {
		set bytes {}
		set text ""
		set planned {}
	} else {
		set text [bj::trace::text $pc $bytes]
		if {[catch {bj::thumb::plan $bytes $pc $pre} planned]} {
			error "cannot record the memory accesses of the step at [bj::hex $pc]: $planned"
		}
	}
	set before {}
	foreach a $planned {
		if {[dict get $a src] eq "mem" && [bj::trace::readable [dict get $a addr]]} {
			dict set before [dict get $a addr] [bj::trace::read_value [dict get $a addr] [dict get $a size]]
		}
	}
	step
	set post [bj::trace::regs]
	set ::bj::trace::now $post
	set mem {}
	if {![bj::trace::abandoned $pc $pre $post]} {
		foreach a $planned {
			if {[dict exists $a when] && [dict get $post [dict get $a when]] != 0} {
				continue  ;# STREX reported failure: nothing was stored
			}
			lassign [dict get $a src] kind reg
			switch -- $kind {
				pre { set value [dict get $pre $reg] }
				post { set value [dict get $post $reg] }
				mem {
					# A load into the PC from a peripheral (never seen in a ROM): what reached the PC.
					set addr [dict get $a addr]
					set value [expr {[dict exists $before $addr] ? [dict get $before $addr] : [dict get $post pc] | 1}]
				}
				table { set value [expr {(([dict get $post pc] - ($reg + 4)) & 0xffffffff) >> 1}] }
			}
			dict set a value [expr {$value & ((1 << (8 * [dict get $a size])) - 1)}]
			lappend mem $a
		}
	}
	dict create pc $pc bytes $bytes text $text pre $pre post $post mem $mem
}

bj::cmd bj::trace::regs_json {regs {names *}} {regs [names]} \
	{registers as a JSON object of hex strings in the trace's order: all of them, or only those named} {
	set items {}
	foreach n [bj::trace::reg_names] {
		if {[dict exists $regs $n] && ($names eq "*" || $n in $names)} {
			lappend items $n [bj::jstr [bj::hex [dict get $regs $n]]]
		}
	}
	bj::jobj {*}$items
}

bj::cmd bj::trace::step_json {i step} {index step} {a step record of the trace format} {
	set pre [dict get $step pre]
	set post [dict get $step post]
	set changed {}
	dict for {n v} $post {
		if {$n ne "pc" && [dict get $pre $n] != $v} {
			lappend changed $n
		}
	}
	set mem {}
	foreach a [dict get $step mem] {
		set size [dict get $a size]
		lappend mem [bj::jobj op [bj::jstr [dict get $a op]] addr [bj::jstr [bj::hex [dict get $a addr]]] \
			size $size value [bj::jstr [bj::hexw [dict get $a value] $size]]]
	}
	bj::jobj type [bj::jstr step] i $i pc [bj::jstr [bj::hex [dict get $step pc]]] \
		region [bj::jstr [bj::region [dict get $step pc]]] bytes [bj::jstr [bj::trace::hexbytes [dict get $step bytes]]] \
		insn [bj::jstr [dict get $step text]] regs [bj::trace::regs_json $post $changed] mem [bj::jlist $mem]
}

bj::cmd bj::trace::checkpoints_json {} {} \
	{the probe's record for the trace header, as the GDB tracer writes it (source, record, ram_record, ring, facts), read without changing the target; null when no record is there} {
	set found [bj::record_read 0]
	set record [dict get $found record]
	if {[dict get $record magic] != [dict get $::bj_record magic]} {
		return null
	}
	set fields {}
	foreach {key value} [dict get $found record] {
		lappend fields $key $value
	}
	set ram {}
	foreach {key value} [dict get $found ram_record] {
		lappend ram $key $value
	}
	set ring {}
	foreach e [bj::ring_entries] {
		set obj {}
		foreach key {seq boots recipe step causes} {
			lappend obj $key [dict get $e $key]
		}
		lappend obj recipe_name [bj::jstr [dict get $e recipe_name]] step_name [bj::jstr [dict get $e step_name]] \
			cause_names [bj::jlist [lmap c [dict get $e cause_names] {bj::jstr $c}]]
		lappend ring [bj::jobj {*}$obj]
	}
	set facts {}
	foreach {key value} [bj::record_facts $record] {
		lappend facts $key [bj::jstr $value]
	}
	bj::jobj source [bj::jstr [dict get $found source]] record [bj::jobj {*}$fields] \
		ram_record [bj::jobj {*}$ram] ring [bj::jlist $ring] facts [bj::jobj {*}$facts]
}

bj::cmd bj::trace::header_json {from} {rom-entry|here} {the header record of a trace from the current state} {
	set regs $::bj::trace::now
	set ob [bj::ocd option_bytes]
	set words [bj::words [dict get $ob base] [expr {[dict get $ob size] / 4}]]
	bj::jobj type [bj::jstr header] schema [bj::jstr bootjump-trace/1] part [bj::jstr $::bj::part] \
		dev_id [bj::jstr [format 0x%03x $::bj::dev_id]] \
		rev_id [expr {$::bj::rev_id eq "" ? "null" : [bj::jstr [format 0x%04x $::bj::rev_id]]}] \
		target [bj::jobj kind [bj::jstr openocd-tcl]] \
		tools [bj::jobj openocd [bj::jstr [version]]] \
		start [bj::jobj from [bj::jstr $from] pc [bj::jstr [bj::hex [dict get $regs pc]]]] \
		registers [bj::trace::regs_json $regs] \
		rom [bj::jobj base [bj::jstr [bj::hex [bj::fact sysmem_base]]] size [llength $::bj::trace::rom] \
			sha256 [bj::jstr [bj::sha256::hex $::bj::trace::rom]]] \
		firmware null flash_word0 [bj::jstr [bj::hex [bj::u32 [bj::fact flash_base]]]] \
		option_bytes [bj::jobj base [bj::jstr [bj::hex [dict get $ob base]]] words [bj::jlist [lmap w $words {bj::jstr [bj::hex $w]}]]] \
		checkpoints [bj::trace::checkpoints_json] preflight null \
		created [bj::jstr [clock format [clock seconds] -format %Y-%m-%dT%H:%M:%SZ -gmt 1]]
}

bj::cmd bj::trace::to_rom_entry {timeout_s} {seconds} \
	{run to the ROM's entry (a hardware breakpoint on the reset vector in system memory); an error says where the target stopped instead} {
	set entry [expr {[bj::u32 [expr {[bj::fact sysmem_base] + [dict get $::bootjump_core reset_vector]}]] & ~1}]
	set DEMCR [dict get $::bootjump_core demcr]
	set demcr [bj::u32 $DEMCR]
	bp $entry 2 hw
	mmw $DEMCR [dict get $::bootjump_core demcr_vc_harderr] 0 ;# DEMCR |= VC_HARDERR
	resume
	set reached [expr {![catch {wait_halt [expr {int($timeout_s * 1000)}]}]}]
	if {!$reached} {
		halt
	}
	rbp $entry
	mww $DEMCR $demcr ;# DEMCR = its value before the run
	set regs [bj::trace::regs]
	set pc [dict get $regs pc]
	if {$pc == $entry} {
		return
	}
	if {!$reached} {
		error "the ROM entry [bj::hex $entry] was not reached within $timeout_s s (the target was stopped at PC [bj::hex $pc], [bj::region $pc]): is the jump armed? -from here traces from where it is"
	}
	if {[bj::stops::ipsr [dict get $regs xpsr]] == [dict get $::bootjump_core hardfault]} {
		error "the target took a HardFault before it reached the ROM entry [bj::hex $entry] (stopped at PC [bj::hex $pc]): trace the jump with -from here, stopped at the branch"
	}
	error "the target stopped at PC [bj::hex $pc] ([bj::region $pc]), not at the ROM entry [bj::hex $entry]"
}

bj::cmd bootjump_trace {file args} {FILE [-from rom-entry|here] [-until user-flash,idle,fault,reset] [-max-steps N] [-timeout S]} \
	{single-step through the ROM bootloader and write a trace (traces/README.md, target kind openocd-tcl) to FILE, without GDB} {
	set from rom-entry
	set until {user-flash idle fault reset}
	set max_steps 100000
	set timeout 30
	foreach {opt value} $args {
		switch -- $opt {
			-from {
				if {$value ni {rom-entry here}} {
					error "bootjump_trace: -from is rom-entry or here, not $value"
				}
				set from $value
			}
			-until {
				set until [split $value ,]
				foreach u $until {
					if {$u ni {user-flash idle fault reset}} {
						error "bootjump_trace: unknown -until condition $u; choose from user-flash,idle,fault,reset"
					}
				}
			}
			-max-steps {
				if {![string is integer -strict $value] || $value < 1} {
					error "bootjump_trace: -max-steps needs a number of at least 1"
				}
				set max_steps $value
			}
			-timeout {
				if {![string is double -strict $value] || $value <= 0} {
					error "bootjump_trace: -timeout needs a number of seconds"
				}
				set timeout $value
			}
			default {
				error "bootjump_trace: unknown option $opt (usage: [capture {usage bootjump_trace}])"
			}
		}
	}
	if {$::bj::part eq ""} {
		set ::bj::part [bj::identify]
	}
	if {[[target current] curstate] ne "halted"} {
		halt
	}
	# OpenOCD's register cache may predate the halt (a core found halted at examine is never
	# read): its `step` would put the temporary breakpoint at a stale PC.
	bj::trace::regs -force
	if {$from eq "rom-entry"} {
		bj::trace::to_rom_entry $timeout
	}
	set ::bj::trace::rom [bj::rom_bytes]
	set ::bj::trace::now [bj::trace::regs]
	set fh [open $file w]
	puts $fh [bj::trace::header_json $from]
	flush $fh
	bj::stops::start $until $max_steps
	set written 0
	set next_progress [expr {[clock milliseconds] + 1000}]
	set failed [catch {
		while 1 {
			set s [bj::trace::take_step]
			set stop [bj::stops::after $s]
			if {[llength [dict get $s bytes]]} {
				puts $fh [bj::trace::step_json $written $s]
				flush $fh
				incr written
			} elseif {$stop eq ""} {
				error "the PC [bj::hex [dict get $s pc]] points at memory the debugger cannot read, and stepping there did not fault"
			}
			if {$stop ne ""} {
				break
			}
			if {[clock milliseconds] >= $next_progress} {
				set next_progress [expr {[clock milliseconds] + 1000}]
				echo "bootjump_trace: $written steps, PC [bj::hex [dict get $::bj::trace::now pc]] ([bj::region [dict get $::bj::trace::now pc]])"
			}
		}
	} message]
	if {$failed} {
		close $fh
		error "bootjump_trace stopped after $written steps: $message; $file holds the steps so far (no end record)"
	}
	lassign $stop exit reason fault
	set regs $::bj::trace::now
	set items [list type [bj::jstr end] exit [bj::jstr $exit] steps $written reason [bj::jstr $reason] \
		pc [bj::jstr [bj::hex [dict get $regs pc]]] registers [bj::trace::regs_json $regs]]
	if {$fault ne ""} {
		lappend items fault [bj::jobj pc [bj::jstr [bj::hex [dict get $fault pc]]] ipsr [dict get $fault ipsr] \
			lockup [expr {[dict get $fault lockup] ? "true" : "false"}]]
	}
	puts $fh [bj::jobj {*}$items]
	close $fh
	echo "bootjump_trace: $exit after $written steps: $reason"
	echo "trace written to $file"
	return $exit
}
