"""The jump-compatibility matrix: every part x every probe recipe on bootjump-emu, each cell one
traced jump (bjcli/session.py) classified from reports' verdict and the probe's own record.

Recipes come from c_probe/record.json and whether a part can run one from the probe itself (it
refuses what the part cannot do); nothing here lists either a second time. Destructive recipes run
because every cell runs on the emulator, never on a chip.
"""
import concurrent.futures
import json
import os

from . import CliError, procs, session, show

# Cell classes, in the order the legend lists them.
CLASSES = {
    "stays": "stays in bootloader",
    "returns": "returns to user flash",
    "fault": "fault",
    "reset": "reset",
    "watchdog": "watchdog",
    "refused": "refused-not-applicable",
    "stuck": "never jumped",
    "not-in-rom": "never reached the ROM",
    "no-exit": "had not left the ROM (step limit)",
    "error": "error",
}
_FROM_OUTCOME = {"returned": "returns", "stayed": "stays", "fault": "fault", "reset": "reset",
                 "not-in-rom": "not-in-rom", "unknown": "no-exit"}


class Cell:
    def __init__(self, part, recipe):
        self.part, self.recipe = part, recipe
        self.cls = "error"
        self.detail = None        # the probe's refusal, the error, or the verdict headline
        self.agrees = None        # reports' verdict.agrees
        self.expected = None
        self.outcome = None
        self.tracer_exit = None   # the trace's end record, for when reports reads it otherwise
        self.after = None
        self.md = self.html = self.trace = None
        self.seconds = None

    def as_json(self, base):
        rel = (lambda p: os.path.relpath(p, base) if p else None)
        return {"part": self.part, "recipe": self.recipe, "class": self.cls, "label": CLASSES[self.cls],
                "detail": self.detail, "outcome": self.outcome, "expected": self.expected,
                "agrees": self.agrees, "tracer_exit": self.tracer_exit, "after": self.after,
                "trace": rel(self.trace), "md": rel(self.md), "html": rel(self.html),
                "seconds": self.seconds}


def _tracer_exit(trace):
    with open(trace) as f:
        last = f.readlines()[-1]
    record = json.loads(last)
    return record.get("exit") if record.get("type") == "end" else None


def classify(cell, out):
    cell.seconds = round(out.seconds, 2)
    if out.status == "refused":
        cell.cls, cell.detail = "refused", out.refused
        return cell
    if out.status == "stuck":
        cell.cls, cell.detail = "stuck", show.stuck_sentence(out)
        return cell
    v = out.verdict
    cell.trace, cell.md, cell.html = out.trace, out.md, out.html
    if out.trace_error:
        # The tracer failed part-way: the report covers a partial trace, the cell is no measurement.
        cell.detail = "the tracer stopped early: %s (the report covers the steps before: %s)" % (
            " ".join(out.trace_error.split()), v.headline)
        return cell
    cell.outcome, cell.expected, cell.agrees, cell.detail = v.outcome, v.expected, v.agrees, v.headline
    cell.tracer_exit = _tracer_exit(out.trace)
    cell.after = show.after_sentence(out.after)
    cell.cls = _FROM_OUTCOME[v.outcome]
    back = show.came_back(out.after)
    # A ROM that held the chip and a reset afterwards: the probe's record names the cause.
    if cell.cls == "stays" and back and back[0] == "reset":
        cell.cls = "watchdog" if set(back[1]) & set(show.WATCHDOG_CAUSES) else "reset"
    return cell


def run_cell(part, recipe, cells_dir, max_steps):
    cell = Cell(part, recipe)
    try:
        out = session.run(session.Request(part, "emu", recipe=recipe, out_dir=cells_dir,
                                          allow_destructive=True, max_steps=max_steps,
                                          name="%s-%s" % (part, recipe)))
    except CliError as e:
        cell.detail = str(e)
        return cell
    return classify(cell, out)


def run(part_names, recipe_names, out_dir, jobs, max_steps, progress=None):
    """Every cell, `jobs` at a time; the cells in part-major order."""
    cells_dir = os.path.join(out_dir, "cells")
    os.makedirs(cells_dir, exist_ok=True)
    todo = [(p, r) for p in part_names for r in recipe_names]
    done = {}
    if progress:
        progress(0, len(todo), "%d cells, %d at a time" % (len(todo), jobs))
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(run_cell, p, r, cells_dir, max_steps): (p, r) for p, r in todo}
        try:
            for n, f in enumerate(concurrent.futures.as_completed(futures), 1):
                cell = f.result()
                done[futures[f]] = cell
                if progress:
                    progress(n, len(todo), "%s %s: %s" % (cell.part, cell.recipe, CLASSES[cell.cls]))
        except BaseException:
            # Ctrl-C: no new cells, and the running ones lose their processes now, so the pool's
            # exit does not wait for them to finish.
            pool.shutdown(wait=False, cancel_futures=True)
            procs.stop_all()
            raise
    return [done[k] for k in todo]
