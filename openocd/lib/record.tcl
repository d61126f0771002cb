# The probe's checkpoint record (c_probe/README.md), decoded through build/gen/bj_record.tcl exactly
# as c_probe/record.py decodes it: the same facts, in the same words, from the backup registers (or
# the RAM copy on parts without enough of them), plus the RAM ring and the mailbox a debugger arms.

bj::cmd bj::cells_of {words width} {words width} {16-bit cells of backup-register words (one or two per word, low half first)} {
	set cells {}
	foreach w $words {
		lappend cells [expr {$w & 0xffff}]
		if {$width == 32} {
			lappend cells [expr {($w >> 16) & 0xffff}]
		}
	}
	return $cells
}

bj::cmd bj::unpack {fields cells} {fields cells} {field values from 16-bit cells; fields is {name {bit width} ...}} {
	set out {}
	dict for {name at} $fields {
		lassign $at bit width
		set v 0
		for {set i 0} {$i < $width} {incr i} {
			set pos [expr {$bit + $i}]
			set cell [lindex $cells [expr {$pos / 16}]]
			if {$cell ne "" && (($cell >> ($pos % 16)) & 1)} {
				set v [expr {$v | (1 << $i)}]
			}
		}
		dict set out $name $v
	}
	return $out
}

bj::cmd bj::flag_names {kind mask} {causes|options mask} {the names of the set bits of a mask, in bit order, joined by commas; none when empty} {
	set table [dict get $::bj_record $kind]
	set names {}
	for {set b 0} {$b < 32} {incr b} {
		if {$mask & (1 << $b)} {
			lappend names [expr {[dict exists $table $b] ? [dict get $table $b] : "bit$b"}]
		}
	}
	expr {[llength $names] ? [join $names ,] : "none"}
}

bj::cmd bj::code_name {kind code} {recipes|steps code} {the name of a recipe or step code, unknown-N when it has none} {
	set table [dict get $::bj_record $kind]
	expr {[dict exists $table $code] ? [dict get $table $code] : "unknown-$code"}
}

bj::cmd bj::code_of {kind name} {recipes|steps name} {the code of a recipe or step name} {
	dict for {code n} [dict get $::bj_record $kind] {
		if {$n eq $name} {
			return $code
		}
	}
	error "bootjump: unknown [string range $kind 0 end-1] $name; known: [join [dict values [dict get $::bj_record $kind]] {, }]"
}

bj::cmd bj::record_facts {v} {values} {the facts of decoded record values as key/value pairs, as c_probe.record.facts() gives them} {
	if {[dict get $v magic] != [dict get $::bj_record magic]} {
		return {record absent}
	}
	if {[dict get $v version] != [dict get $::bj_record version]} {
		return [list record version-[dict get $v version]-unknown]
	}
	set causes [dict get $v causes]
	set step [dict get $v step]
	set out [list \
		record v[dict get $::bj_record version] \
		boots [dict get $v boots] \
		entry [expr {$causes == 0 ? "branch" : "reset [bj::flag_names causes $causes]"}] \
		recipe [bj::code_name recipes [dict get $v recipe]] \
		step [bj::code_name steps $step] \
		step-boot [dict get $v step_boot] \
		options [bj::flag_names options [dict get $v options]] \
		resets [dict get $v resets] \
		returns [dict get $v returns] \
		seen [bj::flag_names causes [dict get $v seen]]]
	if {$step == [bj::code_of steps fault]} {
		lappend out fault-pc [bj::hex [dict get $v fault_pc]]
	}
	# The outcome from the record alone (c_probe/README.md, "Outcome").
	if {[dict get $v recipe] == 0} {
		set outcome idle
	} elseif {$step == [bj::code_of steps refused]} {
		set outcome refused
	} elseif {[dict get $v boots] == [dict get $v step_boot]} {
		set outcome running
	} else {
		set outcome [expr {$causes == 0 ? "returned-by-branch" : "returned-by-reset"}]
	}
	lappend out outcome $outcome
	return $out
}

bj::cmd bj::noinit {what} {mailbox|record|ring} {the address of a part of the probe's no-init RAM block on the current part} {
	expr {[dict get $::bj_record_parts [bj::need_part] noinit] + [dict get $::bj_record noinit $what]}
}

bj::cmd bj::backup_unlock {} {} \
	{set the bits that make the part's backup registers accessible (parts/stm32.json backup.unlock), as the probe does before every store and c_probe.record.read does} {
	# A reset clears some of them (F1 BKPEN, G0/L4 RTCAPBEN), and the registers then read zero.
	foreach bit [dict get $::bj_record_parts [bj::need_part] unlock] {
		set reg [join [lrange [split $bit .] 0 1] .]
		mmw [bj::reg $reg] [bj::reg $bit] 0 ;# REG |= BIT of backup.unlock: RCC_APB1ENR |= PWREN, PWR_CR |= DBP ...
	}
}

bj::cmd bootjump_backup {} {} {print the current part's backup registers (names from the database) and return their values; sets the unlock bits first} {
	set width [dict get $::bootjump_parts [bj::need_part] backup_width]
	bj::backup_unlock
	set out {}
	foreach addr [dict get $::bootjump_parts $::bj::part backup_regs] {
		set v [expr {[bj::u32 $addr] & ((1 << $width) - 1)}]
		echo [format "%-12s %s = %s" [bj::reg_name $addr] [bj::hex $addr] [bj::hexw $v [expr {$width / 8}]]]
		lappend out $v
	}
	if {![llength $out]} {
		echo "[bj::need_part] has no backup registers (parts/stm32.json backup.registers is empty)"
	}
	return $out
}

bj::cmd bj::record_read {unlock} {unlock} \
	{the probe's record as c_probe.record.read() gives it: a dict of source (backup or ram), record and ram_record (field values); with unlock 1 the backup registers' unlock bits are set first, with 0 the target is only read} {
	set p [dict get $::bj_record_parts [bj::need_part]]
	set fields [dict get $::bj_record fields]
	set ncells [dict get $::bj_record cells]
	set ram [bj::unpack $fields [read_memory [bj::noinit record] 16 $ncells]]
	if {![llength [dict get $p backup]]} {
		return [dict create source ram record $ram ram_record $ram]
	}
	if {$unlock} {
		bj::backup_unlock
	}
	set words {}
	foreach addr [dict get $p backup] {
		lappend words [expr {[bj::u32 $addr] & ((1 << [dict get $p backup_width]) - 1)}]
	}
	set cells [lrange [bj::cells_of $words [dict get $p backup_width]] 0 [expr {$ncells - 1}]]
	return [dict create source backup record [bj::unpack $fields $cells] ram_record $ram]
}

bj::cmd bootjump_checkpoints {} {} \
	{decode the probe's checkpoint record (backup registers, their unlock bits set first, or RAM) and ring; print the facts and return them as a dict} {
	set found [bj::record_read 1]
	set facts [bj::record_facts [dict get $found record]]
	echo "record (from [expr {[dict get $found source] eq "backup" ? "the backup registers" : "RAM"}]):"
	foreach {k v} $facts {
		echo [format "  %-10s %s" $k: $v]
	}
	bj::print_ring
	return $facts
}

bj::cmd bj::ring_entries {} {} \
	{the probe's RAM ring of checkpoints, oldest first, as c_probe.record.decode_ring() gives it: a list of dicts (seq boots recipe step causes recipe_name step_name cause_names); empty when the ring is not written} {
	set ring [dict get $::bj_record ring]
	set hc [dict get $ring header_cells]
	set ec [dict get $ring entry_cells]
	set n [dict get $ring entries]
	set cells [read_memory [bj::noinit ring] 16 [expr {$hc + $ec * $n}]]
	set header [bj::unpack [dict get $ring header] [lrange $cells 0 [expr {$hc - 1}]]]
	if {[dict get $header magic] != [dict get $ring magic]} {
		return {}
	}
	set out {}
	for {set back $n} {$back > 0} {incr back -1} {
		set seq [expr {([dict get $header next] - $back) & 0xffff}]
		set slot [expr {$hc + ($seq % $n) * $ec}]
		set e [bj::unpack [dict get $ring entry] [lrange $cells $slot [expr {$slot + $ec - 1}]]]
		if {[dict get $e seq] == $seq} {
			set causes [bj::flag_names causes [dict get $e causes]]
			dict set e recipe_name [bj::code_name recipes [dict get $e recipe]]
			dict set e step_name [bj::code_name steps [dict get $e step]]
			dict set e cause_names [expr {$causes eq "none" ? {} : [split $causes ,]}]
			lappend out $e
		}
	}
	return $out
}

bj::cmd bj::print_ring {} {} {print the probe's RAM ring of checkpoints, oldest first} {
	set entries [bj::ring_entries]
	if {![llength $entries]} {
		echo "ring: empty or not written"
		return
	}
	echo "ring (oldest first):"
	foreach e $entries {
		set causes [join [dict get $e cause_names] ,]
		echo [format "  #%-5d boot %-3d %-14s %-16s %s" [dict get $e seq] [dict get $e boots] \
			[dict get $e recipe_name] [dict get $e step_name] [expr {$causes eq "" ? "-" : $causes}]]
	}
}

bj::cmd bootjump_arm {recipe {options ""}} {recipe [option,...]} \
	{write the probe's mailbox so that it runs recipe (c_probe/README.md) when it next boots or idles} {
	set mb [dict get $::bj_record mailbox]
	set opts 0
	foreach name [split $options ,] {
		set bit ""
		dict for {b n} [dict get $::bj_record options] {
			if {$n eq $name} {
				set bit $b
			}
		}
		if {$bit eq ""} {
			error "bootjump: unknown option $name; known: [join [dict values [dict get $::bj_record options]] {, }]"
		}
		set opts [expr {$opts | (1 << $bit)}]
	}
	# Mailbox bytes (record.json: magic +0 (4), recipe +4, options +5, param +6 (2)), little-endian.
	set values [dict create magic [dict get $mb magic] recipe [bj::code_of recipes $recipe] options $opts param 0]
	set bytes [lrepeat [dict get $mb size] 0]
	dict for {name at} [dict get $mb fields] {
		lassign $at offset size
		for {set i 0} {$i < $size} {incr i} {
			lset bytes [expr {$offset + $i}] [expr {([dict get $values $name] >> (8 * $i)) & 0xff}]
		}
	}
	write_memory [bj::noinit mailbox] 8 $bytes
	echo "mailbox at [bj::hex [bj::noinit mailbox]] armed: $recipe"
}
