"""The analysis on fixture traces: the exit, the decision point found by the backward slice, and
the verdict against the documented profile, for several machine-code shapes of the same check."""
import json

import pytest

import reports
from reports.tests import tracegen
from reports.text import plain

ROM_LOAD = 0x08000000


def test_l011_return_by_branch_names_every_link(fixture_traces):
    """Issue 7's must-show: the return by branch, the load of 0x08000000 and its value, the compare
    and the conditional branch that decided, the MSP load and the branch to the user reset handler,
    with step numbers and ROM addresses, citing the empty-check note."""
    trace, elf = fixture_traces("l011-returns")
    a = reports.analyse(trace, elf=elf)
    v = a.verdict
    assert a.exit.kind == "branch" and v.outcome == "returned" and v.agrees is True
    how = plain(v.how)
    steps = a.trace.steps
    # The load, its value, its step and its ROM address.
    load = next(k for k, st in enumerate(steps) if any(m["addr"] == "0x08000000" for m in st["mem"]))
    assert "At step %d (`%s`, `ldr r0, [r1]`) the ROM read `0x08000000` = `0x20000800`" % (
        load, steps[load]["pc"]) in how
    # The compare that set the flags and the branch that decided.
    d = a.decision
    assert steps[d.setter]["insn"].startswith("cmp") and steps[d.step]["insn"].startswith("beq")
    assert "`cmp r0, #0` at step %d (`%s`) set the flags" % (d.setter, steps[d.setter]["pc"]) in how
    assert "`beq #0x1ff00032` at step %d (`%s`) was not taken" % (d.step, steps[d.step]["pc"]) in how
    # MSP from flash word 0, then the branch to the user's reset handler.
    s = a.exit.stack
    assert s.register == "msp" and s.value == 0x20000800
    assert [ld.addr for ld in s.slice.data_inputs] == [ROM_LOAD]
    assert "set MSP = `0x20000800` with `msr msp, r0` at step %d (`%s`)" % (s.step, steps[s.step]["pc"]) in how
    assert "The ROM branched with `bx r0` at step %d (`%s`) to `0x080000c0` (`Reset_Handler`)" % (
        a.exit.step, steps[a.exit.step]["pc"]) in how
    assert "`0x08000004` (user flash) = `0x080000c1`" in how
    assert "by reset" not in v.text() and "reset" not in v.headline
    # The citation: the part's activation facts and its AN2606 note, from the part database.
    assert "activation pattern 6, profile `empty-check`" in plain(v.documented)
    assert v.quote[0].startswith("Due to empty check mechanism") and "AN2606" in v.quote[1]


def test_l011_stays_when_word0_erased(fixture_traces):
    a = reports.analyse(fixture_traces("l011-stays")[0])
    assert a.exit.kind == "idle" and a.verdict.outcome == "stayed" and a.verdict.agrees is True
    assert a.decision.outcome == "taken"
    assert [(ld.addr, ld.value) for ld, _ in a.decision.inputs] == [(ROM_LOAD, 0)]
    assert a.exit.loop.polled and "USART2.ISR" in plain(a.verdict.how)


# (scenario, the decisive instruction's mnemonic, the flag setter's mnemonic or None for cbz)
SHAPES = [
    ("rom_stack_v6m", "bne", "cmp"),         # value kept on the stack, a later clock wait
    ("rom_subs_v6m", "beq", "subs"),         # subtraction against 0xffffffff, ldm for the vectors
    ("rom_it_v7m", "bxne", "cmp.w"),         # IT block: the exit itself is conditional
    ("rom_select_v7m", "ldreq", "adds.w"),   # IT-block select of the target, one bx
    ("rom_cbz_v7m", "cbz", None),            # cbz, ldrd for the vectors
]


@pytest.mark.parametrize("shape, decides, sets", SHAPES)
def test_decision_found_whatever_the_machine_code(fixture_traces, shape, decides, sets):
    returns = reports.analyse(fixture_traces(shape + "-returns")[0])
    stays = reports.analyse(fixture_traces(shape + "-stays")[0])
    for a in (returns, stays):
        d = a.decision
        assert d is not None, shape
        assert d.insn.mnemonic == decides
        if sets:
            assert a.flow.insns[d.setter].mnemonic == sets
        else:
            assert d.setter == d.step
        assert [ld.addr for ld, _ in d.inputs] == [ROM_LOAD]
    assert returns.exit.kind == "branch" and stays.exit.kind == "idle"
    assert returns.part.name == tracegen.VARIANTS[shape][0]
    assert returns.exit.target == 0x080000c0
    assert [ld.addr for ld in returns.exit.target_slice.data_inputs] == [ROM_LOAD + 4]
    assert [ld.addr for ld in returns.exit.stack.slice.data_inputs] == [ROM_LOAD]
    assert returns.decision.inputs[0][0].value == 0x20000800
    assert stays.decision.inputs[0][0].value != 0x20000800


def test_value_followed_through_the_stack(fixture_traces):
    a = reports.analyse(fixture_traces("rom_stack_v6m-returns")[0])
    loads = a.decision.slice.loads
    # The compare read the word back from the stack; the slice goes through the store to flash.
    assert any(a.part.region_of(ld.addr) == "sram" and not ld.is_input for ld in loads)
    assert [ld.addr for ld in a.decision.slice.inputs] == [ROM_LOAD]


def test_peripheral_reads_are_inputs_not_forwarded_stores(fixture_traces):
    """RCC_CR is written then polled: each poll's value comes from the hardware, not the store."""
    a = reports.analyse(fixture_traces("l011-returns")[0])
    poll = next(d for d in a.decisions if d.tier == 2)
    (ld, (kind, _)), = poll.inputs
    assert kind == "peripheral" and ld.value & 4 and a.trace.steps[ld.step]["mem"][0]["addr"] == "0x40021000"


def test_plain_part_stays_without_a_flash_decision(fixture_traces):
    a = reports.analyse(fixture_traces("l031-stays")[0])
    v = a.verdict
    assert v.outcome == "stayed" and v.agrees is True and a.decision is None
    assert "No conditional instruction on the ROM's path depended on user flash" in plain(v.how)
    assert [(r.addr, r.kind) for r in a.reads] == [(0x1ff80000, "option bytes")]
    assert v.quote is None      # the L031's only AN2606 note is not about jumping


@pytest.mark.parametrize("scenario, outcome", [
    ("l031-returns", "returned"),          # a plain part that returned to user flash
    ("l011-stays-not-erased", "stayed"),   # an empty-check part that stayed, word 0 not erased
])
def test_contradictions_are_said_clearly(fixture_traces, scenario, outcome):
    v = reports.analyse(fixture_traces(scenario)[0]).verdict
    assert v.outcome == outcome and v.agrees is False
    assert "CONTRADICTS" in v.headline
    assert "The trace contradicts the documentation" in plain(v.documented)


def test_verdict_comes_from_the_trace_not_the_part_name(fixture_traces, tmp_path):
    """The same L011 trace with the part swapped for the L031: same outcome, opposite verdict."""
    src, _ = fixture_traces("l011-returns")
    lines = open(src).read().splitlines()
    header = json.loads(lines[0])
    header.update(part="stm32l031", dev_id="0x425")
    swapped = tmp_path / "swapped.jsonl"
    swapped.write_text("\n".join([json.dumps(header)] + lines[1:]) + "\n")
    a, b = reports.analyse(src), reports.analyse(str(swapped))
    assert a.verdict.outcome == b.verdict.outcome == "returned"
    assert a.verdict.agrees is True and b.verdict.agrees is False


def test_the_roms_read_wins_over_the_header(fixture_traces, tmp_path):
    src, _ = fixture_traces("l011-returns")
    lines = open(src).read().splitlines()
    header = json.loads(lines[0])
    header["flash_word0"] = "0x00000000"
    lied = tmp_path / "lied.jsonl"
    lied.write_text("\n".join([json.dumps(header)] + lines[1:]) + "\n")
    v = reports.analyse(str(lied)).verdict
    assert v.agrees is True and v.expected == "returned"
    assert any("the ROM read `0x20000800`" in plain(n) for n in v.notes)


def test_fault_and_reset(fixture_traces):
    trace, elf = fixture_traces("l011-fault")
    a = reports.analyse(trace, elf=elf)
    assert a.exit.kind == "fault" and a.verdict.outcome == "fault" and a.verdict.agrees is None
    how = plain(a.verdict.how)
    assert "HardFault (exception 3) at `0x080000c0`" in how and "the Thumb bit, is clear" in how
    r = reports.analyse(fixture_traces("l031-reset")[0])
    assert r.exit.kind == "reset" and "wrote `0x05fa0004` to `0xe000ed0c`" in plain(r.verdict.how)


def test_trace_from_the_user_jump(fixture_traces):
    trace, elf = fixture_traces("l011-from-app")
    a = reports.analyse(trace, elf=elf)
    assert a.exit.entry > 0
    before = a.trace.steps[a.exit.entry - 1]
    assert a.symbol(int(before["pc"], 16)).startswith("jump_to_bootloader")
    assert a.lanes()[0] == "user flash" and a.lanes()[a.exit.entry] == "ROM"
    assert a.verdict.agrees is True


def test_dev_id_that_is_not_the_parts_is_flagged(fixture_traces, tmp_path):
    src, _ = fixture_traces("l011-returns")
    lines = open(src).read().splitlines()
    header = json.loads(lines[0])
    header["part"] = "stm32l031"                     # DEV_ID stays the L011's 0x457
    odd = tmp_path / "odd.jsonl"
    odd.write_text("\n".join([json.dumps(header)] + lines[1:]) + "\n")
    notes = [plain(n) for n in reports.analyse(str(odd)).verdict.notes]
    assert any("DEV_ID `0x457` is not stm32l031's (`0x425`)" in n for n in notes)
