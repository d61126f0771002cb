"""The TCL library without a target, in OpenOCD's own interpreter, against the Python that defines
the same facts: parts.Part (regions, registers), gdb/bjgdb/lib (the accesses of each instruction,
capstone's text, which instructions write the PC), c_probe/record.py (the record's facts) and
hashlib (SHA-256)."""
import glob
import hashlib
import json
import os
import random

import capstone
import pytest

import parts
from c_probe import record
from bjgdb.lib import accesses, stops
from bjgdb.lib.decode import Decoder, DecodeError, thumb_size

from conftest import ROOT, run_tcl, tcl_words

DB = parts.load()
REGS = ["r%d" % n for n in range(13)] + ["sp", "lr"]


def test_regions_and_registers_follow_the_database(scratch):
    """bj::region answers what parts.Part.region_of() answers at every region edge, and bj::reg
    gives every register of every peripheral at the address parts.Part.reg_addr() gives."""
    script = ["set f [open $out w]"]
    expected = []
    for p in DB.parts:
        addrs = {0, p.flash.size - 1, p.flash.size, 0x3fffffff, 0x40000000, 0x5fffffff, 0x60000000,
                 0xdfffffff, 0xe0000000, 0xe00fffff, 0xe0100000, 0xffffffff}
        for r in p.regions():
            addrs |= {r.base - 1, r.base, r.end - 1, r.end}
        script.append("set ::bj::part %s" % p.name)
        for a in sorted(addrs):
            script.append("puts $f [bj::region %d]" % a)
            expected.append(p.region_of(a))
        for per, desc in p.raw["peripherals"].items():
            for reg in DB.ip[desc["ip"]]["registers"]:
                script.append("puts $f [format %%d [bj::reg %s.%s]]" % (per, reg))
                expected.append(str(p.reg_addr("%s.%s" % (per, reg))))
    script.append("close $f")
    assert run_tcl("\n".join(script), scratch).split() == expected


# ------------------------------------------------------------------------------ instructions

def _cases():
    """Every 16-bit encoding, and the 32-bit encodings of the ROM models and the probe builds plus
    random loads and stores of each Thumb-2 group (the last ones flagged: many are UNPREDICTABLE
    forms, e.g. writeback to the PC, whose accesses are compared but not what they do to the PC)."""
    rng = random.Random(9)
    cases = [(bytes([hw & 0xff, hw >> 8]), False) for hw in range(0x10000) if thumb_size(hw) == 2]
    seen = set()
    images = glob.glob(os.path.join(ROOT, "build", "rom", "*.bin")) + \
        glob.glob(os.path.join(ROOT, "build", "c_probe", "*", "probe.bin"))
    assert images, "no ROM model or probe image built"
    for path in images:
        with open(path, "rb") as f:
            data = f.read()
        at = 0
        while at + 4 <= len(data):
            hw = int.from_bytes(data[at:at + 2], "little")
            if thumb_size(hw) == 4 and data[at:at + 4] not in seen:
                seen.add(data[at:at + 4])
                cases.append((data[at:at + 4], False))
            at += thumb_size(hw)
    # Single loads/stores (0xf800-0xf9ff), dual/exclusive/table (0xe840 group), LDM/STM (0xe800 group).
    for _ in range(4000):
        first = rng.choice([0xf800 | rng.randrange(0x200), 0xe840 | rng.choice([0, 0x10, 0x20, 0x30, 0x80, 0x90, 0xa0,
                                                                               0xb0, 0x100, 0x110, 0x120, 0x130, 0x180,
                                                                               0x190, 0x1a0, 0x1b0]) | rng.randrange(16),
                            0xe800 | rng.choice([0x80, 0x90, 0xa0, 0xb0, 0x100, 0x110, 0x120, 0x130]) | rng.randrange(16)])
        cases.append((first.to_bytes(2, "little") + rng.randrange(0x10000).to_bytes(2, "little"), True))
    return cases


def _python_plan(decoder, pc, code, regs):
    """What gdb/bjgdb/lib/accesses.py plans for the instruction, or None where capstone or the
    planner refuse it (the encoding is not an instruction the tracers record)."""
    try:
        insn = decoder.decode(pc, code)
        planned = accesses.plan(insn, regs)
    except (DecodeError, accesses.Unsupported, KeyError, StopIteration):
        return None
    out = []
    for a in planned:
        src = list(a.source)
        if src[0] == "table":
            src[1] = pc
        out.append([a.op, a.addr, a.size, " ".join(str(s) for s in src)] + ([a.when[1]] if a.when else []))
    return out, stops.writes_pc(insn), insn


def test_accesses_and_text_match_the_gdb_tracer(scratch):
    """For every encoding capstone decodes, the TCL decoder plans the accesses accesses.plan()
    plans, agrees with stops.writes_pc(), and gives capstone's M-profile text for MRS/MSR."""
    decoder = Decoder()
    rng = random.Random(3)
    cases = _cases()
    regs = {r: 0x20000100 + 0x40 * n for n, r in enumerate(REGS)}
    regs.update(sp=0x20000800, xpsr=0x01000000)
    rows = []
    for code, generated in cases:
        pc = 0x1ff00000 + 2 * rng.randrange(0x800)
        rows.append((pc, code, generated, _python_plan(decoder, pc, code, dict(regs, pc=pc))))
    case_file = os.path.join(scratch, "cases.txt")
    with open(case_file, "w") as f:
        for pc, code, _, _ in rows:
            f.write("%d %s\n" % (pc, " ".join(str(b) for b in code)))
    regs_tcl = " ".join("%s %d" % kv for kv in regs.items())
    out = run_tcl("""
set f [open $out w]
set in [open {%s}]
set regs {%s}
while {[gets $in line] >= 0} {
	set pc [lindex $line 0]
	set bytes [lrange $line 1 end]
	if {[catch {bj::thumb::plan $bytes $pc [dict replace $regs pc $pc]} plan]} {
		puts $f [list error $plan]
		continue
	}
	set acc {}
	foreach a $plan {
		set row [list [dict get $a op] [dict get $a addr] [dict get $a size] [dict get $a src]]
		if {[dict exists $a when]} { lappend row [dict get $a when] }
		lappend acc $row
	}
	puts $f [list ok $acc [bj::thumb::writes_pc $bytes] [bj::thumb::special_text $bytes]]
}
close $f
""" % (case_file, regs_tcl), scratch).splitlines()
    assert len(out) == len(rows)
    compared = 0
    for (pc, code, generated, py), line in zip(rows, out):
        if py is None:
            continue
        planned, writes_pc, insn = py
        status, *got = tcl_words(line)
        if status == "error" and insn.cs.mnemonic.startswith(("ldc", "stc", "v")):
            continue  # both refuse coprocessor/FPU transfers (capstone's LDC2L, STC2L ids escape accesses.py's list)
        assert status == "ok", (code.hex(), insn.text, got)
        tcl_acc, tcl_writes_pc, text = got
        tcl_acc = [[r[0], int(r[1]), int(r[2]), " ".join(r[3]) if isinstance(r[3], list) else r[3]] + r[4:]
                   for r in tcl_acc]
        text = " ".join(text) if isinstance(text, list) else text
        assert tcl_acc == planned, (code.hex(), insn.text)
        # A 32-bit data-processing instruction with the PC as destination is UNPREDICTABLE (ARMv7-M
        # A7.7: "if d == 15 then UNPREDICTABLE"); capstone still decodes the bits found in literal
        # pools that way. Branches, loads and table branches are compared.
        if not generated and not (len(code) == 4 and writes_pc and
                                  not insn.cs.mnemonic.startswith(("b", "ld", "pop", "tb"))):
            assert int(tcl_writes_pc) == int(writes_pc), (code.hex(), insn.text)
        if text:
            assert text == insn.text, (code.hex(), insn.text, text)
        elif insn.cs.mnemonic in ("mrs", "msr"):
            raise AssertionError("no text for %s (%s)" % (code.hex(), insn.text))
        compared += 1
    assert compared > 50000


def test_it_block_skips_accesses(scratch):
    """ldr r0, [r1] as the one instruction of an IT EQ block: no access with Z clear, one with Z set
    (ITSTATE = 0x08 sits in xPSR[15:10] and xPSR[26:25], ARMv7-M B1.4.2)."""
    xpsr = 0x01000000 | (0x08 >> 2) << 10
    z = 1 << 30
    out = run_tcl("""
set f [open $out w]
puts $f [bj::thumb::it_skipped %d]
puts $f [bj::thumb::it_skipped %d]
puts $f [llength [bj::thumb::plan {0x08 0x68} 0 {r0 0 r1 0x20000000 xpsr %d}]]
puts $f [llength [bj::thumb::plan {0x08 0x68} 0 {r0 0 r1 0x20000000 xpsr %d}]]
close $f
""" % (xpsr, xpsr | z, xpsr, xpsr | z), scratch).split()
    assert out == ["1", "0", "0", "1"]


# ------------------------------------------------------------------------------ SHA-256 and the record

def test_sha256(scratch):
    rng = random.Random(5)
    blobs = [b"", b"abc", bytes(range(256)) * 3, bytes(rng.randrange(256) for _ in range(4096 + 13))]
    script = ["set f [open $out w]"] + ["puts $f [bj::sha256::hex {%s}]" % " ".join(str(b) for b in blob)
                                         for blob in blobs] + ["close $f"]
    assert run_tcl("\n".join(script), scratch).split() == [hashlib.sha256(b).hexdigest() for b in blobs]


def test_record_facts_match_record_py(scratch):
    d = record.load()
    rng = random.Random(7)
    fields = {f["name"]: f["width"] for f in d.fields}
    samples = [{"magic": 0}, {"version": 9}, {"recipe": 0}, {"recipe": 2, "step": 11, "boots": 1, "step_boot": 1},
               {"recipe": 2, "step": 23}, {"recipe": 3, "step": 22, "fault_pc": 0x1ff00123, "causes": 4, "seen": 0x14},
               {"recipe": 99, "step": 77, "options": 1, "causes": 1 << 12}]
    for _ in range(40):
        samples.append({n: rng.randrange(1 << w) for n, w in fields.items() if n not in ("magic", "version")})
    script = ["set f [open $out w]"]
    expected = []
    for s in samples:
        for width in (16, 32):
            words = record.encode(s, width)
            values = record.decode(words, width)
            expected.append(json.dumps(record.facts(values)))
            script.append("puts $f [bj::record_facts [bj::unpack [dict get $::bj_record fields] "
                          "[bj::cells_of {%s} %d]]]" % (" ".join(str(w) for w in words), width))
    script.append("close $f")
    got = run_tcl("\n".join(script), scratch).splitlines()
    for line, exp in zip(got, expected):
        words = [" ".join(w) if isinstance(w, list) else w for w in tcl_words(line)]
        assert [list(p) for p in zip(words[::2], words[1::2])] == json.loads(exp)
    assert len(got) == len(expected)


def test_capstone_plain_thumb_lacks_mrs_msr():
    """Why lib/thumb.tcl formats MRS/MSR itself: OpenOCD's `arm disassemble` opens capstone in plain
    Thumb mode, which does not decode them (arm_disassembler.c: CS_MODE_THUMB only)."""
    cs = capstone.Cs(capstone.CS_ARCH_ARM, capstone.CS_MODE_THUMB)
    assert not list(cs.disasm(bytes.fromhex("80f30888"), 0))
