"""lib/tracer.py against a scripted target that speaks both the plain remote protocol and
bootjump-emu's `monitor bj-step`: both paths give the same steps and the same stop, and a fast-path
chunk never runs past the step where the trace stops (the target ends where the trace ends)."""
import json
import os
import signal

import pytest

import parts
from bjgdb.lib import remote, stops, tracer
from bjgdb.lib.decode import Decoder
from thumb import assemble, split

ROM = 0x1ff00100
USART2_ISR = 0x4000441c


def program(lines, base):
    """{address: bytes} of each instruction of an assembled run of Thumb code."""
    out, at = {}, base
    for code in split(assemble(lines, "m0")):
        out[at] = code
        at += len(code)
    return out


# Each scripted instruction: pc -> effect(regs) returning (register changes incl. pc, data accesses).
def idle_script():
    code = program(["ldr r0, [pc, #8]", "ldr r1, [r0, #0x1c]", "lsls r1, r1, #26", "bpl .-4",
                    "nop", "nop", ".word 0x40004400"], ROM)
    effects = {
        ROM: lambda r: ({"r0": 0x40004400, "pc": ROM + 2}, [("r", ROM + 0xc, 4, 0x40004400)]),
        ROM + 2: lambda r: ({"r1": 0, "pc": ROM + 4}, [("r", USART2_ISR, 4, 0)]),
        ROM + 4: lambda r: ({"r1": 0, "xpsr": 0x41000000, "pc": ROM + 6}, []),
        ROM + 6: lambda r: ({"pc": ROM + 2}, []),
    }
    return code, effects


def exit_script():
    code = program(["ldr r0, [pc, #4]", "ldr r1, [r0]", "ldr r2, [r0, #4]", "bx r2",
                    ".word 0x08000000"], ROM)
    effects = {
        ROM: lambda r: ({"r0": 0x08000000, "pc": ROM + 2}, [("r", ROM + 8, 4, 0x08000000)]),
        ROM + 2: lambda r: ({"r1": 0x20000800, "pc": ROM + 4}, [("r", 0x08000000, 4, 0x20000800)]),
        ROM + 4: lambda r: ({"r2": 0x080000c1, "pc": ROM + 6}, [("r", 0x08000004, 4, 0x080000c1)]),
        ROM + 6: lambda r: ({"pc": 0x080000c0}, []),
        0x080000c0: lambda r: ({"pc": 0x080000c2}, []),
    }
    code[0x080000c0] = bytes.fromhex("00bf")
    return code, effects


class ScriptedTarget:
    """A target whose instructions are the scripted effects; plain packets and monitor bj-step."""

    def __init__(self, script):
        self.code, self.effects = script
        self.regs = {n: 0 for n in remote.TRACKED}
        self.regs.update(pc=ROM, sp=0x20000800, msp=0x20000800, xpsr=0x01000000, lr=0x08000101)
        self.layout = remote.RegisterLayout([remote.Reg(n, k, 4 * k, 4) for k, n in enumerate(remote.TRACKED)])
        self.chunks = []
        self.svc_pcs = getattr(script, "svc_pcs", set())
        self.undefined_pcs = getattr(script, "undefined_pcs", set())
        self.pending_entry = None   # bj-step retired an SVC; the next `s` only enters SVCall

    def _step(self):
        pc = self.regs["pc"]
        changes, mem = self.effects[pc](self.regs)
        before = dict(self.regs)
        self.regs.update(changes)
        return pc, before, mem

    def packet(self, text):
        if text == "s":
            if self.pending_entry:
                self.regs.update(self.pending_entry)
                self.pending_entry = None
            else:
                self._step()
            return "T05" + "".join("%02x:%s;" % (k, self.regs[n].to_bytes(4, "little").hex())
                                   for k, n in enumerate(remote.TRACKED))
        if text == "g":
            return "".join(self.regs[n].to_bytes(4, "little").hex() for n in remote.TRACKED)
        if text.startswith("m"):
            addr, size = (int(x, 16) for x in text[1:].split(","))
            for base, code in self.code.items():
                if base <= addr and addr + size <= base + len(code):
                    return code[addr - base:addr - base + size].hex()
            return "E01"
        raise AssertionError("unexpected packet %s" % text)

    def monitor(self, text):
        words = text.split()
        assert words[0] == "bj-step"
        count = int(words[1])
        lo, hi = (int(words[2], 16), int(words[3], 16)) if len(words) == 4 else (None, None)
        self.chunks.append(count)
        lines, stopped = [], "count"
        for _ in range(count):
            if self.regs["pc"] not in self.code or self.regs["pc"] in self.undefined_pcs:
                stopped = "exception"               # as bootjump-emu: halt before the fault
                break
            if self.regs["pc"] in self.svc_pcs:      # as bootjump-emu: the SVC retires, then it halts
                pc, before = self.regs["pc"], dict(self.regs)
                self.pending_entry, _ = self.effects[pc](self.regs)
                self.regs["pc"] = pc + 2
                lines.append(json.dumps({"pc": "0x%08x" % pc, "bytes": self.code[pc].hex(), "regs": {}, "mem": []}))
                stopped = "exception"
                break
            pc, before, mem = self._step()
            regs = {n: "0x%08x" % v for n, v in self.regs.items() if n != "pc" and before[n] != v}
            lines.append(json.dumps({"pc": "0x%08x" % pc, "bytes": self.code[pc].hex(), "regs": regs,
                                     "mem": [{"op": o, "addr": "0x%08x" % a, "size": s, "value": "0x%0*x" % (2 * s, v)}
                                             for o, a, s, v in mem]}))
            if lo is not None and not lo <= self.regs["pc"] < hi:
                stopped = "range"
                break
        lines.append(json.dumps({"stopped": stopped, "pc": "0x%08x" % self.regs["pc"]}))
        return "\n".join(lines) + "\n"


class Script(tuple):
    """(code, effects), plus the addresses of SVC instructions and of instructions that fault as
    UNDEFINED."""
    svc_pcs = set()
    undefined_pcs = set()


def svc_script():
    code = program(["movs r0, #1", "svc #0", "nop", "nop"], ROM)
    frame_sp = 0x200007e0
    script = Script((code, {
        ROM: lambda r: ({"r0": 1, "xpsr": 0x01000000, "pc": ROM + 2}, []),
        ROM + 2: lambda r: ({"pc": 0x08000300, "xpsr": 0x0100000b, "lr": 0xFFFFFFF9, "sp": frame_sp,
                             "msp": frame_sp}, []),
    }))
    script.svc_pcs = {ROM + 2}
    code[frame_sp + 24] = (ROM + 4).to_bytes(4, "little")
    return script


def test_svc_is_one_step_on_both_paths():
    plain, plain_stop, _ = trace(svc_script(), fast=False)
    fast, fast_stop, _ = trace(svc_script(), fast=True)
    assert fast == plain and [s["insn"] for s in fast] == ["movs r0, #1", "svc #0"]
    assert fast_stop.exit == plain_stop.exit == "fault" and fast_stop.fault["ipsr"] == 11


def tracing(target, fast, until=stops.UNTIL, max_steps=1000):
    """(part, engine, rules) for tracer.run on a ScriptedTarget."""
    part = parts.lookup("stm32l031")
    link = remote.Link(target.packet, target.layout)
    readable = lambda addr: part.region_of(addr) not in ("peripheral", "core-peripheral", "unmapped")
    engine = tracer.Engine(link, Decoder(), readable, target.monitor if fast else None)
    memory = lambda addr, size: bytes.fromhex(target.packet("m%x,%x" % (addr, size))) \
        if not target.packet("m%x,%x" % (addr, size)).startswith("E") else None
    return part, engine, stops.StopRules(part, until, max_steps, memory, lambda pc: True)


def trace(script, fast, until=stops.UNTIL, max_steps=1000):
    target = ScriptedTarget(script)
    part, engine, rules = tracing(target, fast, until, max_steps)
    steps = []
    stop = tracer.run(engine, rules, part, lambda s: steps.append(s.record(part.region_of(s.pc))), fast=fast)
    return steps, stop, target


@pytest.mark.parametrize("script", [idle_script, exit_script])
def test_fast_and_plain_paths_record_the_same_trace(script):
    plain, plain_stop, plain_target = trace(script(), fast=False)
    fast, fast_stop, fast_target = trace(script(), fast=True)
    assert fast == plain
    assert (fast_stop.exit, fast_stop.reason) == (plain_stop.exit, plain_stop.reason)
    assert fast_target.regs == plain_target.regs    # no overshoot: both targets stopped at the same step
    assert len(fast_target.chunks) < len(fast) / 2  # and the fast path did take several steps at once


def test_idle_loop_is_recognised():
    steps, stop, target = trace(idle_script(), fast=True)
    assert stop.exit == "bootloader-idle"
    assert "USART2.ISR = 0x0" in stop.reason
    assert len(steps) == 1 + 3 * stops.IDLE_ITERATIONS
    assert steps[1]["mem"] == [{"op": "r", "addr": "0x4000441c", "size": 4, "value": "0x00000000"}]


def test_exit_to_user_flash():
    steps, stop, target = trace(exit_script(), fast=True)
    assert stop.exit == "user-flash" and target.regs["pc"] == 0x080000c0
    assert steps[1]["mem"] == [{"op": "r", "addr": "0x08000000", "size": 4, "value": "0x20000800"}]
    assert steps[1]["regs"] == {"r1": "0x20000800"} and steps[1]["region"] == "system_memory"


def test_without_idle_the_limit_stops_the_loop_exactly():
    steps, stop, target = trace(idle_script(), fast=True, until=("user-flash",), max_steps=500)
    assert stop.exit == "limit" and len(steps) == 500
    plain, _, plain_target = trace(idle_script(), fast=False, until=("user-flash",), max_steps=500)
    assert plain == steps and plain_target.regs == target.regs


def fault_script():
    """bx r2 to an address with no memory: the fetch there faults into HardFault."""
    code = program(["ldr r2, [pc, #0]", "bx r2", ".word 0x1ff01001"], ROM)
    frame_sp = 0x200007e0
    effects = {
        ROM: lambda r: ({"r2": 0x1ff01001, "pc": ROM + 2}, [("r", ROM + 4, 4, 0x1ff01001)]),
        ROM + 2: lambda r: ({"pc": 0x1ff01000}, []),
        0x1ff01000: lambda r: ({"pc": 0x08000200, "xpsr": 0x01000003, "lr": 0xFFFFFFF9, "sp": frame_sp,
                                "msp": frame_sp}, []),
    }
    # the exception frame's return address, where the handler's stacked PC is read
    code[frame_sp + 24] = (0x1ff01000).to_bytes(4, "little")
    return code, effects


@pytest.mark.parametrize("fast", [False, True])
def test_fetch_fault_ends_in_fault_without_a_step(fast):
    steps, stop, target = trace(fault_script(), fast=fast)
    assert [s["pc"] for s in steps] == ["0x1ff00100", "0x1ff00102"]
    assert stop.exit == "fault" and stop.fault == {"pc": 0x1ff01000, "ipsr": 3, "lockup": False}
    assert "while fetching the instruction at 0x1ff01000" in stop.reason


ID_BYTE = 0x1ff00ff6


def undecodable_script(executes=False):
    """bx r2 onto bytes capstone cannot decode: the bootloader ID byte 0xa1 and 0xff padding (the
    probe's wrong-address recipe on F04x). Its first halfword 0xffa1 makes it 32-bit; the core
    raises UNDEFINED on it and enters HardFault. With `executes`, 0x4781 instead (BLX with its
    should-be-zero bits set, which capstone refuses) and the core runs it as `blx r0`."""
    code = program(["ldr r2, [pc, #0]", "bx r2", ".word 0x%08x" % (ID_BYTE | 1)], ROM)
    frame_sp = 0x200007e0
    if executes:
        code[ID_BYTE] = bytes.fromhex("8147")
        effects = {ID_BYTE: lambda r: ({"pc": 0x08000200, "lr": ID_BYTE + 3}, [])}
        code[0x08000200] = bytes.fromhex("00bf")
    else:
        code[ID_BYTE] = bytes.fromhex("a1ffffff")
        effects = {ID_BYTE: lambda r: ({"pc": 0x08000300, "xpsr": 0x01000003, "lr": 0xFFFFFFF9,
                                        "sp": frame_sp, "msp": frame_sp}, [])}
        code[frame_sp + 24] = ID_BYTE.to_bytes(4, "little")
    effects.update({ROM: lambda r: ({"r2": ID_BYTE | 1, "pc": ROM + 2}, [("r", ROM + 4, 4, ID_BYTE | 1)]),
                    ROM + 2: lambda r: ({"pc": ID_BYTE}, [])})
    script = Script((code, effects))
    script.undefined_pcs = set() if executes else {ID_BYTE}
    return script


@pytest.mark.parametrize("fast", [False, True])
def test_undecodable_bytes_are_a_step_and_the_fault_ends_the_trace(fast):
    steps, stop, target = trace(undecodable_script(), fast=fast)
    assert [(s["pc"], s["bytes"], s["insn"]) for s in steps] == [
        ("0x1ff00100", "004a", "ldr r2, [pc, #0]"), ("0x1ff00102", "1047", "bx r2"),
        ("0x1ff00ff6", "a1ffffff", "(undecodable)")]
    assert steps[2]["mem"] == [] and steps[2]["regs"]["xpsr"] == "0x01000003"
    assert stop.exit == "fault" and stop.fault == {"pc": ID_BYTE, "ipsr": 3, "lockup": False}
    assert "at step 2 (0x1ff00ff6 (undecodable))" in stop.reason


def test_undecodable_bytes_the_core_executes_stop_the_plain_path():
    """Without a fault the accesses of what ran are unknown: the plain path says so and stops, and
    the target is one step past the last recorded one."""
    with pytest.raises(tracer.TraceError, match="capstone cannot decode 8147 at 0x1ff00ff6, yet the core "
                       "executed it without a fault .the PC went to 0x08000200."):
        trace(undecodable_script(executes=True), fast=False)
    # bootjump-emu's bj-step reports what the chip did, so the fast path has the accesses to record.
    steps, stop, _ = trace(undecodable_script(executes=True), fast=True)
    assert (steps[2]["bytes"], steps[2]["insn"], steps[2]["mem"]) == ("8147", "(undecodable)", [])
    assert stop.exit == "user-flash"


def ctrl_c():
    """SIGINT to this process, as GDB receives Ctrl-C (bin/bootjump sends it GDB's pid)."""
    os.kill(os.getpid(), signal.SIGINT)


class InterruptedTarget(ScriptedTarget):
    """Ctrl-C at the third round trip that steps the target: after it stepped, before the tracer
    has the reply."""

    def __init__(self, script):
        super().__init__(script)
        self.round_trips = 0

    def _stepped(self):
        self.round_trips += 1
        if self.round_trips == 3:
            ctrl_c()

    def packet(self, text):
        reply = super().packet(text)
        if text == "s":
            self._stepped()
        return reply

    def monitor(self, text):
        reply = super().monitor(text)
        self._stepped()
        return reply


@pytest.mark.parametrize("fast", [False, True])
@pytest.mark.parametrize("where", ["target", "writer", "after-emit"])
def test_ctrl_c_at_any_instant_of_a_step_lands_between_chunks(where, fast, monkeypatch):
    """Ctrl-C in the target's step (after it stepped), in the trace writer (after it wrote the
    third step's line, before it counted it: the instant that gave end records one step short of
    their file) or just after emit (before the stop rules count the step): the interrupt ends the
    run after the chunk, and every step the target ran is written, counted by the writer and by the
    stop rules alike, and the tracer's registers are the target's."""
    monkeypatch.setattr(tracer, "FAST_CHUNK", 5)    # several chunks before the loop's end
    target = InterruptedTarget(idle_script()) if where == "target" else ScriptedTarget(idle_script())
    part, engine, rules = tracing(target, fast, until=("user-flash",))
    written, counted = [], []

    def emit(step):
        written.append(step)
        if where == "writer" and len(written) == 3:
            ctrl_c()
        counted.append(step)
        if where == "after-emit" and len(written) == 3:
            ctrl_c()

    with pytest.raises(KeyboardInterrupt):
        tracer.run(engine, rules, part, emit, fast=fast)
    assert len(written) == len(counted) == rules.steps >= 3
    assert engine.regs == target.regs
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])
