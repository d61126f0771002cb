"""What runs before the jump: the probe (c_probe) or the user's firmware, and whether it has the
probe's symbols (then the probe's recipes, mailbox and checkpoints can be used)."""
import os

from elftools.common.exceptions import ELFError
from elftools.elf.elffile import ELFFile
from elftools.elf.sections import SymbolTableSection

from . import CliError
from .paths import BUILD, need_file

# The probe's entry points a debugger uses (c_probe/README.md, c_probe/src/probe.h): the jump, its
# deliberate system reset, the recipe runner (it returns only to refuse), the main loop it reaches
# after every boot, and the mailbox.
PROBE_SYMBOLS = {"jump": "bj_jump", "reset": "bj_system_reset", "recipe_run": "bj_recipe_run",
                 "main": "bj_main", "mailbox": "bj_mailbox"}


class Firmware:
    def __init__(self, path, is_elf, symbols):
        self.path = path
        self.is_elf = is_elf
        self.is_probe = all(s in symbols for s in PROBE_SYMBOLS.values())


def probe_path(part_name):
    return os.path.join(BUILD, "c_probe", part_name, "probe.elf")


def open_firmware(path, part):
    """The given firmware, or the probe built for the part; a clear error when it is missing or
    cannot boot on the part."""
    part_name = part.name
    if path is None:
        path = probe_path(part_name)
        if not os.path.exists(path):
            raise CliError("%s not found: run `make` (c_probe builds the probe for every part it "
                           "supports; see %s.unsupported if it gave up on this one)"
                           % (os.path.relpath(path), os.path.relpath(os.path.join(BUILD, "c_probe", part_name))))
    else:
        need_file(path, "firmware")
    try:
        with open(path, "rb") as f:
            if f.read(4) != b"\x7fELF":
                f.seek(0)
                check_vectors(path, f.read(8), part)
                return Firmware(os.path.abspath(path), False, set())
            f.seek(0)
            elf = ELFFile(f)
            check_vectors(path, elf_bytes_at(elf, part.flash.base, 8), part)
            names = set()
            for section in elf.iter_sections():
                if isinstance(section, SymbolTableSection):
                    names.update(s.name for s in section.iter_symbols())
    except (OSError, ELFError) as e:
        raise CliError("cannot read firmware %s: %s" % (path, e)) from None
    return Firmware(os.path.abspath(path), True, names)


def elf_bytes_at(elf, addr, size):
    """The bytes an ELF loads at the physical address addr (where `load` programs them), or b''."""
    for seg in elf.iter_segments():
        if seg["p_type"] == "PT_LOAD" and seg["p_paddr"] <= addr and addr + size <= seg["p_paddr"] + seg["p_filesz"]:
            offset = addr - seg["p_paddr"]
            return seg.data()[offset:offset + size]
    return b""


def check_vectors(path, head, part):
    """The chip boots from the vector table at the start of flash (initial SP, then the reset
    vector): a firmware without one there never runs, and the trace would fail later with less
    to go on (a .bin of text, an ELF linked for another part or behind a bootloader)."""
    flash = "%s's flash (0x%08x)" % (part.designator, part.flash.base)
    if len(head) < 8:
        raise CliError("%s puts no vector table at the start of %s: is it built for this part?" % (path, flash))
    sp, reset = int.from_bytes(head[:4], "little"), int.from_bytes(head[4:], "little")
    if not part.sram.base < sp <= part.sram.end:
        raise CliError("%s does not start with a vector table for %s: its initial SP 0x%08x is not in "
                       "SRAM (0x%08x-0x%08x); is it built for this part?"
                       % (path, part.designator, sp, part.sram.base, part.sram.end))
    if not (reset & 1 and part.region_of(reset & ~1) in ("flash", "flash-alias", "sram")):
        raise CliError("%s does not start with a vector table for %s: its reset vector 0x%08x is not "
                       "a Thumb address (odd) in flash or SRAM; is it built for this part?"
                       % (path, part.designator, reset))
