# SHA-256 (FIPS 180-4) in plain TCL, so that `bootjump_dump_rom` can print the hash of the image
# it saved without any tool besides OpenOCD. Jim integers are 64-bit: every 32-bit result is masked.

namespace eval bj::sha256 {
	# FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first
	# 64 primes; §5.3.3: the initial hash value (square roots of the first 8 primes).
	variable K {
		0x428a2f98 0x71374491 0xb5c0fbcf 0xe9b5dba5 0x3956c25b 0x59f111f1 0x923f82a4 0xab1c5ed5
		0xd807aa98 0x12835b01 0x243185be 0x550c7dc3 0x72be5d74 0x80deb1fe 0x9bdc06a7 0xc19bf174
		0xe49b69c1 0xefbe4786 0x0fc19dc6 0x240ca1cc 0x2de92c6f 0x4a7484aa 0x5cb0a9dc 0x76f988da
		0x983e5152 0xa831c66d 0xb00327c8 0xbf597fc7 0xc6e00bf3 0xd5a79147 0x06ca6351 0x14292967
		0x27b70a85 0x2e1b2138 0x4d2c6dfc 0x53380d13 0x650a7354 0x766a0abb 0x81c2c92e 0x92722c85
		0xa2bfe8a1 0xa81a664b 0xc24b8b70 0xc76c51a3 0xd192e819 0xd6990624 0xf40e3585 0x106aa070
		0x19a4c116 0x1e376c08 0x2748774c 0x34b0bcb5 0x391c0cb3 0x4ed8aa4a 0x5b9cca4f 0x682e6ff3
		0x748f82ee 0x78a5636f 0x84c87814 0x8cc70208 0x90befffa 0xa4506ceb 0xbef9a3f7 0xc67178f2
	}
	variable H0 {0x6a09e667 0xbb67ae85 0x3c6ef372 0xa54ff53a 0x510e527f 0x9b05688c 0x1f83d9ab 0x5be0cd19}
}

bj::cmd bj::sha256::rotr {x n} {x n} {rotate the 32-bit value x right by n bits} {
	expr {(($x >> $n) | ($x << (32 - $n))) & 0xffffffff}
}

bj::cmd bj::sha256::block {H W} {H words} \
	{one SHA-256 compression of the 16 message words W into the hash state H (FIPS 180-4 §6.2.2)} {
	variable K
	for {set t 16} {$t < 64} {incr t} {
		set w15 [lindex $W [expr {$t - 15}]]
		set w2 [lindex $W [expr {$t - 2}]]
		set s0 [expr {[rotr $w15 7] ^ [rotr $w15 18] ^ ($w15 >> 3)}]
		set s1 [expr {[rotr $w2 17] ^ [rotr $w2 19] ^ ($w2 >> 10)}]
		lappend W [expr {([lindex $W [expr {$t - 16}]] + $s0 + [lindex $W [expr {$t - 7}]] + $s1) & 0xffffffff}]
	}
	lassign $H a b c d e f g h
	for {set t 0} {$t < 64} {incr t} {
		set S1 [expr {[rotr $e 6] ^ [rotr $e 11] ^ [rotr $e 25]}]
		set ch [expr {($e & $f) ^ (~$e & 0xffffffff & $g)}]
		set t1 [expr {($h + $S1 + $ch + [lindex $K $t] + [lindex $W $t]) & 0xffffffff}]
		set S0 [expr {[rotr $a 2] ^ [rotr $a 13] ^ [rotr $a 22]}]
		set maj [expr {($a & $b) ^ ($a & $c) ^ ($b & $c)}]
		set t2 [expr {($S0 + $maj) & 0xffffffff}]
		set h $g; set g $f; set f $e
		set e [expr {($d + $t1) & 0xffffffff}]
		set d $c; set c $b; set b $a
		set a [expr {($t1 + $t2) & 0xffffffff}]
	}
	set out {}
	foreach x $H y [list $a $b $c $d $e $f $g $h] {
		lappend out [expr {($x + $y) & 0xffffffff}]
	}
	return $out
}

bj::cmd bj::sha256::hex {bytes} {byte_list} {the SHA-256 of a list of byte values, as 64 hex digits} {
	variable H0
	set n [llength $bytes]
	# Padding (§5.1.1): 0x80, zeros up to 56 mod 64, then the bit length as a 64-bit big-endian number.
	lappend bytes 0x80
	while {[llength $bytes] % 64 != 56} {
		lappend bytes 0
	}
	set bits [expr {$n * 8}]
	for {set i 7} {$i >= 0} {incr i -1} {
		lappend bytes [expr {($bits >> (8 * $i)) & 0xff}]
	}
	set H $H0
	for {set off 0} {$off < [llength $bytes]} {incr off 64} {
		set W {}
		foreach {b0 b1 b2 b3} [lrange $bytes $off [expr {$off + 63}]] {
			lappend W [expr {($b0 << 24) | ($b1 << 16) | ($b2 << 8) | $b3}]
		}
		set H [block $H $W]
	}
	set out ""
	foreach x $H {
		append out [format %08x $x]
	}
	return $out
}
