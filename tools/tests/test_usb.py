"""bootjump-usb on the machine running the tests. Without a USB bus (this project's build
machines) both commands must say so and exit 4 at once; with one, `list` must give valid JSON
and an exit status the README documents, and wait-dfu must end by its timeout."""
import json
import pathlib
import subprocess
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
USB = ROOT / "build" / "bin" / "bootjump-usb"
SYSFS_USB = pathlib.Path("/sys/bus/usb/devices")
HAS_USB = SYSFS_USB.is_dir() and any(SYSFS_USB.iterdir())


def run_usb(*args):
    start = time.monotonic()
    proc = subprocess.run([str(USB), *args], capture_output=True, text=True, timeout=30)
    return proc, time.monotonic() - start


@pytest.mark.parametrize("args", [["list"], ["wait-dfu", "--timeout", "0.3"]])
def test_machine_without_usb_says_so(args):
    if HAS_USB:
        pytest.skip("this machine has a USB bus; test_machine_with_usb covers it")
    proc, elapsed = run_usb(*args, "--json")
    assert proc.returncode == 4, proc.stderr
    assert json.loads(proc.stdout) == {"usb": False, "error": proc.stderr.strip()[len("bootjump-usb: "):]}
    assert "no USB bus" in proc.stderr and len(proc.stderr.splitlines()) == 1
    assert elapsed < 2

    text, _ = run_usb(*args)
    assert text.returncode == 4 and text.stdout == ""
    assert text.stderr.startswith("bootjump-usb: no USB bus")


def test_machine_with_usb():
    if not HAS_USB:
        pytest.skip("this machine has no USB bus; test_machine_without_usb_says_so covers it")
    proc, _ = run_usb("list", "--json")
    assert proc.returncode in (0, 1, 3), proc.stderr
    report = json.loads(proc.stdout)
    assert report["usb"] is True and report["devices_seen"] > 0
    waited, elapsed = run_usb("wait-dfu", "--timeout", "0.3", "--json")
    assert waited.returncode in (0, 1)
    assert elapsed < 0.3 + 1.5


@pytest.mark.parametrize("args", [[], ["flash"], ["list", "--timeout", "1"], ["wait-dfu", "--timeout", "0"],
                                  ["wait-dfu", "--timeout", "soon"], ["wait-dfu", "--timeout"],
                                  ["list", "extra"]])
def test_bad_command_line(args):
    proc, _ = run_usb(*args)
    assert proc.returncode == 64
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("args", [["--help"], ["-h"], ["list", "--help"], ["wait-dfu", "--timeout", "1", "-h"]])
def test_help_anywhere(args):
    """--help prints the usage and exits 0, before or after the command (as bootjump-usart's does)."""
    proc, _ = run_usb(*args)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: bootjump-usb") and proc.stderr == ""
