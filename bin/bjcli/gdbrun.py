"""Run gdb-multiarch -nx -batch with bjcli/gdb_driver.py on a plan, show its progress, stop it by
pid on timeout or Ctrl-C, and return the driver's result.

The plan (a dict, written to a JSON file for the driver):
  root            repository root (gdb/bootjump.py, parts, c_probe)
  part            part name
  connect         "HOST:PORT" of the GDB server
  elf             firmware ELF GDB reads symbols from (and loads, with load), or None
  load            program the ELF and reset the target first
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
        plan = dict(plan, result=os.path.join(tmp, "result.json"))
        plan_path = os.path.join(tmp, "plan.json")
        with open(plan_path, "w") as f:
            json.dump(plan, f)
        env = dict(os.environ, BOOTJUMP_PLAN=plan_path)
        with open(log_path, "w") as log:
            proc = procs.started(subprocess.Popen(
                [GDB, "-nx", "-batch", "-ex", "source %s" % os.path.join(plan["root"], "gdb", "bootjump.py"),
                 "-x", DRIVER], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, env=env, cwd=plan["root"]))
            try:
                timed_out = not _follow(proc, log, timeout, progress)
            except KeyboardInterrupt:
                # SIGINT to GDB ends the trace as `interrupted` with a valid file; then it is stopped.
                procs.stop(proc, grace=5.0, first=signal.SIGINT)
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


def _follow(proc, log, timeout, progress):
    """Copy GDB's output to the log as it comes (each line with the seconds since GDB started),
    progress lines to the progress line. False when the timeout expired first."""
    started = time.monotonic()
    deadline = started + timeout
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
            proc.wait()
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
