"""Runs INSIDE gdb-multiarch (`-x bin/bjcli/gdb_driver.py`), never imported by the CLI: it drives
one traced jump and writes what happened as JSON for bin/bootjump (bjcli/gdbrun.py).

gdb/bootjump.py is sourced on GDB's command line before this script (sourced from here, its
__file__ would name this script). The plan comes as a JSON file named by $BOOTJUMP_PLAN (fields:
bjcli/gdbrun.py). Steps: connect; load the firmware and reset (targets bootjump did not start with it); arm the probe's
mailbox; run to the jump; `bootjump trace` (gdb/); then watch what the probe records next; leave
the chip running or halted. Every failure ends the run with one sentence in the result, never a
traceback: GDB's batch mode would carry on with the next command after an error, which is why the
sequence is Python and not a list of -ex commands.
"""
import json
import os
import re
import time

import gdb

# On sys.path since gdb/bootjump.py was sourced (the repository root, and gdb/ for bjgdb).
import parts
from bjgdb.interrupt import interrupt_after
from bjgdb.lib import cortexm
from c_probe import record

PLAN = json.load(open(os.environ["BOOTJUMP_PLAN"]))
result = {"status": "error", "error": None, "trace_error": None, "after": None, "refused": None,
          "stuck": None}


class Failure(Exception):
    """Ends the run; the message is the one line the user sees."""


def save():
    tmp = PLAN["result"] + ".tmp"
    with open(tmp, "w") as f:
        json.dump(result, f)
    os.replace(tmp, PLAN["result"])


def say(text):
    """A progress line bin/bootjump shows (it reads GDB's stdout as it comes)."""
    gdb.write("bootjump-run: %s\n" % text)
    gdb.flush()


def run(command):
    return gdb.execute(command, to_string=True)


def stop_if_interrupted():
    """bin/bootjump creates PLAN["interrupt"] before it sends GDB SIGINT to stop the run (Ctrl-C,
    SIGTERM): the tracer takes a SIGINT as a stop of its own and carries on, and a continue may
    end on it as on any stop, so at each of their returns the file says whether to end the run."""
    if os.path.exists(PLAN["interrupt"]):
        raise KeyboardInterrupt()


def continue_for(seconds):
    """continue, the target interrupted once `seconds` have passed, as `bootjump trace --from
    rom-entry` does (bjgdb.interrupt: GDB's `interrupt` command from its main thread, repeated until
    the target stops; SIGINTs repeated while the first was still pending made GDB give up on the
    target). Where the target stopped says why: an interrupt that comes just as a breakpoint hits
    must not hide it."""
    try:
        with interrupt_after(seconds, "bootjump-run"):
            run("continue")
    except gdb.error as e:
        raise Failure("the target stopped answering while running: %s" % e) from None
    stop_if_interrupted()


def pc():
    return int(gdb.parse_and_eval("$pc")) & ~1


def symbol(name):
    return int(gdb.parse_and_eval("(unsigned int)&%s" % name)) & ~1


def hbreak(addr):
    return gdb.Breakpoint("*0x%x" % addr, type=gdb.BP_HARDWARE_BREAKPOINT, internal=True)


_internal = []


def delete_breakpoints():
    for bp in _internal:
        if bp.is_valid():
            bp.delete()
    _internal.clear()


def read_memory(addr, size):
    return gdb.selected_inferior().read_memory(addr, size).tobytes()


def probe_record():
    """The probe's record (c_probe.record.read), as facts; None when unreadable."""
    try:
        found = record.read(parts.lookup(PLAN["part"]), read_memory)
    except (gdb.error, gdb.MemoryError, record.RecordError):
        return None
    values = found["record"]
    if values.get("magic") != record.load().magic:
        return None
    return dict(record.facts(values))


def connect():
    run("set pagination off")
    run("set confirm off")
    run("set tcp auto-retry off")
    run("set tcp connect-timeout 5")
    run("set remotetimeout %d" % PLAN["remote_timeout"])
    if PLAN["elf"]:
        run("file %s" % PLAN["elf"])
    try:
        run("target extended-remote %s" % PLAN["connect"])
    except gdb.error as e:
        raise Failure("cannot connect to the GDB server at %s: %s" % (PLAN["connect"], str(e).rstrip("."))) from None


def load_and_reset():
    """Program the firmware and start it from reset, halted (targets bootjump did not start
    with the firmware already in flash: OpenOCD, a GDB server started by hand)."""
    try:
        run("monitor reset halt")
        say("loading %s" % os.path.basename(PLAN["elf"]))
        run("load")
        run("monitor reset halt")
    except gdb.error as e:
        raise Failure("cannot load %s onto the target: %s" % (PLAN["elf"], e)) from None


def check_flash_and_reset():
    """Make sure the target runs the firmware the trace is about, without programming it (that
    would replace the user's firmware): GDB's compare-sections over the read-only sections (code
    and constants; OpenOCD answers with a CRC, other servers with a memory read), then a reset."""
    name = os.path.basename(PLAN["elf"])
    try:
        run("monitor reset halt")
        say("checking that the flash holds %s" % name)
        report = run("compare-sections -r")
    except gdb.error as e:
        raise Failure("cannot compare %s with the target's flash: %s" % (name, e)) from None
    differ = [line.split(",")[0].replace("Section ", "") for line in report.splitlines() if "MIS-MATCHED" in line]
    if differ or "matched" not in report:
        raise Failure("the target's flash does not hold %s (%s): program it first (e.g. openocd ... -c "
                      "'program %s verify reset exit'), or add --load to let bootjump program it, which "
                      "replaces the firmware there" % (name, "differs in " + ", ".join(differ) if differ
                                                      else "no section to compare", PLAN["elf"]))
    run("monitor reset halt")


def arm_mailbox():
    box = PLAN["mailbox"]
    gdb.selected_inferior().write_memory(box["addr"], bytes.fromhex(box["data"]))


def run_to_jump():
    """Continue until the probe jumps, resets on purpose, or refuses the recipe. Returns the
    `bootjump trace` arguments that fit where it stopped, or None when it refused or never got
    to the jump within its time (result "refused" or "stuck" says which).

    bj_recipe_run returns only to refuse, with the reason (c_probe/src/recipes.c): so its return
    address is the third place to stop at, besides the jump and the probe's own reset. Plain
    breakpoints only: a conditional one makes GDB stop and resume at every hit."""
    p = PLAN["probe"]
    say("running the probe to its jump")
    recipe_run = symbol(p["recipe_run"])
    _internal.append(hbreak(recipe_run))
    where, spent = run_until({recipe_run}, PLAN["jump"])
    delete_breakpoints()
    if where != recipe_run:
        result["stuck"] = dict(stuck(where), **spent)
        return None
    refusal = int(gdb.parse_and_eval("$lr")) & ~1
    points = {symbol(p["jump"]): "jump", symbol(p["reset"]): "reset"}
    for addr in list(points) + [refusal]:
        _internal.append(hbreak(addr))
    where, spent = run_until(set(points) | {refusal}, PLAN["jump"])
    delete_breakpoints()
    if where == refusal:
        result["refused"] = _string_at_r0()
        return None
    kind = points.get(where)
    if kind is None:
        result["stuck"] = dict(stuck(where), **spent)
        return None
    if kind == "jump":
        return ["--from", "here"]
    rec = probe_record() or {}
    if rec.get("step") == p["reset_requested"]:
        # The recipe resets on purpose (reset-flag, g0-empty): trace through the reset to what
        # the ROM does after it. No preflight: it judges the core as it jumps, and here the
        # trace starts before the reset that gives the jump a core fresh from reset (it would
        # judge a branch to the reset code as a wrong ROM address).
        return ["--from", "here", "--until", "user-flash,idle,fault", "--no-preflight"]
    return ["--from", "here"]


def stuck(where):
    """The jump never came within the timeout: where the core is (an exception taken with the
    ROM's vectors after the remap, a loop) and the probe's last checkpoint."""
    ipsr = cortexm.ipsr(int(gdb.parse_and_eval("$xpsr")))
    return {"pc": "0x%08x" % where, "ipsr": ipsr, "region": parts.lookup(PLAN["part"]).region_of(where),
            "record": probe_record()}


def _string_at_r0():
    """The reason bj_recipe_run returned (a C string, in r0)."""
    try:
        return gdb.parse_and_eval("(const char *)$r0").string()
    except (gdb.error, gdb.MemoryError, UnicodeDecodeError):
        return "refused by the probe (its reason could not be read)"


def trace(args):
    t = PLAN["trace"]
    command = ["bootjump", "trace", "--out", t["out"], "--max-steps", str(t["max_steps"]),
               "--part", PLAN["part"]] + args
    if args[1] == "rom-entry":
        command += ["--timeout", "%g" % PLAN["rom_entry_timeout"]]
    try:
        # Not to_string: the tracer's progress lines reach bin/bootjump as they are printed.
        gdb.execute(" ".join(command))
    except gdb.error as e:
        result["trace_error"] = str(e)


def emulated_ms():
    """bootjump-emu's emulated time (`monitor info`), or None on other targets."""
    try:
        found = re.search(r"([0-9.]+) ms", run("monitor info"))
    except gdb.error:
        return None
    return float(found.group(1)) if found else None


def run_until(stops, budget):
    """Let the target run until the PC is at one of `stops` (breakpoints the caller set) or
    budget["ms"] of the target's time went by: bootjump-emu's emulated time (`monitor info`), so
    a loaded host does not change the answer, else wall-clock time; budget["wall_limit"] bounds
    it in seconds either way. Returns (pc, {"elapsed_ms", "clock"})."""
    start_ms = emulated_ms()
    deadline = time.monotonic() + budget["wall_limit"]
    elapsed = 0.0
    while True:
        t0 = time.monotonic()
        continue_for(0.1 if start_ms is not None else budget["ms"] / 1000.0)
        where = pc()
        now = emulated_ms() if start_ms is not None else None
        elapsed = now - start_ms if now is not None else elapsed + (time.monotonic() - t0) * 1000.0
        if where in stops or elapsed >= budget["ms"] or time.monotonic() >= deadline:
            return where, {"elapsed_ms": round(elapsed, 3), "clock": "wall" if start_ms is None else "emulated"}


def watch():
    """After the trace, let the chip run until the probe starts again (the ROM returned to it,
    or a reset: watchdog, software) or for a while, then read its record."""
    delete_breakpoints()
    main = symbol(PLAN["probe"]["main"])
    _internal.append(hbreak(main))
    where, after = run_until({main}, PLAN["watch"])
    delete_breakpoints()
    after["probe_ran"] = where == main
    if after["probe_ran"]:
        after["record"] = probe_record()
    result["after"] = after


def main():
    connect()
    if PLAN["load"]:
        load_and_reset()
    elif PLAN["check_flash"]:
        check_flash_and_reset()
    if PLAN["mailbox"]:
        arm_mailbox()
    args = run_to_jump() if PLAN["probe"] else ["--from", "rom-entry"]
    if args is None:
        result["status"] = "refused" if result["refused"] else "stuck"
        return
    say("tracing")
    trace(args)
    stop_if_interrupted()    # the trace ended `interrupted`: no watch
    result["status"] = "traced"
    if PLAN["watch"] and PLAN["probe"] and not result["trace_error"]:
        say("watching what the probe records next")
        watch()


try:
    main()
except Failure as e:
    result["error"] = str(e)
except KeyboardInterrupt:
    result["error"] = "interrupted"
except gdb.error as e:
    result["error"] = "GDB: %s" % e
finally:
    save()
    try:
        delete_breakpoints()
        if PLAN["leave_running"]:
            run("detach")
    except gdb.error:
        pass
