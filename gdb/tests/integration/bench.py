"""make bench-gdb: steps per second of `bootjump trace` (fast path and plain path) and of a naive
`stepi` + `info registers` loop, over the same ROM path (L031, probe recipe classic, from the ROM
entry), each from a fresh emulator in the same power-on state, in this one run. Prints what it
measured; asserts nothing about speed."""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.dirname(HERE)]

import conftest  # noqa: E402,F401  (puts the repository root and gdb/ on sys.path)
import parts  # noqa: E402
from scenario import arm, running  # noqa: E402
from session import gdb, probe, scratch  # noqa: E402
from traces import schema  # noqa: E402

PART = "stm32l031"

IN_GDB = os.path.join(HERE, "bench_in_gdb.py")


def to_rom_entry():
    p = parts.lookup(PART)
    return ["python e = int.from_bytes(gdb.selected_inferior().read_memory(0x%x, 4).tobytes(), 'little') & ~1; "
            "gdb.execute('hbreak *0x%%x' %% e); gdb.execute('continue'); gdb.execute('delete')"
            % (p.system_memory.base + 4)]


def run(body):
    """One fresh emulator from power-on, the probe armed, GDB at the ROM entry, then `body`."""
    with running(PART, probe(PART)) as e:
        out, err = gdb(arm(PART, "classic") + to_rom_entry() + ["source %s" % IN_GDB, body],
                       port=e.gdb_port, elf=probe(PART), timeout=600)
    return out, err


def timed_trace(steps, plain):
    path = scratch("bench", "trace-%s.jsonl" % ("plain" if plain else "fast"))
    out, err = run("python trace('--from here --max-steps %d --until user-flash,fault,reset --out %s %s')"
                   % (steps, path, "--plain" if plain else ""))
    found = re.search(r"bench trace seconds: ([\d.]+)", out)
    if not found:
        sys.exit("bench-gdb: the trace did not run:\n%s\n%s" % (out[-1500:], err[-1500:]))
    trace = schema.load(path)
    return len(trace.steps), float(found.group(1)), trace


def main():
    # The idle stop is off so that every method steps the same count of instructions along the
    # same path: the ROM's start-up, then its wait for 0x7F.
    steps = int(os.environ.get("BENCH_GDB_STEPS", "20000"))
    n_fast, t_fast, fast = timed_trace(steps, plain=False)
    n_plain, t_plain, plain = timed_trace(steps, plain=True)
    if fast.steps != plain.steps:
        sys.exit("bench-gdb: the fast and plain traces differ; the figures would compare different work")
    out, err = run("python naive(%d)" % n_fast)
    found = re.search(r"bench naive: (\d+) steps, seconds: ([\d.]+)", out)
    if not found:
        sys.exit("bench-gdb: the naive loop did not run:\n%s\n%s" % (out[-1500:], err[-1500:]))
    n_naive, t_naive = int(found.group(1)), float(found.group(2))
    rate = {"fast": n_fast / t_fast, "plain": n_plain / t_plain, "naive": n_naive / t_naive}
    print("bench-gdb (%s, probe classic, from the ROM entry; timings include writing the trace)" % PART)
    print("  bootjump trace, fast path  : %6d steps in %7.3f s = %8.0f steps/s" % (n_fast, t_fast, rate["fast"]))
    print("  bootjump trace, plain path : %6d steps in %7.3f s = %8.0f steps/s" % (n_plain, t_plain, rate["plain"]))
    print("  naive stepi + info regs    : %6d steps in %7.3f s = %8.0f steps/s" % (n_naive, t_naive, rate["naive"]))
    print("  ratio fast/naive = %.1fx, plain/naive = %.1fx" % (rate["fast"] / rate["naive"], rate["plain"] / rate["naive"]))


if __name__ == "__main__":
    import pytest
    try:
        main()
    except pytest.fail.Exception as e:     # scenario.running: a component is not built or did not start
        sys.exit("bench-gdb: %s" % e)
