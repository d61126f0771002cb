"""When a trace stops: the stop conditions of `bootjump trace`, evaluated after every step from that
step alone and what came before it, so the plain path and the fast path stop at the same step.

Conditions (`--until` chooses among the first four; the step limit and Ctrl-C always apply):
- reset: the core is back at a reset handler with no instruction explaining it;
- fault: an exception was entered (IPSR became non-zero) or the core locked up;
- user-flash: the PC is in user flash (or the boot alias showing it) after running in the ROM;
- idle: the same short loop repeats, reading the same values from the same peripheral registers.
"""
from capstone import CS_AC_WRITE, CS_GRP_CALL, CS_GRP_JUMP, CS_GRP_RET
from capstone import arm

from . import cortexm

UNTIL = ("user-flash", "idle", "fault", "reset")

# A polling loop needs at least a load and a branch, so its period is 2 instructions or more; the
# longest loop recognised is IDLE_MAX_PERIOD instructions (the ROM's wait for 0x7F polls a few
# interfaces in turn). It is idle after IDLE_ITERATIONS identical iterations: long enough that a
# wait for a clock-ready flag is not mistaken for it, short enough to stop quickly.
IDLE_MIN_PERIOD = 2
IDLE_MAX_PERIOD = 64
IDLE_ITERATIONS = 16


def writes_pc(insn):
    """True when the instruction can put a value other than the next address into the PC. An
    undecodable one counts as not: what it does is unknown, and the core normally faults on it."""
    cs = insn.cs
    if cs is None:
        return False
    if any(g in cs.groups for g in (CS_GRP_JUMP, CS_GRP_CALL, CS_GRP_RET)):
        return True
    return any(op.type == arm.ARM_OP_REG and op.reg == arm.ARM_REG_PC and op.access & CS_AC_WRITE
               for op in cs.operands)


class Stop:
    """Why the trace ends: exit class (traces/README.md), a sentence, and the fault details."""
    __slots__ = ("exit", "reason", "fault")

    def __init__(self, exit, reason, fault=None):
        self.exit, self.reason, self.fault = exit, reason, fault

    def __repr__(self):
        return "Stop(%s: %s)" % (self.exit, self.reason)


class IdleDetector:
    """Recognises a loop of period p repeated IDLE_ITERATIONS times whose every iteration reads the
    same peripheral registers and gets the same values.

    For each period p, match[p] counts the consecutive steps that equal the step p before them (same
    PC, same peripheral reads with the same values); the loop is idle when match[p] reaches
    (IDLE_ITERATIONS - 1) * p and the last p steps include a peripheral read."""

    def __init__(self, iterations=IDLE_ITERATIONS):
        self.iterations = iterations
        self.history = []           # (pc, peripheral reads) of recent steps, newest last
        self.match = [0] * (IDLE_MAX_PERIOD + 1)
        self.found = None           # (period, first pc, reads) once idle

    def observe(self, pc, peripheral_reads):
        key = (pc, tuple(peripheral_reads))
        h = self.history
        h.append(key)
        if len(h) > 2 * IDLE_MAX_PERIOD:     # comparisons look back at most IDLE_MAX_PERIOD steps
            del h[:-IDLE_MAX_PERIOD - 1]
        n = len(h)
        for p in range(IDLE_MIN_PERIOD, IDLE_MAX_PERIOD + 1):
            self.match[p] = self.match[p] + 1 if n > p and h[-1 - p] == key else 0
            if self.match[p] >= (self.iterations - 1) * p:
                body = h[-p:]
                reads = [r for _, rs in body for r in rs]
                if reads:
                    self.found = (p, min(pc for pc, _ in body), max(pc for pc, _ in body), reads)
                    return True
        return False

    def min_steps_to_fire(self):
        """A lower bound on the steps before observe() can return True, so the fast path can step
        that many at once without running past the step where the trace must stop."""
        best = None
        for p in range(IDLE_MIN_PERIOD, IDLE_MAX_PERIOD + 1):
            need = (self.iterations - 1) * p - self.match[p]
            if self.match[p] >= p and not any(rs for _, rs in self.history[-p:]):
                # Repeating a body with no peripheral read never fires: the loop must first break
                # (one step) and a new one build up from nothing.
                need = (self.iterations - 1) * p + 1
            best = need if best is None else min(best, need)
        return max(1, best)


class StopRules:
    """Evaluates the stop conditions after each step.

    `memory` reads target memory that has no read side effects (never a peripheral): it looks at the
    vector table, the exception frame and DHCSR. `alias_is_flash(pc)` says whether an address in the
    boot alias at 0 currently shows user flash."""

    def __init__(self, part, until, max_steps, memory, alias_is_flash, idle_iterations=IDLE_ITERATIONS):
        self.part = part
        self.until = set(until)
        self.max_steps = max_steps
        self.memory = memory
        self.alias_is_flash = alias_is_flash
        self.idle = IdleDetector(idle_iterations)
        self.steps = 0
        self.rom_steps = 0

    def region(self, addr):
        return self.part.region_of(addr)

    def _user_flash(self, pc):
        region = self.region(pc)
        return region == "flash" or (region == "flash-alias" and self.alias_is_flash(pc))

    def after(self, step):
        """The Stop this step causes, or None. `step` has pc, insn, pre, post (full register
        dicts) and mem (resolved accesses)."""
        if step.insn is None:       # a fetch that failed: only the fault it raises matters
            return "fault" in self.until and self._fault(step) or None
        self.steps += 1
        if self.region(step.pc) == "system_memory":
            self.rom_steps += 1
        new_pc = step.post["pc"]
        stop = (("reset" in self.until and self._reset(step)) or
                ("fault" in self.until and self._fault(step)))
        if stop:
            return stop
        if "user-flash" in self.until and self.rom_steps and self._user_flash(new_pc):
            return Stop("user-flash", "PC 0x%08x is in user flash after %d steps (%d of them in the ROM)"
                        % (new_pc, self.steps, self.rom_steps))
        if "idle" in self.until:
            reads = [(a["addr"], a["size"], a["value"]) for a in step.mem
                     if a["op"] == "r" and self.region(a["addr"]) == "peripheral"]
            if self.idle.observe(step.pc, reads):
                return self._idle_stop()
        if self.steps >= self.max_steps:
            return Stop("limit", "stopped at the step limit (%d steps)" % self.max_steps)
        return None

    def min_steps_to_stop(self):
        """Steps that can certainly run before any condition fires, for the fast path's chunks. Reset,
        fault and region changes end a fast-path chunk on their own (monitor bj-step stops there)."""
        bound = self.max_steps - self.steps
        if "idle" in self.until:
            bound = min(bound, self.idle.min_steps_to_fire())
        return max(1, bound)

    def _idle_stop(self):
        period, lo, hi, reads = self.idle.found
        polled = []
        for addr, _, value in reads:
            where = self.part.peripheral_of(addr)
            name = "%s.%s" % where if where else "0x%08x" % addr
            polled.append("%s = 0x%x" % (name, value))
        return Stop("bootloader-idle",
                    "a %d-instruction loop at 0x%08x..0x%08x repeated %d times reading %s each time"
                    % (period, lo, hi, self.idle.iterations, ", ".join(dict.fromkeys(polled))))

    def _reset(self, step):
        pre, post = step.pre, step.post
        reset_lr = cortexm.facts().reset_lr
        if cortexm.ipsr(post["xpsr"]) != 0 or post.get("lr") != reset_lr:
            return None
        sequential = post["pc"] == (pre["pc"] + step.insn.size) & 0xFFFFFFFF
        if sequential:
            return None
        # The core restarts at the reset vector of whatever the boot alias at 0 shows, with LR =
        # 0xFFFFFFFF. A branch that happens to go there cannot also have set LR so, unless the
        # instruction itself wrote LR (checked last, as it needs no memory read).
        vector = self.memory(cortexm.facts().reset_vector, 4)
        if vector is None or post["pc"] != int.from_bytes(vector, "little") & ~1:
            return None
        if writes_pc(step.insn) and pre.get("lr") == reset_lr:
            return None
        return Stop("reset", "the target reset during step %d (0x%08x %s): PC 0x%08x is the reset "
                    "vector with LR = 0x%08x" % (self.steps - 1, step.pc, step.insn.text, post["pc"], reset_lr))

    def _fault(self, step):
        pre, post = step.pre, step.post
        before, after = cortexm.ipsr(pre["xpsr"]), cortexm.ipsr(post["xpsr"])
        entered = after != 0 and after != before and cortexm.is_exc_return(post.get("lr"))
        region = self.region(post["pc"])
        if not entered and region not in ("unmapped", "core-peripheral"):
            return None
        f = cortexm.facts()
        dhcsr = self.memory(f.dhcsr, 4)
        lockup = bool(dhcsr and int.from_bytes(dhcsr, "little") & f.dhcsr_s_lockup)
        if not entered and not lockup:
            return None
        fault_pc = step.pc
        if entered and not lockup:
            # The exception frame's return address ([v6M] B1.5.6): the faulting instruction for a
            # fault, the next instruction to run for an interrupt.
            frame = self.memory(cortexm.stacked_pc_address(post["sp"]), 4)
            if frame is not None:
                fault_pc = int.from_bytes(frame, "little")
        name = cortexm.exception_name(after)
        what = "while fetching the instruction at 0x%08x" % step.pc if step.insn is None else \
            "at step %d (0x%08x %s)" % (self.steps - 1, step.pc, step.insn.text)
        if lockup:
            text = "the core locked up %s" % what
        else:
            text = "%s (IPSR %d) was taken %s; the stacked PC is 0x%08x" % (name, after, what, fault_pc)
        return Stop("fault", text, {"pc": fault_pc, "ipsr": after, "lockup": lockup})
