"""A jump into system memory that faults on its first instruction: the probe's deliberate mistakes
(`wrong-address`: a branch to the bootloader ID byte; `no-thumb`: the reset vector with bit 0
clear), traced for REAL as a user runs them (`bin/bootjump trace --part stm32l011 --recipe R`).

The jump reached the ROM's address space, so the verdict says where it landed, whether that is the
ROM's entry point, at which instruction and why it faulted, never "never reached the ROM". The
tracer may record the faulting instruction as a step (its bytes) or only the end record's stacked
PC; both shapes are checked, the second by adding to a real trace the step a tracer records for
bytes capstone cannot decode.
"""
import json

import pytest

import parts
import reports
from reports.text import plain

from . import real_traces

PART = "stm32l011"


@pytest.fixture(scope="module", autouse=True)
def _built():
    missing = real_traces.missing(PART, probe=True)
    assert not missing, "real traces need %s: make test-reports builds them" % ", ".join(missing)


@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("real-jump-faults"))
    return {r: real_traces.probe_trace(PART, r, out) for r in ("wrong-address", "no-thumb")}


def _edited(src, dst, first=(), last=()):
    """The trace at src with steps added before its first step and before its end record, each
    step numbered again; written to dst."""
    lines = [json.loads(l) for l in open(src).read().splitlines()]
    header, steps, end = lines[0], lines[1:-1], lines[-1]
    steps = list(first) + steps + list(last)
    for i, st in enumerate(steps):
        st.update(type="step", i=i)
    end["steps"] = len(steps)
    dst.write_text("\n".join(json.dumps(r) for r in [header] + steps + [end]) + "\n")
    return str(dst)


def _jump_step(a):
    """The step of the probe's branch into system memory: the last before the ROM's address space."""
    rom = a.part.system_memory
    return max(k for k, st in enumerate(a.trace.steps) if int(st["pc"], 16) not in rom)


def test_wrong_address_reached_system_memory_and_faulted(probe):
    a = reports.analyse(probe["wrong-address"])
    v, part = a.verdict, a.part
    landed = int(a.trace.end["fault"]["pc"], 16)
    assert landed == part.bootloader_id_address and landed in part.system_memory
    assert a.exit.kind == "fault" and v.outcome == "fault" and v.agrees is None
    assert "never reached" not in v.text()
    jump = _jump_step(a)
    assert ("the jump itself faulted, so the ROM never ran: %s at step %d landed at 0x%08x, inside system "
            "memory but not at the ROM's entry point (it is the bootloader ID byte's address), and the "
            "core took HardFault there: " % (a.trace.steps[jump]["insn"], jump, landed)) in v.headline
    how = plain(v.how)
    assert "it is where AN2606 puts the bootloader ID byte (`0x%02x`)" % part.bootloader_id in how
    assert "Tracer: " + a.trace.end["reason"].rstrip(".") in how
    if a.exit.entry is None:      # the tracer recorded no step at the ID byte: no bytes to decode
        assert v.headline.endswith("the ID byte is data, not an instruction.")
    else:
        assert "undefined instruction (%s)" % a.trace.steps[a.exit.entry]["bytes"] in v.headline
    assert "The jump itself faulted before the ROM ran" in plain(v.documented)


def test_undecodable_step_at_the_landing_address(probe, tmp_path):
    """The other shape: a step at the ID byte whose bytes capstone cannot decode, then the fault."""
    src = probe["wrong-address"]
    end = json.loads(open(src).read().splitlines()[-1])
    landed = end["fault"]["pc"]
    step = {"pc": landed, "region": "system_memory", "bytes": "c3ffffff", "insn": "(undecodable)",
            "regs": {}, "mem": []}
    a = reports.analyse(_edited(src, tmp_path / "undecodable.jsonl", last=[step]))
    v = a.verdict
    assert a.exit.kind == "fault" and a.exit.entry == len(a.trace.steps) - 1
    assert a.exit.jump == a.exit.entry - 1 and a.exit.landed == int(landed, 16)
    assert v.headline.endswith("and the core took HardFault there: undefined instruction (c3ffffff).")
    assert "its bytes `c3ffffff` are no Thumb instruction (capstone cannot decode them)" in plain(v.how)


def test_no_thumb_faults_on_invstate(probe):
    a = reports.analyse(probe["no-thumb"])
    v, part = a.verdict, a.part
    landed = int(a.trace.end["fault"]["pc"], 16)
    assert landed in part.system_memory and a.exit.landed == landed
    jump = _jump_step(a)
    xpsr = int(a.trace.steps[jump]["regs"]["xpsr"], 16)
    assert not xpsr & 1 << 24           # the core records T = 0 after the branch
    assert v.outcome == "fault" and v.agrees is None
    assert ("the jump itself faulted, so the ROM never ran: bx r1 at step %d landed at 0x%08x, inside "
            "system memory, and the core took HardFault there: INVSTATE (the jump cleared the Thumb bit)."
            % (jump, landed)) in v.headline
    assert "xPSR = `0x%08x` after it: T is 0" % xpsr in plain(v.how)
    # The probe read the ROM's vectors before the trace started: the trace cannot say it is the entry.
    assert "whether that is the ROM's entry point is not recorded" in plain(v.how)


@pytest.mark.parametrize("offset, words", [(0, "at the ROM's entry point"), (2, "but not at the ROM's entry point")])
def test_entry_point_from_a_read_of_the_reset_vector(probe, tmp_path, offset, words):
    """With the load of the ROM's reset vector in the trace, the verdict compares the landing
    address with it (the Thumb bit aside)."""
    src = probe["no-thumb"]
    landed = int(json.loads(open(src).read().splitlines()[-1])["fault"]["pc"], 16)
    vector = parts.lookup(PART).system_memory.base + 4
    value = (landed + offset) | 1
    read = {"pc": "0x20000400", "region": "sram", "bytes": "4168", "insn": "ldr r1, [r0, #4]",
            "regs": {}, "mem": [{"op": "r", "addr": "0x%08x" % vector, "size": 4, "value": "0x%08x" % value}]}
    v = reports.analyse(_edited(src, tmp_path / "vector.jsonl", first=[read])).verdict
    assert "inside system memory %s (reset vector 0x%08x)" % (words, value) in v.headline
    assert "the reset vector at `0x%08x` holds `0x%08x` (read at step 0)" % (vector, value) in plain(v.how)
