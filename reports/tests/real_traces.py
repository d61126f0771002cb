"""Real traces: bootjump-emu running a part's ROM model, traced by gdb/'s `bootjump trace` in
gdb-multiarch. Nothing here imitates them: when a piece is not built, `missing()` says which and the
tests that need real traces fail naming it (`make test-reports` builds them).

How a real trace is recorded (AN2606's own recipe for empty-check parts, "execute code from SRAM"):
the emulator starts halted at reset with the fixture firmware in flash (and the option bits a case
needs); GDB optionally loads words into flash over it (the part's erased value into flash word 0:
"erase first sector before jump"; a second bank's vectors), sets the BOOT0 pin, writes a
three-instruction jump into SRAM, points the PC at it, and runs `bootjump trace --from rom-entry`.
Every trace of a part starts at the same ROM entry with the same registers, so the diff of two
isolates what the case changed. `probe_trace` records instead what `bin/bootjump trace` does with
the probe firmware and one of its recipes.
"""
import os
import shutil
import subprocess
import sys

import parts

from . import tracegen

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EMU = os.path.join(ROOT, "build", "bin", "bootjump-emu")
GDB_SCRIPT = os.path.join(ROOT, "gdb", "bootjump.py")
GDB = "gdb-multiarch"
SRAM_CODE_OFFSET = 0x400          # where the jump goes in SRAM, clear of the ROM model's stack top
GDB_TIMEOUT_S = 180


def rom_image(part_name):
    return os.path.join(ROOT, "build", "rom", part_name + ".bin")


def probe_elf(part_name):
    return os.path.join(ROOT, "build", "c_probe", part_name, "probe.elf")


def missing(part_name, probe=False):
    """What is not there yet for a real trace of `part_name` (empty when everything is); with
    probe, also what probe_trace needs."""
    needed = (EMU, rom_image(part_name), GDB_SCRIPT) + ((probe_elf(part_name),) if probe else ())
    out = [p for p in needed if not os.path.exists(p)]
    if not shutil.which(GDB):
        out.append(GDB)
    return [os.path.relpath(p, ROOT) if os.path.isabs(p) else p for p in out]


def record(part_name, out_dir, case, words=(), options=None, boot0=None):
    """Trace a jump into the ROM model of `part_name` with the fixture firmware in flash; returns
    (trace path, firmware ELF path), the trace named <part>-<case>.jsonl.

    words: (address, [word, ...]) pairs GDB loads into flash over the firmware; options: option bits
    at power-on (bootjump-emu --option, e.g. {"BOOT_SEL": 0}); boot0: the BOOT0 pin's level, set
    after the reset (monitor boot0), so the chip booted from flash and only the ROM sees the pin."""
    sys.path.insert(0, os.path.join(ROOT, "bin"))
    from bjcli.emu import Emulator           # bin/bjcli: starts bootjump-emu, stops it by pid

    part = parts.lookup(part_name)
    app_elf, _ = tracegen.build("app", out_dir, script=os.path.join(tracegen.FIXTURES, "app.ld"))
    sram = part.sram.base + SRAM_CODE_OFFSET
    tracegen.build("real/sram_jump", out_dir, base=sram, defsyms={"ROM_BASE": part.system_memory.base})
    jump_bin = os.path.join(out_dir, "sram_jump.bin")
    name = "%s-%s" % (part_name, case)
    trace = os.path.join(out_dir, name + ".jsonl")
    commands = ["set pagination off", "set confirm off", "source %s" % GDB_SCRIPT]
    loads = []
    for addr, values in words:
        # One ELF per address, in its own directory: build() names its outputs after the source.
        where = os.path.join(out_dir, "%s-words-%08x" % (name, addr))
        os.makedirs(where, exist_ok=True)
        defsyms = {"WORDS_BASE": addr}
        defsyms.update(("WORD%d" % n, v) for n, v in enumerate(values))
        elf, _ = tracegen.build("real/words", where, script=os.path.join(tracegen.FIXTURES, "real/words.ld"),
                                defsyms=defsyms)
        loads.append(elf)
    emu = Emulator(part_name, flash=app_elf, gdb=True, halt=True, options=options)
    emu.start(stderr_path=os.path.join(out_dir, name + ".emu.stderr"))
    try:
        commands.append("target extended-remote 127.0.0.1:%d" % emu.gdb_port)
        commands += ["load %s" % elf for elf in loads]
        if boot0 is not None:
            commands.append("monitor boot0 %d" % boot0)
        commands += ["restore %s binary 0x%08x" % (jump_bin, sram),
                     "set $xpsr = 0x01000000", "set $pc = 0x%08x" % sram,
                     "bootjump trace --from rom-entry --part %s --out %s" % (part_name, trace)]
        args = [GDB, "-batch", "-nx"] + [a for c in commands for a in ("-ex", c)]
        # subprocess.run kills gdb (its own child, by pid) if it overruns the timeout.
        r = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=GDB_TIMEOUT_S)
    finally:
        emu.stop()
    if r.returncode != 0 or not os.path.exists(trace):
        raise AssertionError("the real tracer failed (exit %d): %s" % (r.returncode, (r.stdout + r.stderr)[-2000:]))
    return trace, app_elf


def probe_trace(part_name, recipe, out_dir):
    """`bin/bootjump trace --part P --recipe R` (the probe on bootjump-emu), as a user runs it;
    returns the trace's path."""
    r = subprocess.run([sys.executable, os.path.join(ROOT, "bin", "bootjump"), "trace", "--part", part_name,
                        "--recipe", recipe, "--out", out_dir], cwd=ROOT, capture_output=True, text=True,
                       timeout=GDB_TIMEOUT_S)
    trace = os.path.join(out_dir, "%s-%s.jsonl" % (part_name, recipe))
    if r.returncode != 0 or not os.path.exists(trace):
        raise AssertionError("bootjump trace failed (exit %d): %s" % (r.returncode, (r.stdout + r.stderr)[-2000:]))
    return trace
