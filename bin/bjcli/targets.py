"""`--target`: where the jump runs, and what bootjump starts to reach it.

  emu               bootjump-emu, started here with the firmware in flash, halted at power-on
  emu+openocd       the same emulated chip reached through stock OpenOCD (its JTAG port and
                    openocd/emu/<family>.cfg): the path silicon takes, without silicon
  openocd[=CFG]     OpenOCD with the part's board file, openocd/board/<family>.cfg (or CFG): silicon
  remote=HOST:PORT  any GDB server already running (a bootjump-emu started by hand, st-util, ...)

On openocd and remote targets the firmware is in the chip's flash already (gdb_driver checks it)
or, with --load, programmed through GDB; the emulator starts with it in flash. OpenOCD is started
and stopped by openocd/launch.py.
"""
import contextlib
import os
import socket
import tempfile

from openocd.launch import OpenOCD, OpenOCDError, board_config, emu_config

from . import CliError
from .emu import Emulator, EmulatorError

KINDS = "emu, emu+openocd, openocd[=CFG] or remote=HOST:PORT"


class Target:
    def __init__(self, kind, connect, load, emulator=None):
        self.kind, self.connect, self.load, self.emulator = kind, connect, load, emulator


def parse(spec):
    """(kind, argument) of a --target value; a clear error for anything else."""
    kind, _, arg = spec.partition("=")
    if kind in ("emu", "emu+openocd") and not arg:
        return kind, None
    if kind == "openocd":
        return kind, arg or None
    if kind == "remote" and arg:
        host, sep, port = arg.rpartition(":")
        if sep and host and port.isdigit() and 0 < int(port) < 65536:
            return kind, (host, int(port))
        raise CliError("--target remote=%s: expected HOST:PORT, e.g. remote=127.0.0.1:3333" % arg)
    raise CliError("--target %s: expected %s" % (spec, KINDS))


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
def _emulator(part, firmware, uarts, jtag=False):
    emu = Emulator(part.name, flash=firmware.path, gdb=not jtag, jtag=jtag, halt=True, uarts=uarts)
    try:
        emu.start()
    except EmulatorError as e:
        raise CliError(str(e)) from None
    try:
        yield emu
    finally:
        emu.stop()


# OpenOCD's errors on a board: what each means and what to do (openocd/README.md, "When it fails").
OPENOCD_ERRORS = {
    "Error: open failed": (
        "no ST-Link was found",
        "check its USB cable, your permission to open it (Debian's openocd package gives the plugdev "
        "group access; replug it after joining), and the `adapter serial` in openocd/local.cfg if you "
        "set one; build/bin/bootjump-usb list shows the ST-Links present"),
    "Error: init mode failed (unable to connect to the target)": (
        "the ST-Link did not reach the chip",
        "check the wiring (SWDIO PA13, SWCLK PA14, NRST, GND), the target's power (the ST-Link's VAPP "
        "pin must see the board's 3V3), and for a firmware that disables SWD or sleeps, `reset_config "
        "srst_only srst_nogate connect_assert_srst` in openocd/local.cfg"),
}


def _openocd_failed(e):
    """OpenOCD did not start: OpenOCD's line, and what it means and what to do when it is known."""
    for line, (meaning, todo) in OPENOCD_ERRORS.items():
        if line in str(e):
            return CliError('%s (openocd: "%s"): %s (openocd/README.md, "When it fails")' % (meaning, line, todo))
    return CliError(str(e))


@contextlib.contextmanager
def _openocd(config, missing, variables=None):
    """OpenOCD on one config file; `missing` says why the file may be absent and what to do."""
    if not os.path.isfile(config):
        raise CliError("OpenOCD config %s not found: %s" % (config, missing))
    # openocd/launch.py starts and stops OpenOCD by pid; if a signal cuts it short before its stop
    # runs, procs.stop_all() stops OpenOCD as a child bin/ did not start itself. The log is a
    # temporary file of ours (launch.py leaves its own behind when OpenOCD exits before its servers).
    with tempfile.NamedTemporaryFile(prefix="bootjump-openocd-", suffix=".log") as log:
        ocd = OpenOCD([config], variables=variables, log_path=log.name)
        try:
            try:
                ocd.start()
            except OpenOCDError as e:
                raise _openocd_failed(e) from None
            yield ocd
        finally:
            ocd.stop()


@contextlib.contextmanager
def open_target(spec, part, firmware, uarts=()):
    kind, arg = parse(spec)
    if kind == "emu":
        with _emulator(part, firmware, uarts) as emu:
            yield Target(kind, "127.0.0.1:%d" % emu.gdb_port, load=False, emulator=emu)
        return
    if kind == "emu+openocd":
        with _emulator(part, firmware, uarts, jtag=True) as emu, \
                _openocd(emu_config(part.name), "openocd/emu/ has no config for this part's family yet",
                         {"BOOTJUMP_EMU_PORT": emu.jtag_port}) as ocd:
            yield Target("openocd", "127.0.0.1:%d" % ocd.gdb_port, load=False, emulator=emu)
        return
    if not firmware.is_elf:
        raise CliError("%s is not an ELF file: GDB loads only ELF firmware onto a %s target"
                       % (firmware.path, kind))
    if kind == "remote":
        check_gdb_server(*arg)
        yield Target(kind, "%s:%d" % arg, load=True)
        return
    if arg:
        config, missing = arg, "check the path given with --target openocd=CFG"
    else:
        config = os.path.relpath(board_config(part.name))
        missing = ("openocd/board/ has no board file for this part's family yet; give one with "
                   "--target openocd=CFG")
    with _openocd(config, missing) as ocd:
        yield Target(kind, "127.0.0.1:%d" % ocd.gdb_port, load=True)
