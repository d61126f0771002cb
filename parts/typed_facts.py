"""What a hex number typed in a source file would be a copy of, for the tests that keep the sources
free of typed facts (emulator/tests/gdb/test_facts.py, openocd/tests/test_conventions.py): every
part's memory regions and peripheral register blocks, the cores' private peripheral bus, every
part's DEV_ID, CPUID, DAP ID and AP IDR, the masks of the multi-bit fields of the architectures' and
the cores' own registers (xPSR.EXCEPTION, SCB.CPUID.PARTNO ...) and the EXC_RETURN values. Single
bits are not looked for: every register has a bit 24 somewhere. The callers strip comments and
strings first, in their language."""
import re

from . import load, num

HEX = re.compile(r"\b0[xX]([0-9a-fA-F]+)[uUlL]*\b")
# A peripheral's register block is taken to reach this far at least: STM32 peripherals are spaced
# 0x400 apart, so an offset past a block's last register still names that peripheral.
PERIPHERAL_SPAN = 0x400


def _masks(registers, prefix=""):
    """(mask, what) of each multi-bit field of `registers`, in place in its register."""
    return [(((1 << f["width"]) - 1) << f["lsb"], "the %s%s.%s mask" % (prefix, reg, name))
            for reg, desc in registers.items() for name, f in desc.get("fields", {}).items() if f["width"] > 1]


def block_span(ip):
    """Bytes from a register block's base to the end of its last register."""
    return max(num(r["offset"]) + r.get("stride", 4) * (r.get("count", 1) - 1) + 4
               for r in ip["registers"].values())


def database_facts(db=None):
    """(regions [(base, end, what)], {value: what}) from the part database."""
    db = db or load()
    regions, values = [], {}
    for arch, a in db.raw["architectures"].items():
        ppb = a["regions"]["ppb"]
        regions.append((num(ppb["base"]), num(ppb["base"]) + num(ppb["size"]), arch + " PPB"))
        values.update(_masks(a["core_registers"]))
        values.update((num(v), "EXC_RETURN %s" % name) for name, v in a["exc_return"].items())
    for core in db.raw["cores"].values():
        for block, per in core["peripherals"].items():
            values.update(_masks(db.ip[per["ip"]]["registers"], block + "."))
    for p in db.parts:
        for r in p.regions():
            regions.append((r.base, r.end, "%s %s" % (p.name, r.name)))
        for name, per in p.raw["peripherals"].items():
            base = num(per["base"])
            span = max(block_span(db.ip[per["ip"]]), PERIPHERAL_SPAN)
            regions.append((base, base + span, "%s %s" % (p.name, name)))
        for key in ("dev_id", "cpuid"):
            values[num(p.raw[key])] = "%s %s" % (p.name, key)
        for key in ("dap_id", "ap_idr"):
            values[num(p.raw["openocd"][key])] = "%s openocd.%s" % (p.name, key)
    return regions, values


def typed_facts(code, regions, values):
    """["0x... (what it copies)"] for each hex number in `code` (comments and strings removed)
    that is a database value above 0xff or an address from 0x10000 up inside a region."""
    found = []
    for n in (int(m.group(1), 16) for m in HEX.finditer(code)):
        why = values.get(n) if n > 0xFF else None
        why = why or next((w for base, end, w in regions if base <= n < end and n >= 0x10000), None)
        if why:
            found.append("0x%x (%s)" % (n, why))
    return found
