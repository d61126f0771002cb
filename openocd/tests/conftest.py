"""Shared set-up of the OpenOCD tests: the import roots (the repository root for `parts`, `traces`,
`c_probe`, `openocd`; bin/ for the emulator launcher; gdb/ for the GDB tracer's pure modules, the
oracle of the TCL decoder), a scratch directory, and the processes the tests start: bootjump-emu,
OpenOCD and gdb-multiarch, each stopped by its pid whatever the test does."""
import contextlib
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
for path in (ROOT, os.path.join(ROOT, "bin"), os.path.join(ROOT, "gdb")):
    if path not in sys.path:
        sys.path.insert(0, path)

from bjcli.emu import Emulator  # noqa: E402
from openocd.launch import OpenOCD, emu_config  # noqa: E402

BOOTJUMP_TCL = os.path.join(ROOT, "openocd", "bootjump.tcl")
BOOTJUMP_PY = os.path.join(ROOT, "gdb", "bootjump.py")


def probe(part, ext="elf"):
    return os.path.join(ROOT, "build", "c_probe", part, "probe." + ext)


@pytest.fixture
def scratch(tmp_path):
    return str(tmp_path)


def run_tcl(script, scratch, timeout=300):
    """Run a TCL script in OpenOCD's interpreter with the bootjump library and no target; returns
    what the script wrote to the file named by $out (OpenOCD's own output is only for errors)."""
    out = os.path.join(scratch, "tcl.out")
    path = os.path.join(scratch, "script.tcl")
    with open(path, "w") as f:
        f.write("set out {%s}\n%s\n" % (out, script))
    done = subprocess.run(["openocd", "-c", "source {%s}" % BOOTJUMP_TCL, "-f", path, "-c", "shutdown"],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT, stdin=subprocess.DEVNULL)
    assert done.returncode == 0 and os.path.exists(out), done.stderr[-3000:]
    with open(out) as f:
        return f.read()


@contextlib.contextmanager
def emulated(part, scratch, flash="probe", **emu):
    """bootjump-emu running `part` (the probe by default, halted at reset) behind OpenOCD with
    openocd/emu/<family>.cfg; yields (emulator, openocd)."""
    image = probe(part) if flash == "probe" else flash
    e = Emulator(part, flash=image, jtag=True, halt=True, **emu)
    e.start(stderr_path=os.path.join(scratch, "emu.stderr"))
    try:
        ocd = OpenOCD([emu_config(part)], variables={"BOOTJUMP_EMU_PORT": e.jtag_port},
                      log_path=os.path.join(scratch, "openocd.log"))
        with ocd:
            yield e, ocd
    finally:
        e.stop()


def gdb(commands, port, elf=None, timeout=300):
    """gdb-multiarch -batch on a remote target with bootjump loaded; (stdout, stderr). subprocess.run
    kills it by its pid when the timeout expires."""
    args = ["gdb-multiarch", "-nx", "-batch", "-ex", "set pagination off", "-ex", "set confirm off"]
    if elf:
        args += ["-ex", "file %s" % elf]
    args += ["-ex", "target extended-remote 127.0.0.1:%d" % port, "-ex", "source %s" % BOOTJUMP_PY]
    for c in commands:
        args += ["-ex", c]
    done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, cwd=ROOT, stdin=subprocess.DEVNULL)
    return done.stdout, done.stderr


def tcl_words(line):
    """A TCL list as Python: words as strings, braced sublists as lists (one level per brace)."""
    out, stack, word = [], [], ""
    cur = out
    for ch in line:
        if ch == "{":
            stack.append(cur)
            cur.append([])
            cur = cur[-1]
        elif ch == "}" or ch in " \n":
            if word:
                cur.append(word)
                word = ""
            if ch == "}":
                cur = stack.pop()
        else:
            word += ch
    if word:
        cur.append(word)
    return out
