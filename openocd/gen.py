"""Generate build/gen/bj_openocd.tcl: what openocd/bootjump.tcl needs of the part database beyond
build/gen/bj_parts.tcl (parts/gen.py), so that no address, bit or ID is typed into a TCL file.

    python3 -m openocd.gen OUT.tcl

It defines three TCL dicts:
  bootjump_ocd       part -> upstream target cfg, flash driver, DAP and AP IDs, CPUID, REV_ID,
                     option-byte block, the read-protection field and the memory map in the order
                     parts.Part.region_of() searches it;
  bootjump_regs      part -> "PERIPH.REG" -> address, "PERIPH.REG.BIT" -> mask and
                     "PERIPH.REG.FIELD" -> {lsb width values}, for the part's peripherals and its
                     core's SCB, SYST and NVIC (names exactly as in the reference manuals);
  bootjump_families  family -> target, flash driver, parts, their DAP IDs, the smallest SRAM;
  bootjump_core      the Cortex-M facts every core and architecture of the database agrees on, for
                     the tracer and for identifying a part before its core is known: CPUID and the
                     mask of its core-naming fields, DHCSR.S_LOCKUP, DEMCR.VC_HARDERR, xPSR's
                     exception field, the exception numbers, EXC_RETURN values and the reset LR.
"""
import sys

import parts
from parts import PartError

BANNER = "# Generated from parts/stm32.json by openocd/gen.py; do not edit."

# What parts.Part.region_of() answers outside the part's memory regions, in the order it checks:
# the boot alias below the flash size, then the two architectural ranges it names.
FALLBACK_REGIONS = ("flash-alias", "peripheral", "core-peripheral")


def tcl(value):
    """A Python value as a TCL word: dicts and lists as TCL lists, numbers as hex, strings braced."""
    if isinstance(value, dict):
        return "{%s}" % " ".join("%s %s" % (tcl(k), tcl(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return "{%s}" % " ".join(tcl(v) for v in value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return "0x%x" % value
    text = str(value)
    if any(c in text for c in "{}\\\"[]$"):
        raise PartError("cannot write %r as a TCL word" % text)
    return "{%s}" % text if (" " in text or not text) else text


def fallback_bounds(p):
    """[name, base, end) of the ranges region_of() reports outside the part's regions, found by
    asking region_of() itself at the edges it uses (so this file never restates them)."""
    out = [["flash-alias", 0, p.flash.size]]
    for name, probe in (("peripheral", 0x40000000), ("core-peripheral", 0xE0000000)):
        assert p.region_of(probe) == name and p.region_of(probe - 1) != name
        end = probe
        step = 1 << 28
        while step:  # the first address above probe that is no longer in the range
            if p.region_of(end + step) == name:
                end += step
            step >>= 1
        out.append([name, probe, end + 1])
    return out


def registers(db, p):
    """Every register, bit and field of the part's peripherals and of its core's SCB/SYST/NVIC."""
    blocks = dict(db.raw["cores"][p.core]["peripherals"])
    blocks.update(p.raw["peripherals"])
    out = {}
    for name, per in blocks.items():
        base = parts.num(per["base"])
        for reg, desc in db.ip[per["ip"]]["registers"].items():
            path = "%s.%s" % (name, reg)
            out[path] = base + parts.num(desc["offset"])
            for bit, pos in desc.get("bits", {}).items():
                out["%s.%s" % (path, bit)] = 1 << pos
            for field, f in desc.get("fields", {}).items():
                out["%s.%s" % (path, field)] = {"lsb": f["lsb"], "width": f["width"],
                                                 "values": dict(f.get("values", {}))}
    return out


def read_protection(regs):
    """The FLASH register field or bit that holds the read-protection level. The reference
    manuals name it RDP (F4, G0, L4), RDPROT (L0) or RDPRT (F0 field, F1 bit)."""
    found = [k for k in regs if k.startswith("FLASH.") and k.count(".") == 2 and
             k.split(".")[2] in ("RDP", "RDPROT", "RDPRT")]
    if len(found) != 1:
        raise PartError("expected one read-protection field in FLASH, found %s" % (found or "none"))
    path = found[0]
    reg = path.rsplit(".", 1)[0]
    return {"register": reg, "address": regs[reg], "path": path,
            "kind": "field" if isinstance(regs[path], dict) else "bit"}


def part_entry(db, p, regs):
    ocd = p.raw["openocd"]
    return {
        "target": ocd["target"], "flash_driver": ocd["flash_driver"],
        "dap_id": parts.num(ocd["dap_id"]), "ap_idr": parts.num(ocd["ap_idr"]),
        "cpuid": parts.num(p.raw["cpuid"]), "rev_id": p.rev_id,
        "option_bytes": {"base": p.option_bytes.base, "size": p.option_bytes.size},
        "rdp": read_protection(regs),
        "regions": [[r.name, r.base, r.end] for r in p.regions()] + fallback_bounds(p),
    }


def field_mask(lsb, width, *_):
    return ((1 << width) - 1) << lsb


def core_facts(db):
    """What the TCL library needs of the cores and architectures, through the loader's core_* and
    arch_* lookups (one value wherever the cores or architectures have it: the validator makes them
    agree), as gdb/bjgdb/lib/cortexm.py takes the same facts."""
    numbers = db.arch_numbers("exceptions")
    lsb, width = db.arch_field("XPSR.EXCEPTION")
    return {
        "cpuid": db.core_reg("SCB.CPUID"),
        "cpuid_core_mask": field_mask(*db.core_field("SCB.CPUID.IMPLEMENTER")) |
        field_mask(*db.core_field("SCB.CPUID.PARTNO")),
        "dhcsr": db.core_reg("DCB.DHCSR"), "dhcsr_s_lockup": db.core_bit("DCB.DHCSR.S_LOCKUP"),
        "demcr": db.core_reg("DCB.DEMCR"), "demcr_vc_harderr": db.core_bit("DCB.DEMCR.VC_HARDERR"),
        "xpsr_exception": {"lsb": lsb, "width": width},
        # Exception numbers below the first IRQ with their names as ARM spells them; a vector table
        # holds a word per exception number, so the reset vector sits 4 * RESET from its base.
        "exceptions": dict(sorted(db.exception_names().items())),
        "irq0": numbers["IRQ0"], "hardfault": numbers["HARDFAULT"], "reset_vector": 4 * numbers["RESET"],
        "exc_returns": sorted(set(db.arch_numbers("exc_return").values())),
        "reset_lr": db.arch_value("reset_lr"),
        # Where the exception frame holds the return address (the stacked PC), from SP after stacking.
        "stacked_pc": db.arch_numbers("exception_frame")["RETURN_ADDRESS"],
    }


def generate(db):
    out = [BANNER, "set bootjump_ocd [dict create]", "set bootjump_regs [dict create]",
           "set bootjump_families [dict create]", "set bootjump_core %s" % tcl(core_facts(db))]
    families = {}
    for p in db.parts:
        regs = registers(db, p)
        out.append("dict set bootjump_ocd %s %s" % (p.name, tcl(part_entry(db, p, regs))))
        out.append("dict set bootjump_regs %s %s" % (p.name, tcl(regs)))
        fam = families.setdefault(p.family, {"target": p.raw["openocd"]["target"],
                                             "flash_driver": p.raw["openocd"]["flash_driver"],
                                             "parts": [], "dap_ids": [], "sram_min": p.sram.size})
        if (fam["target"], fam["flash_driver"]) != (p.raw["openocd"]["target"], p.raw["openocd"]["flash_driver"]):
            raise PartError("%s: the parts of family %s name different OpenOCD targets or flash drivers"
                            % (p.name, p.family))
        fam["parts"].append(p.name)
        dap = parts.num(p.raw["openocd"]["dap_id"])
        if dap not in fam["dap_ids"]:
            fam["dap_ids"].append(dap)
        fam["sram_min"] = min(fam["sram_min"], p.sram.size)
    for name, fam in families.items():
        out.append("dict set bootjump_families %s %s" % (name, tcl(fam)))
    return "\n".join(out) + "\n"


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        text = generate(parts.load())
    except PartError as e:
        print("openocd/gen.py: %s" % e, file=sys.stderr)
        return 1
    with open(argv[1], "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
