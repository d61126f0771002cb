"""make bench-matrix: how long the demo and the full matrix take on this machine, as measured
(wall clock, with the machine's load at the time printed next to it)."""
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BOOTJUMP = [sys.executable, os.path.join(ROOT, "bin", "bootjump")]


def timed(args):
    started = time.monotonic()
    done = subprocess.run(BOOTJUMP + args, capture_output=True, text=True, cwd=ROOT, stdin=subprocess.DEVNULL)
    return time.monotonic() - started, done


def main():
    with tempfile.TemporaryDirectory(prefix="bench-matrix-") as tmp:
        load = os.getloadavg()[0]
        seconds, done = timed(["demo", "--out", os.path.join(tmp, "demo")])
        print("bench-matrix: bootjump demo: %.1f s (exit %d; load average %.1f before)" % (seconds, done.returncode, load))
        for jobs in (1, 2):
            load = os.getloadavg()[0]
            out = os.path.join(tmp, "matrix-j%d" % jobs)
            seconds, done = timed(["matrix", "-j", str(jobs), "--out", out])
            with open(os.path.join(out, "matrix.json")) as f:
                cells = json.load(f)["cells"]
            per_cell = sorted(c["seconds"] or 0 for c in cells)
            print("bench-matrix: bootjump matrix -j %d: %d cells in %.1f s (exit %d; load average %.1f "
                  "before); one cell: median %.2f s, slowest %.2f s"
                  % (jobs, len(cells), seconds, done.returncode, load, per_cell[len(per_cell) // 2], per_cell[-1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
