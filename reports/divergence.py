"""Two traces side by side: the first step where their paths part, the instruction that parted
them, and the loaded values that explain it (the inputs of that instruction's backward slice whose
values differ between the traces)."""
import json

from traces.schema import num

from .isa import FLAGS
from .regions import describe
from .text import h

_PATH = 6        # steps of each path shown after the divergence


class Divergence:
    def __init__(self):
        self.step = None        # first step whose PC differs (None: the paths are the same)
        self.decider = None     # the last common step: the instruction that parted the paths
        self.explained = []     # (addr, size, value_a, value_b, step_a, step_b, what)
        self.other = []         # loads at the same step and address with different values, before
        self.header = []        # (field, value_a, value_b)
        self.stops = None       # "A" or "B": the trace that ends first, on the other's path


def _slice_of(a, k):
    """The slice of what step k decided with: its condition, else its branch target."""
    insn = a.flow.insns[k]
    if insn is None:
        return None
    if insn.cbz:
        return a.flow.slice(k, [insn.cbz[0]])
    if insn.cond is not None:
        return a.flow.slice(k, [FLAGS])
    if insn.is_branch:
        return a.flow.slice(k + 1, ["pc"])
    return a.flow.slice(k, sorted(insn.reads))


def _first_difference(sa, sb, end_a, end_b):
    """(first step whose PC differs or None, "A"/"B" when that trace ends first on the other's path)."""
    n = min(len(sa), len(sb))
    for i in range(n):
        if sa[i]["pc"] != sb[i]["pc"]:
            return i, None
    pa, pb = (end_a or {}).get("pc"), (end_b or {}).get("pc")
    if len(sa) != len(sb):
        # The shorter trace's last instruction went to its end record's PC: elsewhere than the
        # longer one's next step is a divergence; there, or unknown (truncated), it only stops.
        shorter, pc, other = ("A", pa, sb) if len(sa) < len(sb) else ("B", pb, sa)
        if pc is not None and num(pc) != num(other[n]["pc"]):
            return n, None
        return None, shorter
    return (n if None not in (pa, pb) and num(pa) != num(pb) else None), None


def diverge(a, b):
    d = Divergence()
    sa, sb = a.trace.steps, b.trace.steps
    d.step, d.stops = _first_difference(sa, sb, a.trace.end, b.trace.end)
    for field in ("part", "flash_word0", "option_bytes", "rom", "firmware"):
        va, vb = a.trace.header.get(field), b.trace.header.get(field)
        if va != vb:
            d.header.append((field, va, vb))
    if not d.step:
        return d
    d.decider = d.step - 1
    left, right = _slice_of(a, d.decider), _slice_of(b, d.decider)
    if left is not None and right is not None:
        theirs = {ld.addr: ld for ld in right.inputs}
        for ld in left.inputs:
            other = theirs.get(ld.addr)
            if other is not None and other.value != ld.value:
                d.explained.append((ld.addr, ld.size, ld.value, other.value, ld.step, other.step,
                                    describe(a.part, ld.addr)))
    explained = {e[0] for e in d.explained}
    for k in range(d.decider + 1):
        ra = [m for m in sa[k]["mem"] if m["op"] == "r"]
        rb = [m for m in sb[k]["mem"] if m["op"] == "r"]
        for ma, mb in zip(ra, rb):
            addr = num(ma["addr"])
            if ma["addr"] == mb["addr"] and ma["value"] != mb["value"] and addr not in explained:
                d.other.append((k, addr, ma["value"], mb["value"], describe(a.part, addr)))
    return d


def _path(an, start):
    steps = an.trace.steps
    out = []
    for st in steps[start:start + _PATH]:
        out.append("`%s %s`" % (st["pc"], st["insn"]))
    if start + _PATH < len(steps):
        out.append("...")
    elif an.trace.end:
        out.append("end: %s at `%s`" % (an.trace.end["exit"], an.trace.end.get("pc")))
    else:
        out.append("(the trace stops here, truncated)")
    return " -> ".join(out) if out else "(no more steps)"


def text(a, b):
    """The diff of two analysed traces as Markdown."""
    d = diverge(a, b)
    lines = ["# bootjump diff: %s vs %s" % (a.trace.name, b.trace.name), "",
             "- A (%s): %s" % (a.trace.name, a.verdict.headline),
             "- B (%s): %s" % (b.trace.name, b.verdict.headline), ""]
    if d.stops:
        short, long_ = (a, b) if d.stops == "A" else (b, a)
        n = len(short.trace.steps)
        other = "B" if d.stops == "A" else "A"
        if n == 0:
            lines.append("%s records no step (%s) while %s has %d: there is no path to compare."
                         % (d.stops, _ending(short), other, len(long_.trace.steps)))
        else:
            lines.append("The traces follow the same path through the %d steps they share; then %s stops (%s) "
                         "while %s goes on for %d more steps: no divergence is recorded. Trace both to the "
                         "same stop to compare where they part."
                         % (n, d.stops, _ending(short), other, len(long_.trace.steps) - n))
    elif d.step is None and not a.trace.steps:
        lines.append("Neither trace records a step: there is no path to compare.")
    elif d.step is None:
        unknown = [n for n, an in (("A", a), ("B", b)) if (an.trace.end or {}).get("pc") is None]
        lines.append("The traces follow the same path through all %d steps%s."
                     % (len(a.trace.steps), " and end at the same PC" if not unknown else
                        "; where %s went after the last one is not recorded" % " and ".join(unknown)))
    elif d.step == 0:
        lines.append("The traces start at different PCs: A at `%s`, B at `%s`; there is no common path "
                     "to compare." % (a.trace.steps[0]["pc"] if a.trace.steps else "-",
                                      b.trace.steps[0]["pc"] if b.trace.steps else "-"))
    else:
        st = a.trace.steps[d.decider]
        insn = a.flow.insns[d.decider]
        lines += ["**First divergence at step %d.** Both traces ran `%s` at `%s` (step %d); then:"
                  % (d.step, insn.text if insn else st["insn"], st["pc"], d.decider), "",
                  "- A: " + _path(a, d.step), "- B: " + _path(b, d.step), ""]
        setter = a.flow.last_writer(FLAGS, d.decider) if insn is not None and insn.cond is not None else None
        if setter is not None:
            lines += ["Its condition came from `%s` at `%s` (step %d)." % (
                a.flow.insns[setter].text, a.trace.steps[setter]["pc"], setter), ""]
        if d.explained:
            lines.append("Explained by the loaded value%s that fed it:" % ("s" if len(d.explained) > 1 else ""))
            lines.append("")
            for addr, size, va, vb, ka, kb, what in d.explained:
                lines.append("- `%s` (%s): A read `%s` (step %d), B read `%s` (step %d)"
                             % (h(addr), what, h(va, 2 * size), ka, h(vb, 2 * size), kb))
        else:
            lines.append("No loaded value that fed this instruction differs between the traces: the "
                         "difference comes from registers or state before the traces started.")
        if d.other:
            lines += ["", "Other loads before the divergence that read different values:", "",
                      "| Step | Address | What | A | B |", "|---|---|---|---|---|"]
            lines += ["| %d | `%s` | %s | `%s` | `%s` |" % (k, h(addr), what, va, vb)
                      for k, addr, va, vb, what in d.other]
    if d.header:
        lines += ["", "Header differences:", ""]
        lines += ["- %s: A `%s`, B `%s`" % (f, _compact(va), _compact(vb)) for f, va, vb in d.header]
    return "\n".join(lines) + "\n"


def _ending(an):
    end = an.trace.end
    return "no end record, truncated" if end is None else "exit %s: %s" % (end["exit"], end["reason"])


def _compact(value):
    return json.dumps(value) if not isinstance(value, str) else value
