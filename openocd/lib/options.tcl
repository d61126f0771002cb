# The option bytes as the reset loaded them: the boot bits of the part's option register (the
# names the part database gives them: nBOOT1, nBOOT0, nBOOT_SEL, BOOT_SEL, BFB2, nSWBOOT0) and the
# read-protection level, plus the raw words of the option-byte block.

bj::cmd bj::rdp_level {} {} {the read-protection level (0, 1 or 2) and the raw field, from the FLASH register the database names} {
	set rdp [bj::ocd rdp]
	set value [bj::u32 [dict get $rdp address]]
	if {[dict get $rdp kind] eq "bit"} {
		# F1 (PM0075): one RDPRT bit, set while read protection is active; there is no level 2.
		set raw [expr {($value & [bj::reg [dict get $rdp path]]) != 0}]
		return [list level $raw raw $raw register [dict get $rdp register]]
	}
	set raw [bj::field [dict get $rdp path] $value]
	set level 1
	# Level 0 and level 2 are single values; every other value is level 1 (RM0377 §3.4.1, RM0360 §4.1.1 ...).
	dict for {name v} [dict get [bj::reg [dict get $rdp path]] values] {
		if {$v == $raw} {
			set level [string range $name end end]
		}
	}
	return [list level $level raw $raw register [dict get $rdp register]]
}

bj::cmd bootjump_options {} {} \
	{print the option bytes decoded (boot bits, read protection) and their raw words; return {boot {bit value ...} rdp {...} words {...}}} {
	set p [dict get $::bootjump_parts [bj::need_part]]
	set ob [bj::ocd option_bytes]
	set words [bj::words [dict get $ob base] [expr {[dict get $ob size] / 4}]]
	set boot {}
	if {[dict exists $p option_register]} {
		set reg [dict get $p option_register]
		set value [bj::u32 $reg]
		echo "option register [bj::reg_name $reg] ([bj::hex $reg]) = [bj::hex $value]"
		dict for {key mask} $p {
			if {[string match option_* $key] && $key ni {option_register option_bytes}} {
				set bit [string range $key 7 end]
				dict set boot $bit [expr {($value & $mask) != 0}]
				echo [format "  %-9s %d" $bit [dict get $boot $bit]]
			}
		}
	} else {
		echo "$::bj::part has no boot bits in its option bytes (parts/stm32.json boot.option_register is null)"
	}
	set rdp [bj::rdp_level]
	echo "read protection: level [dict get $rdp level] ([dict get $rdp register] raw [format 0x%02x [dict get $rdp raw]])"
	echo "option bytes at [bj::hex [dict get $ob base]]: [join [lmap w $words {bj::hex $w}]]"
	return [list boot $boot rdp $rdp words $words]
}
