"""The stepping engine of `bootjump trace`, free of GDB: it talks to the target through a remote
Link (plain path, any GDB remote target) or through bootjump-emu's `monitor bj-step` (fast path),
turns each executed instruction into a Step, and asks StopRules after each one.

Both paths yield the same Steps: the plain path computes memory accesses with capstone
(lib/accesses.py), the fast path receives them from the emulator; the stop decision is taken step by
step from the Steps alone, and a fast-path chunk never runs past a step where a stop can fire.
"""
import contextlib
import json
import signal
import time

from capstone import arm

from . import accesses, cortexm
from .decode import thumb_size
from .remote import RemoteError

# The fast path's largest chunk: bounds how long one `monitor` round trip takes, so progress and
# Ctrl-C stay responsive.
FAST_CHUNK = 2000


class TraceError(Exception):
    """The trace cannot go on; the message says why."""


class Step:
    """One executed instruction: where, what, the registers around it and its data accesses."""
    __slots__ = ("pc", "insn", "pre", "post", "mem")

    def __init__(self, pc, insn, pre, post, mem):
        self.pc, self.insn, self.pre, self.post, self.mem = pc, insn, pre, post, mem

    def changed(self):
        """Registers the step changed, with their new values (the PC is implied by the next step)."""
        return {n: v for n, v in self.post.items() if n != "pc" and self.pre.get(n) != v}

    def record(self, region):
        """The step's fields in the trace format (traces/README.md), without its index."""
        return {"pc": hex32(self.pc), "region": region, "bytes": self.insn.code.hex(),
                "insn": self.insn.text, "regs": {n: hex32(v) for n, v in self.changed().items()},
                "mem": [{"op": a["op"], "addr": hex32(a["addr"]), "size": a["size"],
                         "value": "0x%0*x" % (2 * a["size"], a["value"])} for a in self.mem]}


def hex32(value):
    return "0x%08x" % value


class Engine:
    """Steps the target. `link` is a remote.Link; `monitor(text)` runs a monitor command and returns
    its output, or is None when the target has no fast path; `readable(addr)` says whether memory at
    addr may be read without side effects (not a peripheral)."""

    def __init__(self, link, decoder, readable, monitor=None, rom=None):
        self.link = link
        self.decoder = decoder
        self.readable = readable
        self.monitor = monitor
        self.rom = rom              # (base, bytes) of system memory, read once: code never re-read
        self.regs = link.registers()

    # ---- instructions -----------------------------------------------------------------------

    def fetch(self, pc):
        if self.rom is not None:
            base, image = self.rom
            if base <= pc and pc + 4 <= base + len(image):
                at = pc - base
                return image[at:at + thumb_size(int.from_bytes(image[at:at + 2], "little"))]
        first = self.link.read(pc, 2)
        size = thumb_size(int.from_bytes(first, "little"))
        return first if size == 2 else first + self.link.read(pc + 2, 2)

    def _memory_value(self, addr, size, post_pc):
        if self.readable(addr):
            return int.from_bytes(self.link.read(addr, size), "little")
        # A load into the PC from a peripheral (never seen in a ROM): what reached the PC, with the
        # Thumb bit the branch needed to keep executing.
        return post_pc | 1

    # ---- plain path ---------------------------------------------------------------------------

    def plain_step(self):
        """One `s`. When the PC points at memory that cannot be read (a branch off the end of system
        memory), the Step has no instruction: the core's fetch fails there, the step only enters
        the fault, and it is not written to the trace (no instruction ran)."""
        pre = self.regs
        pc = pre["pc"] & ~1
        try:
            insn = self.decoder.decode(pc, self.fetch(pc), undecodable_ok=True)
        except RemoteError:
            insn = None
        try:
            planned = [] if insn is None else accesses.plan(insn, pre)
        except accesses.Unsupported as e:
            raise TraceError("cannot record the memory accesses of step at 0x%08x: %s" % (pc, e)) from None
        from_memory = [a for a in accesses.needs_memory(planned) if self.readable(a.addr)]
        values = {(a.addr, a.size): int.from_bytes(self.link.read(a.addr, a.size), "little")
                  for a in from_memory}
        stop = self.link.step()
        if stop.exited:
            raise TraceError("the target exited (%s) during a step" % stop.text)
        post = self.link.registers(stop)
        self.regs = post
        if self._abandoned(pc, pre, post):
            return Step(pc, insn, pre, post, [])
        if insn is not None and insn.undecodable:
            # The core ran it (no fault came back to it): its accesses cannot be computed without a
            # decoding, and a step without them would be a false record.
            raise TraceError("capstone cannot decode %s at 0x%08x, yet the core executed it without a fault "
                             "(the PC went to 0x%08x): its memory accesses are unknown, so the trace stops "
                             "before it" % (insn.code.hex(), pc, post["pc"]))
        for a in accesses.needs_memory(planned):
            if (a.addr, a.size) not in values:
                values[(a.addr, a.size)] = self._memory_value(a.addr, a.size, post["pc"])
        return Step(pc, insn, pre, post, accesses.resolve(planned, pre, post, values))

    def _abandoned(self, pc, pre, post):
        """True when the step entered an exception whose frame returns to this very instruction: it
        faulted, or an interrupt was taken before it ran. Either way it made no data access."""
        after = cortexm.ipsr(post["xpsr"])
        if after == 0 or after == cortexm.ipsr(pre["xpsr"]) or not cortexm.is_exc_return(post.get("lr")):
            return False
        frame_pc = cortexm.stacked_pc_address(post["sp"])
        if not self.readable(frame_pc):
            return False
        return int.from_bytes(self.link.read(frame_pc, 4), "little") & ~1 == pc

    # ---- fast path ----------------------------------------------------------------------------

    def fast_steps(self, count, lo=None, hi=None):
        """Up to `count` steps inside bootjump-emu (monitor bj-step, docs/architecture.md): the Steps
        and why it stopped ("count", "range", "exception", "reset", "lockup", "breakpoint")."""
        command = "bj-step %d" % count + ("" if lo is None else " 0x%x 0x%x" % (lo, hi))
        lines = [l for l in self.monitor(command).splitlines() if l.strip()]
        try:
            records = [json.loads(l) for l in lines]
        except ValueError:
            raise TraceError("monitor %s answered something that is not JSON lines: %r"
                             % (command, lines[:2])) from None
        if not records or "stopped" not in records[-1]:
            raise TraceError("monitor %s did not end with a \"stopped\" line" % command)
        last = records.pop()
        steps = []
        for k, rec in enumerate(records):
            pre = self.regs
            post = dict(pre)
            post.update((n, int(v, 16)) for n, v in rec["regs"].items())
            post["pc"] = int((records[k + 1] if k + 1 < len(records) else last)["pc"], 16)
            pc = int(rec["pc"], 16)
            insn = self.decoder.decode(pc, bytes.fromhex(rec["bytes"]), undecodable_ok=True)
            mem = [{"op": a["op"], "addr": int(a["addr"], 16), "size": a["size"], "value": int(a["value"], 16)}
                   for a in rec["mem"]]
            steps.append(Step(pc, insn, pre, post, mem))
            self.regs = post
        if int(last["pc"], 16) != self.regs["pc"]:
            raise TraceError("monitor %s stopped at %s, not where its last step went (0x%08x)"
                             % (command, last["pc"], self.regs["pc"]))
        return steps, last["stopped"]


def region_bounds(part, pc):
    """[lo, hi) of the memory region holding pc, for a fast-path chunk that ends when the PC leaves
    it; None when pc is in no memory region (then the chunk is one step)."""
    for r in part.regions():
        if pc in r:
            return r.base, r.end
    if pc < part.flash.size:
        return 0, part.flash.size
    return None


@contextlib.contextmanager
def _sigint_held():
    """SIGINT (Ctrl-C) waits while the block runs and arrives just after it: it is blocked for this
    thread, and GDB's other threads block it too (its workers do; the tracer starts none), so it
    stays pending until this thread unblocks it; then GDB's handler runs and Python raises
    KeyboardInterrupt at once. A stub that stops answering meanwhile is ended by GDB's
    remotetimeout, as it would be without Ctrl-C."""
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def run(engine, rules, part, emit, fast=False, progress=None, progress_every=1.0):
    """Step until a stop condition fires; emit(step) each Step in order; returns the Stop.

    Each chunk is taken from the target, emitted and judged with SIGINT held: a KeyboardInterrupt
    raised anywhere inside could split a step between the trace writer's line and its count (an end
    record one step short of the file), between emit and the stop rules' count, or between the
    target's step and its record (a trace that ends before the target does). A chunk is one step on
    the plain path and at most FAST_CHUNK on the fast path, so Ctrl-C still lands at once."""
    last_progress = time.monotonic()
    while True:
        with _sigint_held():
            stop = _chunk(engine, rules, part, emit, fast)
        if stop is not None:
            return stop
        if progress is not None and time.monotonic() - last_progress >= progress_every:
            last_progress = time.monotonic()
            progress(rules.steps, engine.regs["pc"])


def _chunk(engine, rules, part, emit, fast):
    """Take the next steps, emit and judge each; the Stop, or None to go on."""
    if fast:
        bounds = region_bounds(part, engine.regs["pc"] & ~1)
        count = 1 if bounds is None else min(FAST_CHUNK, rules.min_steps_to_stop())
        steps, stopped = engine.fast_steps(count, *(bounds or (None, None)))
        if stopped == "exception" and steps and steps[-1].insn.id == arm.ARM_INS_SVC:
            # bj-step retires an SVC and halts before entering SVCall; the plain path's one
            # step does both, so the entry is taken now and folded into the SVC's step.
            svc = steps.pop()
            steps.append(Step(svc.pc, svc.insn, svc.pre, engine.plain_step().post, svc.mem))
        elif not steps:
            # bj-step halts before an exception is entered (and takes no step in a lockup): the
            # plain step then takes it exactly as the plain path does.
            steps = [engine.plain_step()]
    else:
        steps = [engine.plain_step()]
    for k, step in enumerate(steps):
        if step.insn is not None:
            emit(step)
        stop = rules.after(step)
        if stop is None and step.insn is None:
            raise TraceError("the PC 0x%08x points at memory the target does not let the debugger read, "
                             "and stepping there did not fault" % step.pc)
        if stop is not None:
            if k != len(steps) - 1:
                raise TraceError("internal: the fast path ran %d steps past the stop (%s); the "
                                 "target is not where the trace ends" % (len(steps) - 1 - k, stop.reason))
            return stop
    return None
