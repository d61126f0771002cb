"""bootjump-usart against bootjump-emu and the ROM model: the checks issue 10 asks for.

STM32L031 in its bootloader answers with its PID; the same one-line jump firmware
(jump_to_rom.c) that leaves an STM32L031 listening is sent back to user flash by the STM32L011's
empty check, so the L011 gives no answer. Expected PIDs and names come from the part database.
"""
import contextlib
import json
import pathlib
import subprocess
import sys
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bin"))
import parts  # noqa: E402
from bjcli.emu import EXECUTABLE, Emulator, EmulatorError  # noqa: E402

BUILD = ROOT / "build"
EMU = pathlib.Path(EXECUTABLE)
USART = BUILD / "bin" / "bootjump-usart"
READY_S = 20
TIMEOUT_MS = 2000
SLACK_S = 1.0


def rom(part):
    return BUILD / "rom" / f"{part}.bin"


def jump_firmware(part):
    return BUILD / "test" / "tools" / part / "jump_to_rom.elf"


def need(*paths):
    missing = [str(p.relative_to(ROOT)) for p in paths if not p.exists()]
    if missing:
        pytest.fail("not built: %s (make test-tools-emu builds them)" % ", ".join(missing))


@contextlib.contextmanager
def emulator(tmp_path, part, **options):
    """bootjump-emu (the shared launcher) with USART2 on a pty; a start that fails fails the test."""
    emu = Emulator(part, uarts=["usart2"], **options)
    try:
        emu.start(timeout=READY_S, stderr_path=str(tmp_path / "emu.stderr"))
    except EmulatorError as e:
        pytest.fail(str(e))
    with emu:
        yield emu


def check_usart(pty):
    start = time.monotonic()
    proc = subprocess.run([str(USART), pty, "--8n1", "--json", "--timeout", str(TIMEOUT_MS)],
                          capture_output=True, text=True, timeout=30)
    elapsed = time.monotonic() - start
    assert elapsed < TIMEOUT_MS / 1000 + SLACK_S, f"took {elapsed:.2f} s"
    return proc, json.loads(proc.stdout)


def expect_identified(proc, report, part_name):
    part = parts.lookup(part_name)
    assert proc.returncode == 0, report
    assert report["verdict"] == "answered"
    assert int(report["pid"], 16) == int(part.raw["bootloader"]["pid"], 16)
    assert {"name": part.name, "designator": part.designator} in report["parts"]
    version = int(part.raw["bootloader"]["version"], 16)
    assert report["bootloader_version"] == f"{version >> 4}.{version & 0xF}"


def test_l031_booted_into_bootloader_answers(tmp_path):
    need(EMU, USART, rom("stm32l031"))
    with emulator(tmp_path, "stm32l031", boot0=1) as emu:
        proc, report = check_usart(emu.uart("usart2"))
    expect_identified(proc, report, "stm32l031")


def test_l031_jump_from_user_code_stays_and_answers(tmp_path):
    need(EMU, USART, rom("stm32l031"), jump_firmware("stm32l031"))
    with emulator(tmp_path, "stm32l031", flash=str(jump_firmware("stm32l031")), boot0=0) as emu:
        proc, report = check_usart(emu.uart("usart2"))
    expect_identified(proc, report, "stm32l031")


def test_l011_jump_from_user_code_gets_no_answer(tmp_path):
    need(EMU, USART, rom("stm32l011"), jump_firmware("stm32l011"))
    with emulator(tmp_path, "stm32l011", flash=str(jump_firmware("stm32l011")), boot0=0) as emu:
        proc, report = check_usart(emu.uart("usart2"))
    assert proc.returncode == 1, report
    assert report["verdict"] == "no-answer"
    assert report["elapsed_ms"] >= TIMEOUT_MS * 0.9
