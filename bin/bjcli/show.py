"""The words bootjump prints about a traced jump: reports' verdict (headline, then how control
left the ROM and what decided it), what the probe recorded afterwards, and the file paths."""
import os
import textwrap

from reports.text import plain

WATCHDOG_CAUSES = ("independent_watchdog", "window_watchdog")


def came_back(after):
    """How the probe started again after the trace, from its own record: (entry, causes) with
    entry "branch" or "reset", or None when it did not run again while watched."""
    if not after or not after.get("probe_ran") or not after.get("record"):
        return None
    entry = after["record"].get("entry", "")
    if entry == "branch":
        return "branch", []
    kind, _, causes = entry.partition(" ")
    return kind, [c for c in causes.split(",") if c]


def after_sentence(after):
    if not after:
        return None
    how = came_back(after)
    span = "%g ms of %s time" % (after["elapsed_ms"], after["clock"])
    if how is None:
        return "Afterwards the probe did not run again within %s: the chip stayed where the trace left it." % span
    rec = after["record"]
    if how[0] == "branch":
        return "Afterwards the probe started again by a branch (its record: %s, step %s)." % (rec["outcome"], rec["step"])
    return "Afterwards the probe started again after a reset (%s), within %s (its record: %s)." % (
        ", ".join(how[1]) or "cause not recorded", span, rec["outcome"])


def stuck_sentence(out):
    """Why there is no trace: the probe did not reach its jump within the timeout."""
    from reports.exits import exception_name
    s = out.stuck
    where = "at %s (%s)" % (s["pc"], s["region"])
    if s["ipsr"]:
        where = "in exception %d (%s) %s" % (s["ipsr"], exception_name(s["ipsr"]), where)
    rec = s.get("record") or {}
    return ("The probe never reached its jump: after %g ms of %s time the core was %s; the probe's "
            "last checkpoint was %s." % (s["elapsed_ms"], s["clock"], where, rec.get("step", "unreadable")))


def wrap(text, indent="  ", width=100):
    return textwrap.fill(text, width=width, initial_indent=indent, subsequent_indent=indent,
                         break_on_hyphens=False, break_long_words=False)


def verdict(v, after=None, trace_error=None):
    """The verdict block of a trace, as lines: reports' headline and how control left the ROM,
    then what the probe recorded afterwards and any early stop of the tracer."""
    # Markdown code marks mean nothing on a terminal.
    lines = [v.headline, wrap(plain(v.how).replace("`", ""))]
    sentence = after_sentence(after)
    if sentence:
        lines.append(wrap(sentence))
    if trace_error:
        lines.append(wrap("The tracer stopped early: %s" % trace_error))
    return lines


def paths(trace, md, html):
    rel = os.path.relpath
    return ["trace:  %s" % rel(trace), "report: %s" % rel(md), "        %s" % rel(html)]
