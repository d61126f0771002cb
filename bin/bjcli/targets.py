"""`--target`: where the jump runs, and what bootjump starts to reach it.

  emu               bootjump-emu, started here with the firmware in flash, halted at power-on
  openocd[=CFG]     OpenOCD with the part's board file from openocd/ (or CFG): silicon
  remote=HOST:PORT  any GDB server already running (a bootjump-emu started by hand, st-util, ...)

The firmware is loaded through GDB (`load`, then `monitor reset halt`) on every target but emu.
"""
import contextlib
import glob
import os

from . import CliError
from .emu import Emulator, EmulatorError
from .firmware import ROOT
from .openocd import OpenOCD

KINDS = "emu, openocd[=CFG] or remote=HOST:PORT"


class Target:
    def __init__(self, kind, connect, load, emulator=None):
        self.kind, self.connect, self.load, self.emulator = kind, connect, load, emulator


def parse(spec):
    """(kind, argument) of a --target value; a clear error for anything else."""
    kind, _, arg = spec.partition("=")
    if kind == "emu" and not arg:
        return kind, None
    if kind == "openocd":
        return kind, arg or None
    if kind == "remote" and arg:
        host, sep, port = arg.rpartition(":")
        if sep and host and port.isdigit() and 0 < int(port) < 65536:
            return kind, (host, int(port))
        raise CliError("--target remote=%s: expected HOST:PORT, e.g. remote=127.0.0.1:3333" % arg)
    raise CliError("--target %s: expected %s" % (spec, KINDS))


def board_file(part):
    """openocd/'s board file for the part's family, named after the upstream target config."""
    stem = os.path.splitext(os.path.basename(part.raw["openocd"]["target"]))[0]
    found = sorted(glob.glob(os.path.join(ROOT, "openocd", "**", stem + ".cfg"), recursive=True))
    found = [f for f in found if os.sep + "emu" + os.sep not in f]
    if not found:
        raise CliError("openocd/ has no board file for %s yet (looked for %s.cfg); give one with "
                       "--target openocd=CFG" % (part.name, stem))
    return found[0]


@contextlib.contextmanager
def open_target(spec, part, firmware, uarts=()):
    kind, arg = parse(spec)
    if kind == "emu":
        emu = Emulator(part.name, flash=firmware.path, gdb=True, halt=True, uarts=uarts)
        try:
            emu.start()
        except EmulatorError as e:
            raise CliError(str(e)) from None
        try:
            yield Target(kind, "127.0.0.1:%d" % emu.gdb_port, load=False, emulator=emu)
        finally:
            emu.stop()
        return
    if not firmware.is_elf:
        raise CliError("%s is not an ELF file: GDB loads only ELF firmware onto a %s target"
                       % (firmware.path, kind))
    if kind == "remote":
        yield Target(kind, "%s:%d" % arg, load=True)
        return
    with OpenOCD(arg or board_file(part)) as oo:
        yield Target(kind, "127.0.0.1:%d" % oo.gdb_port, load=True)
