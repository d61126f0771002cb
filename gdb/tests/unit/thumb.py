"""Assemble Thumb test instructions with arm-none-eabi-as, so each test case reads as assembly."""
import os
import subprocess
import tempfile

from bjgdb.lib.decode import thumb_size

CPUS = {"m0": "cortex-m0", "m3": "cortex-m3"}


def assemble(lines, cpu="m0"):
    """Bytes of each line's instruction, in order (a line may also be a data directive)."""
    source = ".syntax unified\n.thumb\n.text\n" + "".join("%s\n" % l for l in lines)
    with tempfile.TemporaryDirectory() as tmp:
        src, obj, out = (os.path.join(tmp, n) for n in ("t.s", "t.o", "t.bin"))
        with open(src, "w") as f:
            f.write(source)
        subprocess.run(["arm-none-eabi-as", "-mcpu=" + CPUS[cpu], "-o", obj, src], check=True,
                       stderr=subprocess.DEVNULL)
        subprocess.run(["arm-none-eabi-objcopy", "-O", "binary", obj, out], check=True)
        with open(out, "rb") as f:
            return f.read()


def split(code):
    """Split a run of Thumb code into its instructions."""
    out, at = [], 0
    while at < len(code):
        size = thumb_size(int.from_bytes(code[at:at + 2], "little"))
        out.append(code[at:at + size])
        at += size
    return out
