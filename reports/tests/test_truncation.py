"""Every truncation point of a valid trace gives a partial report that says where the trace stops;
a file that is not a trace gives one clear error line."""
import pytest

import reports
from reports import render_html, render_md, sections

from . import htmlcheck


def _cuts(data):
    """(prefix size, complete lines) at every line boundary and in the middle of every line."""
    ends = [n + 1 for n, b in enumerate(data) if b == ord("\n")]
    starts = [0] + ends[:-1]
    for start, end in zip(starts, ends):
        yield (start + end) // 2, ends.index(end)        # half-written line
        yield end, ends.index(end) + 1                   # complete lines only


@pytest.mark.parametrize("scenario", ["l011-returns", "l031-stays", "l011-from-app", "l011-fault"])
def test_every_truncation_point_gives_a_partial_report(fixture_traces, tmp_path, scenario):
    data = open(fixture_traces(scenario)[0], "rb").read()
    total = data.count(b"\n")
    cut = tmp_path / "cut.jsonl"
    for size, lines in _cuts(data):
        cut.write_bytes(data[:size])
        if lines == 0:
            with pytest.raises(reports.ReportError) as e:
                reports.analyse(str(cut))
            assert "stops inside its header" in str(e.value) and "\n" not in str(e.value)
            continue
        a = reports.analyse(str(cut))
        doc = sections.build(a)
        md, html = render_md.render(doc), render_html.render(doc)
        htmlcheck.check(html)
        if lines == total:
            assert a.trace.truncation is None and "Incomplete trace" not in md
            continue
        assert a.trace.end is None and len(a.trace.steps) == lines - 1
        where = "the trace stops after line %d (%s)" % (
            lines, "step %d" % (lines - 2) if lines > 1 else "the header")
        assert "**Incomplete trace: %s" % where in md, (size, md[:400])
        assert where in html
        if a.exit.kind == "truncated":
            assert "The trace stops early (it has no end record)" in md
            assert "does not show where control went" in md


def test_truncated_report_keeps_what_was_recorded(fixture_traces, tmp_path):
    """Cut right after the decision: the partial report still shows the decision point."""
    full = reports.analyse(fixture_traces("l011-returns")[0])
    data = open(full.trace.path, "rb").read().split(b"\n")
    cut = tmp_path / "cut.jsonl"
    cut.write_bytes(b"\n".join(data[:full.decision.step + 2]) + b"\n")
    a = reports.analyse(str(cut))
    assert a.exit.kind == "truncated" and a.decision.step == full.decision.step
    assert "So far: " in "".join(a.verdict.how)
