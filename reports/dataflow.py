"""Who wrote each register and memory byte, and when: the def-use index of a trace, and the
backward slice that finds the loads whose values fed a given instruction.

The slice follows values, not addresses: a load from RAM gets its value from the last store to the
same bytes earlier in the trace (then from whatever that store wrote), or, when the trace never
wrote them, from outside the trace; such loads are the slice's inputs (user flash, option bytes, a peripheral
register, the ROM's own constants). A value kept on the stack between load and compare is followed
through the store and the reload.
"""
import bisect
from collections import defaultdict

from traces.schema import num

from .isa import FLAGS, Decoder, passes

_SNAPSHOT_EVERY = 256


class Load:
    """One memory read in a slice."""
    __slots__ = ("step", "addr", "size", "value", "fed_by", "control")

    def __init__(self, step, addr, size, value, control):
        self.step, self.addr, self.size, self.value = step, addr, size, value
        self.fed_by = None           # the store step that wrote these bytes, when the trace has it
        self.control = control       # reached only through the condition of an IT-block select

    @property
    def is_input(self):
        return self.fed_by is None


class Slice:
    """The loads and initial register values that a value depends on."""

    def __init__(self):
        self.loads = []              # every load on the way, in step order
        self.initial = {}            # register -> value at the start of the trace (None if unknown)
        self.undecoded = []          # steps capstone could not decode; the slice stops there
        self.steps = set()
        self.regs = set()            # every register the value passed through

    @property
    def inputs(self):
        return [ld for ld in self.loads if ld.is_input]

    @property
    def data_inputs(self):
        """The inputs the value was computed from, leaving out those that only chose which
        IT-predicated instruction produced it; all inputs when there are no others."""
        data = [ld for ld in self.inputs if not ld.control]
        return data or self.inputs


def _pieces(regs, accesses):
    """[(register, [(addr, size, value)])]: the bytes each register of a load/store multiple (or
    LDRD/STRD) moved. The lowest-numbered register uses the lowest address (ARMv7-M ARM A7.7.41)."""
    accs = sorted(accesses, key=lambda a: a[0])
    if len(accs) == len(regs):
        return [(r, [a]) for r, a in zip(regs, accs)]
    words = []
    for addr, size, value in accs:
        if size % 4:
            words = None
            break
        words += [(addr + o, 4, value >> (8 * o) & 0xFFFFFFFF) for o in range(0, size, 4)]
    if words is not None and len(words) == len(regs):
        return [(r, [w]) for r, w in zip(regs, words)]
    return [(r, accs) for r in regs]


class Flow:
    """The def-use index of one trace."""

    def __init__(self, steps, initial_regs, end_pc=None, is_ram=lambda addr: True):
        """`is_ram(addr)` says whether a load returns what the last store there wrote; a
        peripheral register does not (hardware changes it), so its loads are always inputs."""
        self.steps = steps
        self.is_ram = is_ram
        self.initial = {k: num(v) for k, v in initial_regs.items()}
        self.insns = []
        self.executed = []           # True, False, or None when the flags are unknown
        self.next_pc = []
        self.loaded = []             # per step: [(register, [(addr, size, value)])]
        self.writers = defaultdict(list)
        self._store_steps = defaultdict(list)
        self._store_regs = defaultdict(list)
        self._snapshots = []
        self._index(end_pc)

    def _index(self, end_pc):
        decoder = Decoder()
        regs = dict(self.initial)
        for k, st in enumerate(self.steps):
            if k % _SNAPSHOT_EVERY == 0:
                self._snapshots.append(dict(regs))
            pc = num(st["pc"])
            insn = decoder.decode(pc, bytes.fromhex(st["bytes"]))
            nxt = num(self.steps[k + 1]["pc"]) if k + 1 < len(self.steps) else (
                num(end_pc) if end_pc else None)
            self.insns.append(insn)
            self.next_pc.append(nxt)
            done = self._executed(insn, st, regs.get("xpsr"), pc, nxt)
            self.executed.append(done)
            written = {r for r in st["regs"] if r not in ("pc", "xpsr")}
            if insn is not None and done is not False:
                # A taken branch "writes" pc: slice(k + 1, ["pc"]) is where its target came from.
                written |= insn.writes
            for r in written:
                self.writers[r].append(k)
            self.loaded.append(self._memory(k, insn, st, done))
            for r, v in st["regs"].items():
                regs[r] = num(v)

    @staticmethod
    def _executed(insn, st, xpsr, pc, nxt):
        if insn is None or (insn.cond is None and insn.cbz is None):
            return True
        if insn.is_branch and nxt is not None:
            return nxt != pc + insn.size
        if insn.cbz:
            return None
        ok = passes(insn.cond, xpsr)
        if ok is None:      # no xpsr in the trace: a visible register change proves execution
            return True if insn.writes & set(st["regs"]) else None
        return ok

    def _memory(self, k, insn, st, done):
        reads = [(num(a["addr"]), a["size"], num(a["value"])) for a in st["mem"] if a["op"] == "r"]
        writes = [(num(a["addr"]), a["size"], num(a["value"])) for a in st["mem"] if a["op"] == "w"]
        if writes:
            for reg, accs in (_pieces(insn.store_regs, writes) if insn and insn.store_regs
                              else [(None, writes)]):
                for addr, size, _ in accs:
                    for b in range(addr, addr + size):
                        self._store_steps[b].append(k)
                        self._store_regs[b].append(reg)
        if insn is not None and insn.load_regs and reads and done is not False:
            return _pieces(insn.load_regs, reads)
        return []

    # ---- queries --------------------------------------------------------------------------------

    def regs_before(self, k):
        """All register values (ints) just before step k executes."""
        base = (k // _SNAPSHOT_EVERY) * _SNAPSHOT_EVERY
        regs = dict(self._snapshots[base // _SNAPSHOT_EVERY]) if self._snapshots else dict(self.initial)
        for st in self.steps[base:k]:
            for r, v in st["regs"].items():
                regs[r] = num(v)
        return regs

    def last_writer(self, reg, before):
        ws = self.writers.get(reg, ())
        n = bisect.bisect_left(ws, before)
        return ws[n - 1] if n else None

    def _last_store(self, byte, before):
        steps = self._store_steps.get(byte)
        if not steps:
            return None, None
        n = bisect.bisect_left(steps, before)
        return (steps[n - 1], self._store_regs[byte][n - 1]) if n else (None, None)

    def slice(self, step, regs):
        """The loads and initial registers that the values of `regs`, as read by `step`, came from."""
        out = Slice()
        seen = {}
        loads = {}
        work = [(r, step, False) for r in regs]
        while work:
            reg, before, control = work.pop()
            out.regs.add(reg)
            w = self.last_writer(reg, before)
            if w is None:
                out.initial.setdefault(reg, self.initial.get(reg))
                continue
            # Visit again only to upgrade a control-only path to a data path.
            if (reg, w) in seen and (control or not seen[(reg, w)]):
                continue
            seen[(reg, w)] = control
            out.steps.add(w)
            insn = self.insns[w]
            if insn is None:
                out.undecoded.append(w)
                continue
            if insn.cond is not None and not insn.is_branch:
                work.append((FLAGS, w, True))    # an IT-block select depends on its condition
            pieces = dict(self.loaded[w])
            if reg in pieces:
                for addr, size, value in pieces[reg]:
                    self._trace_load(loads, w, addr, size, value, control, work)
            else:
                work.extend((src, w, control) for src in insn.value_sources(reg))
        out.loads = sorted(loads.values(), key=lambda ld: (ld.step, ld.addr))
        out.undecoded = sorted(set(out.undecoded))
        return out

    def _trace_load(self, loads, w, addr, size, value, control, work):
        load = loads.get((w, addr))
        if load is None:
            load = loads[(w, addr)] = Load(w, addr, size, value, control)
        load.control = load.control and control
        if not self.is_ram(addr):
            return
        stores = {self._last_store(b, w) for b in range(addr, addr + size)}
        # Any byte from outside the trace makes the load an input; stored bytes are still followed.
        if (None, None) not in stores:
            load.fed_by = max(s for s, _ in stores)
        work.extend((sreg, s, control) for s, sreg in stores if sreg is not None)
