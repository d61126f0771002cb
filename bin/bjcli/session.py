"""One traced jump, the job of `bootjump trace`, `demo` and each cell of `matrix`: start what the
target needs, run the firmware to its jump under GDB, trace the ROM, analyse the trace with
reports/ and write the reports. The verdict is reports' analysis of the trace, nothing else."""
import contextlib
import os
import time

import parts
import reports
from c_probe import record

from . import CliError, gdbrun, recipes, targets
from .firmware import PROBE_SYMBOLS, open_firmware
from .paths import BUILD, ROOT

MAX_STEPS = 100000
# From reset to bj_jump the probe needs well under a second of the chip's time (its UART report
# at 115200 baud is most of it); on the emulator that is emulated time, whatever the host's load.
PROBE_JUMP = {"ms": 2000.0, "wall_limit": 60.0}
# A firmware of yours may wait for something before it jumps: the tracer's --timeout, wall clock.
ROM_ENTRY_TIMEOUT = 30.0
REMOTE_TIMEOUT = 10


class Request:
    def __init__(self, part, target="emu", firmware=None, recipe=None, out_dir=None,
                 allow_destructive=False, max_steps=MAX_STEPS, watch=True, uarts=(), name=None,
                 while_running=None, load=False):
        self.part_name, self.target, self.firmware, self.recipe = part, target, firmware, recipe
        # On a target bootjump did not start with the firmware (openocd, remote): program it (load)
        # or only check that the flash holds it (programming replaces the user's firmware).
        self.load = load
        self.out_dir, self.allow_destructive, self.max_steps = out_dir, allow_destructive, max_steps
        self.watch, self.uarts, self.name = watch, uarts, name
        # while_running(target): called after the trace with GDB detached and the chip running on
        # (the demo talks to the ROM's USART then); its return value is Outcome.extra.
        self.while_running = while_running


class Outcome:
    """status: traced | refused | stuck. trace, md, html, verdict (traced); refused (the probe's
    reason); stuck (where the core was when the jump did not come: pc, ipsr, region, record); after (what the probe recorded after the trace, or None); trace_error (the tracer's
    message when it could not finish); extra (what request.while_running returned)."""

    def __init__(self, part, firmware, recipe, result, trace, seconds):
        self.part, self.firmware, self.recipe = part, firmware, recipe
        self.status = result["status"]
        self.refused = result["refused"]
        self.stuck = result["stuck"]
        self.after = result["after"]
        self.trace_error = result["trace_error"]
        self.trace = trace
        self.seconds = seconds
        self.md = self.html = self.verdict = self.extra = None


def lookup_part(name):
    try:
        return parts.lookup(name)
    except parts.PartError:
        raise CliError("unknown part %r; known parts: %s" % (name, ", ".join(parts.load().names()))) from None


def default_out_dir(part, recipe):
    stamp = time.strftime("%Y%m%d-%H%M%S")
    return os.path.join(BUILD, "runs", "%s-%s-%s" % (stamp, part, recipe or "firmware"))


def _probe_plan(part, recipe, allow_destructive):
    d = record.load()
    options = ["destructive"] if allow_destructive else []
    mailbox = record.noinit_base(part) + d.noinit["mailbox"]
    return ({"addr": mailbox, "data": record.encode_mailbox(recipe, options).hex()},
            dict(PROBE_SYMBOLS, reset_requested="reset-requested"))


def prepare(req):
    """Check everything that can be checked before a process starts: (part, firmware, recipe)."""
    part = lookup_part(req.part_name)
    kind, _ = targets.parse(req.target)
    if req.load and kind in ("emu", "emu+openocd"):
        raise CliError("--load is for the openocd and remote targets: --target %s starts the emulator "
                       "with the firmware in its flash" % kind)
    if req.max_steps < 1:
        raise CliError("--max-steps must be at least 1")
    fw = open_firmware(req.firmware, part)
    recipe = req.recipe
    if fw.is_probe:
        recipe = recipes.check(recipe or "classic")
        if recipes.is_destructive(recipe) and not req.allow_destructive:
            raise CliError("recipe %s is destructive (it erases flash or writes option bytes): add "
                           "--allow-destructive to run it" % recipe)
    elif recipe:
        raise CliError("--recipe needs the probe firmware: %s has no probe symbols (%s); without "
                       "them the trace starts at the ROM entry" % (fw.path, ", ".join(PROBE_SYMBOLS.values())))
    return part, fw, recipe


def run(req, progress=None):
    part, fw, recipe = prepare(req)
    out_dir = req.out_dir or default_out_dir(part.name, recipe)
    created = not os.path.isdir(out_dir)
    try:
        os.makedirs(out_dir, exist_ok=True)
    except OSError as e:
        raise CliError("cannot create the output directory %s: %s" % (out_dir, e.strerror)) from None
    try:
        return _run(req, part, fw, recipe, out_dir, progress)
    except BaseException:
        # A run that failed before writing anything leaves no empty directory behind (build/runs/
        # would fill with them); one that wrote a GDB log or part of a trace keeps it for the user.
        if created:
            with contextlib.suppress(OSError):
                os.rmdir(out_dir)
        raise


def _run(req, part, fw, recipe, out_dir, progress):
    stem = req.name or "%s-%s" % (part.name, recipe or os.path.splitext(os.path.basename(fw.path))[0])
    trace = os.path.join(out_dir, stem + ".jsonl")
    if os.path.exists(trace):
        os.unlink(trace)   # a stale trace must never pass for this run's
    mailbox, probe = _probe_plan(part, recipe, req.allow_destructive) if fw.is_probe else (None, None)
    started = time.monotonic()
    if progress:
        progress("starting the target (%s)" % req.target)
    with targets.open_target(req.target, part, fw, req.uarts) as target:
        plan = {"root": ROOT, "part": part.name, "connect": target.connect,
                "elf": fw.path if fw.is_elf else None, "load": target.load and req.load,
                "check_flash": target.load and not req.load, "mailbox": mailbox,
                "probe": probe, "jump": PROBE_JUMP, "rom_entry_timeout": ROM_ENTRY_TIMEOUT,
                "remote_timeout": REMOTE_TIMEOUT,
                "trace": {"out": trace, "max_steps": req.max_steps},
                "watch": {"ms": recipes.watch_ms(), "wall_limit": 30.0} if req.watch else None,
                "leave_running": req.while_running is not None}
        # A last resort against a hung GDB, generous: bootjump-emu's fast path steps thousands of
        # times a second, the plain path over OpenOCD or a probe a few hundred.
        rate = 2000 if target.kind == "emu" else 100
        timeout = 60 + PROBE_JUMP["wall_limit"] + ROM_ENTRY_TIMEOUT + req.max_steps / rate
        result = gdbrun.run(plan, os.path.join(out_dir, stem + ".gdb.log"), timeout, progress)
        if result["error"]:
            raise CliError(result["error"] + _partial(trace))
        out = Outcome(part, fw, recipe, result, trace, time.monotonic() - started)
        if out.status == "traced" and req.while_running:
            out.extra = req.while_running(target)
    if out.status == "traced":
        if progress:
            progress("analysing the trace (reports/)")
        _analyse(out, out_dir)
    return out


def _partial(trace):
    return "; the steps so far are in %s" % trace if os.path.exists(trace) else ""


def _analyse(out, out_dir):
    if not os.path.exists(out.trace):
        raise CliError("no trace was produced: %s" % (out.trace_error or "the tracer wrote nothing"))
    try:
        out.md, out.html, out.verdict = reports.render(out.trace, out_dir,
                                                       elf=out.firmware.path if out.firmware.is_elf else None)
    except reports.ReportError as e:
        raise CliError("the trace %s could not be analysed: %s" % (out.trace, e)) from None
