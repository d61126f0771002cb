"""emulator/README.md documents bootjump-emu's command line and ready line as the program has them:
every option `--help` lists appears in the synopsis and has its own bullet, and every key of a ready
line with every front end on (--gdb, --jtag, --uart) is named in the README's ready-line text."""
import json
import os
import re
import subprocess

import fwbuild
import parts
from bin.bjcli.emu import EXECUTABLE

README = os.path.join(fwbuild.ROOT, "emulator", "README.md")


def readme():
    with open(README) as f:
        return f.read()


def test_every_option_is_documented():
    usage = subprocess.run([EXECUTABLE, "--help"], capture_output=True, text=True,
                           timeout=30, check=True).stdout
    options = re.findall(r"^\s+(--[a-z0-9-]+)", usage, re.M)
    assert "--gdb" in options and "--jtag" in options, usage
    text = readme()
    synopsis = text.split("```", 2)[1]
    bullets = re.findall(r"^- (`--[a-z0-9-]+[^`]*`)", text, re.M)
    for opt in options:
        if opt == "--help":
            continue
        assert re.search(re.escape(opt) + r"\b", synopsis), "%s is missing from the README's synopsis" % opt
        assert any(b.startswith("`" + opt) for b in bullets), "%s has no bullet in the README" % opt


def test_every_ready_line_key_is_documented(tmp_path):
    part = parts.lookup(fwbuild.PART)
    uart = part.raw["bootloader"]["usarts"][0]["periph"]
    emu = fwbuild.Emulator(part.name, rom=fwbuild.idle_rom(str(tmp_path)), gdb=True, jtag=True,
                           uarts=[uart], halt=True)
    emu.start(stderr_path=str(tmp_path / "emu.stderr"))
    try:
        keys = set(emu.ready)
    finally:
        emu.stop()
    assert keys == {"gdb", "jtag", "uart"}, keys
    ready = next(p for p in readme().split("\n- ") if p.startswith("When ready"))
    for key in keys:
        assert '"%s"' % key in ready and "`%s`" % key in ready, "the README's ready line does not name %r" % key
    example = re.search(r"`(\{.*?\})`", ready.replace("\n", " "))
    assert example and set(json.loads(example.group(1))) == keys, "the README's example ready line"
