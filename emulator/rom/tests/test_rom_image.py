"""The ROM images as the emulator and the tracer get them (build/rom/<part>.bin and .elf): one per
part the model supports, exactly the size of system memory, the vector table at its start, the
bootloader ID byte where AN2606 puts it, and no symbols to lean on."""
import pathlib
import struct
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
import parts  # noqa: E402

ROM = ROOT / "build" / "rom"


def num(text):
    return int(text, 16) if isinstance(text, str) else text


def built_parts():
    """The parts emulator/rom/module.mk found drivers for (its record of drivers.h's verdicts)."""
    text = (ROM / "parts.mk").read_text()
    return [line.split()[-1] for line in text.splitlines() if line.startswith("ROM_PARTS +=")]


def test_every_part_has_a_rom():
    missing = sorted(set(parts.load().names()) - set(built_parts()))
    reasons = {p: [line for line in (ROM / ("%s.unsupported" % p)).read_text().splitlines() if "#error" in line][:1]
               for p in missing}
    assert not missing, "no ROM model for: %s" % reasons


@pytest.mark.parametrize("name", built_parts())
def test_image_layout(name):
    p = parts.lookup(name)
    bl = p.raw["bootloader"]
    image = (ROM / ("%s.bin" % name)).read_bytes()
    assert len(image) == p.system_memory.size
    if bl["id"] is not None:
        assert image[num(bl["id_address"]) - p.system_memory.base] == num(bl["id"])
    sp, reset = struct.unpack_from("<II", image)
    ram = bl["ram"]
    assert sp == num(ram["base"]) + num(ram["size"]), "initial SP is not the top of the bootloader's RAM"
    assert reset & 1 and p.system_memory.base <= reset - 1 < p.system_memory.base + len(image)


@pytest.mark.parametrize("name", built_parts())
def test_published_elf_has_no_symbols(name):
    out = subprocess.run(["arm-none-eabi-nm", str(ROM / ("%s.elf" % name))], capture_output=True, text=True)
    assert "no symbols" in out.stderr and out.stdout == ""
