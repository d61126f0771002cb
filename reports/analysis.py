"""One trace, analysed: exit, decision point, reads of user flash and option bytes, timeline lanes,
and the verdict against the part's documented activation profile."""
import parts
from traces import schema
from traces.schema import num

from . import decision, exits, expectations
from .dataflow import Flow
from .regions import classify, lane
from .symbols import NONE


class ReportError(Exception):
    """The trace or a companion file cannot be used; the message is one line saying why."""


class Read:
    """A load of user flash, option bytes or data EEPROM by any step of the trace."""
    __slots__ = ("step", "pc", "addr", "size", "value", "kind")

    def __init__(self, step, pc, addr, size, value, kind):
        self.step, self.pc, self.addr, self.size, self.value, self.kind = step, pc, addr, size, value, kind


class Analysis:
    def __init__(self, trace, part, symbols=NONE):
        self.trace = trace
        self.part = part
        self.symbols = symbols
        end = trace.end
        self.flow = Flow(trace.steps, trace.header["registers"], end.get("pc") if end else None,
                         is_ram=lambda addr: part.region_of(addr) == "sram")
        self.exit = exits.find(self.flow, part, end)
        # Resets the trace went through; one that ends it is the exit's.
        self.resets = [k for k in exits.resets_passed(self.flow)
                       if not (self.exit.kind == "reset" and k == self.exit.step)]
        self.decisions = self._decisions()
        # Leaving by a branch needs a decision: fall back to peripheral-fed conditionals. Staying,
        # or a trace that ends before the exit, needs no decision: only flash/option-byte ones.
        tiers = (1, 2) if self.exit.kind == "branch" else (1,)
        self.decision = decision.choose(self.decisions, tiers)
        self.reads = self._reads()
        self.verdict = expectations.verdict(self)

    def _decisions(self):
        ex = self.exit
        if ex.entry is None or ex.step is None:
            return []
        last = ex.loop.first - 1 if ex.kind == "idle" else ex.step
        return decision.conditionals(self.flow, self.part, ex.entry, last)

    def _reads(self):
        out = []
        for k, st in enumerate(self.trace.steps):
            for a in st["mem"]:
                if a["op"] != "r":
                    continue
                addr = num(a["addr"])
                kind, tier = classify(self.part, addr)
                if tier == 1:
                    out.append(Read(k, num(st["pc"]), addr, a["size"], num(a["value"]), kind))
        return out

    def lanes(self):
        """Per step: the timeline lane of its PC (exception when IPSR is non-zero)."""
        xpsr = self.flow.initial.get("xpsr")
        out = []
        for st in self.trace.steps:
            out.append(lane(self.part, num(st["pc"]), exits.ipsr(xpsr) if xpsr is not None else 0))
            if "xpsr" in st["regs"]:
                xpsr = num(st["regs"]["xpsr"])
        return out

    def symbol(self, addr):
        """The ELF's name for an address outside the ROM, or None (ROM symbols are never used)."""
        if addr is None or addr in self.part.system_memory:
            return None
        return self.symbols.name(addr & ~1)

    def flash_word0(self):
        """(value, step) of user flash word 0: as the ROM read it, else the header's (step None)."""
        found = self.rom_read(self.part.flash.base)
        if found:
            return found[0], found[1].step
        word = self.trace.header.get("flash_word0")
        return (num(word), None) if word is not None else (None, None)

    def rom_read(self, addr, size=4):
        """(value, Read) of the first load by ROM code that covers the `size` bytes at addr: their
        value, and the whole access (which may be wider). None when the ROM never read them."""
        return self.first_load(addr, size, lambda pc: pc in self.part.system_memory)

    def first_load(self, addr, size=4, by=lambda pc: True):
        """(value, Read) of the first load, by an instruction whose address satisfies `by`, that
        covers the `size` bytes at addr; None when no step loaded them."""
        for k, st in enumerate(self.trace.steps):
            pc = num(st["pc"])
            if not by(pc):
                continue
            for m in st["mem"]:
                base = num(m["addr"])
                if m["op"] == "r" and base <= addr and addr + size <= base + m["size"]:
                    value = num(m["value"]) >> 8 * (addr - base) & ((1 << 8 * size) - 1)
                    return value, Read(k, pc, base, m["size"], num(m["value"]),
                                       classify(self.part, base)[0])
        return None


def analyse(trace_path, symbols=NONE):
    """Load, validate and analyse a trace. Raises ReportError with a one-line message."""
    try:
        trace = schema.load(trace_path)
    except schema.TraceError as e:
        raise ReportError(str(e)) from None
    try:
        part = parts.lookup(trace.header["part"])
    except parts.PartError as e:
        raise ReportError("%s: %s" % (trace_path, e)) from None
    return Analysis(trace, part, symbols)
