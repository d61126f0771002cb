"""A jump into system memory that faults on its first instruction: the probe's deliberate mistakes
(`wrong-address`: a branch to the bootloader ID byte; `no-thumb`: the reset vector with bit 0
clear), traced for REAL as a user runs them (`bin/bootjump trace --part P --recipe R`).

The jump reached the ROM's address space, so the verdict says where it landed, whether that is the
ROM's entry point, at which instruction and why it faulted, never "never reached the ROM". The
tracer records the faulting instruction as a step (its bytes) or leaves only the end record's
stacked PC; both shapes are checked on real traces.
"""
import json

import pytest

import parts
import reports
from reports.text import plain
from traces.schema import UNDECODABLE

from . import real_traces

PART = "stm32l011"         # no-thumb
# The two shapes a tracer records (traces/README.md): the L011's ID byte starts a 32-bit
# instruction whose second half lies past system memory, so the fetch faults and no step is
# written; the F04x's ID byte and the byte after it are fetched, capstone cannot decode them, and
# the step during which the core takes the fault is written as `(undecodable)`.
SHAPES = {"stm32l011": "no step", "stm32f042": "undecodable step"}


@pytest.fixture(scope="module", autouse=True)
def _built():
    missing = [m for p in SHAPES for m in real_traces.missing(p, probe=True)]
    assert not missing, "real traces need %s: make test-reports builds them" % ", ".join(missing)


@pytest.fixture(scope="module")
def no_thumb(tmp_path_factory):
    return real_traces.probe_trace(PART, "no-thumb", str(tmp_path_factory.mktemp("real-no-thumb")))


@pytest.fixture(scope="module")
def wrong_address(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("real-wrong-address"))
    return {p: real_traces.probe_trace(p, "wrong-address", out) for p in SHAPES}


def _with_first_step(src, dst, step):
    """The trace at src with `step` added before its first step, every step numbered again; written
    to dst."""
    lines = [json.loads(l) for l in open(src).read().splitlines()]
    header, steps, end = lines[0], [step] + lines[1:-1], lines[-1]
    for i, st in enumerate(steps):
        st.update(type="step", i=i)
    end["steps"] = len(steps)
    dst.write_text("\n".join(json.dumps(r) for r in [header] + steps + [end]) + "\n")
    return str(dst)


def _jump_step(a):
    """The step of the probe's branch into system memory: the last before the ROM's address space."""
    rom = a.part.system_memory
    return max(k for k, st in enumerate(a.trace.steps) if int(st["pc"], 16) not in rom)


@pytest.mark.parametrize("part_name", sorted(SHAPES))
def test_wrong_address_reached_system_memory_and_faulted(wrong_address, part_name):
    a = reports.analyse(wrong_address[part_name])
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
    assert "The jump itself faulted before the ROM ran" in plain(v.documented)
    if SHAPES[part_name] == "no step":
        assert a.exit.entry is None and a.exit.jump == len(a.trace.steps) - 1
        assert v.headline.endswith("the ID byte is data, not an instruction.")
    else:
        step = a.trace.steps[-1]
        assert step["insn"] == UNDECODABLE and a.exit.entry == len(a.trace.steps) - 1 == a.exit.jump + 1
        assert v.headline.endswith("undefined instruction (%s)." % step["bytes"])
        assert "its bytes `%s` are no Thumb instruction (capstone cannot decode them)" % step["bytes"] in how


def test_no_thumb_faults_on_invstate(no_thumb):
    a = reports.analyse(no_thumb)
    v, part = a.verdict, a.part
    landed = int(a.trace.end["fault"]["pc"], 16)
    assert landed in part.system_memory and a.exit.landed == landed
    jump = _jump_step(a)
    xpsr = int(a.trace.steps[jump]["regs"]["xpsr"], 16)
    db = parts.load().raw
    t_bit = db["architectures"][db["cores"][part.core]["architecture"]]["core_registers"]["XPSR"]["bits"]["T"]
    assert not xpsr >> t_bit & 1        # the core records T = 0 after the branch
    assert v.outcome == "fault" and v.agrees is None
    assert ("the jump itself faulted, so the ROM never ran: bx r1 at step %d landed at 0x%08x, inside "
            "system memory, and the core took HardFault there: INVSTATE (the jump cleared the Thumb bit)."
            % (jump, landed)) in v.headline
    assert "xPSR = `0x%08x` after it: T is 0" % xpsr in plain(v.how)
    # The probe read the ROM's vectors before the trace started: the trace cannot say it is the entry.
    assert "whether that is the ROM's entry point is not recorded" in plain(v.how)


@pytest.mark.parametrize("offset, words", [(0, "at the ROM's entry point"), (2, "but not at the ROM's entry point")])
def test_entry_point_from_a_read_of_the_reset_vector(no_thumb, tmp_path, offset, words):
    """With the load of the ROM's reset vector in the trace, the verdict compares the landing
    address with it (the Thumb bit aside)."""
    src = no_thumb
    landed = int(json.loads(open(src).read().splitlines()[-1])["fault"]["pc"], 16)
    vector = parts.lookup(PART).system_memory.base + 4
    value = (landed + offset) | 1
    read = {"pc": "0x20000400", "region": "sram", "bytes": "4168", "insn": "ldr r1, [r0, #4]",
            "regs": {}, "mem": [{"op": "r", "addr": "0x%08x" % vector, "size": 4, "value": "0x%08x" % value}]}
    v = reports.analyse(_with_first_step(src, tmp_path / "vector.jsonl", read)).verdict
    assert "inside system memory %s (reset vector 0x%08x)" % (words, value) in v.headline
    assert "the reset vector at `0x%08x` holds `0x%08x` (read at step 0)" % (vector, value) in plain(v.how)
