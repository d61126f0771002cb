"""Loader for the bootjump part database (parts/stm32.json).

Stdlib only: this module is imported inside gdb-multiarch's embedded Python, by reports/ and by
bin/bootjump. Loading validates the file, so every consumer sees a database that obeys the rules in
parts/validate.py.
"""
import json
import os

from . import validate as _validate

DATABASE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "stm32.json")


# ARM's spelling of the exception names the database gives in capitals (DDI0419/DDI0403 B1.5.2).
_SPELLING = {"RESET": "Reset", "HARDFAULT": "HardFault", "MEMMANAGE": "MemManage", "BUSFAULT": "BusFault",
             "USAGEFAULT": "UsageFault", "SVCALL": "SVCall", "DEBUGMONITOR": "DebugMonitor", "PENDSV": "PendSV",
             "SYSTICK": "SysTick"}


class PartError(Exception):
    """A part could not be found, or the database is broken. The message says what to do."""


def num(text):
    """Parse a database number: a hex string ("0x40021000") or a JSON integer."""
    return int(text, 16) if isinstance(text, str) else int(text)


class Region:
    __slots__ = ("name", "base", "size")

    def __init__(self, name, base, size):
        self.name, self.base, self.size = name, base, size

    @property
    def end(self):
        return self.base + self.size

    def __contains__(self, addr):
        return self.base <= addr < self.base + self.size

    def __repr__(self):
        return "Region(%s, 0x%08x, 0x%x)" % (self.name, self.base, self.size)


class Part:
    """One part of the database, with its facts resolved to integers where that helps."""

    def __init__(self, raw, ip):
        self.raw = raw
        self._ip = ip
        self.name = raw["name"]
        self.designator = raw["designator"]
        self.aliases = list(raw["aliases"])
        self.dev_id = num(raw["dev_id"])
        self.rev_id = num(raw["rev_id"])
        self.family = raw["family"]
        self.core = raw["core"]
        self.profile = raw["activation"]["profile"]
        # None where AN2606 gives the part no bootloader ID byte (STM32F10xxx).
        bl = raw["bootloader"]
        self.bootloader_id = None if bl["id"] is None else num(bl["id"])
        self.bootloader_id_address = None if bl["id_address"] is None else num(bl["id_address"])
        self.flash = self._region("flash")
        self.sram = self._region("sram")
        self.system_memory = self._region("system_memory")
        self.option_bytes = self._region("option_bytes")
        self.eeprom = self._region("eeprom") if "eeprom" in raw else None
        self.banks = [Region("bank%d" % (i + 1), num(b["base"]), num(b["size"]))
                      for i, b in enumerate(raw["flash"]["banks"])]
        self.page_size = raw["flash"]["page_size"]
        self.sectors = []
        base = self.flash.base
        for i, size in enumerate(raw["flash"].get("sectors", [])):
            self.sectors.append(Region("sector%d" % i, base, num(size)))
            base += num(size)

    def erase_units(self):
        """The flash erase units in address order: the sectors where the part has them (F4),
        otherwise uniform pages of page_size."""
        if self.sectors:
            return list(self.sectors)
        return [Region("page%d" % i, self.flash.base + i * self.page_size, self.page_size)
                for i in range(self.flash.size // self.page_size)]

    def _region(self, key):
        r = self.raw[key]
        return Region(key, num(r["base"]), num(r["size"]))

    def regions(self):
        """Memory regions by name, for classifying addresses (peripherals are separate)."""
        out = [self.flash, self.sram, self.system_memory, self.option_bytes]
        if self.eeprom:
            out.append(self.eeprom)
        return out

    def region_of(self, addr):
        """Name of the region holding addr: flash, flash-alias, sram, system_memory, option_bytes,
        eeprom, peripheral, core-peripheral, or unmapped. Address 0 aliases whatever is booted;
        the caller decides which, so it is reported as flash-alias."""
        for r in self.regions():
            if addr in r:
                return r.name
        if addr < self.flash.size:
            return "flash-alias"
        if 0x40000000 <= addr < 0x60000000:
            return "peripheral"
        if 0xE0000000 <= addr < 0xE0100000:
            return "core-peripheral"
        return "unmapped"

    def peripheral_of(self, addr):
        """(instance, register) for a peripheral address, or None."""
        for name, per in self.raw["peripherals"].items():
            base = num(per["base"])
            for reg, desc in self._ip[per["ip"]]["registers"].items():
                if base + num(desc["offset"]) == addr:
                    return name, reg
        return None

    def reg_addr(self, path):
        """Address of "PERIPH.REG" (e.g. "RCC.CSR")."""
        per, reg = path.split(".")[:2]
        p = self.raw["peripherals"][per]
        return num(p["base"]) + num(self._ip[p["ip"]]["registers"][reg]["offset"])

    def bit(self, path):
        """Mask of "PERIPH.REG.BIT" (e.g. "RCC.CSR.SFTRSTF")."""
        per, reg, bit = path.split(".")
        desc = self._ip[self.raw["peripherals"][per]["ip"]]["registers"][reg]
        return 1 << desc["bits"][bit]

    def field(self, path):
        """(lsb, width, values) of "PERIPH.REG.FIELD"."""
        per, reg, name = path.split(".")
        desc = self._ip[self.raw["peripherals"][per]["ip"]]["registers"][reg]["fields"][name]
        return desc["lsb"], desc["width"], desc.get("values", {})

    def all_names(self):
        return [self.name] + self.aliases

    def __repr__(self):
        return "Part(%s, dev_id=0x%03x)" % (self.name, self.dev_id)


class Database:
    def __init__(self, raw):
        self.raw = raw
        self.ip = raw["ip"]
        self.parts = [Part(p, self.ip) for p in raw["parts"]]

    def names(self):
        return [p.name for p in self.parts]

    def by_dev_id(self, dev_id, bootloader_id=None):
        """Parts with this DEV_ID; bootloader_id narrows a shared DEV_ID (F04x / F070x6)."""
        found = [p for p in self.parts if p.dev_id == dev_id]
        if bootloader_id is not None and len(found) > 1:
            found = [p for p in found if p.bootloader_id == bootloader_id]
        return found

    def lookup(self, key, bootloader_id=None):
        """A part by name, alias or DEV_ID ("0x457", "457" in hex, or an int)."""
        if isinstance(key, int):
            return self._one_by_id(key, bootloader_id, "0x%03x" % key)
        text = key.strip().lower()
        for p in self.parts:
            if text in p.all_names():
                return p
        try:
            dev_id = int(text, 16)
        except ValueError:
            raise PartError("unknown part %r; known parts: %s (or a DEV_ID such as 0x457)"
                            % (key, ", ".join(self.names()))) from None
        return self._one_by_id(dev_id, bootloader_id, key)

    # ---- the cores' own registers and the architectures (`cores`, `architectures`) -----------------
    # The validator makes blocks of one name agree between cores, and architectures agree on the
    # names they share, so a fact that holds wherever it exists can be asked for without the core.

    def core_reg(self, path, core=None):
        """Address of "BLOCK.REG" of a core's own blocks (e.g. "SCB.VTOR", "DCB.DEMCR"), or None when
        `core` lacks the register (the Cortex-M0 has no VTOR). Without `core`: the address of every
        core that has it (SCB.CPUID, read before the core is known)."""
        found = self._core_fact(path, core, lambda per, desc: num(per["base"]) + num(desc["offset"]))
        return None if found is None and core is not None else self._one(found, path)

    def core_bit(self, path, core=None):
        """Mask of "BLOCK.REG.BIT" (e.g. "DCB.DHCSR.S_LOCKUP"), of `core` or of every core with it."""
        bit = path.split(".")[2]
        return 1 << self._one(self._core_fact(path, core, lambda per, desc: desc.get("bits", {}).get(bit)), path)

    def core_field(self, path, core=None):
        """(lsb, width, values) of "BLOCK.REG.FIELD" (e.g. "SCB.CPUID.PARTNO")."""
        name = path.split(".")[2]
        f = self._one(self._core_fact(path, core, lambda per, desc: desc.get("fields", {}).get(name)), path)
        return f["lsb"], f["width"], f.get("values", {})

    def _core_fact(self, path, core, get):
        """The one value get(block, register) has on `core` (every core when None), None if none has it."""
        block, reg = path.split(".")[:2]
        values = []
        for name in [core] if core is not None else self.raw["cores"]:
            per = self.raw["cores"][name]["peripherals"].get(block)
            desc = per and self.ip[per["ip"]]["registers"].get(reg)
            value = desc and get(per, desc)
            if value is not None and value not in values:
                values.append(value)
        if len(values) > 1:
            raise PartError("the cores disagree on %s: name the core" % path)
        return values[0] if values else None

    def core_register_of(self, addr, core):
        """(block, register) of `core`'s own register at addr (e.g. ("SCB", "AIRCR")), or None."""
        for block, per in self.raw["cores"][core]["peripherals"].items():
            for reg, desc in self.ip[per["ip"]]["registers"].items():
                if num(per["base"]) + num(desc["offset"]) == addr:
                    return block, reg
        return None

    @staticmethod
    def _one(value, what):
        if value is None:
            raise PartError("the part database has no %s" % what)
        return value

    def arch_bit(self, path):
        """Mask of "REG.BIT" of the core registers that are not memory-mapped (e.g. "CONTROL.SPSEL")."""
        reg, bit = path.split(".")
        return 1 << self._one(self._arch_fact(lambda a: a["core_registers"].get(reg, {}).get("bits", {}).get(bit)), path)

    def arch_field(self, path):
        """(lsb, width) of "REG.FIELD" of the core registers (e.g. "XPSR.EXCEPTION")."""
        reg, name = path.split(".")
        f = self._one(self._arch_fact(lambda a: a["core_registers"].get(reg, {}).get("fields", {}).get(name)), path)
        return f["lsb"], f["width"]

    def exception_names(self):
        """{number: name} of the exceptions below the first IRQ, as ARM spells the names the database
        gives in capitals (DDI0419/DDI0403 B1.5.2), for messages."""
        numbers = self.arch_numbers("exceptions")
        return {n: _SPELLING.get(name, name) for name, n in numbers.items() if n < numbers["IRQ0"]}

    def arch_numbers(self, key):
        """{name: number} of the architectures' "exceptions", "exc_return" or "exception_frame"
        values, all together."""
        out = {}
        for a in self.raw["architectures"].values():
            out.update((name, num(v)) for name, v in a[key].items())
        return out

    def arch_value(self, key):
        """The architectures' "reset_lr" or "lockup_pc"."""
        return num(self._one(self._arch_fact(lambda a: a.get(key)), key))

    def _arch_fact(self, get):
        return next((v for v in map(get, self.raw["architectures"].values()) if v is not None), None)

    def _one_by_id(self, dev_id, bootloader_id, shown):
        found = self.by_dev_id(dev_id, bootloader_id)
        sharing = self.by_dev_id(dev_id)
        if not sharing:
            raise PartError("no part with DEV_ID %s in the database; known parts: %s"
                            % (shown, ", ".join(self.names())))
        if not found:
            raise PartError("DEV_ID %s is shared by %s, but bootloader ID 0x%02x is none of theirs (%s)"
                            % (shown, ", ".join(p.name for p in sharing), bootloader_id, self._ids_of(sharing)))
        if len(found) > 1:
            raise PartError("DEV_ID %s is shared by %s; name the part, or give the bootloader ID "
                            "byte (%s) to tell them apart"
                            % (shown, ", ".join(p.name for p in found), self._ids_of(found)))
        return found[0]

    @staticmethod
    def _ids_of(found):
        return ", ".join("%s for %s" % ("none" if p.bootloader_id is None else "0x%02x" % p.bootloader_id, p.name)
                         for p in found)


_cache = {}


def load(path=DATABASE):
    """Load and validate the database; raises PartError listing every rule it breaks."""
    if path not in _cache:
        try:
            with open(path) as f:
                raw = json.load(f)
        except (OSError, ValueError) as e:
            raise PartError("cannot read the part database %s: %s" % (path, e)) from None
        errors = _validate.validate(raw)
        if errors:
            raise PartError("the part database %s is invalid:\n  %s" % (path, "\n  ".join(errors)))
        _cache[path] = Database(raw)
    return _cache[path]


def lookup(key, bootloader_id=None):
    return load().lookup(key, bootloader_id)
