# When the TCL tracer stops: the rules of `bootjump trace` (gdb/bjgdb/lib/stops.py), evaluated
# after every step from that step and what came before, so both tracers end a trace at the same
# step with the same exit class (traces/README.md):
#   reset       the core is back at the reset vector with LR = 0xFFFFFFFF, no instruction explains it;
#   fault       an exception was entered (IPSR became non-zero, LR an EXC_RETURN) or the core locked up;
#   user-flash  the PC is in user flash (or the boot alias showing it) after running in the ROM;
#   idle        the same short loop repeats, reading the same values from the same peripheral registers;
#   limit       the step limit.

namespace eval bj::stops {
	# The reset LR (TakeReset), the EXC_RETURN values, xPSR's exception field, the exception
	# numbers and names, the stacked PC's place in the exception frame and DHCSR.S_LOCKUP come from the part
	# database ($bootjump_core, build/gen/bj_openocd.tcl), as the GDB tracer takes them
	# (gdb/bjgdb/lib/cortexm.py).
	# The idle detector's bounds (stops.py): loops of 2..64 instructions, 16 identical iterations.
	variable MIN_PERIOD 2
	variable MAX_PERIOD 64
	variable ITERATIONS 16
	variable state {}
}

bj::cmd bj::stops::start {until max_steps} {until max_steps} {reset the stop rules for a new trace} {
	variable state
	set state [dict create until $until max $max_steps steps 0 rom_steps 0 history {} \
		match [lrepeat [expr {$::bj::stops::MAX_PERIOD + 1}] 0] found {}]
}

bj::cmd bj::stops::steps {} {} {the number of steps the rules have seen} {
	dict get $::bj::stops::state steps
}

bj::cmd bj::stops::ipsr {xpsr} {xpsr} {the exception number in xPSR (its EXCEPTION field, from the part database)} {
	set f [dict get $::bootjump_core xpsr_exception]
	expr {($xpsr >> [dict get $f lsb]) & ((1 << [dict get $f width]) - 1)}
}

bj::cmd bj::stops::is_exc_return {value} {value} {whether a value is one of the architectures' EXC_RETURN values} {
	foreach v [dict get $::bootjump_core exc_returns] {
		if {$value == $v} {
			return 1
		}
	}
	return 0
}

bj::cmd bj::stops::exception_name {number} {number} {an exception's name as ARM spells it (IRQ n from the first IRQ on)} {
	set irq0 [dict get $::bootjump_core irq0]
	if {$number >= $irq0} {
		return "IRQ [expr {$number - $irq0}]"
	}
	dict for {n name} [dict get $::bootjump_core exceptions] {
		if {$n == $number} {
			return $name
		}
	}
	return "exception $number"
}

bj::cmd bj::stops::alias_is_flash {pc} {address} \
	{whether the boot alias at 0 shows user flash at pc: its bytes equal flash's and not system memory's} {
	set here [bj::bytes $pc 16]
	expr {$here eq [bj::bytes [expr {[bj::fact flash_base] + $pc}] 16] &&
		$here ne [bj::bytes [expr {[bj::fact sysmem_base] + $pc}] 16]}
}

bj::cmd bj::stops::idle {pc reads} {pc reads} \
	{feed one step to the idle detector; true once a loop of 2..64 steps has repeated 16 times with the same peripheral reads} {
	variable state
	set key [list $pc $reads]
	set h [dict get $state history]
	lappend h $key
	if {[llength $h] > 2 * $::bj::stops::MAX_PERIOD} {
		set h [lrange $h end-$::bj::stops::MAX_PERIOD end]
	}
	dict set state history $h
	set n [llength $h]
	set match [dict get $state match]
	set fired 0
	for {set p $::bj::stops::MIN_PERIOD} {$p <= $::bj::stops::MAX_PERIOD} {incr p} {
		lset match $p [expr {$n > $p && [lindex $h end-$p] eq $key ? [lindex $match $p] + 1 : 0}]
		if {!$fired && [lindex $match $p] >= ($::bj::stops::ITERATIONS - 1) * $p} {
			set body [lrange $h end-[expr {$p - 1}] end]
			set all {}
			set pcs {}
			foreach b $body {
				lappend pcs [lindex $b 0]
				lappend all {*}[lindex $b 1]
			}
			if {[llength $all]} {
				set pcs [lsort -integer $pcs]
				dict set state found [list $p [lindex $pcs 0] [lindex $pcs end] $all]
				set fired 1
			}
		}
	}
	dict set state match $match
	return $fired
}

bj::cmd bj::stops::after {step} {step} \
	{the stop this step causes, as {exit reason fault}, or ""; step holds pc, bytes, text, pre, post and mem} {
	variable state
	dict incr state steps
	set pc [dict get $step pc]
	if {[bj::region $pc] eq "system_memory"} {
		dict incr state rom_steps
	}
	set until [dict get $state until]
	set post [dict get $step post]
	foreach rule {reset fault} {
		if {$rule in $until} {
			set stop [bj::stops::$rule $step]
			if {$stop ne ""} {
				return $stop
			}
		}
	}
	set new_pc [dict get $post pc]
	set region [bj::region $new_pc]
	if {"user-flash" in $until && [dict get $state rom_steps] &&
	    ($region eq "flash" || ($region eq "flash-alias" && [bj::stops::alias_is_flash $new_pc]))} {
		return [list user-flash [format "PC %s is in user flash after %d steps (%d of them in the ROM)" \
			[bj::hex $new_pc] [dict get $state steps] [dict get $state rom_steps]] {}]
	}
	if {"idle" in $until} {
		set reads {}
		foreach a [dict get $step mem] {
			if {[dict get $a op] eq "r" && [bj::region [dict get $a addr]] eq "peripheral"} {
				lappend reads [list [dict get $a addr] [dict get $a size] [dict get $a value]]
			}
		}
		if {[bj::stops::idle $pc $reads]} {
			return [bj::stops::idle_stop]
		}
	}
	if {[dict get $state steps] >= [dict get $state max]} {
		return [list limit "stopped at the step limit ([dict get $state max] steps)" {}]
	}
	return ""
}

bj::cmd bj::stops::idle_stop {} {} {the bootloader-idle stop, naming the registers the loop polls} {
	lassign [dict get $::bj::stops::state found] period lo hi reads
	set polled {}
	foreach r $reads {
		lassign $r addr size value
		set name [bj::reg_name $addr]
		set text "[expr {$name eq {} ? [bj::hex $addr] : $name}] = [format 0x%x $value]"
		if {$text ni $polled} {
			lappend polled $text
		}
	}
	list bootloader-idle [format "a %d-instruction loop at %s..%s repeated %d times reading %s each time" \
		$period [bj::hex $lo] [bj::hex $hi] $::bj::stops::ITERATIONS [join $polled {, }]] {}
}

bj::cmd bj::stops::reset {step} {step} {the reset stop, when the step ended at the reset vector with LR = 0xFFFFFFFF} {
	set pre [dict get $step pre]
	set post [dict get $step post]
	set reset_lr [dict get $::bootjump_core reset_lr]
	if {[bj::stops::ipsr [dict get $post xpsr]] != 0 || [dict get $post lr] != $reset_lr} {
		return ""
	}
	set pc [dict get $step pc]
	if {[dict get $post pc] == (($pc + [llength [dict get $step bytes]]) & 0xffffffff)} {
		return ""
	}
	# The core restarts at the reset vector of whatever the boot alias at 0 shows.
	if {[dict get $post pc] != ([bj::u32 [dict get $::bootjump_core reset_vector]] & ~1)} {
		return ""
	}
	if {[bj::thumb::writes_pc [dict get $step bytes]] && [dict get $pre lr] == $reset_lr} {
		return ""
	}
	list reset [format "the target reset during step %d (%s %s): PC %s is the reset vector with LR = 0xffffffff" \
		[expr {[bj::stops::steps] - 1}] [bj::hex $pc] [dict get $step text] [bj::hex [dict get $post pc]]] {}
}

bj::cmd bj::stops::fault {step} {step} {the fault stop, when the step entered an exception or the core locked up} {
	set pre [dict get $step pre]
	set post [dict get $step post]
	set before [bj::stops::ipsr [dict get $pre xpsr]]
	set after [bj::stops::ipsr [dict get $post xpsr]]
	set entered [expr {$after != 0 && $after != $before && [bj::stops::is_exc_return [dict get $post lr]]}]
	set region [bj::region [dict get $post pc]]
	if {!$entered && $region ni {unmapped core-peripheral}} {
		return ""
	}
	set lockup [expr {([bj::u32 [dict get $::bootjump_core dhcsr]] & [dict get $::bootjump_core dhcsr_s_lockup]) != 0}]
	if {!$entered && !$lockup} {
		return ""
	}
	set pc [dict get $step pc]
	set fault_pc $pc
	if {$entered && !$lockup} {
		set fault_pc [bj::u32 [expr {([dict get $post sp] + [dict get $::bootjump_core stacked_pc]) & 0xffffffff}]]
	}
	set name [bj::stops::exception_name $after]
	set what [format "step %d (%s %s)" [expr {[bj::stops::steps] - 1}] [bj::hex $pc] [dict get $step text]]
	if {$lockup} {
		set text "the core locked up at $what"
	} else {
		set text [format "%s (IPSR %d) was taken at %s; the stacked PC is %s" $name $after $what [bj::hex $fault_pc]]
	}
	list fault $text [list pc $fault_pc ipsr $after lockup $lockup]
}
