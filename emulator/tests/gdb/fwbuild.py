"""Builds what the stub's integration test and benchmark run on the emulated chip: the test
firmware (fw/backup.c, linked with the part's generated memory.ld) and a minimal system-memory image
(a vector table and an idle loop), so these tests depend on the stub and the chip alone, not on the
ROM model. Every address comes from the part database."""
import os
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import parts  # noqa: E402
from bin.bjcli.emu import Emulator, EmulatorError  # noqa: E402,F401  (re-exported for the tests)
from elftools.elf.elffile import ELFFile  # noqa: E402

PART = "stm32l011"
BACKUP_VALUE = 0xB0071E57
THUMB_B_SELF = 0xE7FE  # `b .`


class Firmware:
    def __init__(self, path, part):
        self.path = path
        self.part = part
        with open(path, "rb") as f:
            elf = ELFFile(f)
            symtab = elf.get_section_by_name(".symtab")
            self.symbols = {s.name: s["st_value"] & ~1 for s in symtab.iter_symbols() if s.name}
            text = elf.get_section_by_name(".text")
            self.text_base = text["sh_addr"]
            self.text = text.data()

    def word(self, addr):
        off = addr - self.text_base
        return struct.unpack_from("<I", self.text, off)[0]

    @property
    def reset_vector(self):
        """The reset handler's address (Thumb bit cleared), from the vector table."""
        return self.word(self.part.flash.base + 4) & ~1


def build(outdir, part_name=PART):
    """Compile the test firmware for part_name into outdir; returns a Firmware."""
    part = parts.lookup(part_name)
    gen = os.path.join(ROOT, "build", "gen", part.name)
    elf = os.path.join(outdir, "backup-%s.elf" % part.name)
    cmd = ["arm-none-eabi-gcc", "-mcpu=" + part.core, "-mthumb", "-O1", "-g", "-ffreestanding",
           "-nostdlib", "-Wall", "-Wextra", "-Werror", "-DBACKUP_VALUE=0x%08xu" % BACKUP_VALUE,
           "-I" + gen, "-L" + gen, "-T" + os.path.join(HERE, "fw", "link.ld"),
           os.path.join(HERE, "fw", "backup.c"), "-o", elf]
    subprocess.run(cmd, check=True)
    return Firmware(elf, part)


SYSTEM_VECTORS = 16  # initial SP, then reset .. SysTick (ARMv6-M ARM B1.5.2)


def idle_rom(outdir, part_name=PART):
    """A system-memory image whose reset and fault handlers all loop on themselves."""
    part = parts.lookup(part_name)
    sysmem = part.system_memory
    loop = sysmem.base + 4 * SYSTEM_VECTORS
    image = bytearray(sysmem.size)
    struct.pack_into("<I", image, 0, part.sram.end)
    for n in range(1, SYSTEM_VECTORS):
        struct.pack_into("<I", image, 4 * n, loop | 1)
    struct.pack_into("<H", image, loop - sysmem.base, THUMB_B_SELF)
    path = os.path.join(outdir, "idle-rom-%s.bin" % part.name)
    with open(path, "wb") as f:
        f.write(image)
    return path
