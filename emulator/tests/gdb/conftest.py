"""Fixtures of the stub's integration tests: the test firmware and an idle ROM built once per
session, and a bootjump-emu per test, halted at reset with its GDB port open, stopped by pid
whatever the test did."""
import os

import pytest

import fwbuild


@pytest.fixture(scope="session")
def fw(tmp_path_factory):
    return fwbuild.build(str(tmp_path_factory.mktemp("fw")))


@pytest.fixture(scope="session")
def idle_rom(tmp_path_factory):
    return fwbuild.idle_rom(str(tmp_path_factory.mktemp("rom")))


@pytest.fixture
def emu_factory(tmp_path, idle_rom):
    """Start emulators on demand (flash image optional); each is stopped by pid at the end."""
    started = []

    def start(flash=None, **kwargs):
        emu = fwbuild.Emulator(fwbuild.PART, flash=flash, rom=idle_rom, gdb=True, **kwargs)
        started.append(emu)
        return emu.start(stderr_path=os.path.join(str(tmp_path), "emu%d.stderr" % len(started)))

    yield start
    for emu in started:
        emu.stop()


@pytest.fixture
def emu(emu_factory):
    return emu_factory(halt=True)
