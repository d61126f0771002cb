"""The other families of the database through their openocd/emu/<family>.cfg: one part each, on an
erased chip: examine (DAP ID, CPUID, the core's breakpoint and watchpoint counts), identify, program the probe through the upstream flash driver with verify,
then the TCL tracer's memory accesses against the emulator's ground truth, its --access-log (the
Cortex-M3/M4 ROM models are Thumb-2 code: LDRD, LDM, literal and register-offset loads)."""
import json
import os

import pytest

import parts
from traces import schema

from conftest import emulated, probe

DB = parts.load()
FAMILY_PARTS = ["stm32f042", "stm32f103", "stm32f401", "stm32g071", "stm32l432"]


def reset_field(part, path):
    """A field of a core register's reset value (e.g. DWT.CTRL.NUMCOMP), from the part database;
    0 when the core's register has no such field (ARMv6-M's FP_CTRL has no NUM_CODE2)."""
    block, reg, _ = path.split(".")
    per = DB.raw["cores"][part.core]["peripherals"][block]
    try:
        lsb, width, _ = DB.core_field(path, part.core)
    except parts.PartError:
        return 0
    return (parts.num(DB.ip[per["ip"]]["registers"][reg]["reset"]) >> lsb) & ((1 << width) - 1)


def logged_accesses(path, first_pc, count):
    """The first `count` accesses that instructions made, in the access log, from the first one
    made at first_pc (the first accessing step of a trace from the ROM entry, which the probe enters
    once): [(pc, op, addr, size, value)]."""
    out = []
    started = False
    with open(path) as f:
        for line in f:
            rec = json.loads(line)
            if rec.get("by") != "insn":
                continue
            started = started or int(rec["pc"], 16) == first_pc
            if started:
                out.append((int(rec["pc"], 16), rec["op"], int(rec["addr"], 16), rec["size"], int(rec["value"], 16)))
                if len(out) == count:
                    break
    return out


@pytest.mark.parametrize("part", FAMILY_PARTS)
def test_family(part, scratch):
    p = DB.lookup(part)
    # Programming runs OpenOCD's flash loader on the core, which spins waiting for data from the
    # debug link: no access log for that session (it would log every spin).
    with emulated(part, scratch, flash=None) as (_, ocd):
        assert "tap/device found: 0x%08x" % int(p.raw["openocd"]["dap_id"], 16) in ocd.log()
        assert int(ocd.cmd("read_memory 0x%x 32 1" % DB.core_reg("SCB.CPUID")), 16) == parts.num(p.raw["cpuid"])
        # The core's comparators as OpenOCD counts them: FP_CTRL's code comparators, DWT_CTRL.NUMCOMP.
        code = reset_field(p, "FP.CTRL.NUM_CODE1") | reset_field(p, "FP.CTRL.NUM_CODE2") << 4
        assert "target has %d breakpoints, %d watchpoints" % (code, reset_field(p, "DWT.CTRL.NUMCOMP")) in ocd.log()
        assert ocd.cmd("bootjump_part") == part
        ocd.cmd("reset halt")
        ocd.cmd("program {%s} verify" % probe(part))
        assert "** Verified OK **" in ocd.log()
    log = os.path.join(scratch, "access.jsonl")
    out = os.path.join(scratch, "tcl.jsonl")
    with emulated(part, scratch, access_log=log) as (_, ocd):
        ocd.cmd("bootjump_arm classic")
        exit = ocd.cmd("bootjump_trace {%s}" % out)
        assert not [l for l in ocd.log().splitlines() if l.startswith("Error")]
    trace = schema.load(out)
    assert trace.end["exit"] == exit and exit in ("user-flash", "bootloader-idle")
    assert trace.steps[0]["region"] == "system_memory"
    mine = [(int(s["pc"], 16), a["op"], int(a["addr"], 16), a["size"], int(a["value"], 16))
            for s in trace.steps for a in s["mem"]]
    assert mine, "the trace recorded no memory access"
    first_accessing = next(int(s["pc"], 16) for s in trace.steps if s["mem"])
    assert mine == logged_accesses(log, first_accessing, len(mine))
