"""`monitor bj-step` over a long ROM path on every part of the database (the ROM model from reset,
BOOT0=1, flash erased), read the ways its users read it:
  - gdb-multiarch with its default remotetimeout, as `bootjump trace` capturing the command's output:
    after three silent waits of remotetimeout (2 s) GDB prints "Ignoring packet error, continuing..."
    into that output, and the tracer's JSON lines are broken;
  - a raw client in acknowledged mode that checks every frame as GDB's read_frame does (checksum, no
    '$' inside, run-length counts) and every payload against the stub's PacketSize.
Every emulator is stopped by pid, every GDB by subprocess.run's timeout at worst."""
import json
import os
import re
import subprocess

import pytest

import fwbuild
import parts
from rspclient import RspClient

STEPS = 20000
GDB_TIMEOUT = 120


def start(part, tmp_path):
    rom = os.path.join(fwbuild.ROOT, "build", "rom", part.name + ".bin")
    emu = fwbuild.Emulator(part.name, rom=rom, boot0=1, gdb=True, halt=True)
    return emu.start(stderr_path=str(tmp_path / "emu.stderr"))


def check_lines(text, part, pc_after):
    """STEPS JSON step lines inside system memory, then the stop record at pc_after."""
    assert "Ignoring packet error" not in text, text[:3000]
    records = [json.loads(line) for line in text.splitlines()]
    steps, last = records[:-1], records[-1]
    assert len(steps) == STEPS and all("stopped" not in s for s in steps)
    assert all(int(s["pc"], 16) in part.system_memory for s in steps)
    assert last == {"stopped": "count", "pc": "0x%08x" % pc_after}, last
    return steps


@pytest.mark.parametrize("part_name", parts.load().names())
def test_bj_step_over_the_rom_path(part_name, tmp_path):
    part = parts.lookup(part_name)
    command = "bj-step %d 0x%x 0x%x" % (STEPS, part.system_memory.base, part.system_memory.end)
    captured = tmp_path / "bj-step.txt"
    emu = start(part, tmp_path)
    try:
        script = tmp_path / "bj-step.gdb"
        script.write_text("\n".join([
            "set pagination off", "set confirm off",
            "target extended-remote 127.0.0.1:%d" % emu.gdb_port,
            "python open(%r, 'w').write(gdb.execute('monitor %s', to_string=True))" % (str(captured), command),
            "maintenance flush register-cache",
            'printf "PC=0x%x\\n", $pc',
            "detach"]) + "\n")
        done = subprocess.run(["gdb-multiarch", "-nx", "-batch", "-x", str(script)], capture_output=True,
                              encoding="utf-8", errors="replace", timeout=GDB_TIMEOUT)
        assert done.returncode == 0 and captured.exists(), done.stdout[-3000:] + done.stderr[-3000:]
        pc = int(re.search(r"^PC=(0x[0-9a-f]+)$", done.stdout, re.M).group(1), 16)
        by_gdb = check_lines(captured.read_text(), part, pc)

        with RspClient(emu.gdb_port) as c:  # acknowledged mode: every packet acked, as GDB does by default
            packet_size = int(re.search(r"PacketSize=([0-9a-fA-F]+)", c.ask("qSupported")).group(1), 16)
            assert c.monitor("reset halt")[0]
            c.send("qRcmd," + command.encode().hex())
            text = b""
            while True:
                reply = c.read_packet()
                assert len(reply) <= packet_size
                if not reply.startswith(b"O") or reply == b"OK":
                    break
                chunk = bytes.fromhex(reply[1:].decode())
                assert chunk.endswith(b"\n"), "an O packet that does not end a line"
                text += chunk
            assert reply == b"OK", reply
            raw = check_lines(text.decode(), part, c.read_reg(15))
        assert raw == by_gdb  # the same path from the same reset, however it was read
    finally:
        emu.stop()
