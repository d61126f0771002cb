# The Thumb instructions as the TCL tracer needs them, decoded from their bits: the size of an
# instruction, the data accesses it makes (so a trace step lists them without GDB and capstone),
# whether it can write the PC, and the text of the M-profile MRS/MSR, which OpenOCD's
# `arm disassemble` (capstone in plain Thumb mode) cannot show.
#
# Encodings: ARMv7-M ARM (DDI0403E) A5.2 (16-bit), A5.3.5 (load/store multiple), A5.3.6 (load/store
# dual, exclusive, table branch), A5.3.7-A5.3.10 (single loads and stores), B5.2 (MRS, MSR); the
# ARMv6-M set is the subset in DDI0419. The rules for the values are those of gdb/bjgdb/lib/accesses.py:
# addresses from the registers before the step, a store's value from the registers before it, a
# load's value from its destination register after it; a load into the PC is read from memory
# before the step, and TBB/TBH's entry is recovered from where the PC went.

namespace eval bj::thumb {
	# Register numbers as the architecture counts them: the order of LDM/STM register lists.
	variable names {r0 r1 r2 r3 r4 r5 r6 r7 r8 r9 r10 r11 r12 sp lr pc}
	# ...and as capstone prints them (r9-r12 have their APCS names), for the MRS/MSR text.
	variable cs_names {r0 r1 r2 r3 r4 r5 r6 r7 r8 sb sl fp ip sp lr pc}
	# B5.1.1 Table B5-1: SYSm values of the special registers, with capstone's names for them.
	variable sysm {0 apsr 1 iapsr 2 eapsr 3 xpsr 5 ipsr 6 epsr 7 iepsr 8 msp 9 psp 16 primask
		17 basepri 18 basepri_max 19 faultmask 20 control}
}

bj::cmd bj::thumb::size {hw1} {halfword} {2 or 4: the size of the Thumb instruction whose first halfword is given (A5.1)} {
	expr {($hw1 >> 11) >= 0x1d ? 4 : 2}
}

bj::cmd bj::thumb::reg {n} {number} {the trace's name of register number n} {
	lindex $::bj::thumb::names $n
}

bj::cmd bj::thumb::access {op addr size src} {r|w address size source} \
	{one planned access; source is {pre REG}, {post REG}, {mem} or {table INSN_ADDRESS}} {
	list op $op addr [expr {$addr & 0xffffffff}] size $size src $src
}

bj::cmd bj::thumb::single {load rt addr size} {load rt address size} {the access of a single load or store} {
	set r [bj::thumb::reg $rt]
	if {$load} {
		return [list [bj::thumb::access r $addr $size [expr {$r eq "pc" ? {mem} : [list post $r]}]]]
	}
	return [list [bj::thumb::access w $addr $size [list pre $r]]]
}

bj::cmd bj::thumb::multiple {load start reglist} {load start reglist} \
	{the accesses of a load or store multiple: one word per register of the list, lowest at the lowest address} {
	set out {}
	set addr $start
	for {set n 0} {$n < 16} {incr n} {
		if {$reglist & (1 << $n)} {
			lappend out {*}[bj::thumb::single $load $n $addr 4]
			incr addr 4
		}
	}
	return $out
}

bj::cmd bj::thumb::count {reglist} {reglist} {the number of registers in a register list} {
	set n 0
	for {set b 0} {$b < 16} {incr b} {
		incr n [expr {($reglist >> $b) & 1}]
	}
	return $n
}

bj::cmd bj::thumb::it_skipped {xpsr} {xpsr} \
	{true when ITSTATE makes the current instruction a no-op (its condition fails): A7.3.1, B1.4.2} {
	set it [expr {((($xpsr >> 10) & 0x3f) << 2) | (($xpsr >> 25) & 0x3)}]
	if {($it & 0xf) == 0} {
		return 0
	}
	set cond [expr {$it >> 4}]
	set n [expr {($xpsr >> 31) & 1}]
	set z [expr {($xpsr >> 30) & 1}]
	set c [expr {($xpsr >> 29) & 1}]
	set v [expr {($xpsr >> 28) & 1}]
	set base [lindex [list [expr {$z}] [expr {$c}] [expr {$n}] [expr {$v}] [expr {$c && !$z}] \
		[expr {$n == $v}] [expr {$n == $v && !$z}] 1] [expr {$cond >> 1}]]
	set passed [expr {($cond & 1) && $cond != 0xf ? !$base : $base}]
	return [expr {!$passed}]
}

bj::cmd bj::thumb::plan16 {hw pc regs} {halfword pc regs} {the data accesses of a 16-bit instruction (A5.2), given the registers before it} {
	set rt [expr {$hw & 7}]
	set rn [expr {($hw >> 3) & 7}]
	set imm5 [expr {($hw >> 6) & 0x1f}]
	set L [expr {($hw >> 11) & 1}]
	if {($hw & 0xf800) == 0x4800} {
		# LDR (literal): Align(PC, 4) + imm8 * 4
		set addr [expr {(($pc + 4) & ~3) + ($hw & 0xff) * 4}]
		return [bj::thumb::single 1 [expr {($hw >> 8) & 7}] $addr 4]
	}
	if {($hw & 0xf000) == 0x5000} {
		# Register offset: STR STRH STRB LDRSB LDR LDRH LDRB LDRSH
		set op [expr {($hw >> 9) & 7}]
		set addr [expr {[dict get $regs [bj::thumb::reg $rn]] + [dict get $regs [bj::thumb::reg [expr {($hw >> 6) & 7}]]]}]
		return [bj::thumb::single [expr {$op >= 3}] $rt $addr [lindex {4 2 1 1 4 2 1 2} $op]]
	}
	if {($hw & 0xe000) == 0x6000} {
		# STR/LDR (imm5 * 4), STRB/LDRB (imm5)
		set size [expr {($hw >> 12) & 1 ? 1 : 4}]
		return [bj::thumb::single $L $rt [expr {[dict get $regs [bj::thumb::reg $rn]] + $imm5 * $size}] $size]
	}
	if {($hw & 0xf000) == 0x8000} {
		# STRH/LDRH (imm5 * 2)
		return [bj::thumb::single $L $rt [expr {[dict get $regs [bj::thumb::reg $rn]] + $imm5 * 2}] 2]
	}
	if {($hw & 0xf000) == 0x9000} {
		# STR/LDR SP-relative (imm8 * 4)
		return [bj::thumb::single $L [expr {($hw >> 8) & 7}] [expr {[dict get $regs sp] + ($hw & 0xff) * 4}] 4]
	}
	if {($hw & 0xfe00) == 0xb400} {
		# PUSH {reglist, LR}: stores below SP, lowest register at the lowest address
		set list [expr {($hw & 0xff) | (($hw >> 8) & 1) << 14}]
		return [bj::thumb::multiple 0 [expr {[dict get $regs sp] - 4 * [bj::thumb::count $list]}] $list]
	}
	if {($hw & 0xfe00) == 0xbc00} {
		# POP {reglist, PC}
		set list [expr {($hw & 0xff) | (($hw >> 8) & 1) << 15}]
		return [bj::thumb::multiple 1 [dict get $regs sp] $list]
	}
	if {($hw & 0xf000) == 0xc000} {
		# STM/LDM Rn!, {reglist}
		return [bj::thumb::multiple $L [dict get $regs [bj::thumb::reg [expr {($hw >> 8) & 7}]]] [expr {$hw & 0xff}]]
	}
	return {}
}

bj::cmd bj::thumb::plan32 {hw1 hw2 pc regs} {halfword1 halfword2 pc regs} \
	{the data accesses of a 32-bit instruction (A5.3), given the registers before it; an error for transfers that are not modelled} {
	set rn [expr {$hw1 & 0xf}]
	set rt [expr {$hw2 >> 12}]
	set base [expr {$rn == 15 ? (($pc + 4) & ~3) : [dict get $regs [bj::thumb::reg $rn]]}]
	if {($hw1 & 0xfe00) == 0xf800} {
		# Single loads and stores (A5.3.7-A5.3.10): S hw1[8], size hw1[6:5], L hw1[4].
		set size [expr {($hw1 >> 5) & 3}]
		set load [expr {($hw1 >> 4) & 1}]
		if {$size == 3 || (($hw1 >> 8) & 1 && !$load)} {
			return {}  ;# UNDEFINED: the core faults, no access
		}
		if {$load && $rt == 15 && $size < 2 && ($rn == 15 || (($hw1 >> 7) & 1) ||
		    (($hw2 >> 6) & 0x3f) == 0 || (($hw2 >> 8) & 0xf) == 0xc)} {
			return {}  ;# PLD, PLI and the unallocated hints (A5.3.7, A5.3.8): the core does not wait for them
		}
		if {$rn == 15} {
			set off [expr {$hw2 & 0xfff}]
			set addr [expr {($hw1 >> 7) & 1 ? $base + $off : $base - $off}]
		} elseif {($hw1 >> 7) & 1} {
			set addr [expr {$base + ($hw2 & 0xfff)}]
		} elseif {($hw2 >> 11) & 1} {
			# imm8 with P, U, W: post-indexed forms (P = 0) access the unmodified base.
			set off [expr {($hw2 >> 9) & 1 ? ($hw2 & 0xff) : -($hw2 & 0xff)}]
			set addr [expr {($hw2 >> 10) & 1 ? $base + $off : $base}]
		} elseif {(($hw2 >> 6) & 0x3f) == 0} {
			set addr [expr {$base + ([dict get $regs [bj::thumb::reg [expr {$hw2 & 0xf}]]] << (($hw2 >> 4) & 3))}]
		} else {
			return {}
		}
		return [bj::thumb::single $load $rt $addr [expr {1 << $size}]]
	}
	if {($hw1 & 0xfe40) == 0xe840} {
		# Load/store dual, exclusive, table branch (A5.3.6): op1 = P:U = hw1[8:7], op2 = W:L = hw1[5:4].
		set op1 [expr {($hw1 >> 7) & 3}]
		set op2 [expr {($hw1 >> 4) & 3}]
		set op3 [expr {($hw2 >> 4) & 0xf}]
		if {$op1 == 0 && $op2 == 0} {
			# STREX Rd, Rt, [Rn, #imm8*4]: stores only when it reports success (Rd = 0)
			set a [bj::thumb::access w [expr {$base + ($hw2 & 0xff) * 4}] 4 [list pre [bj::thumb::reg $rt]]]
			return [list [dict replace $a when [bj::thumb::reg [expr {($hw2 >> 8) & 0xf}]]]]
		}
		if {$op1 == 0 && $op2 == 1} {
			return [bj::thumb::single 1 $rt [expr {$base + ($hw2 & 0xff) * 4}] 4]  ;# LDREX
		}
		if {$op1 == 1 && $op2 == 0 && ($op3 == 4 || $op3 == 5)} {
			# STREXB, STREXH Rd, Rt, [Rn]
			set a [bj::thumb::access w $base [expr {$op3 == 4 ? 1 : 2}] [list pre [bj::thumb::reg $rt]]]
			return [list [dict replace $a when [bj::thumb::reg [expr {$hw2 & 0xf}]]]]
		}
		if {$op1 == 1 && $op2 == 1} {
			if {$op3 == 0 || $op3 == 1} {
				# TBB, TBH [Rn, Rm(, LSL #1)]: the PC reads as the instruction's address + 4, unaligned
				set tb [expr {$rn == 15 ? $pc + 4 : $base}]
				set size [expr {$op3 + 1}]
				set addr [expr {$tb + [dict get $regs [bj::thumb::reg [expr {$hw2 & 0xf}]]] * $size}]
				return [list [bj::thumb::access r $addr $size [list table $pc]]]
			}
			if {$op3 == 4 || $op3 == 5} {
				return [bj::thumb::single 1 $rt $base [expr {$op3 == 4 ? 1 : 2}]]  ;# LDREXB, LDREXH
			}
			return {}
		}
		if {$op1 >= 2 || $op2 >= 2} {
			# LDRD, STRD Rt, Rt2, [Rn, #+/-imm8*4] (P = hw1[8] offset/pre-indexed, else post-indexed)
			set off [expr {($hw1 >> 7) & 1 ? ($hw2 & 0xff) * 4 : -($hw2 & 0xff) * 4}]
			set addr [expr {($hw1 >> 8) & 1 ? $base + $off : $base}]
			set load [expr {$op2 & 1}]
			return [concat [bj::thumb::single $load $rt $addr 4] [bj::thumb::single $load [expr {($hw2 >> 8) & 0xf}] [expr {$addr + 4}] 4]]
		}
		return {}
	}
	if {($hw1 & 0xfe40) == 0xe800} {
		# LDM/STM (A5.3.5): op hw1[8:7] = 01 increment after, 10 decrement before.
		set op [expr {($hw1 >> 7) & 3}]
		set load [expr {($hw1 >> 4) & 1}]
		# Rn = PC is UNPREDICTABLE here: the register's value is taken as it is.
		set base [dict get $regs [bj::thumb::reg $rn]]
		if {$op == 1} {
			return [bj::thumb::multiple $load $base $hw2]
		}
		if {$op == 2} {
			return [bj::thumb::multiple $load [expr {$base - 4 * [bj::thumb::count $hw2]}] $hw2]
		}
		return {}
	}
	if {($hw1 & 0xee00) == 0xec00} {
		error "coprocessor and FPU transfers (VLDR, VSTR, VPUSH, LDC ...) are not modelled"
	}
	return {}
}

bj::cmd bj::thumb::plan {bytes pc regs} {byte_list pc regs} \
	{the planned data accesses of the instruction with these bytes at pc, given the registers before it} {
	if {[bj::thumb::it_skipped [dict get $regs xpsr]]} {
		return {}  ;# a conditional instruction of an IT block whose condition failed
	}
	lassign $bytes b0 b1 b2 b3
	set hw1 [expr {$b0 | ($b1 << 8)}]
	if {[llength $bytes] == 2} {
		return [bj::thumb::plan16 $hw1 $pc $regs]
	}
	return [bj::thumb::plan32 $hw1 [expr {$b2 | ($b3 << 8)}] $pc $regs]
}

bj::cmd bj::thumb::writes_pc {bytes} {byte_list} \
	{true when the instruction can put something other than the next address into the PC (branches, moves and loads to the PC)} {
	# A load into the PC (POP, LDR, LDM, LDRD) is the planned access whose value comes from memory.
	set regs [dict create xpsr 0x01000000]
	foreach r $::bj::thumb::names {
		dict set regs $r 0
	}
	foreach a [bj::thumb::plan $bytes 0 $regs] {
		if {[dict get $a src] eq "mem"} {
			return 1
		}
	}
	lassign $bytes b0 b1 b2 b3
	set hw [expr {$b0 | ($b1 << 8)}]
	if {[llength $bytes] == 2} {
		# B<cond> (0xde and 0xdf are UDF and SVC), B, BX/BLX, CBZ/CBNZ
		if {(($hw & 0xf000) == 0xd000 && ($hw & 0x0e00) != 0x0e00) || ($hw & 0xf800) == 0xe000 ||
		    ($hw & 0xff00) == 0x4700 || ($hw & 0xf500) == 0xb100} {
			return 1
		}
		# ADD or MOV (high registers) with the PC as destination (Rd = D:Rdn)
		return [expr {($hw & 0xfd00) == 0x4400 && ((($hw >> 4) & 8) | ($hw & 7)) == 15}]
	}
	set hw2 [expr {$b2 | ($b3 << 8)}]
	# B.W, BL (hw2[14] or hw2[12] set), B<cond>.W (a condition other than 0b111x); TBB, TBH
	return [expr {(($hw & 0xf800) == 0xf000 && ($hw2 & 0x8000) && (($hw2 & 0x5000) || ($hw & 0x0380) != 0x0380)) ||
		(($hw & 0xfff0) == 0xe8d0 && ($hw2 & 0xffe0) == 0xf000)}]
}

bj::cmd bj::thumb::special_text {bytes} {byte_list} \
	{capstone's M-profile text for MRS and MSR (B5.2.2, B5.2.3), or "" for any other instruction} {
	if {[llength $bytes] != 4} {
		return ""
	}
	lassign $bytes b0 b1 b2 b3
	set hw1 [expr {$b0 | ($b1 << 8)}]
	set hw2 [expr {$b2 | ($b3 << 8)}]
	set sysm [expr {$hw2 & 0xff}]
	if {![dict exists $::bj::thumb::sysm $sysm]} {
		return ""
	}
	set name [dict get $::bj::thumb::sysm $sysm]
	if {$hw1 == 0xf3ef && ($hw2 & 0xf000) == 0x8000} {
		return "mrs [lindex $::bj::thumb::cs_names [expr {($hw2 >> 8) & 0xf}]], $name"
	}
	if {($hw1 & 0xfff0) == 0xf380 && ($hw2 & 0xf300) == 0x8000} {
		if {$sysm < 4} {
			# The APSR mask: _g for the GE bits, _nzcvq for the flags (capstone prints mask 0 as _nzcvq)
			append name [lindex {_nzcvq _g _nzcvq _nzcvqg} [expr {($hw2 >> 10) & 3}]]
		}
		return "msr $name, [lindex $::bj::thumb::cs_names [expr {$hw1 & 0xf}]]"
	}
	return ""
}
