"""The sections of a report, in the order a support engineer reads them: verdict, where the PC was,
the decision excerpt, reads of user flash and option bytes, the probe's checkpoints and preflight,
environment."""
import hashlib
import json
import os

from traces.schema import num

from . import timeline
from .doc import Doc, Figure, Heading, Para, Quote, Table
from .regions import describe
from .text import Code, Strong, h

_EXCERPT_WINDOW = 40      # rows shown in full around the decision; beyond, only the marked steps
_MAX_READS = 200


def build(a):
    part = a.part
    doc = Doc("bootjump report: %s (%s)" % (part.designator, part.name))
    v = a.verdict
    doc.add(Heading(2, "Verdict"))
    if a.trace.truncation:
        doc.add(Para([Strong("Incomplete trace: %s." % a.trace.truncation),
                      " Everything below is what was recorded up to there."], role="warning"))
    doc.add(Para([Strong(v.headline)], role="verdict"), Para(v.how), Para(v.documented))
    if v.quote:
        doc.add(Quote(*v.quote))
    for note in v.notes:
        doc.add(Para(note, role="warning"))
    doc.add(Heading(2, "Where the PC was"))
    doc.add(_timeline(a))
    doc.add(Heading(2, "Decision excerpt"))
    doc.add(*_excerpt(a))
    doc.add(Heading(2, "Reads of user flash and option bytes"))
    doc.add(*_reads(a))
    if a.trace.header.get("checkpoints"):
        doc.add(Heading(2, "Probe checkpoints"), *_checkpoints(a.trace.header["checkpoints"]))
    if a.trace.header.get("preflight"):
        doc.add(Heading(2, "Preflight"), _preflight(a.trace.header["preflight"]))
    doc.add(Heading(2, "Environment"), _environment(a))
    return doc


# ---- timeline ---------------------------------------------------------------------------------------

def marks(a):
    """(step, label) of the steps the reader should find on the timeline."""
    out = []
    ex = a.exit
    if ex.entry:
        out.append((ex.entry, "enters ROM"))
    if a.decision:
        out.append((a.decision.step, "decision"))
    if ex.kind == "idle" and ex.loop:
        out.append((ex.loop.first, "idle loop"))
    elif ex.step is not None and ex.kind in ("branch", "fault", "reset"):
        out.append((ex.step, {"branch": "leaves ROM"}.get(ex.kind, ex.kind)))
    return out


def _timeline(a):
    segs = timeline.segments(a.lanes())
    rows = []
    for lane, first, last in segs[:60]:
        rows.append(["%d-%d" % (first, last), lane, [Code(a.trace.steps[first]["pc"])],
                     [Code(a.trace.steps[last]["pc"])]])
    fallback = [Table(["Steps", "Where", "First PC", "Last PC"], rows)]
    if len(segs) > 60:
        fallback.append(Para(["... and %d more runs." % (len(segs) - 60)]))
    if a.trace.end and a.trace.end.get("pc"):
        fallback.append(Para(["After the last step the PC was ", Code(a.trace.end["pc"]), "."]))
    return Figure(timeline.svg(segs, len(a.trace.steps), marks(a)), fallback)


# ---- the decision excerpt -----------------------------------------------------------------------

def _roles(a):
    roles = {}

    def add(step, text):
        if step is not None:
            roles.setdefault(step, []).append(text)
    ex = a.exit
    if ex.landed is not None:
        add(ex.jump, "jumps to %s" % h(ex.landed))
        add(ex.entry, "faults before it executes")
    elif ex.entry:
        add(ex.entry - 1, "enters the ROM")
    d = a.decision
    if d:
        for ld, _ in d.inputs:
            add(ld.step, "input: %s" % describe(a.part, ld.addr))
        if d.setter is not None and d.setter != d.step:
            add(d.setter, "sets the flags")
        add(d.step, "DECISION (%s)" % d.outcome)
    if ex.stack:
        for ld in ex.stack.slice.data_inputs:
            add(ld.step, "loads the new %s" % ex.stack.register.upper())
        add(ex.stack.step, "sets %s" % ex.stack.register.upper())
    if ex.target_slice is not None:
        for ld in ex.target_slice.data_inputs:
            add(ld.step, "loads the branch target")
        add(ex.step, "leaves the ROM" if ex.kind == "branch" else "last step before the %s" % ex.kind)
    if ex.kind == "idle" and ex.loop:
        for k in range(ex.loop.first, ex.loop.first + max(ex.loop.period, 1)):
            add(k, "idle loop")
    return roles


def _excerpt(a):
    roles = _roles(a)
    if not roles:
        return [Para(["The trace shows no decision point: no conditional instruction in the ROM "
                      "read user flash, the option bytes or a peripheral register before the trace "
                      "ended."])]
    lo, hi = min(roles), max(roles)
    steps = list(range(lo, hi + 1)) if hi - lo < _EXCERPT_WINDOW else sorted(roles)
    rows, marked, prev = [], [], None
    for k in steps:
        if prev is not None and k != prev + 1:
            rows.append(["...", "", "", "", "", ""])
        st = a.trace.steps[k]
        insn = a.flow.insns[k]
        if a.decision and k == a.decision.step:
            marked.append(len(rows))
        rows.append([str(k), _address(a, num(st["pc"])), [Code(insn.text if insn else st["insn"])],
                     [Code(" ".join("%s=%s" % kv for kv in st["regs"].items()))] if st["regs"] else "",
                     [Code(" ".join(_access(m) for m in st["mem"]))] if st["mem"] else "",
                     "; ".join(roles.get(k, []))])
        prev = k
    blocks = [Para(["Steps %d to %d of the trace, disassembled with capstone from the bytes the "
                    "target executed (no ROM symbols are used). Registers are the values after "
                    "the step." % (lo, hi)]),
              Table(["Step", "Address", "Instruction", "Registers after", "Memory", "Role"], rows, marked)]
    return blocks + _other_decisions(a)


def _address(a, pc):
    name = a.symbol(pc)
    return [Code(h(pc))] + ([" ", Code("<%s>" % name)] if name else [])


def _access(m):
    return "%s[%s]=%s" % ("ld" if m["op"] == "r" else "st", m["addr"], m["value"])


def _other_decisions(a):
    fed = [d for d in a.decisions if d.tier]
    if not fed:
        return []
    rows, marked = [], []
    for d in sorted(fed, key=lambda d: d.step):
        if d is a.decision:
            marked.append(len(rows))
        rows.append([str(d.step), [Code(h(d.pc))], [Code(d.insn.text)], d.outcome,
                     "; ".join("%s = %s (step %d)" % (describe(a.part, ld.addr), h(ld.value, 2 * ld.size), ld.step)
                               for ld, _ in d.inputs) or "registers from before the trace"])
    constant = len(a.decisions) - len(fed)
    text = ("Every conditional instruction on the ROM's path whose condition depends on an input "
            "(its last execution before the exit)")
    if constant:
        text += "; %d more depend only on ROM constants or counters" % constant
    return [Para([text + "."]), Table(["Step", "Address", "Instruction", "Outcome", "Fed by"], rows, marked)]


# ---- reads -------------------------------------------------------------------------------------

def _reads(a):
    if not a.reads:
        return [Para(["No step read user flash, the option bytes or data EEPROM."])]
    rows = [[str(r.step), _address(a, r.pc), [Code(h(r.addr))], str(r.size), [Code(h(r.value, 2 * r.size))],
             describe(a.part, r.addr)] for r in a.reads[:_MAX_READS]]
    out = [Table(["Step", "PC", "Address", "Size", "Value", "What"], rows)]
    if len(a.reads) > _MAX_READS:
        out.append(Para(["... and %d more reads (the trace file has them all)." % (len(a.reads) - _MAX_READS)]))
    return out


# ---- the probe's record and preflight ----------------------------------------------------------------

_RECORD_SOURCE = {"backup": "the backup registers", "ram": "its RAM copy"}


def _checkpoints(cp):
    """Blocks for the probe's record: in plain words as `bootjump checkpoints` prints it (its
    `facts`) and the RAM ring oldest first, when the header has them; then every other field raw
    (all of them for a record of another shape)."""
    blocks, shown = [], set()
    facts = cp.get("facts")
    if isinstance(facts, dict) and facts:
        where = _RECORD_SOURCE.get(cp.get("source"))
        blocks += [Para(["The probe's record as the trace header holds it%s:" % (" (read from %s)" % where if where else "")]),
                   Table(["Record", "Value"], [[str(k), str(v)] for k, v in facts.items()])]
        shown.add("facts")
    ring = cp.get("ring")
    if isinstance(ring, list) and ring and all(isinstance(e, dict) for e in ring):
        def causes(e):
            names = e.get("cause_names")
            return ", ".join(map(str, names)) if isinstance(names, list) and names else "-"
        blocks += [Para(["The probe's checkpoint ring, oldest first:"]),
                   Table(["#", "Boot", "Recipe", "Checkpoint", "Reset causes"],
                         [[str(e.get("seq", "")), str(e.get("boots", "")), str(e.get("recipe_name", e.get("recipe", ""))),
                           str(e.get("step_name", e.get("step", ""))), causes(e)] for e in ring])]
        shown.add("ring")
    rest = [(k, v) for k, v in cp.items() if k not in shown]
    if rest:
        if blocks:
            blocks.append(Para(["The record's fields as read:"]))
        blocks.append(Table(["Field", "Value"], [[k, [Code(v if isinstance(v, str) else json.dumps(v))]]
                                                 for k, v in rest]))
    return blocks


def _preflight(findings):
    return Table(["Check", "Status", "Finding", "Source"],
                 [[f["check"], f["status"].upper(), f["message"], f.get("source") or ""] for f in findings])


# ---- environment --------------------------------------------------------------------------------

def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def _environment(a):
    hd, part, t = a.trace.header, a.part, a.trace
    rows = [["Part", "%s (%s), core %s" % (part.designator, part.name, part.core)]]
    rows.append(["DEV_ID / REV_ID", [Code(hd.get("dev_id") or "?"), " / ", Code(hd.get("rev_id") or "?"),
                                     " (database: %s)" % h(part.dev_id, 3)]])
    rows.append(["Activation profile", [Code(part.profile), " (AN2606 pattern %s)" % part.raw["activation"]["pattern"]]])
    target = hd["target"]
    rows.append(["Target", "%s %s" % (target["kind"], target.get("address") or "")])
    for tool, version in sorted(hd["tools"].items()):
        rows.append(["Tool: %s" % tool, version])
    rows.append(["Trace start", [hd["start"]["from"], " at ", Code(hd["start"]["pc"])]])
    rom = hd.get("rom")
    if rom:
        rows.append(["ROM", [Code(rom["base"]), ", %d bytes, SHA-256 " % rom["size"], Code(rom.get("sha256") or "unknown")]])
    fw = hd.get("firmware")
    if fw:
        rows.append(["Firmware", [fw["path"], ", SHA-256 ", Code(fw.get("sha256") or "unknown")]])
    if a.symbols.path:
        rows.append(["Symbols from", os.path.basename(a.symbols.path)])
    if hd.get("flash_word0"):
        rows.append(["Flash word 0 (header)", [Code(hd["flash_word0"])]])
    ob = hd.get("option_bytes")
    if ob:
        rows.append(["Option bytes", [Code(ob["base"]), ": ", Code(" ".join(ob["words"]))]])
    rows.append(["Trace file", [t.name, ", SHA-256 ", Code(_sha256(t.path))]])
    end = t.end
    rows.append(["Trace", "%d steps, %d lines; %s" % (
        len(t.steps), t.lines,
        "end record: %s (%s)" % (end["exit"], end["reason"]) if end else "no end record: %s" % t.truncation)])
    if hd.get("created"):
        rows.append(["Recorded", hd["created"]])
    return Table(["", ""], rows)
