"""make bench-gdbstub: raw single steps per second over the stub and bj-step instructions per
second, measured by bench_client (C, no GDB in the loop) against bootjump-emu running the test
firmware. Prints what it measured; nothing is compared with a target figure.

Usage: bench_gdbstub.py BENCH_CLIENT [STEPS] [BJ_STEP_N]
"""
import os
import subprocess
import sys
import tempfile

import fwbuild


def main(argv):
    client = argv[1]
    steps = argv[2] if len(argv) > 2 else "20000"
    n = argv[3] if len(argv) > 3 else "100000"
    with tempfile.TemporaryDirectory(dir=os.path.join(fwbuild.ROOT, "build", "test")) as tmp:
        fw = fwbuild.build(tmp)
        emu = fwbuild.Emulator(fwbuild.PART, flash=fw.path, rom=fwbuild.idle_rom(tmp), gdb=True, halt=True)
        try:
            emu.start(stderr_path=os.path.join(tmp, "emu.stderr"))
            return subprocess.run([client, str(emu.gdb_port), steps, n], timeout=600).returncode
        finally:
            emu.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
