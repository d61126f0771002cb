"""The must-show checks of issue 7 on REAL traces: bootjump-emu + the L011 ROM model (stripped, no
symbols) traced by gdb/'s `bootjump trace` in this test run (real_traces.py). A missing build output
fails them, naming it; nothing here falls back to the fixture.

The snapshots of real reports are compared with the volatile fields (GDB port, time, hashes of
files that contain them) masked; after an intended change record them again with
    BOOTJUMP_UPDATE_SNAPSHOTS=1 make test-reports
and review the diff.
"""
import json
import os

import pytest

import parts
import reports
from reports import divergence
from reports.text import plain

from . import htmlcheck, real_traces
from .test_render import SNAPSHOTS, UPDATE

PART = "stm32l011"

@pytest.fixture(scope="module", autouse=True)
def _built():
    missing = real_traces.missing(PART)
    assert not missing, "real traces need %s: make test-reports builds them" % ", ".join(missing)


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("real-traces"))
    erased = parts.num(parts.lookup(PART).raw["flash"]["erased"])
    return {"programmed": real_traces.record(PART, out, "word0-programmed"),
            "erased": real_traces.record(PART, out, "word0-erased",
                                         words=[(parts.lookup(PART).flash.base, [erased])])}


def test_l011_real_trace_returns_by_branch(real):
    trace, elf = real["programmed"]
    a = reports.analyse(trace, elf=elf)
    v = a.verdict
    assert a.trace.end["exit"] == "user-flash" and a.exit.kind == "branch" and v.outcome == "returned"
    assert v.agrees is True and "reset" not in v.headline
    d = a.decision
    rom = a.part.system_memory
    assert d is not None and (d.insn.is_branch or d.insn.cond is not None or d.insn.cbz)
    assert d.pc in rom and (d.setter is None or int(a.trace.steps[d.setter]["pc"], 16) in rom)
    (load, _), = [(ld, c) for ld, c in d.inputs if ld.addr == a.part.flash.base]
    assert load.value == int(a.trace.header["flash_word0"], 16)
    how = plain(v.how)
    assert "the ROM read `0x08000000` = `%s`" % ("0x%08x" % load.value) in how
    # The load may open the paragraph ("At step ..."): the step and address are what matter.
    assert "at step %d (`%s`" % (load.step, a.trace.steps[load.step]["pc"]) in how.lower()
    assert "at step %d (`%s`)" % (d.step, a.trace.steps[d.step]["pc"]) in how.lower()
    assert a.exit.stack is not None and a.exit.stack.register in ("msp", "sp")
    assert a.part.flash.base in [ld.addr for ld in a.exit.stack.slice.data_inputs]
    assert "`Reset_Handler`" in how and a.symbol(a.exit.target).startswith("Reset_Handler")
    assert v.quote and v.quote[0].startswith("Due to empty check mechanism")


def test_l011_real_diff_explained_by_word0(real):
    a = reports.analyse(real["programmed"][0])
    b = reports.analyse(real["erased"][0])
    assert b.verdict.outcome == "stayed" and b.verdict.agrees is True
    d = divergence.diverge(a, b)
    assert d.decider == a.decision.step
    assert a.part.flash.base in [e[0] for e in d.explained]


def _masked(text, trace):
    """The report with what changes from run to run replaced by fixed words."""
    with open(trace) as f:
        header = json.loads(f.readline())
    for volatile in (header.get("created"), header["target"].get("address"),
                     reports.sections._sha256(trace)):
        if volatile:
            text = text.replace(volatile, "<varies>")
    return text


@pytest.mark.parametrize("which", ["programmed", "erased"])
def test_real_snapshot(real, tmp_path, which):
    trace, elf = real[which]
    md, html, _ = reports.render(trace, str(tmp_path), elf=elf)
    htmlcheck.check(open(html).read())
    for path in (md, html):
        name = "real-%s%s" % (which, os.path.splitext(path)[1])
        snapshot = os.path.join(SNAPSHOTS, name)
        text = _masked(open(path).read(), trace)
        if UPDATE:
            with open(snapshot, "w") as f:
                f.write(text)
        if not os.path.exists(snapshot):
            pytest.fail("no snapshot %s: record it with BOOTJUMP_UPDATE_SNAPSHOTS=1 make test-reports, then review it" % name)
        assert text == open(snapshot).read(), "%s differs from its snapshot" % name
