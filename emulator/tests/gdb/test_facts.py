"""The debug front ends (GDB stub, remote protocol framing, JTAG port, the stub's fake chip and the
tests of all three) take every address, ID and core-register mask from the part database, through
bj_parts.h in C and the `parts` loader here: none is typed in their sources (parts/README.md).

What counts as a typed fact is parts/typed_facts.py's (an address the database describes, a part's
IDs, a multi-bit core register mask, an EXC_RETURN value). Comments and strings are not code and are
skipped."""
import os
import re

import fwbuild
import parts
from parts.typed_facts import database_facts, typed_facts

EMULATOR = os.path.join(fwbuild.ROOT, "emulator")
SOURCES = ["gdbstub.c", "gdbstub_break.c", "gdbstub_flash.c", "gdbstub_monitor.c", "gdbstub_tdesc.c",
           "gdbstub.h", "gdbstub_priv.h", "rsp.c", "rsp.h", "jtag.c", "jtag_tap.c", "jtag_dap.c", "jtag.h",
           "jtag_priv.h", "fuzz/fake_chip.c", "fuzz/fake_chip.h", "fuzz/fuzz_gdbstub.c",
           "tests/rsp/test_rsp.c", "tests/rsp/test_stub.c", "tests/jtag/test_jtag.c", "tests/jtag/fake_bus.c",
           "tests/jtag/fake_bus.h", "tests/gdb/test_protocol.py", "tests/gdb/test_gdb.py",
           "tests/gdb/bench_client.c", "tests/gdb/rspclient.py", "tests/gdb/fwbuild.py"]

C_NOISE = re.compile(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)
PY_NOISE = re.compile(r'"""(?:.|\n)*?"""|#[^\n]*|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'')


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
