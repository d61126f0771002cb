"""bootjump-usart against bootjump-emu and the ROM model: the checks issue 10 asks for.

STM32L031 in its bootloader answers with its PID; the same one-line jump firmware
(jump_to_rom.c) that leaves an STM32L031 listening is sent back to user flash by the STM32L011's
empty check, so the L011 gives no answer. Expected PIDs and names come from the part database.
"""
import contextlib
import json
import os
import pathlib
import select
import subprocess
import sys
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
import parts  # noqa: E402

BUILD = ROOT / "build"
EMU = BUILD / "bin" / "bootjump-emu"
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


def read_ready_line(proc, log):
    """The emulator's one JSON line on stdout, or a failure that shows its stderr."""
    deadline = time.monotonic() + READY_S
    line = b""
    while not line.endswith(b"\n"):
        left = deadline - time.monotonic()
        ready, _, _ = select.select([proc.stdout], [], [], max(left, 0))
        chunk = os.read(proc.stdout.fileno(), 4096) if ready else b""
        if not chunk:
            reason = "exited" if proc.poll() is not None else f"printed no ready line in {READY_S} s"
            pytest.fail(f"bootjump-emu {reason}: {log.read_text()[-2000:]}")
        line += chunk
    return json.loads(line)


@contextlib.contextmanager
def emulator(tmp_path, *args):
    log = tmp_path / "emu.stderr"
    with open(log, "wb") as err:
        proc = subprocess.Popen([str(EMU), *args], stdout=subprocess.PIPE, stderr=err)
    try:
        yield read_ready_line(proc, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()


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
    with emulator(tmp_path, "--part", "stm32l031", "--boot0", "1", "--uart", "usart2=pty") as ready:
        proc, report = check_usart(ready["uart"]["usart2"])
    expect_identified(proc, report, "stm32l031")


def test_l031_jump_from_user_code_stays_and_answers(tmp_path):
    need(EMU, USART, rom("stm32l031"), jump_firmware("stm32l031"))
    with emulator(tmp_path, "--part", "stm32l031", "--flash", str(jump_firmware("stm32l031")),
                  "--boot0", "0", "--uart", "usart2=pty") as ready:
        proc, report = check_usart(ready["uart"]["usart2"])
    expect_identified(proc, report, "stm32l031")


def test_l011_jump_from_user_code_gets_no_answer(tmp_path):
    need(EMU, USART, rom("stm32l011"), jump_firmware("stm32l011"))
    with emulator(tmp_path, "--part", "stm32l011", "--flash", str(jump_firmware("stm32l011")),
                  "--boot0", "0", "--uart", "usart2=pty") as ready:
        proc, report = check_usart(ready["uart"]["usart2"])
    assert proc.returncode == 1, report
    assert report["verdict"] == "no-answer"
    assert report["elapsed_ms"] >= TIMEOUT_MS * 0.9
