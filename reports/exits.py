"""How control left the ROM: by a branch to user flash, by a reset, by a fault, or not at all (the
bootloader idles in its command loop), read from the trace's steps and its end record."""
import parts
from traces.schema import num

from .regions import USER_FLASH

_LONGEST_LOOP = 64      # instructions in one iteration of a polling loop, at most (as gdb/ stops)


def exception_name(number, db=None):
    """"HardFault", "IRQ5", ...: the exception numbers of the database's architectures."""
    db = db or parts.load()
    irq0 = db.arch_numbers("exceptions")["IRQ0"]
    if number >= irq0:
        return "IRQ%d" % (number - irq0)
    return db.exception_names().get(number, "exception %d" % number)


def ipsr(xpsr, db=None):
    """The exception number in an xPSR value (its EXCEPTION field in the database)."""
    lsb, width = (db or parts.load()).arch_field("XPSR.EXCEPTION")
    return xpsr >> lsb & ((1 << width) - 1)


def resets_passed(flow, db=None):
    """The steps after which the core reset and the trace went on (a recipe that resets on
    purpose, a watchdog): the next PC is not where the instruction leads (it writes no PC, and
    the PC is not the next instruction's), and the core is in Thread mode with LR as TakeReset
    leaves it. An exception entry would have left IPSR non-zero, an exception return needs a
    write to the PC."""
    db = db or parts.load()
    reset_lr = db.arch_value("reset_lr")
    out = []
    for k, insn in enumerate(flow.insns):
        nxt = flow.next_pc[k]
        if insn is None or nxt is None or insn.is_branch:
            continue
        if nxt == (num(flow.steps[k]["pc"]) + insn.size) & 0xFFFFFFFF:
            continue
        after = flow.regs_before(k + 1)
        if after.get("lr") == reset_lr and ipsr(after.get("xpsr", 0), db) == 0:
            out.append(k)
    return out


class StackSet:
    """An instruction that set a stack pointer from a value (msr msp, mov sp, ...)."""

    def __init__(self, step, register, value, slice_):
        self.step, self.register, self.value, self.slice = step, register, value, slice_


class Loop:
    """The polling loop the ROM settled in."""

    def __init__(self, first, period, polled):
        self.first, self.period, self.polled = first, period, polled   # polled: [(addr, value)]


class Exit:
    """kind: branch | idle | fault | reset | stopped | truncated | not-in-rom."""

    def __init__(self, kind):
        self.kind = kind
        self.step = None          # the step that left the ROM (branch), or the last step recorded
        self.target = None        # where a branch went
        self.target_slice = None  # where the branch target's value came from
        self.stack = None         # StackSet before the branch
        self.entry = None         # first step in the ROM
        self.loop = None          # Loop, for idle
        self.fault = None         # the end record's fault object
        self.end_exit = None      # the end record's exit, or None when truncated
        self.disagrees = None     # text when the steps contradict the end record
        self.landed = None        # a fault on arrival: where the jump into system memory landed
        self.jump = None          # ... and the step that jumped there (None: the trace starts there)


def find(flow, part, end):
    """Classify the exit of a trace whose def-use index is `flow`."""
    steps = flow.steps
    rom = part.system_memory
    entry = next((k for k, st in enumerate(steps) if num(st["pc"]) in rom), None)
    end_exit = end["exit"] if end else None
    last = len(steps) - 1
    fault_pc = num(end["fault"]["pc"]) if end_exit == "fault" else None
    if fault_pc is not None and fault_pc in rom and (entry is None or (entry == last and num(steps[entry]["pc"]) == fault_pc)):
        # The stacked PC is in system memory and no ROM instruction retired: the jump landed there
        # and its first instruction faulted (a step recorded there is that fault being taken).
        ex = Exit("fault")
        ex.fault, ex.landed, ex.entry, ex.end_exit = end["fault"], fault_pc, entry, end_exit
        jump = last if entry is None else entry - 1
        ex.jump = jump if jump >= 0 else None
        ex.step = last if steps else None
        return ex
    if entry is None:
        ex = Exit("not-in-rom")
        ex.step = len(steps) - 1 if steps else None
        ex.end_exit = end_exit
        return ex
    left = next((k for k in range(entry, len(steps))
                 if num(steps[k]["pc"]) in rom and flow.next_pc[k] is not None
                 and part.region_of(flow.next_pc[k]) in USER_FLASH), None)
    if end_exit in ("fault", "reset") and left in (None, last):
        # The last step may have branched to where the fault was taken (an even address, say).
        ex = _branch(flow, entry, last) if flow.insns[last] and flow.insns[last].is_branch else Exit(None)
        ex.kind, ex.step, ex.fault = end_exit, last, end.get("fault")
    elif left is not None:
        ex = _branch(flow, entry, left)
        if end_exit not in (None, "user-flash"):
            ex.disagrees = ("the steps show the PC in user flash after step %d, but the tracer's end "
                            "record says %r" % (left, end_exit))
    elif end_exit == "bootloader-idle":
        ex = Exit("idle")
        ex.loop = _loop(flow, part)
        ex.step = ex.loop.first
    else:
        ex = Exit("stopped" if end_exit else "truncated")
        ex.step = len(steps) - 1
        if end_exit == "user-flash":
            ex.disagrees = "the tracer's end record says user-flash, but no step branched from the ROM to user flash"
    ex.entry = entry
    ex.end_exit = end_exit
    return ex


def _branch(flow, entry, left):
    ex = Exit("branch")
    ex.step = left
    ex.target = flow.next_pc[left]
    ex.target_slice = flow.slice(left + 1, ["pc"])
    for k in range(left, entry - 1, -1):
        insn = flow.insns[k]
        if insn is None or flow.executed[k] is False:
            continue
        # push, pop and sp arithmetic move the stack pointer; msr msp / mov sp / ldr sp set it.
        reg = insn.sp_write or ("sp" if "sp" in insn.writes and "sp" not in insn.reads else None)
        if reg:
            value = flow.regs_before(k + 1).get(reg)
            sources = sorted(insn.reads)
            if value is None and len(sources) == 1:
                value = flow.regs_before(k).get(sources[0])
            ex.stack = StackSet(k, reg, value, flow.slice(k + 1, [reg]))
            break
    return ex


def _loop(flow, part):
    """The repeating tail of the trace: smallest period whose last two iterations match."""
    pcs = [st["pc"] for st in flow.steps]
    n = len(pcs)
    for period in range(1, min(_LONGEST_LOOP, n // 2) + 1):
        if pcs[n - period:] == pcs[n - 2 * period:n - period]:
            first = n - 2 * period
            while first > 0 and pcs[first - 1] == pcs[first - 1 + period]:
                first -= 1
            polled = []
            for st in flow.steps[n - period:]:
                for a in st["mem"]:
                    addr = num(a["addr"])
                    if a["op"] == "r" and part.region_of(addr) in ("peripheral", "core-peripheral"):
                        polled.append((addr, num(a["value"])))
            return Loop(first, period, polled)
    return Loop(max(n - 1, 0), 0, [])
