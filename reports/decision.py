"""The decision point: the conditional instruction in the ROM that chose where control went, the
instruction that set its flags, and the loads whose values fed it (a backward slice).

A conditional is a conditional branch (B<cc>, CBZ/CBNZ, or a branch inside an IT block) or an
instruction an IT block predicates that selects a branch target: it writes (or, skipped, would have
written) a register that the value of a later register-indirect branch target passed through. Conditionals whose slice reaches no input from outside the ROM (loop counters, ROM constants)
decide nothing about the boot; among the others, those fed by user flash, option bytes or data
EEPROM (what AN2606's activation patterns test) come first, then those fed by peripheral registers
or RAM. Each conditional address counts once, at its last execution before the exit.
"""
from traces.schema import num

from .isa import FLAGS, condition_name
from .regions import classify


class Decision:
    def __init__(self, flow, part, step):
        self.step = step
        self.insn = flow.insns[step]
        self.pc = num(flow.steps[step]["pc"])
        if self.insn.cbz:
            reg = self.insn.cbz[0]
            self.setter = step
            self.slice = flow.slice(step, [reg])
        else:
            self.setter = flow.last_writer(FLAGS, step)
            self.slice = flow.slice(step, [FLAGS])
        self.executed = flow.executed[step]
        self.inputs = [(ld, classify(part, ld.addr)) for ld in self.slice.inputs]
        tiers = {cls[1] for _, cls in self.inputs}
        if self.slice.initial:
            tiers.add(2)            # a value from before the trace started: outside the ROM
        self.tier = 1 if 1 in tiers else 2 if 2 in tiers else 0

    @property
    def outcome(self):
        """"taken"/"not taken" for a branch, "executed"/"skipped" for an IT-predicated instruction."""
        if self.executed is None:
            return "unknown"
        if self.insn.is_branch:
            return "taken" if self.executed else "not taken"
        return "executed" if self.executed else "skipped"

    @property
    def condition(self):
        if self.insn.cbz:
            return "%s is %szero" % (self.insn.cbz[0], "non" if self.insn.cbz[1] else "")
        return condition_name(self.insn.cond)


def _target_registers(flow, rom, first, last):
    """Registers that the targets of the register-indirect branches in steps first..last passed
    through (each branch address once, at its last execution)."""
    regs, seen = set(), set()
    for k in range(last, first - 1, -1):
        insn = flow.insns[k]
        pc = num(flow.steps[k]["pc"])
        if (insn is None or not insn.is_branch or insn.target is not None or pc in seen
                or pc not in rom or flow.executed[k] is False):
            continue
        seen.add(pc)
        regs |= flow.slice(k + 1, ["pc"]).regs
    return regs - {"pc", FLAGS}


def conditionals(flow, part, first, last):
    """Decisions for each conditional ROM address executed in steps first..last, last occurrence
    first (latest decision first)."""
    out, seen = [], set()
    rom = part.system_memory
    targets = _target_registers(flow, rom, first, last)
    for k in range(last, first - 1, -1):
        insn = flow.insns[k]
        if insn is None or insn.is_it or (insn.cond is None and insn.cbz is None):
            continue
        if not insn.is_branch and not (insn.writes & targets):
            continue
        pc = num(flow.steps[k]["pc"])
        if pc in seen or pc not in rom:
            continue
        seen.add(pc)
        out.append(Decision(flow, part, k))
    return out


def choose(decisions, tiers):
    """The latest decision in the best tier among `tiers` (1 before 2), or None."""
    for tier in tiers:
        for d in decisions:
            if d.tier == tier:
                return d
    return None
