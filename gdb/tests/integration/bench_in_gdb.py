"""Sourced into gdb-multiarch by bench.py: the two timed loops, each printing one result line."""
import time

import gdb


def naive(steps):
    """GDB's own stepping, the way a simple tracer does it: stepi, then all registers, per step."""
    t0 = time.monotonic()
    for _ in range(steps):
        gdb.execute("stepi", to_string=True)
        gdb.execute("info registers", to_string=True)
    print("bench naive: %d steps, seconds: %.3f" % (steps, time.monotonic() - t0))


def trace(arguments):
    t0 = time.monotonic()
    gdb.execute("bootjump trace " + arguments)
    print("bench trace seconds: %.3f" % (time.monotonic() - t0))
