"""Stock OpenOCD 0.12 driving bootjump-emu through openocd/emu/<family>.cfg (remote_bitbang, JTAG):
examine, reset halt, program and verify through the upstream flash driver, step, the TCL library,
and traces through OpenOCD (GDB's `bootjump trace` and the TCL tracer) against the emulator's own
GDB stub. Every process is started by these tests and stopped by its pid (conftest.py)."""
import hashlib
import os
import socket
import subprocess
import time

import pytest

import parts
from c_probe import record
from traces import schema

from conftest import ROOT, Emulator, emulated, gdb, probe, tcl_words
from openocd.launch import OpenOCD, OpenOCDError, emu_config

DB = parts.load()


def read_word(ocd, addr):
    return int(ocd.cmd("read_memory 0x%x 32 1" % addr), 16)


def pc(ocd):
    return int(ocd.cmd("dict get [get_reg pc] pc"), 16)


@pytest.mark.parametrize("part", ["stm32l011", "stm32l031"])
def test_examine(part, scratch):
    """OpenOCD finds the part's DAP ID on the JTAG chain, examines a Cortex-M0+ with the part's
    CPUID and its comparators, and the library names the part from DBGMCU_IDCODE."""
    p = DB.lookup(part)
    with emulated(part, scratch) as (_, ocd):
        log = ocd.log()
        assert "tap/device found: 0x%08x" % int(p.raw["openocd"]["dap_id"], 16) in log, log
        assert "Cortex-M0+ r0p1 processor detected" in log and "4 breakpoints, 2 watchpoints" in log, log
        assert read_word(ocd, 0xe000ed00) == int(p.raw["cpuid"], 16)  # CPUID (DDI0419 B3.2.3)
        assert ocd.cmd("bootjump_part") == part
        assert "Error" not in ocd.log()


def direct_pcs(part, count):
    """The PC after each of `count` stepi from reset through the emulator's own GDB stub."""
    with Emulator(part, flash=probe(part), gdb=True, halt=True) as emu:
        out, err = gdb(["stepi", "printf \"pc=%x\\n\", $pc"] * count, emu.gdb_port)
    return [int(line[3:], 16) for line in out.splitlines() if line.startswith("pc=")]


def test_reset_halt_program_step(scratch):
    """On an erased L011: reset halt, program the probe through the stm32lx driver with verify,
    reset halt into it, then ten steps that go where the emulator's own stub goes."""
    part = "stm32l011"
    with emulated(part, scratch, flash=None) as (_, ocd):
        ocd.cmd("reset halt")
        assert ocd.cmd("[target current] curstate") == "halted"
        # Erased flash on this empty-check part boots the ROM (AN2606 pattern 6).
        assert DB.lookup(part).region_of(pc(ocd)) == "system_memory"
        ocd.cmd("program {%s} verify" % probe(part))
        assert "** Verified OK **" in ocd.log()
        with open(probe(part, "bin"), "rb") as f:
            image = f.read()
        words = [int(w, 16) for w in ocd.cmd("read_memory 0x08000000 32 %d" % (len(image) // 4)).split()]
        assert words == [int.from_bytes(image[i:i + 4], "little") for i in range(0, len(image) // 4 * 4, 4)]
        ocd.cmd("reset halt")
        assert pc(ocd) == int.from_bytes(image[4:8], "little") & ~1
        pcs = []
        for _ in range(10):
            ocd.cmd("step")
            pcs.append(pc(ocd))
        assert "Error" not in ocd.log()
    assert pcs == direct_pcs(part, 10)


def wait_outcome(ocd, timeout=20.0):
    """Let the probe run until its record says the attempt came back; the checkpoint facts."""
    deadline = time.monotonic() + timeout
    while True:
        ocd.cmd("halt")
        words = [" ".join(w) if isinstance(w, list) else w for w in tcl_words(ocd.cmd("bootjump_checkpoints"))]
        facts = dict(zip(words[::2], words[1::2]))
        if facts.get("outcome", "").startswith("returned") or time.monotonic() > deadline:
            return facts
        ocd.cmd("resume")
        time.sleep(0.2)


def test_backup_registers_and_checkpoints(scratch):
    """The probe's classic jump on the L011 comes back by a branch; the library reads the backup
    registers and decodes them exactly as c_probe/record.py does, decodes the option bytes, and
    dumps the ROM with its SHA-256."""
    part = "stm32l011"
    with emulated(part, scratch) as (_, ocd):
        ocd.cmd("bootjump_part")
        ocd.cmd("bootjump_arm classic")
        ocd.cmd("resume")
        facts = wait_outcome(ocd)
        words = [int(w) for w in ocd.cmd("bootjump_backup").split()]
        options = ocd.cmd("bootjump_options")
        dump = os.path.join(scratch, "rom.bin")
        sha = ocd.cmd("bootjump_dump_rom {%s}" % dump)
    with open(dump, "rb") as a, open(os.path.join(ROOT, "build", "rom", part + ".bin"), "rb") as b:
        rom = a.read()
        assert rom == b.read()
    assert sha == hashlib.sha256(rom).hexdigest()
    values = record.decode(words, 32)
    expected = dict(record.facts(values))
    assert expected["recipe"] == "classic" and expected["outcome"] == "returned-by-branch", expected
    assert facts == expected
    assert "nBOOT1 1" in options and "rdp {level 0" in options, options


def test_library_identifies_the_part_on_first_use(scratch):
    """The board configs keep the upstream target's examine-end, which does not run bootjump_part:
    on silicon the runbook's first library command (bootjump_arm, bootjump_checkpoints ...) finds
    no part yet and must identify it from the target itself."""
    part = "stm32l011"
    dump = os.path.join(scratch, "rom.bin")
    with emulated(part, scratch) as (_, ocd):
        for command in ("bootjump_arm classic", "bootjump_checkpoints", "bootjump_backup", "bootjump_options",
                        "bootjump_dump_rom {%s}" % dump):
            ocd.cmd("set ::bj::part {}")  # as the board configs leave it after examine
            ocd.cmd(command)
            assert ocd.cmd("set ::bj::part") == part, command


@pytest.mark.parametrize("part", ["stm32g071", "stm32l432", "stm32f103"])
def test_checkpoints_after_a_reset_that_locked_the_backup_registers(part, scratch):
    """A reset clears the RCC enable in front of these parts' backup registers (G0/L4 RTCAPBEN, F1
    BKPEN), which then read zero: the library sets the database's unlock bits before reading, as
    the probe and c_probe.record.read do, and still finds the record the probe wrote."""
    with emulated(part, scratch) as (_, ocd):
        ocd.cmd("resume")
        time.sleep(0.3)
        ocd.cmd("halt")
        ocd.cmd("reset halt")
        words = [int(w) for w in ocd.cmd("bootjump_backup").split()]
        facts = tcl_words(ocd.cmd("bootjump_checkpoints"))
    width = record.storage(DB.lookup(part))[1]
    values = record.decode(words, width)
    assert dict(record.facts(values))["boots"] == "1", words
    assert facts[:4] == ["record", "v1", "boots", "1"], facts


def arm_commands(part, recipe):
    """GDB commands that write the probe's mailbox (c_probe/README.md)."""
    p = DB.lookup(part)
    addr = record.noinit_base(p) + record.load().noinit["mailbox"]
    data = record.encode_mailbox(recipe)
    return ["python gdb.selected_inferior().write_memory(0x%x, bytes.fromhex('%s'))" % (addr, data.hex())]


def direct_trace(part, recipe, out):
    """`bootjump trace` through the emulator's own GDB stub (its default, fast path)."""
    with Emulator(part, flash=probe(part), gdb=True, halt=True) as emu:
        _, err = gdb(arm_commands(part, recipe) + ["bootjump trace --out %s" % out], emu.gdb_port, elf=probe(part))
    assert os.path.exists(out), "bootjump trace wrote no trace through the emulator's stub: " + err.strip()
    trace = schema.load(out)
    assert trace.end is not None, err
    return trace


def same_steps(a, b):
    """The steps of two traces, field by field (pc, region, bytes, insn, regs, mem), and the end."""
    assert len(a.steps) == len(b.steps)
    for x, y in zip(a.steps, b.steps):
        for key in ("pc", "region", "bytes", "insn", "regs", "mem"):
            assert x[key] == y[key], (key, x, y)
    assert (a.end["exit"], a.end["steps"], a.end["pc"]) == (b.end["exit"], b.end["steps"], b.end["pc"])


def test_gdb_trace_through_openocd_matches_the_direct_stub(scratch):
    part = "stm32l011"
    direct = direct_trace(part, "classic", os.path.join(scratch, "direct.jsonl"))
    out = os.path.join(scratch, "openocd.jsonl")
    with emulated(part, scratch) as (_, ocd):
        _, err = gdb(arm_commands(part, "classic") + ["bootjump trace --out %s" % out], ocd.gdb_port,
                     elf=probe(part))
    assert os.path.exists(out), "bootjump trace wrote no trace through OpenOCD: " + err.strip()
    trace = schema.load(out)
    assert trace.end is not None, err
    assert trace.header["target"]["kind"] == "openocd"
    assert trace.end["exit"] == "user-flash"
    same_steps(trace, direct)


@pytest.mark.parametrize("part,exit", [("stm32l011", "user-flash"), ("stm32l031", "bootloader-idle")])
def test_tcl_trace_matches_the_direct_stub_and_reports_accept_it(part, exit, scratch):
    direct = direct_trace(part, "classic", os.path.join(scratch, "direct.jsonl"))
    out = os.path.join(scratch, "tcl.jsonl")
    with emulated(part, scratch) as (_, ocd):
        ocd.cmd("bootjump_arm classic")
        assert ocd.cmd("bootjump_trace {%s}" % out) == exit
    trace = schema.load(out)
    assert trace.header["target"]["kind"] == "openocd-tcl" and trace.end["exit"] == exit
    assert trace.header["rom"]["sha256"] == direct.header["rom"]["sha256"]
    assert trace.header["registers"] == direct.header["registers"]
    # The probe's record in the header, as the GDB tracer reads it (the mailbox and the unlock
    # state are the GDB reader's extras).
    assert direct.header["checkpoints"] is not None
    assert trace.header["checkpoints"] == {k: direct.header["checkpoints"][k]
                                           for k in ("source", "record", "ram_record", "ring", "facts")}
    same_steps(trace, direct)
    done = subprocess.run(["/usr/bin/python3", "-m", "reports", "report", out, "--out", scratch],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    with open(os.path.join(scratch, "tcl.md")) as f:
        assert DB.lookup(part).designator in f.read()


# ------------------------------------------------------------------------------ bad input

def test_config_without_a_port_or_an_emulator(scratch):
    cfg = os.path.join(ROOT, "openocd", "emu", "stm32l0.cfg")
    done = subprocess.run(["openocd", "-f", cfg], capture_output=True, text=True, timeout=30, cwd=ROOT)
    assert done.returncode != 0 and "no emulator port" in done.stderr, done.stderr
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    done = subprocess.run(["openocd", "-c", "set BOOTJUMP_EMU_PORT %d" % port, "-f", cfg],
                          capture_output=True, text=True, timeout=30, cwd=ROOT)
    assert done.returncode != 0 and "nothing listens on 127.0.0.1:%d" % port in done.stderr, done.stderr


def test_malformed_stream_then_openocd(scratch):
    """Junk on the JTAG port gets one line on the emulator's stderr and a closed connection; an
    SWD byte gets its own line; OpenOCD then connects as usual."""
    part = "stm32l011"
    stderr = os.path.join(scratch, "emu.stderr")
    e = Emulator(part, flash=probe(part), jtag=True, halt=True)
    e.start(stderr_path=stderr)
    try:
        for junk in (b"GET / HTTP/1.0\r\n\r\n", b"0R4Oo"):
            with socket.create_connection(("127.0.0.1", e.jtag_port), timeout=10) as s:
                s.sendall(junk)
                s.settimeout(10)
                got = b""
                while True:
                    chunk = s.recv(100)
                    if not chunk:
                        break
                    got += chunk
            assert got in (b"", b"0"), got
        with open(stderr) as f:
            lines = f.read().splitlines()
        assert any("byte 0x47 is not part of the remote_bitbang protocol" in l for l in lines), lines
        assert any("SWD byte 'O'" in l for l in lines), lines
        with OpenOCD([emu_config(part)], variables={"BOOTJUMP_EMU_PORT": e.jtag_port},
                     log_path=os.path.join(scratch, "openocd.log")) as ocd:
            assert ocd.cmd("bootjump_part") == part
    finally:
        e.stop()


def test_unknown_part_and_bad_options(scratch):
    with emulated("stm32l011", scratch) as (_, ocd):
        with pytest.raises(OpenOCDError, match="unknown part stm32x999; known parts: stm32l011"):
            ocd.cmd("bootjump_part stm32x999")
        with pytest.raises(OpenOCDError, match="-from is rom-entry or here"):
            ocd.cmd("bootjump_trace x.jsonl -from nowhere")
        with pytest.raises(OpenOCDError, match="the ROM entry 0x[0-9a-f]+ was not reached within 0.5 s"):
            ocd.cmd("bootjump_trace {%s} -timeout 0.5" % os.path.join(scratch, "never.jsonl"))


def last_halt(ocd):
    """OpenOCD's last "halted due to ..." message."""
    return [l.split("] ", 1)[1] for l in ocd.log().splitlines() if "] halted due to" in l][-1]


def test_watchpoint_and_bkpt(scratch):
    """The core's debug registers as OpenOCD uses them beyond stepping: a DWT write watchpoint on
    the probe's RAM record halts the core with DFSR.DWTTRAP (OpenOCD reads FUNCTION.MATCHED), and
    a BKPT halts with the PC on it (OpenOCD's algorithms end that way)."""
    part = "stm32l011"
    record_ram = record.noinit_base(DB.lookup(part)) + record.load().noinit["record"]
    with emulated(part, scratch) as (_, ocd):
        ocd.cmd("bootjump_arm classic")
        ocd.cmd("wp 0x%x 4 w" % record_ram)
        ocd.cmd("resume")
        ocd.cmd("wait_halt 5000")
        assert last_halt(ocd).startswith("halted due to watchpoint")
        ocd.cmd("rwp 0x%x" % record_ram)
        # movs r0, #1; bkpt #0; b . (Thumb, in SRAM)
        ocd.cmd("write_memory 0x20000600 16 {0x2001 0xbe00 0xe7fe}")
        ocd.cmd("reg pc 0x20000600")
        ocd.cmd("resume")
        ocd.cmd("wait_halt 5000")
        assert tcl_words(ocd.cmd("get_reg {pc r0}")) == ["pc", "0x20000602", "r0", "0x00000001"]
        assert last_halt(ocd).startswith("halted due to breakpoint")


@pytest.mark.parametrize("recipe,where,exit", [("no-thumb", "bj_jump", "fault"),
                                               ("reset-flag", "bj_system_reset", "reset")])
def test_tcl_trace_from_here_ends_in_fault_or_reset(recipe, where, exit, scratch):
    """Traced from a probe function (-from here), a branch without the Thumb bit ends in a fault and
    the reset-flag recipe in a reset: the TCL stop rules end where the direct stub's trace ends.
    Compared with the stub's plain path: like OpenOCD's DHCSR.C_STEP it steps with chip_step(),
    which enters the INVSTATE HardFault in the step of the BX itself (the fast path, monitor
    bj-step, stops before the fault and takes it in a step of its own: one step more)."""
    part = "stm32l011"
    direct = os.path.join(scratch, "direct.jsonl")
    with Emulator(part, flash=probe(part), gdb=True, halt=True) as emu:
        _, err = gdb(arm_commands(part, recipe) + ["hbreak %s" % where, "continue",
                                                   "bootjump trace --from here --plain --out %s" % direct],
                     emu.gdb_port, elf=probe(part))
    expected = schema.load(direct)
    assert expected.end is not None, err
    nm = subprocess.run(["arm-none-eabi-nm", probe(part)], capture_output=True, text=True, check=True).stdout
    addr = next(int(l.split()[0], 16) for l in nm.splitlines() if l.split()[-1] == where) & ~1
    out = os.path.join(scratch, "tcl.jsonl")
    with emulated(part, scratch) as (_, ocd):
        ocd.cmd("bootjump_arm %s" % recipe)
        ocd.cmd("bp 0x%x 2 hw" % addr)
        ocd.cmd("resume")
        ocd.cmd("wait_halt 5000")
        ocd.cmd("rbp 0x%x" % addr)
        assert ocd.cmd("bootjump_trace {%s} -from here" % out) == exit
    trace = schema.load(out)
    same_steps(trace, expected)
    assert trace.end.get("fault") == expected.end.get("fault")
