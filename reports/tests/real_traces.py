"""HOOK for real traces: bootjump-emu running a part's ROM model, traced by gdb/'s `bootjump trace`
in gdb-multiarch. Nothing here imitates them: when a piece is not built yet, `missing()` says which
and the tests that need real traces are skipped with that reason.

How a real trace is recorded (AN2606's own recipe for empty-check parts, "execute code from SRAM"):
the emulator starts halted at reset with the fixture firmware in flash; GDB optionally loads the
part's erased value into flash word 0 ("erase first sector before jump"), writes a three-instruction
jump into SRAM, points the PC at it, and runs `bootjump trace --from rom-entry`. Both traces start
at the same ROM entry with the same registers, so their diff isolates flash word 0.
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


def missing(part_name):
    """What is not there yet for a real trace of `part_name` (empty when everything is)."""
    out = [p for p in (EMU, rom_image(part_name), GDB_SCRIPT) if not os.path.exists(p)]
    if not shutil.which(GDB):
        out.append(GDB)
    return [os.path.relpath(p, ROOT) if os.path.isabs(p) else p for p in out]


def record(part_name, out_dir, erase_word0):
    """Trace a jump into the ROM model of `part_name`; returns (trace path, firmware ELF path)."""
    sys.path.insert(0, os.path.join(ROOT, "bin"))
    from bjcli.emu import Emulator           # bin/bjcli: starts bootjump-emu, stops it by pid

    part = parts.lookup(part_name)
    erased = parts.num(part.raw["flash"]["erased"])
    app_elf, _ = tracegen.build("app", out_dir, script=os.path.join(tracegen.FIXTURES, "app.ld"))
    sram = part.sram.base + SRAM_CODE_OFFSET
    tracegen.build("real/sram_jump", out_dir, base=sram, defsyms={"ROM_BASE": part.system_memory.base})
    jump_bin = os.path.join(out_dir, "sram_jump.bin")
    name = "%s-%s" % (part_name, "word0-erased" if erase_word0 else "word0-programmed")
    trace = os.path.join(out_dir, name + ".jsonl")
    commands = ["set pagination off", "set confirm off", "source %s" % GDB_SCRIPT]
    if erase_word0:
        word0, _ = tracegen.build("real/word0", out_dir, script=os.path.join(tracegen.FIXTURES, "real/word0.ld"),
                                  defsyms={"ERASED": erased, "FLASH_BASE": part.flash.base})
    emu = Emulator(part_name, flash=app_elf, gdb=True, halt=True)
    emu.start(stderr_path=os.path.join(out_dir, name + ".emu.stderr"))
    try:
        commands.append("target extended-remote 127.0.0.1:%d" % emu.gdb_port)
        if erase_word0:
            commands.append("load %s" % word0)
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
