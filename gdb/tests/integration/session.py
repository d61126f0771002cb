"""Run gdb-multiarch -nx -batch with bootjump loaded, and start the targets it talks to; every
process started here is stopped by its pid, whatever the test does."""
import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT, SCRATCH

sys.path.insert(0, os.path.join(ROOT, "bin"))
from bjcli.emu import EXECUTABLE as EMU, Emulator, EmulatorError  # noqa: E402,F401

BOOTJUMP_PY = os.path.join(ROOT, "gdb", "bootjump.py")
FAKESTUB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fakestub.py")
PYTHON = "/usr/bin/python3"


# GDB retransmits a packet whose acknowledgement has not come within `remotetimeout` (2 s by
# default), and a stub then answers it twice: every later reply is one behind (a wrong CPUID, a
# failed detach). A stub stalled that long happens on a loaded 2-core machine; only one that is
# stalled for longer than this is a failure.
REMOTE_TIMEOUT = 60


def gdb_args(commands, port=None, elf=None):
    """gdb-multiarch's command line: connect (when port is given), source bootjump, run `commands`."""
    args = ["gdb-multiarch", "-nx", "-batch", "-ex", "set pagination off", "-ex", "set confirm off",
            "-ex", "set remotetimeout %d" % REMOTE_TIMEOUT]
    if elf:
        args += ["-ex", "file %s" % elf]
    if port is not None:
        args += ["-ex", "target extended-remote 127.0.0.1:%d" % port]
    args += ["-ex", "source %s" % BOOTJUMP_PY]
    for c in commands:
        args += ["-ex", c]
    return args


def gdb(commands, port=None, timeout=120, elf=None):
    """Run GDB in batch mode (gdb_args). Returns (stdout, stderr). subprocess.run kills GDB by its
    pid when the timeout expires."""
    done = subprocess.run(gdb_args(commands, port, elf), capture_output=True, text=True, timeout=timeout,
                          cwd=ROOT, stdin=subprocess.DEVNULL)
    return done.stdout, done.stderr


def scratch(*parts):
    """A path in this run's own scratch directory ($BJ_GDB_SCRATCH, set per pytest run by
    conftest.py; build/test/gdb/ for the bench), so two runs in the shared tree never collide."""
    path = os.path.join(os.environ.get("BJ_GDB_SCRATCH", SCRATCH), *parts)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


class FakeStub:
    """fakestub.py on a script, in its own process, stopped by pid."""

    def __init__(self, script, tmp_path):
        self.path = os.path.join(str(tmp_path), "script.json")
        with open(self.path, "w") as f:
            json.dump(script, f)
        self.proc = None

    def __enter__(self):
        self.proc = subprocess.Popen([PYTHON, FAKESTUB, self.path], stdout=subprocess.PIPE, text=True)
        self.port = json.loads(self.proc.stdout.readline())["gdb"]
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()


def need_emulator(*files):
    """Fail, naming them, when bootjump-emu or the images a test runs are not built."""
    missing = [os.path.relpath(f, ROOT) for f in (EMU,) + files if not os.path.exists(f)]
    if missing:
        pytest.fail("not built: %s (make test-gdb builds them)" % ", ".join(missing))


def probe(part, ext="elf"):
    return os.path.join(ROOT, "build", "c_probe", part, "probe." + ext)


def emulator(part, flash, **kw):
    return Emulator(part, flash=flash, gdb=True, halt=True, **kw)
