"""The debug front ends (GDB stub, remote protocol framing, JTAG port, the stub's fake chip and the
tests of all three) take every address, ID and core-register mask from the part database, through
bj_parts.h in C and the `parts` loader here: none is typed in their sources (parts/README.md).

A hex number counts as a typed fact when it is an address the database describes (in a part's memory
map, in one of its peripherals' register blocks, on the cores' private peripheral bus), a part's
DEV_ID, CPUID, DP ID or AP IDR, or the mask of a multi-bit field of an architecture's core registers
(xPSR.EXCEPTION...). Single bits are not looked for: every register has a bit 24 somewhere. Comments
and strings are not code and are skipped."""
import os
import re

import fwbuild
import parts

EMULATOR = os.path.join(fwbuild.ROOT, "emulator")
SOURCES = ["gdbstub.c", "gdbstub_break.c", "gdbstub_flash.c", "gdbstub_monitor.c", "gdbstub_tdesc.c",
           "gdbstub.h", "gdbstub_priv.h", "rsp.c", "rsp.h", "jtag.c", "jtag_tap.c", "jtag_dap.c", "jtag.h",
           "jtag_priv.h", "fuzz/fake_chip.c", "fuzz/fake_chip.h", "fuzz/fuzz_gdbstub.c",
           "tests/rsp/test_rsp.c", "tests/rsp/test_stub.c", "tests/jtag/test_jtag.c", "tests/jtag/fake_bus.c",
           "tests/jtag/fake_bus.h", "tests/gdb/test_protocol.py", "tests/gdb/test_gdb.py",
           "tests/gdb/bench_client.c", "tests/gdb/rspclient.py", "tests/gdb/fwbuild.py"]

C_NOISE = re.compile(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)
PY_NOISE = re.compile(r'"""(?:.|\n)*?"""|#[^\n]*|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'')
HEX = re.compile(r"\b0[xX]([0-9a-fA-F]+)[uUlL]*\b")


def database_facts():
    """(regions [(base, end, what)], {value: what}) from the part database."""
    db = parts.load()
    regions, values = [], {}
    for arch, a in db.raw["architectures"].items():
        ppb = a["regions"]["ppb"]
        regions.append((parts.num(ppb["base"]), parts.num(ppb["base"]) + parts.num(ppb["size"]), arch + " PPB"))
        for reg, desc in a["core_registers"].items():
            values.update((((1 << f["width"]) - 1) << f["lsb"], "the %s.%s mask" % (reg, name))
                          for name, f in desc.get("fields", {}).items() if f["width"] > 1)
    for p in db.parts:
        for r in p.regions():
            regions.append((r.base, r.end, "%s %s" % (p.name, r.name)))
        for name, per in p.raw["peripherals"].items():
            base = parts.num(per["base"])
            regions.append((base, base + block_span(db.raw["ip"][per["ip"]]), "%s %s" % (p.name, name)))
        for key in ("dev_id", "cpuid"):
            values[parts.num(p.raw[key]) if isinstance(p.raw[key], str) else p.raw[key]] = "%s %s" % (p.name, key)
        for key in ("dap_id", "ap_idr"):
            values[parts.num(p.raw["openocd"][key])] = "%s openocd.%s" % (p.name, key)
    return regions, values


def block_span(ip):
    """Bytes from a register block's base to the end of its last register."""
    return max(parts.num(r["offset"]) + r.get("stride", 4) * (r.get("count", 1) - 1) + 4
               for r in ip["registers"].values())


def typed_facts(text, regions, values):
    found = []
    for n in (int(m.group(1), 16) for m in HEX.finditer(text)):
        why = values.get(n) if n > 0xFF else None
        why = why or next((w for base, end, w in regions if base <= n < end and n >= 0x10000), None)
        if why:
            found.append("0x%x (%s)" % (n, why))
    return found


def test_no_typed_facts_in_the_debug_front_ends():
    regions, values = database_facts()
    offenders = []
    for rel in SOURCES:
        with open(os.path.join(EMULATOR, rel)) as f:
            text = f.read()
        code = (PY_NOISE if rel.endswith(".py") else C_NOISE).sub(" ", text)
        offenders += ["emulator/%s: %s" % (rel, fact) for fact in typed_facts(code, regions, values)]
    assert not offenders, "facts typed instead of taken from the part database:\n" + "\n".join(offenders)


def test_the_scan_sees_a_typed_fact():
    """The scan itself: a DWT comparator address, an IPSR mask, an SRAM base, an RCC register and a
    DP ID are caught, in comments they are not."""
    regions, values = database_facts()
    l011 = parts.lookup("stm32l011")
    code = ("x = 0xe0001020u; y = v & ~0x1ffu; z = 0x%xu; csr = 0x%x; id = 0x%08xu;"
            % (l011.sram.base, l011.reg_addr("RCC.CSR"), parts.num(l011.raw["openocd"]["dap_id"])))
    assert len(typed_facts(code, regions, values)) == 5
    assert typed_facts(C_NOISE.sub(" ", "/* 0xe0001020 */ // 0x1ff\n"), regions, values) == []
