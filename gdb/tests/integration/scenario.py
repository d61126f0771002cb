"""Probe scenarios on bootjump-emu: a running emulator for a part, and the GDB commands that arm the
probe's mailbox (c_probe/README.md) so the probe runs a recipe when it boots."""
import contextlib
import os

import pytest

import parts
from c_probe import record

from conftest import ROOT
from session import EmulatorError, emulator, need_emulator, probe, scratch

ROM_DIR = os.path.join(ROOT, "build", "rom")


def rom_image(part):
    return os.path.join(ROM_DIR, part + ".bin")


@contextlib.contextmanager
def running(part, flash, **kw):
    """bootjump-emu for `part`, halted at reset with its GDB port open; stopped by pid on exit.
    Skips (with the reason) when the emulator, the ROM model or the firmware is not built."""
    need_emulator(flash, rom_image(part))
    emu = emulator(part, flash, **kw)
    try:
        emu.start(stderr_path=scratch("emu", "%s.stderr" % part))
    except EmulatorError as e:
        pytest.fail("bootjump-emu did not start: %s" % e)
    try:
        yield emu
    finally:
        emu.stop()


def arm(part, recipe, options=()):
    """GDB commands that write the mailbox: the probe runs `recipe` when it boots."""
    p = parts.lookup(part)
    d = record.load()
    addr = record.noinit_base(p) + d.noinit["mailbox"]
    data = record.encode_mailbox(recipe, options)
    return ["python gdb.selected_inferior().write_memory(0x%x, bytes.fromhex('%s'))" % (addr, data.hex())]


def first_word(part):
    with open(probe(part, "bin"), "rb") as f:
        return int.from_bytes(f.read(4), "little")
