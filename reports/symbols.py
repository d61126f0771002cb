"""Names for addresses in the user's (or the probe's) code, from an ELF's symbol table
(pyelftools). Never used for the ROM: the analysis must work on a real ROM dump, which has none."""
import bisect

from elftools.common.exceptions import ELFError
from elftools.elf.elffile import ELFFile
from elftools.elf.sections import SymbolTableSection


class SymbolError(Exception):
    """The ELF could not be read; the message says which file and why."""


class Symbols:
    def __init__(self, entries, path=None):
        self.path = path
        self._entries = sorted(entries)              # (address, size, name)
        self._starts = [e[0] for e in self._entries]

    @classmethod
    def load(cls, path):
        try:
            with open(path, "rb") as f:
                elf = ELFFile(f)
                entries = []
                for section in elf.iter_sections():
                    if isinstance(section, SymbolTableSection):
                        entries += [(s["st_value"] & ~1, s["st_size"], s.name)
                                    for s in section.iter_symbols()
                                    if s.name and s["st_info"]["type"] in ("STT_FUNC", "STT_OBJECT")]
        except OSError as e:
            raise SymbolError("%s: cannot read it: %s" % (path, e.strerror or e)) from None
        except ELFError as e:
            raise SymbolError("%s: not an ELF file (%s); give the .elf the firmware was built as" % (path, e)) from None
        if not entries:
            raise SymbolError("%s: the ELF has no function symbols (stripped?); give the unstripped .elf" % path)
        return cls(entries, path)

    def name(self, addr):
        """"Reset_Handler" or "main+0x1c" for an address inside a sized symbol, else None."""
        n = bisect.bisect_right(self._starts, addr)
        while n:
            n -= 1
            start, size, name = self._entries[n]
            if start <= addr < start + max(size, 1):
                return name if addr == start else "%s+0x%x" % (name, addr - start)
            if start < addr - 0x10000:
                break
        return None


NONE = Symbols([])
