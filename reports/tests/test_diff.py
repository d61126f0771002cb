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


def test_a_trace_that_stops_earlier_is_no_divergence(fixture_traces, tmp_path):
    """B is A cut short (no end record): they agree on every step B has, so there is no first
    divergence and no instruction to explain; the diff says which one stops, and where."""
    path = fixture_traces("l011-returns")[0]
    lines = open(path).read().splitlines(True)
    cut = tmp_path / "cut.jsonl"
    cut.write_text("".join(lines[:12]))
    a, b = reports.analyse(path), reports.analyse(str(cut))
    d = divergence.diverge(a, b)
    assert d.step is None and d.decider is None and d.explained == []
    text = reports.diff(path, str(cut))
    assert "First divergence" not in text and "comes from registers or state" not in text, text
    assert ("The traces follow the same path through the 11 steps they share; then B stops (no end "
            "record, truncated) while A goes on for %d more steps" % (len(a.trace.steps) - 11)) in text, text
    # The other way round names the other trace.
    assert "then A stops (no end record, truncated) while B goes on" in reports.diff(str(cut), path)


def test_a_shorter_trace_whose_last_step_went_elsewhere_diverges(fixture_traces, tmp_path):
    """A trace that ends (with its end record's PC) where the other's next step is not: its last
    instruction parted the paths, a divergence like any other."""
    import json
    path = fixture_traces("l011-returns")[0]
    lines = open(path).read().splitlines(True)
    end = json.loads(lines[-1])
    end.update(exit="limit", steps=10, pc="0x1ff00ff0", reason="stopped at the step limit (10 steps)")
    cut = tmp_path / "limit.jsonl"
    cut.write_text("".join(lines[:11]) + json.dumps(end) + "\n")
    d = divergence.diverge(reports.analyse(path), reports.analyse(str(cut)))
    assert d.step == 10 and d.decider == 9


def test_same_steps_one_without_an_end_record(fixture_traces, tmp_path):
    """Every step alike, B's end record lost: nothing parted them, and where B went is unknown."""
    path = fixture_traces("l011-returns")[0]
    cut = tmp_path / "no-end.jsonl"
    cut.write_text("".join(open(path).read().splitlines(True)[:-1]))
    text = reports.diff(path, str(cut))
    assert "First divergence" not in text
    assert "follow the same path through all" in text and "where B went after the last one is not recorded" in text


def test_a_trace_without_steps(fixture_traces, tmp_path):
    path = fixture_traces("l011-returns")[0]
    head = tmp_path / "header-only.jsonl"
    head.write_text(open(path).readline())
    text = reports.diff(path, str(head))
    assert "B records no step (no end record, truncated) while A has" in text and "there is no path to compare" in text
