"""`make demo`'s flow, `bin/bootjump demo`, checked on what it prints and writes: the L011's
empty check with the ROM's read of 0x08000000 and its value, the decision and where it went; the
L031 that stays, then answers ACK and its PID on USART2; nothing left running."""
import os
import re

from conftest import build, need
from traces import schema


def probe_word(part, index):
    with open(build("c_probe", part, "probe.bin"), "rb") as f:
        data = f.read(8)
    return int.from_bytes(data[4 * index:4 * index + 4], "little")


def test_demo(cli, tmp_path):
    need(build("bin", "bootjump-emu"), build("bin", "bootjump-usart"),
         *[build(*p) for part in ("stm32l011", "stm32l031")
           for p in (("rom", part + ".bin"), ("c_probe", part, "probe.elf"))])
    done = cli.run("demo", "--out", tmp_path, timeout=120)
    out = done.stdout
    assert done.returncode == 0, (out, done.stderr)
    assert done.seconds < 60, "the demo took %.1f s" % done.seconds

    l011, l031 = out.split("[2/2]")
    msp, reset = probe_word("stm32l011", 0), probe_word("stm32l011", 1)
    assert "STM32L011/L021 returned to user flash by a branch, as documented (empty-check)." in l011
    # Why: the ROM's load of user flash word 0 and its value, the compare and the conditional branch
    # at their ROM addresses; where: the branch to the reset handler the ROM read from 0x08000004.
    assert re.search(r"\(0x1ff0[0-9a-f]{4}, ldr r\d, \[r\d\]\) the ROM read 0x08000000 = 0x%08x" % msp,
                     " ".join(l011.split())), l011
    assert re.search(r"cmp r\d, #0 at step \d+ \(0x1ff0[0-9a-f]{4}\)", " ".join(l011.split())), l011
    assert re.search(r"beq #0x1ff0[0-9a-f]{4} at step \d+ \(0x1ff0[0-9a-f]{4}\) was not taken", " ".join(l011.split()))
    assert "to 0x%08x (bj_reset_handler)" % (reset & ~1) in " ".join(l011.split()), l011
    assert "Afterwards the probe started again by a branch" in " ".join(l011.split())

    assert "STM32L031/L041 stayed in the bootloader (idle in its command loop), as documented (plain)." in l031
    assert "waiting for a host to send 0x7F on USART2" in " ".join(l031.split())
    assert re.search(r"USART2 \(/dev/pts/\d+, 8N1\): 0x7F drew ACK after [0-9.]+ ms; bootloader version 3\.1, "
                     r"PID 0x425 \(STM32L031/L041\)", l031), l031
    assert re.search(r"demo done in [0-9.]+ s", out)

    t011 = schema.load(str(tmp_path / "stm32l011-classic.jsonl"))
    t031 = schema.load(str(tmp_path / "stm32l031-classic.jsonl"))
    assert t011.end["exit"] == "user-flash" and t031.end["exit"] == "bootloader-idle"
    for stem in ("stm32l011-classic", "stm32l031-classic"):
        assert (tmp_path / (stem + ".md")).exists() and (tmp_path / (stem + ".html")).exists()

    # The README shows what `make demo` prints: it must still be what it prints, but for the pty's
    # name, the times measured (and the lines they rewrap) and the output directory (the README's run wrote to build/demo).
    assert readme_demo() == as_in_readme(out), "README.md's demo output is stale"


def readme_demo():
    with open(os.path.join(os.path.dirname(__file__), "..", "README.md")) as f:
        readme = f.read()
    block = re.search(r"```\n(bootjump demo:.*?)\n```", readme, re.S)
    assert block, "README.md has no demo output block"
    return as_in_readme(block.group(1))


def as_in_readme(text):
    text = re.sub(r"\S*/(stm32\w+-classic\.\w+)", r"OUT/\1", text)
    text = re.sub(r"/dev/pts/\d+", "/dev/pts/N", text)
    text = re.sub(r"after [0-9.]+ ms", "after T ms", text)
    text = re.sub(r"done in [0-9.]+ s", "done in T s", text)
    # The watch after the trace lasts a wall-clock while, so its emulated time varies, and with it
    # the wrapping of its paragraph.
    text = re.sub(r"within [0-9.]+ ms of emulated time", "within T ms of emulated time", text)
    return [" ".join(line.split()) for line in " ".join(text.split("\n  ")).splitlines()]
