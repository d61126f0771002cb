"""Helpers for the ROM model's tests on bootjump-emu: building the test firmware for a part,
laying out flash images, the emulator's pty, and stm32flash runs with a bound on their time.
Every address and ID comes from the part database (import parts)."""
import os
import pathlib
import re
import select
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bin"))
import parts  # noqa: E402
from bjcli.emu import Emulator, EmulatorError  # noqa: E402,F401  (re-exported for the tests)

BUILD = ROOT / "build"
GEN = BUILD / "gen"
ROM_DIR = ROOT / "emulator" / "rom"
FW_DIR = ROM_DIR / "tests" / "firmware"
ARM_CC = "arm-none-eabi-gcc"
ARM_OBJCOPY = "arm-none-eabi-objcopy"

ACK, NACK, SYNC = 0x79, 0x1F, 0x7F
STM32FLASH_TIMEOUT_S = 120


def num(text):
    return int(text, 16) if isinstance(text, str) else text


class Part:
    """The facts the tests need about one part, from parts/stm32.json."""

    def __init__(self, name):
        self.name = name
        self.p = parts.lookup(name)
        raw = self.p.raw
        self.pid = num(raw["bootloader"]["pid"])
        self.flash_base = self.p.flash.base
        self.flash_size = self.p.flash.size
        self.page_size = raw["flash"]["page_size"]
        self.erased = num(raw["flash"]["erased"]) & 0xFF
        self.banks = [num(b["base"]) for b in raw["flash"]["banks"]]
        # The first bootloader USART is the one the tests connect to a pty.
        self.usart = raw["bootloader"]["usarts"][0]["periph"].lower()
        self.mcpu = self.p.core


def build_firmware(part, out_dir, role, jump=False, erase_page0=False, bad_sp=False, drive_boot0=False,
                   repeat=False, origin=None):
    """Compile firmware/fw.c for the part; returns (load address, image bytes)."""
    out_dir = pathlib.Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    tag = "%s-j%d-e%d-b%d-d%d-r%d-%s" % (role, jump, erase_page0, bad_sp, drive_boot0, repeat,
                                        "%x" % origin if origin else "base")
    elf = out_dir / (tag + ".elf")
    binary = out_dir / (tag + ".bin")
    # The ROM model's own drivers: drivers.h compiles only the ones this part's blocks use.
    drivers = sorted(ROM_DIR.glob("gpio_*.c")) + sorted(ROM_DIR.glob("flash_*.c")) + [ROM_DIR / "start.c"]
    args = [ARM_CC, "-mcpu=" + part.mcpu, "-mthumb", "-std=c11", "-Os", "-Wall", "-Wextra", "-Werror",
            "-ffreestanding", "-nostdlib", "-I%s" % (GEN / part.name), "-I%s" % ROM_DIR,
            "-DFW_ROLE=\"%s\"" % role, "-DFW_JUMP=%d" % jump, "-DFW_ERASE_PAGE0=%d" % erase_page0,
            "-DFW_BAD_SP=%d" % bad_sp, "-DFW_DRIVE_BOOT0=%d" % drive_boot0, "-DFW_REPEAT=%d" % repeat,
            "-L%s" % (GEN / part.name),
            "-T", str(FW_DIR / "fw.ld")]
    if origin is not None:
        args.append("-Wl,--defsym=FW_ORIGIN=0x%x" % origin)
    if erase_page0:
        args.append("-Wl,--defsym=FW_CODE_OFFSET=0x%x" % part.page_size)
    args += ["-o", str(elf), str(FW_DIR / "fw.c")] + [str(d) for d in drivers] + ["-lgcc"]
    subprocess.run(args, check=True, cwd=ROOT)
    subprocess.run([ARM_OBJCOPY, "-O", "binary", str(elf), str(binary)], check=True)
    return (origin if origin is not None else part.flash_base), binary.read_bytes()


def flash_image(part, path, pieces):
    """A .bin for --flash: pieces [(address, bytes)] laid out from the flash base, gaps erased."""
    end = max(addr + len(data) for addr, data in pieces) - part.flash_base
    image = bytearray([part.erased]) * end
    for addr, data in pieces:
        image[addr - part.flash_base:addr - part.flash_base + len(data)] = data
    pathlib.Path(path).write_bytes(bytes(image))
    return str(path)


def emulator(part, tmp_path, flash=None, boot0=None, options=None):
    """A started bootjump-emu (a context manager that stops it by pid), its stderr in tmp_path."""
    emu = Emulator(part.name, flash=flash, boot0=boot0, options=options, uarts=(part.usart,))
    return emu.start(stderr_path=str(pathlib.Path(tmp_path) / "emu.stderr"))


class Pty:
    """A USART's pty, as the test's end of the line. The emulator holds it open in raw mode from
    the start, so what firmware printed before the test opened it is still there to read."""

    def __init__(self, path):
        self.path = path
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
        self.pending = b""  # read from the pty, not yet returned

    def close(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def write(self, data):
        view = memoryview(bytes(data))
        while view:
            _, w, _ = select.select([], [self.fd], [], 5)
            if not w:
                raise TimeoutError("the emulator does not take bytes from its pty")
            n = os.write(self.fd, view[:256])
            view = view[n:]

    def read(self, quiet, limit=10.0):
        """What arrives until the line has been quiet for `quiet` seconds (at most `limit`)."""
        out, self.pending = self.pending, b""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            r, _, _ = select.select([self.fd], [], [], quiet)
            if not r:
                break
            out += os.read(self.fd, 4096)
        return out

    def expect(self, data, timeout):
        """Exactly `data` arrives next (within timeout seconds)."""
        out = self.read_until(re.escape(bytes(data)), timeout)
        assert out == bytes(data), "expected %r on %s, got %r" % (bytes(data), self.path, out)

    def read_until(self, pattern, timeout):
        """Bytes up to and including the first match of pattern (bytes regex), keeping what came
        after it for the next read; fails after timeout seconds."""
        out, self.pending = self.pending, b""
        deadline = time.monotonic() + timeout
        while not (m := re.search(pattern, out)):
            left = deadline - time.monotonic()
            r, _, _ = select.select([self.fd], [], [], max(left, 0))
            if not r:
                raise AssertionError("no %r on %s within %.0f s; got %r" % (pattern, self.path, timeout, out[-200:]))
            out += os.read(self.fd, 4096)
        self.pending = out[m.end():]
        return out[:m.end()]


def stm32flash(pty, *args, baud=115200):
    """stm32flash in 8N1 (a pty cannot carry parity) against the pty; returns the finished run."""
    cmd = ["stm32flash", "-m", "8n1", "-b", str(baud), *[str(a) for a in args], pty]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=STM32FLASH_TIMEOUT_S)


def device_id(run):
    """The PID stm32flash reports ("Device ID : 0x0425 (...)"), or None."""
    m = re.search(r"Device ID\s*:\s*0x([0-9a-fA-F]+)", run.stdout + run.stderr)
    return int(m.group(1), 16) if m else None
