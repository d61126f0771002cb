"""The stub's protocol on the real emulated chip, driven by a raw client: target description and
memory map from the part, the comparator limits of the core, Ctrl-C, breakpoints in RAM without
touching RAM, and `monitor bj-step` checked against the emulator's ground-truth access log."""
import json
import re
import struct
import time
import xml.etree.ElementTree as ET

import pytest

import fwbuild
import parts
from rspclient import RspClient

PC, XPSR = 15, 25  # GDB's register numbers (the target description)
THUMB = {"nop": 0xBF00, "str r1, [r0]": 0x6001, "udf #0": 0xDE00, "svc #0": 0xDF00, "b .": 0xE7FE, "bx r0": 0x4700}

# Core facts from the part database (its `cores` and `architectures`).
DB = parts.load()
AIRCR = DB.core_reg("SCB.AIRCR")
_vectkey_lsb, _, _vectkey = DB.core_field("SCB.AIRCR.VECTKEY")
AIRCR_SYSRESETREQ = _vectkey["KEY"] << _vectkey_lsb | DB.core_bit("SCB.AIRCR.SYSRESETREQ")
XPSR_T = DB.arch_bit("XPSR.T")
_ipsr_lsb, _ipsr_width = DB.arch_field("XPSR.EXCEPTION")
HARDFAULT = DB.arch_numbers("exceptions")["HARDFAULT"]


def ipsr(xpsr):
    return xpsr >> _ipsr_lsb & ((1 << _ipsr_width) - 1)


def comparators(core):
    """(FPB instruction comparators, DWT comparators) of a core: FP_CTRL.NUM_CODE and DWT_CTRL.NUMCOMP
    in the database's reset values, as a debugger reads them from the silicon."""
    def ctrl(block):
        per = DB.raw["cores"][core]["peripherals"][block]
        desc = DB.ip[per["ip"]]["registers"]["CTRL"]
        value = parts.num(desc["reset"])
        return {name: value >> f["lsb"] & ((1 << f["width"]) - 1) for name, f in desc["fields"].items()}, desc

    fp, fp_desc = ctrl("FP")
    # NUM_CODE2 (ARMv7-M only) holds the bits above NUM_CODE1's.
    num_code = fp["NUM_CODE1"] | fp.get("NUM_CODE2", 0) << fp_desc["fields"]["NUM_CODE1"]["width"]
    return num_code, ctrl("DWT")[0]["NUMCOMP"]


def xfer(client, obj):
    doc, offset = "", 0
    while True:
        reply = client.ask("qXfer:%s%x,%x" % (obj, offset, 0x200))
        assert reply[0] in "ml", reply
        doc += reply[1:]
        offset += len(reply) - 1
        if reply[0] == "l":
            return doc


def connect(emu):
    client = RspClient(emu.gdb_port)
    client.no_ack()
    return client


def test_target_description_and_memory_map(emu, fw):
    part = fw.part
    with connect(emu) as c:
        supported = c.ask("qSupported:swbreak+;hwbreak+;vContSupported+")
        for feature in ("qXfer:features:read+", "qXfer:memory-map:read+", "vContSupported+", "hwbreak+",
                        "QStartNoAckMode+"):
            assert feature in supported
        target = ET.fromstring(xfer(c, "features:read:target.xml:"))
        regs = {r.get("name"): int(r.get("regnum")) for r in target.iter("reg")}
        features = [f.get("name") for f in target.iter("feature")]
        assert features == ["org.gnu.gdb.arm.m-profile", "org.gnu.gdb.arm.m-system"]
        assert regs["pc"] == 15 and regs["xpsr"] == 25 and regs["msp"] == 26 and regs["psp"] == 27
        v7m = part.core in ("cortex-m3", "cortex-m4")
        assert ("basepri" in regs) == v7m and "primask" in regs and "control" in regs
        assert len(c.ask("g")) == 8 * len(regs)

        mmap = ET.fromstring(xfer(c, "memory-map:read::"))
        regions = [(m.get("type"), int(m.get("start"), 16), int(m.get("length"), 16),
                    m.find("property").text if m.find("property") is not None else None) for m in mmap]
        assert ("flash", part.flash.base, part.flash.size, hex(part.page_size)) in regions
        assert ("rom", part.system_memory.base, part.system_memory.size, None) in regions
        # Everything else is ram, so GDB reaches peripherals; the regions tile the address space.
        assert regions[0][1] == 0 and regions[-1][1] + regions[-1][2] == 1 << 32
        assert all(a[1] + a[2] == b[1] for a, b in zip(regions, regions[1:]))


def test_comparator_limits(emu, fw):
    part = fw.part
    n_bp, n_wp = comparators(part.core)
    with connect(emu) as c:
        for i in range(n_bp):
            assert c.ask("Z1,%x,2" % (part.flash.base + 0x100 + 2 * i)) == "OK"
        assert c.ask("Z1,%x,2" % (part.flash.base + 0x200)) == "E01"
        assert c.ask("z1,%x,2" % (part.flash.base + 0x100)) == "OK"
        assert c.ask("Z0,%x,2" % (part.flash.base + 0x200)) == "OK"  # Z0 shares the comparators
        for i in range(n_wp):
            assert c.ask("Z2,%x,4" % (part.sram.base + 4 * i)) == "OK"
        assert c.ask("Z3,%x,4" % (part.sram.base + 0x40)) == "E01"
        ok, text = c.monitor("info")
        assert ok and "%d of %d breakpoint and %d of %d watchpoint" % (n_bp, n_bp, n_wp, n_wp) in text


def test_watchpoint_lengths_one_comparator_cannot_cover(emu, fw):
    """A watchpoint is one DWT comparator: a naturally aligned power-of-two block. Other lengths,
    up to GDB's largest (Z2,addr,ffffffff), get E01 at once and the stub goes on answering."""
    sram = fw.part.sram.base
    with connect(emu) as c:
        for kind in (2, 3, 4):
            for length in (0, 3, 0x80000001, 0xFFFFFFFF):
                assert c.ask("Z%d,%x,%x" % (kind, sram, length)) == "E01", (kind, length)
        assert c.ask("Z2,%x,4" % sram) == "OK" and c.ask("z2,%x,4" % sram) == "OK"
        assert c.ask("?").startswith("T")


def put_code(c, addr, *insns):
    data = b"".join(struct.pack("<H", THUMB[i]) for i in insns)
    assert c.ask("M%x,%x:%s" % (addr, len(data), data.hex())) == "OK"


def test_breakpoint_in_ram_uses_a_comparator_and_ctrl_c(emu, fw):
    sram = fw.part.sram.base + 0x100
    with connect(emu) as c:
        put_code(c, sram, "nop", "nop", "b .")
        before = c.read_mem(sram, 6)
        assert c.ask("Z0,%x,2" % (sram + 2)) == "OK"
        assert c.read_mem(sram, 6) == before  # no BKPT written into RAM
        c.write_reg(PC, sram)
        c.write_reg(XPSR, XPSR_T)
        stop = c.ask("vCont;c")
        assert stop.startswith("T05") and "hwbreak:;" in stop
        assert "0f:%s;" % (sram + 2).to_bytes(4, "little").hex() in stop
        assert c.ask("z0,%x,2" % (sram + 2)) == "OK"
        c.send("c")
        time.sleep(0.2)
        c.raw(b"\x03")  # Ctrl-C while it spins on `b .`
        stop = c.read_packet().decode()
        assert stop.startswith("T02") and c.read_reg(PC) == sram + 4


@pytest.fixture
def traced(emu_factory, fw, tmp_path):
    log = tmp_path / "access.jsonl"
    emu = emu_factory(flash=fw.path, halt=True, access_log=str(log))
    return emu, log


def bj_step(c, args):
    ok, text = c.monitor("bj-step " + args)
    assert ok, text
    lines = [json.loads(line) for line in text.splitlines()]
    return lines[:-1], lines[-1]


def test_bj_step_matches_the_access_log(traced, fw):
    emu, log = traced
    with connect(emu) as c:
        assert c.read_reg(PC) == fw.reset_vector
        steps, stopped = bj_step(c, "300")
        assert stopped["stopped"] == "count" and len(steps) == 300
        assert steps[0]["pc"] == "0x%08x" % fw.reset_vector
        for s in steps:
            assert re.fullmatch(r"0x[0-9a-f]{8}", s["pc"]) and re.fullmatch(r"([0-9a-f]{4}){1,2}", s["bytes"])
            addr = int(s["pc"], 16)
            assert bytes.fromhex(s["bytes"]) == c.read_mem(addr, len(s["bytes"]) // 2)
            assert "pc" not in s["regs"]
        # The firmware's own store of the checkpoint value into RTC_BKP0R.
        bkp0r = "0x%08x" % fw.part.reg_addr("RTC.BKP0R")
        stores = [m for s in steps for m in s["mem"] if m["op"] == "w" and m["addr"] == bkp0r]
        assert stores == [{"op": "w", "addr": bkp0r, "size": 4, "value": "0x%08x" % fwbuild.BACKUP_VALUE}]
        assert c.monitor("quit")[0]
    assert emu.proc.wait(10) == 0
    truth = [json.loads(line) for line in log.read_text().splitlines()]
    accesses = [(a["op"], a["addr"], a["size"], int(a["value"], 16)) for a in truth
                if a.get("by") == "insn" and "op" in a]
    printed = [(m["op"], m["addr"], m["size"], int(m["value"], 16)) for s in steps for m in s["mem"]]
    assert printed == accesses[:len(printed)] and len(printed) > 50


def test_bj_step_stops_at_breakpoints_and_range_ends(traced, fw):
    emu, _ = traced
    write_backup = fw.symbols["write_backup"]
    with connect(emu) as c:
        assert c.ask("Z1,%x,2" % write_backup) == "OK"
        steps, stopped = bj_step(c, "5000")
        assert stopped == {"stopped": "breakpoint", "pc": "0x%08x" % write_backup}
        assert int(steps[-1]["pc"], 16) != write_backup and c.read_reg(PC) == write_backup
        assert c.ask("z1,%x,2" % write_backup) == "OK"
        # Range: the instruction that leaves [LO, HI) is stepped, then it stops.
        steps, stopped = bj_step(c, "100 %x %x" % (write_backup, write_backup + 8))
        assert stopped["stopped"] == "range" and steps[-1]["bytes"] == "7047"  # bx lr
        assert not (write_backup <= int(stopped["pc"], 16) < write_backup + 8)


def test_bj_step_stops_before_exceptions_and_after_resets(emu, fw):
    sram = fw.part.sram.base + 0x100
    with connect(emu) as c:
        # A fault: nothing retires, nothing is stacked, the PC stays on the faulting instruction.
        put_code(c, sram, "nop", "udf #0")
        c.write_reg(PC, sram)
        c.write_reg(XPSR, XPSR_T)
        sp = c.read_reg(13)
        steps, stopped = bj_step(c, "10")
        assert [s["pc"] for s in steps] == ["0x%08x" % sram]
        assert stopped == {"stopped": "exception", "pc": "0x%08x" % (sram + 2)} and c.read_reg(13) == sp
        # The plain path then enters it as usual: one step lands in HardFault (IPSR 3).
        stop = c.ask("s")
        assert stop.startswith("T05") and ipsr(c.read_reg(XPSR)) == HARDFAULT and c.read_reg(13) == sp - 32

        # A reset: the store to AIRCR is printed, then the stop at the reset vector.
        ok, _ = c.monitor("reset halt")
        put_code(c, sram, "str r1, [r0]", "b .")
        c.write_reg(PC, sram)
        c.write_reg(0, AIRCR)
        c.write_reg(1, AIRCR_SYSRESETREQ)
        steps, stopped = bj_step(c, "10")
        assert len(steps) == 1 and steps[0]["mem"][0]["addr"] == "0x%08x" % AIRCR, (steps, stopped)
        assert stopped["stopped"] == "reset" and stopped["pc"] == "0x%08x" % c.read_reg(PC)


# One part of each core type of the database.
CORE_PARTS = sorted({p.core: p.name for p in reversed(DB.parts)}.items())


@pytest.mark.parametrize("core,part_name", CORE_PARTS)
def test_branch_to_an_even_address_steps_like_silicon(core, part_name, tmp_path):
    """BX to an even address retires and clears EPSR.T; the INVSTATE fault is taken when the next
    instruction executes, stacked PC = the target (DDI0419/DDI0403, BX). So `s` (and vCont;s) halts at
    the target with T clear, the next `s` enters HardFault (the UsageFault escalates: SHCSR is at
    reset); bj-step prints the BX and stops before the entry, and the one plain step after it enters
    it: the same steps either way."""
    part = DB.lookup(part_name)
    # BOOT0=1 boots the idle ROM, whose vector table then serves the fault on every part (erased
    # flash does so only on parts with an empty check).
    emu = fwbuild.Emulator(part.name, rom=fwbuild.idle_rom(str(tmp_path), part.name), boot0=1, gdb=True, halt=True)
    emu.start(stderr_path=str(tmp_path / "emu.stderr"))
    try:
        with connect(emu) as c:
            code = part.sram.base + 0x100
            target = code + 0x10  # even: the BX clears the Thumb bit
            put_code(c, code, "bx r0")
            put_code(c, target, "nop")

            def at_the_branch():
                assert c.monitor("reset halt")[0]
                c.write_reg(PC, code)
                c.write_reg(XPSR, XPSR_T)
                c.write_reg(0, target)
                return c.read_reg(13)

            def enters_the_fault(sp):
                assert c.ask("s").startswith("T05")
                assert ipsr(c.read_reg(XPSR)) == HARDFAULT and c.read_reg(13) == sp - 32
                frame = c.read_mem(sp - 32, 32)
                stacked_pc, stacked_xpsr = struct.unpack_from("<2I", frame, 24)
                assert stacked_pc == target and not stacked_xpsr & XPSR_T

            for step in ("s", "vCont;s"):
                sp = at_the_branch()
                assert c.ask(step).startswith("T05")
                xpsr = c.read_reg(XPSR)
                assert c.read_reg(PC) == target and not xpsr & XPSR_T and ipsr(xpsr) == 0, (step, hex(xpsr))
                assert c.read_reg(13) == sp
                enters_the_fault(sp)

            sp = at_the_branch()
            steps, stopped = bj_step(c, "10")
            assert [s["pc"] for s in steps] == ["0x%08x" % code]
            assert stopped == {"stopped": "exception", "pc": "0x%08x" % target} and c.read_reg(13) == sp
            enters_the_fault(sp)
    finally:
        emu.stop()


def test_monitor_commands(emu, fw):
    part = fw.part
    with connect(emu) as c:
        ok, text = c.monitor("help")
        assert ok and all(cmd in text for cmd in ("reset [halt|power]", "boot0 0|1", "info", "bj-step", "quit"))
        ok, text = c.monitor("boot0 1")
        assert ok and "BOOT0 = 1" in text
        ok, text = c.monitor("reset halt")  # the empty flash boots the ROM whatever BOOT0 says
        assert ok and c.read_reg(PC) in part.system_memory
        ok, text = c.monitor("info")
        assert ok and part.name in text and "BOOT0=1" in text
        ok, text = c.monitor("reset")  # runs: the stub still answers, and a Ctrl-C halts it
        assert ok and "running" in text
        c.send("c")
        time.sleep(0.1)
        c.raw(b"\x03")
        assert c.read_packet().startswith(b"T02")
        assert not c.monitor("reset sideways")[0] and not c.monitor("boot0 7")[0]
        ok, text = c.monitor("nonsense")
        assert not ok and "monitor help" in text


def test_lockup_is_reported(emu, fw):
    """A fault inside the HardFault handler locks the core up: T0b (SIGSEGV) to GDB, "lockup" to
    bj-step. The handler is a UDF, reached through a vector table the test puts in SRAM."""
    base = fw.part.sram.base
    with connect(emu) as c:
        table = struct.pack("<4I", base + 0x800, 0, 0, (base + 0x300) | 1)
        assert c.ask("M%x,%x:%s" % (base + 0x200, len(table), table.hex())) == "OK"
        vtor = DB.core_reg("SCB.VTOR", fw.part.core)  # the test part is a Cortex-M0+, which has one
        assert c.ask("M%x,4:%s" % (vtor, struct.pack("<I", base + 0x200).hex())) == "OK"
        put_code(c, base + 0x300, "udf #0", "nop")
        put_code(c, base + 0x100, "udf #0", "nop")
        c.write_reg(PC, base + 0x100)
        steps, stopped = bj_step(c, "5")
        assert steps == [] and stopped["stopped"] == "exception"
        stop = c.ask("s")  # into the HardFault handler
        assert stop.startswith("T05") and c.read_reg(PC) == base + 0x300 and ipsr(c.read_reg(XPSR)) == HARDFAULT
        steps, stopped = bj_step(c, "5")
        assert steps == [] and stopped["stopped"] == "lockup"
        assert c.ask("c").startswith("T0b")


def test_connecting_halts_a_running_chip(emu_factory, fw):
    emu = emu_factory(flash=fw.path)  # runs the firmware's endless loop
    time.sleep(0.2)
    loops = fw.symbols["loops"]
    with connect(emu) as c:
        assert c.ask("?").startswith("T05")
        first = c.read_mem(loops, 4)
        time.sleep(0.2)
        assert c.read_mem(loops, 4) == first and int.from_bytes(first, "little") > 0
        assert c.ask("D") == "OK"  # detach: it runs on
        time.sleep(0.2)
    with connect(emu) as c:
        assert c.read_mem(loops, 4) != first
