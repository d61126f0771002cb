"""gdb-multiarch (GDB 13, -batch -nx) against bootjump-emu's stub: load, hardware breakpoints in
flash, step, memory, registers, watchpoints, monitor commands, detach and kill; and a hostile client
that must neither crash nor wedge the stub."""
import os
import re
import select
import signal
import socket
import subprocess
import time

import fwbuild
from rspclient import RspClient, frame

GDB_TIMEOUT = 60


def run_gdb(tmp_path, fw, port, commands, name="session", connect="extended-remote"):
    script = tmp_path / ("%s.gdb" % name)
    script.write_text("\n".join(["set pagination off", "set confirm off", "set remotetimeout 10",
                                 "target %s 127.0.0.1:%d" % (connect, port)] + commands) + "\n")
    proc = subprocess.run(["gdb-multiarch", "-nx", "-batch", "-x", str(script), fw.path],
                          capture_output=True, encoding="utf-8", errors="replace",
                          timeout=GDB_TIMEOUT)
    assert proc.returncode == 0, "GDB failed:\n%s\n%s" % (proc.stdout[-3000:], proc.stderr[-3000:])
    return proc.stdout, proc.stderr


def value(out, name):
    m = re.search(r"^%s=(0x[0-9a-f]+)$" % name, out, re.M)
    assert m, "GDB printed no %s in:\n%s" % (name, out[-3000:])
    return int(m.group(1), 16)


def hostile_stream(client, sram):
    """Bad checksums, an over-long packet, binary junk, absurd lengths and nonsense arguments."""
    client.raw(b"$g#00")
    assert client.read_byte() == b"-"
    client.raw(b"$" + b"a" * 20000 + b"#00")
    assert client.read_byte() == b"-"
    client.raw(bytes(range(256)) * 8)  # no '$' survives long: all line noise or broken packets
    client.raw(b"#00")
    client.buf = b""
    time.sleep(0.2)
    client.sock.setblocking(False)
    try:
        client.sock.recv(1 << 20)  # drop whatever the junk provoked ('-' for broken frames)
    except BlockingIOError:
        pass
    client.sock.setblocking(True)
    assert client.ask("?").startswith("T")  # still in sync
    reply = client.ask("m%x,ffffffff" % sram.base)
    assert 0 < len(reply) <= 0x4000 and not reply.startswith("E")  # cut to one packet
    for bad in ["M%x,ffffffff:00" % sram.base, "X%x,10:abc" % sram.base, "qRcmd,zz", "p1ff",
                "vFlashWrite:%x:abc" % sram.base, "Z1,zzz,2", "P0=1", "m,", "G00", "qXfer:features:read:x:0,1"]:
        assert client.ask(bad) == "E01", bad
    assert client.ask("qNoSuchThing") == ""
    ok, text = client.monitor("bj-step 99999999")
    assert not ok and "bj-step: expected" in text
    client.raw(b"$m%x," % sram.base)  # and vanish in the middle of a packet


def test_gdb_session_and_hostile_client(tmp_path, fw, emu):
    part = fw.part
    bkp0r = part.reg_addr("RTC.BKP0R")
    write_backup = fw.symbols["write_backup"]
    out, log = run_gdb(tmp_path, fw, emu.gdb_port, [
        "set debug remote 1",
        "load",
        "monitor reset halt",
        "maintenance flush register-cache",
        'printf "RESET_PC=0x%x\\n", $pc',
        "break *0x%x" % write_backup,
        "continue",
        'printf "BREAK_PC=0x%x\\n", $pc',
        'printf "R0=0x%x\\n", $r0',
        "stepi",
        'printf "STEP_PC=0x%x\\n", $pc',
        "finish",
        'printf "BACKUP=0x%%x\\n", *(unsigned int *)0x%x' % bkp0r,
        "info registers xpsr msp psp primask control",
        "monitor reset halt",
        "maintenance flush register-cache",
        'printf "RESET2_PC=0x%x\\n", $pc',
        "detach",
    ])
    # load went through the flash loader packets, never through plain memory writes to flash.
    assert "Loading section .text, size 0x%x lma 0x%x" % (len(fw.text), part.flash.base) in out
    assert "$vFlashErase:" in log and "$vFlashWrite:" in log and "$vFlashDone" in log
    assert not re.search(r"\$[MX]80[0-9a-f]{5},", log)
    assert value(out, "RESET_PC") == fw.reset_vector
    # The memory map makes GDB use a hardware breakpoint (Z1) in flash, reported as hwbreak.
    assert "automatically using hardware breakpoints for read-only addresses" in out + log
    assert "$Z1,%x,2" % write_backup in log and "$Z0," not in log
    assert re.search(r"Packet received: T05[^\n]*hwbreak:;", log)
    assert value(out, "BREAK_PC") == write_backup
    assert value(out, "R0") == fwbuild.BACKUP_VALUE
    assert value(out, "STEP_PC") == write_backup + 2
    assert value(out, "BACKUP") == fwbuild.BACKUP_VALUE
    assert re.search(r"^msp\s+0x[0-9a-f]+", out, re.M) and re.search(r"^control\s+0x0", out, re.M)
    assert value(out, "RESET2_PC") == fw.reset_vector
    # Stop replies expedite every register: after the stepi GDB sends no g before the next command.
    sent = re.findall(r"Sending packet: \$([^#]*)#", log)
    after_step = sent[sent.index("vCont;s:1") + 1:] if "vCont;s:1" in sent else sent[sent.index("s") + 1:]
    until_next = after_step[:next(i for i, p in enumerate(after_step) if p[0] in "vZzq")]
    assert "g" not in until_next, until_next

    # A hostile client on a second connection, and a third one while it is connected.
    with RspClient(emu.gdb_port) as hostile:
        third = socket.create_connection(("127.0.0.1", emu.gdb_port), timeout=5)
        assert third.recv(1) == b""  # one debugger at a time: closed at once
        third.close()
        hostile_stream(hostile, part.sram)
    assert emu.proc.poll() is None, "the emulator died"

    # ... after which an ordinary session works (plain `target remote` this time).
    out, log = run_gdb(tmp_path, fw, emu.gdb_port, [
        'printf "BACKUP=0x%%x\\n", *(unsigned int *)0x%x' % bkp0r,
        "monitor info",
        "watch loops",
        "continue",
        'printf "LOOPS=0x%x\\n", loops',
        "delete",
        "set var $r7 = 0xcafe",
        "set {unsigned int}0x%x = 0x12345678" % (part.sram.base + 0x100),
        "maintenance flush register-cache",
        'printf "R7=0x%x\\n", $r7',
        'printf "SRAM=0x%%x\\n", *(unsigned int *)0x%x' % (part.sram.base + 0x100),
        "monitor reset power",
        "maintenance flush register-cache",
        'printf "POR_PC=0x%x\\n", $pc',
        'printf "POR_BACKUP=0x%%x\\n", *(unsigned int *)0x%x' % bkp0r,
        "detach",
    ], name="after", connect="remote")
    assert value(out, "BACKUP") == fwbuild.BACKUP_VALUE  # a system reset keeps the backup domain
    assert "0 of 4 breakpoint and 0 of 2 watchpoint comparators in use" in log  # target output: stderr
    assert "Hardware watchpoint 1: loops" in out
    old_value, new_value = (int(re.search(r"^%s value = (\d+)$" % w, out, re.M).group(1)) for w in ("Old", "New"))
    assert new_value == old_value + 1 and value(out, "LOOPS") == new_value
    assert value(out, "R7") == 0xCAFE and value(out, "SRAM") == 0x12345678
    # A power-on reset halts at the reset vector and clears the backup domain.
    assert value(out, "POR_PC") == fw.reset_vector and value(out, "POR_BACKUP") == 0


def test_gdb_ctrl_c_interrupts_a_running_chip(tmp_path, fw, emu_factory):
    emu = emu_factory(flash=fw.path)  # running the firmware's endless loop
    script = tmp_path / "ctrl-c.gdb"
    script.write_text("\n".join(["set pagination off", "set confirm off",
                                 "target extended-remote 127.0.0.1:%d" % emu.gdb_port, "echo CONTINUING\\n", "continue",
                                 'printf "LOOPS=0x%x\\n", loops', "detach"]) + "\n")
    gdb = subprocess.Popen(["gdb-multiarch", "-nx", "-batch", "-x", str(script), fw.path],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, encoding="utf-8", errors="replace")
    try:
        # Ctrl-C once GDB has connected and is about to resume the chip (the script's echo just
        # before `continue`), however slow the machine: a SIGINT while GDB is still connecting
        # would end the batch run instead.
        seen, deadline = "", time.monotonic() + GDB_TIMEOUT
        while "CONTINUING" not in seen and time.monotonic() < deadline and gdb.poll() is None:
            ready, _, _ = select.select([gdb.stdout], [], [], 1.0)
            if ready:
                seen += os.read(gdb.stdout.fileno(), 4096).decode("utf-8", "replace")
        assert "CONTINUING" in seen, seen
        time.sleep(0.5)
        gdb.send_signal(signal.SIGINT)  # what Ctrl-C does: GDB sends 0x03
        out, err = gdb.communicate(timeout=GDB_TIMEOUT)
        out = seen + out
    finally:
        if gdb.poll() is None:
            gdb.kill()
            gdb.wait()
    assert gdb.returncode == 0, out + err
    assert "Program received signal SIGINT, Interrupt." in out
    assert value(out, "LOOPS") > 0


def test_gdb_kill_ends_the_emulator(tmp_path, fw, emu):
    run_gdb(tmp_path, fw, emu.gdb_port, ["kill"], name="kill")
    assert emu.proc.wait(10) == 0


def test_monitor_quit_ends_the_emulator(emu):
    with RspClient(emu.gdb_port) as c:
        ok, text = c.monitor("quit")
        assert ok and "exits" in text
    assert emu.proc.wait(10) == 0
