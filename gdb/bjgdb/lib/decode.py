"""Thumb instruction decoding with capstone (never by parsing GDB's disassembly text)."""
import capstone
from capstone import arm

from traces.schema import UNDECODABLE

# Capstone register ids -> the names GDB's ARM target descriptions use. Capstone prints r9..r12 as
# sb/sl/fp/ip; register ids avoid that ambiguity.
_REG_NAMES = {getattr(arm, "ARM_REG_R%d" % n): "r%d" % n for n in range(13)}
_REG_NAMES.update({arm.ARM_REG_SP: "sp", arm.ARM_REG_LR: "lr", arm.ARM_REG_PC: "pc"})
# Architectural register numbers order LDM/STM register lists ([v7M] A7.7.40: lowest register at
# the lowest address).
REG_NUMBER = {name: n for n, name in enumerate(["r%d" % i for i in range(13)] + ["sp", "lr", "pc"])}


class DecodeError(Exception):
    """The bytes at the PC are not an instruction capstone knows."""


def thumb_size(first_halfword):
    """2 or 4: a Thumb instruction is 32-bit when its first halfword starts 0b11101, 0b11110 or
    0b11111 ([v7M] A5.1)."""
    return 4 if (first_halfword >> 11) in (0b11101, 0b11110, 0b11111) else 2


class Insn:
    """One decoded instruction: address, bytes, capstone's text and its detail. `cs` is None when
    capstone cannot decode the bytes (`undecodable`): the text is then traces' UNDECODABLE and the
    bytes are as many as the core fetches for it (thumb_size), since the core, not capstone, decides
    what happens there (it raises UNDEFINED on almost all of them)."""
    __slots__ = ("address", "code", "text", "cs")

    def __init__(self, address, code, cs):
        self.address, self.code, self.cs = address, code, cs
        self.text = UNDECODABLE if cs is None else ("%s %s" % (cs.mnemonic, cs.op_str)).strip()

    @property
    def size(self):
        return len(self.code)

    @property
    def id(self):
        return None if self.cs is None else self.cs.id

    @property
    def undecodable(self):
        return self.cs is None


def reg_name(reg_id):
    """GDB's name for a capstone core register id, or None for FP/system registers."""
    return _REG_NAMES.get(reg_id)


class Decoder:
    """Thumb decoder for M-profile cores (ARMv6-M decodes as the subset of ARMv7-M it is)."""

    def __init__(self):
        self._cs = capstone.Cs(capstone.CS_ARCH_ARM, capstone.CS_MODE_THUMB | capstone.CS_MODE_MCLASS)
        self._cs.detail = True
        self._cache = {}

    def decode(self, address, code, undecodable_ok=False):
        """Decode the instruction at address from code (2 or 4 bytes, exactly its size as
        thumb_size() gives it). When capstone cannot: DecodeError, or with undecodable_ok an
        undecodable Insn (what the core executed, or faulted on, is a step all the same)."""
        key = (address, bytes(code))
        hit = self._cache.get(key)
        if hit is None:
            found = list(self._cs.disasm(bytes(code), address, 1))
            # A size other than the one the first halfword implies is not what the core executes.
            hit = Insn(address, bytes(code), found[0] if found and found[0].size == len(code) else None)
            self._cache[key] = hit
        if hit.undecodable and not undecodable_ok:
            raise DecodeError("capstone cannot decode %s at 0x%08x as a Thumb instruction"
                              % (bytes(code).hex(), address))
        return hit
