"""The ROM model on bootjump-emu, seen from outside as a user would see a chip: stm32flash on the
USART's pty, and test firmware (firmware/fw.c) that prints on the same USART each time it runs.

- Every part, booted into the bootloader: stm32flash identifies it by its PID, writes and verifies.
- STM32L031 (plain), booted into the bootloader: stm32flash identifies it, reads, writes and
  verifies, erases, and starts user code with Go.
- STM32L011 (empty check): firmware jumping into the ROM comes straight back and the bootloader
  never answers; after erasing page 0 first, the same jump stays and stm32flash gets answers.
- STM32L07x (dual bank): the jump starts bank 2 if it holds a valid stack pointer, else bank 1,
  and stays only when neither does; BOOT0 = 1 stays.
- STM32F04x: the jump comes back, unless flash word 0 is erased, or BOOT_SEL = 0, or the BOOT0 pin
  (PB8) is high.
- Random bytes on the line: before a host synchronises they are ignored and a 0x7F gets ACK; in a
  session the host gets the bootloader back the way stm32flash does, and GET ID answers.
"""
import random
import re

import pytest

from emulated import (ACK, NACK, SYNC, ROOT, Part, Pty, build_firmware, device_id, emulator,
                      flash_image, parts, stm32flash)

EMULATOR = ROOT / "build" / "bin" / "bootjump-emu"
LINE_S = 20   # a line from the firmware, or the ROM's answer, arrives within this


@pytest.fixture(autouse=True)
def _need_emulator():
    assert EMULATOR.exists(), "build/bin/bootjump-emu missing: run `make`"


def assert_times_out(run):
    """stm32flash's 0x7F drew no answer at all (not a wrong byte, not a dead pty)."""
    assert run.returncode != 0 and device_id(run) is None, run.stdout + run.stderr
    assert "Failed to init device, timeout." in run.stdout + run.stderr, run.stdout + run.stderr


def entry_line(role, n):
    return rb"bootjump-fw: " + role.encode() + rb" entry " + str(n).encode() + rb"\n"


# ---------------------------------------------------------------- STM32L031: stm32flash end to end

def test_l031_stm32flash_identify_read_write_erase(tmp_path):
    part = Part("stm32l031")
    base, greeter = build_firmware(part, tmp_path / "fw", "greeter")
    loaded = flash_image(part, tmp_path / "loaded.bin", [(base, greeter)])
    with emulator(part, tmp_path, flash=loaded, boot0=1) as emu, Pty(emu.uart(part.usart)) as pty:
        run = stm32flash(pty.path)
        assert device_id(run) == part.pid, run.stdout + run.stderr

        def read_flash(name):
            out = tmp_path / name
            run = stm32flash(pty.path, "-r", out)
            assert run.returncode == 0, run.stdout + run.stderr
            return out.read_bytes()

        erased = bytes([part.erased])
        data = read_flash("read1.bin")
        assert len(data) == part.flash_size
        assert data == greeter + erased * (part.flash_size - len(greeter))

        new = bytes(random.Random(31).randrange(256) for _ in range(3000))
        (tmp_path / "new.bin").write_bytes(new)
        run = stm32flash(pty.path, "-w", tmp_path / "new.bin", "-v")
        assert run.returncode == 0 and "Wrote and verified" in run.stdout, run.stdout + run.stderr
        assert read_flash("read2.bin")[:len(new)] == new

        run = stm32flash(pty.path, "-o")
        assert run.returncode == 0, run.stdout + run.stderr
        assert read_flash("read3.bin") == erased * part.flash_size


def test_l031_stm32flash_go(tmp_path):
    part = Part("stm32l031")
    base, greeter = build_firmware(part, tmp_path / "fw", "greeter", repeat=True)
    with emulator(part, tmp_path, boot0=1) as emu, Pty(emu.uart(part.usart)) as pty:
        (tmp_path / "greeter.bin").write_bytes(greeter)
        run = stm32flash(pty.path, "-w", tmp_path / "greeter.bin", "-v", "-g", "0x%08x" % base)
        assert run.returncode == 0 and "Starting execution" in run.stdout, run.stdout + run.stderr
        # Go: the ROM de-initialises and starts the greeter, which says so on the same USART.
        pty.read_until(entry_line("greeter", 1), LINE_S)


# ---------------------------------------------------------------- every part: the bootloader answers

@pytest.mark.parametrize("name", sorted(parts.load().names()))
def test_every_part_identifies_and_writes(tmp_path, name):
    """Booted with BOOT0 = 1, each part's ROM answers with its PID and writes and verifies flash
    (its USART driver, its flash controller's sequences, its erase units)."""
    part = Part(name)
    data = bytes(random.Random(name).randrange(256) for _ in range(600))
    (tmp_path / "data.bin").write_bytes(data)
    with emulator(part, tmp_path, boot0=1) as emu, Pty(emu.uart(part.usart)) as pty:
        run = stm32flash(pty.path, "-w", tmp_path / "data.bin", "-v")
        assert device_id(run) == part.pid and run.returncode == 0, run.stdout + run.stderr
        assert "Wrote and verified" in run.stdout


# ---------------------------------------------------------------- STM32L011: the empty check

def test_l011_jump_from_user_code_comes_back(tmp_path):
    part = Part("stm32l011")
    base, jumper = build_firmware(part, tmp_path / "fw", "jumper", jump=True)
    image = flash_image(part, tmp_path / "flash.bin", [(base, jumper)])
    with emulator(part, tmp_path, flash=image, boot0=0) as emu, Pty(emu.uart(part.usart)) as pty:
        out = pty.read_until(entry_line("jumper", 2), LINE_S)
        assert re.search(entry_line("jumper", 1), out)
        assert_times_out(stm32flash(pty.path))


def test_l011_jump_with_word0_erased_stays(tmp_path):
    part = Part("stm32l011")
    base, jumper = build_firmware(part, tmp_path / "fw", "jumper", jump=True, erase_page0=True)
    image = flash_image(part, tmp_path / "flash.bin", [(base, jumper)])
    with emulator(part, tmp_path, flash=image, boot0=0) as emu, Pty(emu.uart(part.usart)) as pty:
        pty.read_until(entry_line("jumper", 1), LINE_S)
        assert pty.read(quiet=1.0) == b"", "the jump came back although page 0 was erased"
        run = stm32flash(pty.path)
        assert device_id(run) == part.pid, run.stdout + run.stderr
        run = stm32flash(pty.path, "-r", tmp_path / "word0.bin", "-S", "0x%08x:4" % part.flash_base)
        assert run.returncode == 0 and (tmp_path / "word0.bin").read_bytes() == bytes([part.erased]) * 4


# ---------------------------------------------------------------- STM32L07x: dual-bank boot

DUAL_BANK_CASES = {
    # name: (bank-1 firmware, bank-2 firmware?, BOOT0, option bits, what the pty shows, bootloader answers)
    # A jump from user code in bank 1:
    "bank2-valid": (dict(jump=True), True, 0, None, [("jumper", 1), ("bank2", 2)], False),
    "bank1-only": (dict(jump=True), False, 0, None, [("jumper", 1), ("jumper", 2)], False),
    "no-valid-bank": (dict(jump=True, bad_sp=True), False, 0, None, [("jumper", 1)], True),
    # Reset with the boot pins and BFB2 (AN2606 pattern 7):
    "boot0-pin": (dict(jump=True), True, 1, None, [], True),
    "bfb2-boot": (dict(), True, 0, {"BFB2": 1}, [("bank2", 1)], False),
    "bfb2-boot0-pin": (dict(), True, 1, {"BFB2": 1}, [], True),
}


@pytest.mark.parametrize("case", sorted(DUAL_BANK_CASES))
def test_l07x_dual_bank(tmp_path, case):
    part = Part("stm32l073")
    bank1_opts, with_bank2, boot0, options, lines, answers = DUAL_BANK_CASES[case]
    pieces = [build_firmware(part, tmp_path / "fw", "jumper" if bank1_opts.get("jump") else "bank1", **bank1_opts)]
    if with_bank2:
        pieces.append(build_firmware(part, tmp_path / "fw", "bank2", origin=part.banks[1]))
    image = flash_image(part, tmp_path / "flash.bin", pieces)
    with emulator(part, tmp_path, flash=image, boot0=boot0, options=options) as emu, \
            Pty(emu.uart(part.usart)) as pty:
        for role, n in lines:
            pty.read_until(entry_line(role, n), LINE_S)
        assert pty.read(quiet=1.0) == b"", "user code ran again where the profile says it must not"
        run = stm32flash(pty.path)
        if answers:
            assert device_id(run) == part.pid, run.stdout + run.stderr
        else:
            assert_times_out(run)


# ---------------------------------------------------------------- STM32F04x: three ways to stay

F04X_CASES = {
    # name: (firmware options, option bytes, what the pty shows, bootloader answers)
    "comes-back": (dict(jump=True), None, [("jumper", 1), ("jumper", 2)], False),
    "word0-erased": (dict(jump=True, erase_page0=True), None, [("jumper", 1)], True),
    "boot-sel-0": (dict(jump=True), {"BOOT_SEL": 0}, [("jumper", 1)], True),
    "boot0-pin-high": (dict(jump=True, drive_boot0=True), None, [("jumper", 1)], True),
}


@pytest.mark.parametrize("case", sorted(F04X_CASES))
def test_f04x_escapes(tmp_path, case):
    part = Part("stm32f042")
    fw_opts, options, lines, answers = F04X_CASES[case]
    image = flash_image(part, tmp_path / "flash.bin", [build_firmware(part, tmp_path / "fw", "jumper", **fw_opts)])
    with emulator(part, tmp_path, flash=image, boot0=0, options=options) as emu, Pty(emu.uart(part.usart)) as pty:
        for role, n in lines:
            pty.read_until(entry_line(role, n), LINE_S)
        assert pty.read(quiet=1.0) == b"", "user code ran again where the profile says it must not"
        run = stm32flash(pty.path)
        if answers:
            assert device_id(run) == part.pid, run.stdout + run.stderr
        else:
            assert_times_out(run)


# ---------------------------------------------------------------- random bytes on the line

def test_random_bytes_then_sync(tmp_path):
    part = Part("stm32l031")
    rng = random.Random(4)
    get_id = bytes([ACK, 1, part.pid >> 8, part.pid & 0xFF, ACK])
    with emulator(part, tmp_path, boot0=1) as emu, Pty(emu.uart(part.usart)) as pty:
        # Noise before any host: ignored (a 0x7F would be a sync, so the noise has none).
        noise = bytes(b for b in (rng.randrange(256) for _ in range(3000)) if b != SYNC)
        pty.write(noise)
        assert pty.read(quiet=1.0) == b""
        pty.write([SYNC])
        pty.expect([ACK], LINE_S)
        pty.write([0x02, 0xFD])
        pty.expect(get_id, LINE_S)

        # Noise in a session: every byte value. Then stm32flash's way back: 0x7F until a NACK
        # answers one (it closes the frame the noise left open, or makes a new one invalid).
        pty.write(bytes(rng.randrange(256) for _ in range(3000)))
        pty.read(quiet=1.0)
        for _ in range(2 * 512 + 8):  # the longest frame the model accepts, and some
            pty.write([SYNC])
            reply = pty.read(quiet=0.3)
            if reply and reply[-1] == NACK:
                break
        else:
            pytest.fail("no NACK in answer to 0x7F: the command loop is stuck")
        pty.write([0x02, 0xFD])
        pty.expect(get_id, LINE_S)
        assert emu.proc.poll() is None, "bootjump-emu exited"
