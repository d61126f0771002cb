"""The matrix as Markdown and as a self-contained HTML page (no scripts, no external assets), each
cell linking to its report, plus matrix.json for scripts and tests."""
import html
import json
import os

from .matrix import CLASSES

EMULATOR_ONLY = ("Every cell ran on bootjump-emu with the behavioural ROM model (emulator/rom/), never "
                 "on a chip: that is the only reason the destructive recipes (erase-page0, boot-sel) "
                 "ran here. On hardware they need `bootjump trace --allow-destructive`.")
AGREE_WORDS = {True: "as documented", False: "CONTRADICTS the documentation", None: "not decided"}
AGREE_MARK = {True: "✓", False: "✗", None: "·"}
# Cells without a trace: their reason is listed under the table.
NO_REPORT = ("refused", "stuck", "error")


def summary_line(cells, seconds, jobs):
    """Counts per class and per agreement, and the time the matrix took."""
    by_class = {c: sum(1 for x in cells if x.cls == c) for c in CLASSES}
    traced = [x for x in cells if x.cls not in NO_REPORT]
    by_agree = {a: sum(1 for x in traced if x.agrees is a) for a in (True, False, None)}
    return ("%d cells in %.0f s (-j %d): " % (len(cells), seconds, jobs) +
            ", ".join("%d %s" % (n, CLASSES[k]) for k, n in by_class.items() if n) + "; of the traced, " +
            ", ".join("%d %s" % (n, AGREE_WORDS[a]) for a, n in by_agree.items() if n) + ".")


def _legend():
    return ("Cell: what the ROM did with the jump (reports' verdict on the trace; *watchdog* and "
            "*reset*: the ROM held the chip, then the probe's record shows that reset). Mark: "
            "%s." % "; ".join("%s %s" % (AGREE_MARK[a], AGREE_WORDS[a]) for a in (True, False, None)) +
            " The documentation is each part's activation profile (parts/stm32.json, AN2606).")


def _tracer_note(c):
    """The tracer's own end record, where reports read the trace as not having left the ROM."""
    return " (tracer: %s)" % c.tracer_exit if c.cls in ("not-in-rom", "no-exit") and c.tracer_exit else ""


def markdown(cells, parts, recipes, seconds, jobs):
    def cell_text(c):
        if c.cls in NO_REPORT:
            return CLASSES[c.cls]
        return "[%s](%s) %s%s" % (CLASSES[c.cls], c.md_rel, AGREE_MARK[c.agrees], _tracer_note(c))

    grid = {(c.part, c.recipe): c for c in cells}
    lines = ["# bootjump matrix: every part x every recipe on the emulator", "",
             EMULATOR_ONLY, "", _legend(), "",
             "| part | " + " | ".join(recipes) + " |",
             "|---|" + "---|" * len(recipes)]
    for p in parts:
        lines.append("| %s | " % p + " | ".join(cell_text(grid[(p, r)]) for r in recipes) + " |")
    lines += ["", summary_line(cells, seconds, jobs)]
    notes = [c for c in cells if c.cls in NO_REPORT or c.agrees is False]
    if notes:
        lines += ["", "## Cells without a report, and contradictions", ""]
        lines += ["- **%s %s** (%s): %s" % (c.part, c.recipe, CLASSES[c.cls], c.detail) for c in notes]
    return "\n".join(lines) + "\n"


_STYLE = """body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}
td,th{border:1px solid #999;padding:.3em .5em;font-size:90%}th{background:#eee}
.stays{background:#d9f2d9}.returns{background:#fde2c8}.fault,.error{background:#f6c6c6}
.reset,.watchdog{background:#f3e6a8}.refused{background:#e6e6e6;color:#555}
.not-in-rom,.no-exit,.stuck{background:#e0d4f0}.contradicts{outline:3px solid #c00}"""


def page(cells, parts, recipes, seconds, jobs):
    e = html.escape
    grid = {(c.part, c.recipe): c for c in cells}
    rows = []
    for p in parts:
        tds = []
        for r in recipes:
            c = grid[(p, r)]
            classes = c.cls + (" contradicts" if c.agrees is False else "")
            title = e(c.detail or "", quote=True)
            if c.cls in NO_REPORT:
                tds.append('<td class="%s" title="%s">%s</td>' % (classes, title, e(CLASSES[c.cls])))
            else:
                tds.append('<td class="%s" title="%s"><a href="%s">%s</a> %s%s</td>'
                           % (classes, title, e(c.html_rel, quote=True), e(CLASSES[c.cls]), AGREE_MARK[c.agrees],
                              e(_tracer_note(c))))
        rows.append("<tr><th>%s</th>%s</tr>" % (e(p), "".join(tds)))
    notes = "".join("<li><b>%s %s</b> (%s): %s</li>" % (e(c.part), e(c.recipe), e(CLASSES[c.cls]), e(c.detail or ""))
                    for c in cells if c.cls in NO_REPORT or c.agrees is False)
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>bootjump matrix</title>"
            "<style>%s</style></head><body><h1>bootjump matrix</h1><p>%s</p><p>%s</p>"
            "<table><tr><th>part</th>%s</tr>%s</table><p>%s</p>%s</body></html>\n"
            % (_STYLE, e(EMULATOR_ONLY), e(_legend()), "".join("<th>%s</th>" % e(r) for r in recipes),
               "".join(rows),
               e(summary_line(cells, seconds, jobs)),
               "<h2>Cells without a report, and contradictions</h2><ul>%s</ul>" % notes if notes else ""))


def write(out_dir, cells, parts, recipes, seconds, jobs):
    """matrix.md, matrix.html and matrix.json in out_dir; returns their paths."""
    for c in cells:
        c.md_rel = os.path.relpath(c.md, out_dir) if c.md else None
        c.html_rel = os.path.relpath(c.html, out_dir) if c.html else None
    paths = [os.path.join(out_dir, "matrix." + ext) for ext in ("md", "html", "json")]
    texts = [markdown(cells, parts, recipes, seconds, jobs), page(cells, parts, recipes, seconds, jobs),
             json.dumps({"parts": parts, "recipes": recipes, "seconds": round(seconds, 1), "jobs": jobs,
                         "cells": [c.as_json(out_dir) for c in cells]}, indent=1) + "\n"]
    for path, text in zip(paths, texts):
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    return paths
