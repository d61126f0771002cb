"""What runs before the jump: the probe (c_probe) or the user's firmware, and whether it has the
probe's symbols (then the probe's recipes, mailbox and checkpoints can be used)."""
import os

from elftools.common.exceptions import ELFError
from elftools.elf.elffile import ELFFile
from elftools.elf.sections import SymbolTableSection

from . import CliError
from .paths import BUILD

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


def open_firmware(path, part_name):
    """The given firmware, or the probe built for the part; a clear error when it is missing."""
    if path is None:
        path = probe_path(part_name)
        if not os.path.exists(path):
            raise CliError("%s not found: run `make` (c_probe builds the probe for every part it "
                           "supports; see %s.unsupported if it gave up on this one)"
                           % (os.path.relpath(path), os.path.relpath(os.path.join(BUILD, "c_probe", part_name))))
    elif not os.path.isfile(path):
        raise CliError("firmware file %s not found" % path)
    try:
        with open(path, "rb") as f:
            if f.read(4) != b"\x7fELF":
                return Firmware(os.path.abspath(path), False, set())
            f.seek(0)
            elf = ELFFile(f)
            names = set()
            for section in elf.iter_sections():
                if isinstance(section, SymbolTableSection):
                    names.update(s.name for s in section.iter_symbols())
    except (OSError, ELFError) as e:
        raise CliError("cannot read firmware %s: %s" % (path, e)) from None
    return Firmware(os.path.abspath(path), True, names)
