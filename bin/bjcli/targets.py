"""`--target`: where the jump runs, and what bootjump starts to reach it.

  emu               bootjump-emu, started here with the firmware in flash, halted at power-on
  openocd[=CFG]     OpenOCD with the part's board file from openocd/ (or CFG): silicon
  remote=HOST:PORT  any GDB server already running (a bootjump-emu started by hand, st-util, ...)

The firmware is loaded through GDB (`load`, then `monitor reset halt`) on every target but emu.
"""
import contextlib
import glob
import os
import socket

from . import CliError
from .emu import Emulator, EmulatorError
from .paths import ROOT
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


def check_gdb_server(host, port, timeout=3.0):
    """Fail fast, with one clear line, when nothing answers GDB's protocol at host:port (GDB itself
    would retry for minutes on a server that accepts and stays silent)."""
    where = "%s:%d" % (host, port)
    try:
        conn = socket.create_connection((host, port), timeout)
    except ConnectionRefusedError:
        raise CliError("nothing listens at %s (connection refused): start the GDB server first (e.g. "
                       "build/bin/bootjump-emu --part P --gdb 0 --halt prints its port)" % where) from None
    except OSError as e:
        raise CliError("cannot reach %s: %s" % (where, e.strerror or e)) from None
    with conn:
        try:
            conn.sendall(b"$?#3f")      # "why did the target stop?": every stub answers it
            if conn.recv(64):
                return
        except OSError:
            pass
    raise CliError("%s accepted the connection but did not answer a GDB remote packet within %g s: "
                   "is it a GDB server, and is no other debugger attached?" % (where, timeout))


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
        check_gdb_server(*arg)
        yield Target(kind, "%s:%d" % arg, load=True)
        return
    with OpenOCD(arg or board_file(part)) as oo:
        yield Target(kind, "127.0.0.1:%d" % oo.gdb_port, load=True)
