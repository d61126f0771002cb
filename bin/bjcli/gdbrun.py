"""Run gdb-multiarch -nx -batch with bjcli/gdb_driver.py on a plan, show its progress, stop it by
pid on timeout or Ctrl-C, and return the driver's result.

The plan (a dict, written to a JSON file for the driver):
  root            repository root (gdb/bootjump.py, parts, c_probe)
  part            part name
  connect         "HOST:PORT" of the GDB server
  elf             firmware ELF GDB reads symbols from (and loads, with load), or None
  load            program the ELF and reset the target first
  check_flash     check that the target's flash holds the ELF (stop if not), then reset it
  mailbox         {"addr", "data" (hex)} to write before the run, or None
  probe           symbol names and record step names of the probe, or None (no probe: trace
                  from the ROM entry)
  jump            {"ms", "wall_limit"}: how long the probe may take to reach its jump
  rom_entry_timeout  seconds a firmware without the probe may take to reach the ROM entry
  remote_timeout  GDB's remotetimeout
  trace           {"out", "max_steps"}
  watch           {"ms", "wall_limit"} or None: after the trace, run until the probe starts again
                  (ms: the target's time, emulated on bootjump-emu; wall_limit: seconds)
  leave_running   detach at the end, leaving the chip running (the demo's USART check)
and, added here: result (where the driver writes its result) and interrupt (a file that exists
once bootjump is interrupted: the run ends at the driver's next check).
"""
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time

from . import CliError, procs

# How long GDB may take to end the trace and the run on its SIGINT, and to exit once it has closed
# its output, before it is stopped by SIGTERM.
INTERRUPT_GRACE = 5.0
EXIT_GRACE = 5.0
DRIVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gdb_driver.py")
GDB = "gdb-multiarch"


def require_gdb():
    if shutil.which(GDB) is None:
        raise CliError("%s not found: install the Debian package gdb-multiarch (or run `make`, "
                       "which installs what is missing)" % GDB)


def run(plan, log_path, timeout, progress=None):
    """Run the plan; returns the driver's result dict. GDB's whole output goes to log_path, timed."""
    require_gdb()
    with tempfile.TemporaryDirectory(prefix="bootjump-gdb-") as tmp:
        plan = dict(plan, result=os.path.join(tmp, "result.json"), interrupt=os.path.join(tmp, "interrupt"))
        plan_path = os.path.join(tmp, "plan.json")
        with open(plan_path, "w") as f:
            json.dump(plan, f)
        env = dict(os.environ, BOOTJUMP_PLAN=plan_path)
        with open(log_path, "w") as log:
            proc = procs.start(
                [GDB, "-nx", "-batch", "-ex", "source %s" % os.path.join(plan["root"], "gdb", "bootjump.py"),
                 "-x", DRIVER], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, env=env, cwd=plan["root"])
            started = time.monotonic()
            try:
                timed_out = not _follow(proc, log, started, started + timeout, progress)
            except KeyboardInterrupt:
                # SIGINT to GDB ends the trace as `interrupted` with a valid file, and the interrupt
                # file tells the driver to end the run there; what GDB says meanwhile is logged.
                open(plan["interrupt"], "w").close()
                proc.send_signal(signal.SIGINT)
                _follow(proc, log, started, time.monotonic() + INTERRUPT_GRACE, None)
                raise
            finally:
                procs.stop(proc)
                proc.stdout.close()
        if timed_out:
            raise CliError("gdb-multiarch did not finish within %d s (its log: %s)" % (timeout, log_path))
        try:
            with open(plan["result"]) as f:
                return json.load(f)
        except (OSError, ValueError):
            raise CliError("gdb-multiarch ended without a result (%s); its log: %s"
                           % (_last_line(log_path), log_path)) from None


def _follow(proc, log, started, deadline, progress):
    """Copy GDB's output to the log as it comes (each line with the seconds since `started`),
    progress lines to the progress line, until GDB ends (True) or the deadline (False)."""
    pending = b""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        ready, _, _ = select.select([proc.stdout], [], [], min(left, 1.0))
        if not ready:
            continue
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            try:
                proc.wait(EXIT_GRACE)   # it closed its output to exit: one that lingers is stopped by pid
            except subprocess.TimeoutExpired:
                pass
            return True
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for raw in lines:
            line = raw.decode(errors="replace")
            log.write("%8.3f  %s\n" % (time.monotonic() - started, line))
            if progress and line.startswith(("bootjump trace:", "bootjump-run:")):
                progress(line.split(":", 1)[1].strip())
        log.flush()


def _last_line(path):
    try:
        with open(path) as f:
            lines = [l.strip() for l in f if l.strip()]
    except OSError:
        return "no log"
    return lines[-1] if lines else "no output"
