"""make bench-openocd: steps per second through OpenOCD (its remote_bitbang JTAG link to bootjump-emu)
versus through the emulator's own GDB stub, on the same ROM path (the probe's classic jump on the
STM32L031, which ends with the bootloader idle). Prints what it measured; a path that fails says so.

Each figure is the trace's step count over the time of the trace command, which includes running
to the ROM entry."""
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from conftest import Emulator, emulated, gdb, probe  # noqa: E402
from test_emu import arm_commands  # noqa: E402
from traces import schema  # noqa: E402

PART = "stm32l031"
RECIPE = "classic"


def timed_gdb_trace(port, out, extra=""):
    """bootjump trace in gdb-multiarch, timed inside GDB; (steps, seconds) or an error text."""
    cmds = arm_commands(PART, RECIPE) + [
        "python import time; bj_t0 = time.monotonic()",
        "bootjump trace --out %s %s" % (out, extra),
        "python print('bench-seconds %f' % (time.monotonic() - bj_t0))"]
    stdout, stderr = gdb(cmds, port, elf=probe(PART))
    seconds = [float(l.split()[1]) for l in stdout.splitlines() if l.startswith("bench-seconds")]
    if not os.path.exists(out) or not seconds:
        return stderr.strip().splitlines()[-1] if stderr.strip() else "no trace written"
    trace = schema.load(out)
    if trace.end is None:
        return stderr.strip() or "the trace has no end record"
    return trace.end["steps"], seconds[0]


def timed_tcl_trace(ocd, out):
    ocd.cmd("bootjump_arm %s" % RECIPE)
    t0 = time.monotonic()
    ocd.cmd("bootjump_trace {%s}" % out)
    seconds = time.monotonic() - t0
    return schema.load(out).end["steps"], seconds


def raw_steps(ocd, count=300):
    """OpenOCD's own `step` in a TCL loop, nothing recorded: the floor of any OpenOCD path."""
    ocd.cmd("reset halt")
    t0 = time.monotonic()
    ocd.cmd("for {set i 0} {$i < %d} {incr i} {step}" % count)
    return count, time.monotonic() - t0


def report(label, result):
    if isinstance(result, str):
        print("  %-52s failed: %s" % (label, result))
        return None
    steps, seconds = result
    rate = steps / seconds
    print("  %-52s %6d steps in %6.2f s = %8.1f steps/s" % (label, steps, seconds, rate))
    return rate


def main():
    with tempfile.TemporaryDirectory(prefix="bench-openocd-") as work:
        run(work)


def run(work):
    print("bench-openocd: %s, probe recipe %s (trace from the ROM entry to the bootloader idle loop)" % (PART, RECIPE))
    rates = {}
    with Emulator(PART, flash=probe(PART), gdb=True, halt=True) as emu:
        rates["fast"] = report("bootjump trace, direct stub (fast path)",
                               timed_gdb_trace(emu.gdb_port, os.path.join(work, "fast.jsonl")))
    with Emulator(PART, flash=probe(PART), gdb=True, halt=True) as emu:
        rates["plain"] = report("bootjump trace, direct stub (--plain)",
                                timed_gdb_trace(emu.gdb_port, os.path.join(work, "plain.jsonl"), "--plain"))
    with emulated(PART, work) as (_, ocd):
        rates["ocd-gdb"] = report("bootjump trace, GDB through OpenOCD",
                                  timed_gdb_trace(ocd.gdb_port, os.path.join(work, "ocd-gdb.jsonl")))
    with emulated(PART, work) as (_, ocd):
        rates["ocd-tcl"] = report("bootjump_trace (TCL inside OpenOCD)", timed_tcl_trace(ocd, os.path.join(work, "tcl.jsonl")))
        report("OpenOCD `step` alone, nothing recorded", raw_steps(ocd))
    for path in ("ocd-gdb", "ocd-tcl"):
        for direct in ("plain", "fast"):
            if rates[path] and rates[direct]:
                print("  %s / direct %s: %.3f" % (path, direct, rates[path] / rates[direct]))


if __name__ == "__main__":
    main()
