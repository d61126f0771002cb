"""bootjump-usart against a fake AN3155 responder on a pty (tools/tests/fake_an3155.py), and
the ways a port cannot be opened."""
import fcntl
import json
import os
import pathlib
import shutil
import subprocess
import time

import pytest

from fake_an3155 import ACK, L031_REPLIES, NACK, FakeBootloader

ROOT = pathlib.Path(__file__).resolve().parents[2]
USART = ROOT / "build" / "bin" / "bootjump-usart"
TIMEOUT_MS = 600
# The tool promises to finish within --timeout; allow for process start-up and a loaded machine.
SLACK_S = 0.5


def run_usart(*args, as_user=None):
    cmd = [str(USART), *args]
    if as_user is not None:
        cmd = ["setpriv", f"--reuid={as_user}", f"--regid={as_user}", "--clear-groups", *cmd]
    start = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    return proc, time.monotonic() - start


def check_json(fake, *extra):
    proc, elapsed = run_usart(fake.path, "--8n1", "--json", "--timeout", str(TIMEOUT_MS), *extra)
    assert elapsed < TIMEOUT_MS / 1000 + SLACK_S, f"took {elapsed:.2f} s"
    assert "Traceback" not in proc.stderr
    return proc, json.loads(proc.stdout)


def test_answering_l031_is_identified():
    with FakeBootloader() as fake:
        proc, report = check_json(fake)
        sent = bytes(fake.received)
    assert proc.returncode == 0, proc.stderr
    assert report["verdict"] == "answered" and report["answered"] is True
    assert report["error"] is None
    assert report["sync"]["answer"] == "ACK" and report["sync"]["attempts"] == 1
    assert 0 < report["sync"]["time_to_ack_ms"] < TIMEOUT_MS
    assert report["bootloader_version"] == "3.1"
    assert report["pid"] == "0x425"
    assert report["parts"] == [{"name": "stm32l031", "designator": "STM32L031/L041"}]
    assert [c["code"] for c in report["commands"]][:3] == ["0x00", "0x01", "0x02"]
    assert {"code": "0x44", "name": "Extended Erase"} in report["commands"]
    assert report["option_bytes"] == ["0x00", "0x00"]
    # Exactly AN3155's frames: sync, then each command with its complement.
    assert sent == bytes([0x7F, 0x00, 0xFF, 0x01, 0xFE, 0x02, 0xFD])


def test_text_report_names_the_part():
    with FakeBootloader() as fake:
        proc, _ = run_usart(fake.path, "--8n1", "--timeout", str(TIMEOUT_MS))
    assert proc.returncode == 0, proc.stderr
    assert "a bootloader answered" in proc.stdout
    assert "0x425 = STM32L031/L041 (stm32l031)" in proc.stdout
    assert "0x44 Extended Erase" in proc.stdout


def test_unknown_pid_is_reported_not_named():
    replies = {**L031_REPLIES, 0x02: ACK + bytes([0x01, 0x0F, 0xFE]) + ACK}
    with FakeBootloader(replies=replies) as fake:
        proc, report = check_json(fake)
    assert proc.returncode == 0
    assert report["pid"] == "0xffe" and report["parts"] == []


def test_silence_is_no_answer_within_the_timeout():
    with FakeBootloader(sync_reply=None) as fake:
        proc, report = check_json(fake)
        sent = bytes(fake.received)
    assert proc.returncode == 1
    assert report["verdict"] == "no-answer" and report["answered"] is False
    assert "nothing came back to 0x7F (sent twice)" in report["error"]
    assert sent == b"\x7f\x7f"
    assert report["elapsed_ms"] >= TIMEOUT_MS * 0.9


@pytest.mark.parametrize("fake_args", [
    {"synchronised": True, "sync_reply": None},  # 0x7F taken as a command byte, then NACKed
    {"sync_reply": NACK},
], ids=["sync-taken-as-command", "sync-nack"])
def test_already_synchronised_rom_still_answers(fake_args):
    with FakeBootloader(**fake_args) as fake:
        proc, report = check_json(fake)
    assert proc.returncode == 0, report
    assert report["sync"]["answer"] == "NACK"
    assert report["pid"] == "0x425"


def reply_with(code, answer):
    return {"replies": {**L031_REPLIES, code: answer}}


@pytest.mark.parametrize("fake_args, verdict, answered, words", [
    ({"replies": {0x00: L031_REPLIES[0x00], 0x01: L031_REPLIES[0x01]}},
     "nack", True, "NACK (0x1f) to Get ID (0x02)"),
    ({"sync_reply": b"\x55"}, "bad-reply", False, "answered with 0x55"),
    (reply_with(0x02, ACK + bytes([0x03, 0x04, 0x25, 0, 0]) + ACK),
     "bad-reply", True, "length byte is 3"),
    (reply_with(0x00, L031_REPLIES[0x00][:-1] + b"\x00"),
     "bad-reply", True, "where the final ACK (0x79) belongs"),
    (reply_with(0x02, L031_REPLIES[0x02] + b"\xaa\xbb"),
     "bad-reply", True, "2 extra byte(s) after its final ACK"),
    (reply_with(0x00, L031_REPLIES[0x00][:5]),
     "bad-reply", True, "stopped after 5 of the 15 bytes"),
    (reply_with(0x01, ACK + bytes([0x22, 0, 0]) + ACK),
     "bad-reply", True, "Get Version says 0x22"),
    ({"babble": b"\x55\xaa" * 32, "sync_reply": None},
     "bad-reply", False, "neither ACK (0x79) nor NACK"),
], ids=["nack", "garbage-sync", "bad-length", "no-final-ack", "extra-bytes", "short",
        "version-mismatch", "babble"])
def test_bad_replies_are_reported_not_trusted(fake_args, verdict, answered, words):
    with FakeBootloader(**fake_args) as fake:
        proc, report = check_json(fake)
    assert proc.returncode == 2, report
    assert report["verdict"] == verdict
    assert report["answered"] is answered
    assert words in report["error"]


def expect_cannot_open(proc, words):
    assert proc.returncode == 3
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], proc.stderr
    assert lines[0].startswith("bootjump-usart: ")


def test_missing_port():
    missing = "/dev/bootjump-no-such-port"
    proc, _ = run_usart(missing, "--json")
    expect_cannot_open(proc, "no such device")
    report = json.loads(proc.stdout)
    assert report["verdict"] == "cannot-open" and report["open_failure"] == "missing"


def test_busy_port_is_refused():
    with FakeBootloader() as fake:
        holder = os.open(fake.path, os.O_RDWR | os.O_NOCTTY)
        try:
            fcntl.lockf(holder, fcntl.LOCK_EX | fcntl.LOCK_NB)
            proc, _ = run_usart(fake.path, "--8n1")
        finally:
            os.close(holder)
        sent = bytes(fake.received)
    expect_cannot_open(proc, "busy")
    assert sent == b""


def test_permission_denied():
    """As root, the tool runs as nobody on a port only root may open; as any other user (CI), on a
    port its owner has taken every permission from, so the check runs either way."""
    as_user = None
    with FakeBootloader() as fake:
        if os.geteuid() == 0:
            if shutil.which("setpriv") is None:
                pytest.skip("needs setpriv to run the tool as a user without access")
            os.chmod(fake.path, 0o600)
            as_user = 65534
        else:
            os.chmod(fake.path, 0o000)
        proc, _ = run_usart(fake.path, "--8n1", as_user=as_user)
    expect_cannot_open(proc, "permission denied")


def test_pty_cannot_carry_parity():
    with FakeBootloader() as fake:
        proc, _ = run_usart(fake.path)
    expect_cannot_open(proc, "cannot carry parity")
    assert "--8n1" in proc.stderr


def test_not_a_tty():
    proc, _ = run_usart("/dev/null", "--8n1")
    expect_cannot_open(proc, "not a serial port")


@pytest.mark.parametrize("args", [[], ["a", "b"], ["--baud", "12", "p"], ["--timeout", "0", "p"],
                                  ["--timeout", "ms", "p"], ["--what", "p"]])
def test_bad_command_line(args):
    proc, _ = run_usart(*args)
    assert proc.returncode == 64
    assert len(proc.stderr.strip().splitlines()) == 1
