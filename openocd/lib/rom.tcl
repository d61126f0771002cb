# The ROM bootloader image: system memory (range from the part database) saved to a file, with its
# SHA-256 computed here (lib/sha256.tcl), so a dump can be compared and run on bootjump-emu --rom.

bj::cmd bj::rom_bytes {} {} {the current part's system memory as a list of byte values} {
	bj::bytes [bj::fact sysmem_base] [bj::fact sysmem_size]
}

bj::cmd bootjump_dump_rom {file} {FILE} \
	{save the part's system memory (its ROM bootloader) to FILE and print its SHA-256; the dump is yours to keep private} {
	set base [bj::fact sysmem_base]
	set size [format %d [bj::fact sysmem_size]]
	dump_image $file $base $size
	set sha [bj::sha256::hex [bj::rom_bytes]]
	echo "$file: $size bytes of $::bj::part system memory from [bj::hex $base], sha256 $sha"
	return $sha
}
