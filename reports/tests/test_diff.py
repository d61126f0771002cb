"""Diff of two traces: the first divergence and the loaded values that explain it."""
import reports
from reports import divergence


def test_l011_erased_versus_not(fixture_traces):
    """Issue 7's must-show: the first divergence is at the empty check's branch, explained by the
    value the ROM loaded from 0x08000000."""
    a = reports.analyse(fixture_traces("l011-returns")[0])
    b = reports.analyse(fixture_traces("l011-stays")[0])
    d = divergence.diverge(a, b)
    assert d.decider == a.decision.step == b.decision.step
    assert d.step == d.decider + 1
    assert [(e[0], e[2], e[3]) for e in d.explained] == [(0x08000000, 0x20000800, 0x00000000)]
    text = reports.diff(a.trace.path, b.trace.path)
    st = a.trace.steps[d.decider]
    assert "**First divergence at step %d.** Both traces ran `beq #0x1ff00032` at `%s` (step %d)" % (
        d.step, st["pc"], d.decider) in text
    assert "- `0x08000000` (user flash): A read `0x20000800` (step 12), B read `0x00000000` (step 12)" in text
    assert "Its condition came from `cmp r0, #0`" in text
    assert "- A: `%s " % a.trace.steps[d.step]["pc"] in text and "end: user-flash at `0x080000c0`" in text
    assert "- flash_word0: A `0x20000800`, B `0x00000000`" in text


def test_same_trace_has_no_divergence(fixture_traces):
    path = fixture_traces("l011-returns")[0]
    assert "The traces follow the same path through all" in reports.diff(path, path)


def test_divergence_through_an_it_block(fixture_traces):
    a = reports.analyse(fixture_traces("rom_it_v7m-returns")[0])
    b = reports.analyse(fixture_traces("rom_it_v7m-stays")[0])
    d = divergence.diverge(a, b)
    assert a.flow.insns[d.decider].mnemonic == "bxne"
    assert [e[0] for e in d.explained] == [0x08000000]
