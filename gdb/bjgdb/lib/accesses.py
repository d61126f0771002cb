"""The data accesses one Thumb instruction makes, computed from the registers around its step.

Addresses come from the registers *before* the step. Values come from where they can be read
without touching the bus again: a store's value from the registers before the step, a load's value
from its destination register after the step. Two loads leave no copy of their value in a
register: a load into the PC (POP {pc}, LDR pc, LDM {..pc}) and TBB/TBH. The first is read from
memory before the step (only ever from non-peripheral memory, since a peripheral read can have
side effects, e.g. it pops a USART's receive register); the second is recovered from where the PC
went. Instruction fetches and exception stacking are not data accesses of the instruction.

plan() says what is accessed and where each value will come from; resolve() fills the values in.
"""
from capstone import arm

from . import cortexm
from .decode import REG_NUMBER, reg_name


class Unsupported(Exception):
    """A memory instruction whose accesses are not modelled (e.g. FPU loads and stores)."""


class Access:
    """A planned access. `source` says where the value comes from:
    ("pre", reg) / ("post", reg): a register before / after the step;
    ("mem",): memory read before the step; ("table", insn_address): TBB/TBH, from the new PC.
    `when` is None, or ("post-zero", reg): STREX, which stores only when its status register is 0."""
    __slots__ = ("op", "addr", "size", "source", "when")

    def __init__(self, op, addr, size, source, when=None):
        self.op, self.addr, self.size, self.source, self.when = op, addr & 0xFFFFFFFF, size, source, when

    def __repr__(self):
        return "Access(%s, 0x%08x, %d, %r)" % (self.op, self.addr, self.size, self.source)


_LOADS = {arm.ARM_INS_LDR: 4, arm.ARM_INS_LDRB: 1, arm.ARM_INS_LDRH: 2, arm.ARM_INS_LDRSB: 1,
          arm.ARM_INS_LDRSH: 2, arm.ARM_INS_LDRT: 4, arm.ARM_INS_LDRBT: 1, arm.ARM_INS_LDRHT: 2,
          arm.ARM_INS_LDRSBT: 1, arm.ARM_INS_LDRSHT: 2, arm.ARM_INS_LDREX: 4, arm.ARM_INS_LDREXB: 1,
          arm.ARM_INS_LDREXH: 2, arm.ARM_INS_LDRD: 4}
_STORES = {arm.ARM_INS_STR: 4, arm.ARM_INS_STRB: 1, arm.ARM_INS_STRH: 2, arm.ARM_INS_STRT: 4,
           arm.ARM_INS_STRBT: 1, arm.ARM_INS_STRHT: 2, arm.ARM_INS_STRD: 4}
_EXCLUSIVE_STORES = {arm.ARM_INS_STREX: 4, arm.ARM_INS_STREXB: 1, arm.ARM_INS_STREXH: 2}
# (is_load, increment_after) of the multiple-register transfers.
_MULTIPLE = {arm.ARM_INS_LDM: (True, True), arm.ARM_INS_LDMDB: (True, False),
             arm.ARM_INS_STM: (False, True), arm.ARM_INS_STMDB: (False, False),
             arm.ARM_INS_POP: (True, True), arm.ARM_INS_PUSH: (False, False)}
_TABLE_BRANCHES = {arm.ARM_INS_TBB: 1, arm.ARM_INS_TBH: 2}
# FPU and coprocessor transfers move registers the trace does not record.
_UNMODELLED = {arm.ARM_INS_VLDR, arm.ARM_INS_VSTR, arm.ARM_INS_VLDMIA, arm.ARM_INS_VLDMDB,
               arm.ARM_INS_VSTMIA, arm.ARM_INS_VSTMDB, arm.ARM_INS_VPUSH, arm.ARM_INS_VPOP,
               arm.ARM_INS_LDC, arm.ARM_INS_LDC2, arm.ARM_INS_STC, arm.ARM_INS_STC2}


def _reg(insn, reg_id):
    name = reg_name(reg_id)
    if name is None:
        raise Unsupported("%s at 0x%08x uses register %s, which the trace does not record"
                          % (insn.text, insn.address, insn.cs.reg_name(reg_id)))
    return name


def _regs_operand_names(insn):
    return [_reg(insn, op.reg) for op in insn.cs.operands if op.type == arm.ARM_OP_REG]


def _base_value(insn, name, regs, literal):
    """A base register's value as the instruction sees it: the PC reads as the instruction's address
    + 4, word-aligned for literal loads ([v7M] A7.7.43 LDR (literal), A7.7.185 TBB)."""
    if name == "pc":
        pc = insn.address + 4
        return pc & ~3 if literal else pc
    return regs[name]


def _effective_address(insn, regs):
    """The address of a single load/store: offset, pre-indexed or post-indexed forms."""
    ops = insn.cs.operands
    mem_i = next(i for i, op in enumerate(ops) if op.type == arm.ARM_OP_MEM)
    mem = ops[mem_i]
    base = _base_value(insn, _reg(insn, mem.mem.base), regs, literal=True)
    # Post-indexed forms carry their offset as an operand after the memory operand and access
    # the unmodified base ([v7M] A7.7.42 LDR (immediate), P=0).
    if mem_i + 1 < len(ops):
        return base
    offset = mem.mem.disp
    if mem.mem.index:
        index = regs[_reg(insn, mem.mem.index)]
        if mem.shift.type == arm.ARM_SFT_LSL:
            index <<= mem.shift.value
        elif mem.shift.type:
            raise Unsupported("%s at 0x%08x: index shift type %d" % (insn.text, insn.address, mem.shift.type))
        offset += -index if mem.subtracted else index
    return base + offset


def plan(insn, regs):
    """The accesses of insn, given the registers before its step. Raises Unsupported."""
    i = insn.id
    if insn.undecodable:
        return []   # the core raises UNDEFINED on it, before any access (the tracer checks it did)
    if "xpsr" in regs and cortexm.in_it_block_skipped(regs["xpsr"]):
        return []   # a conditional instruction of an IT block whose condition failed: no access
    if i in _LOADS or i in _STORES or i in _EXCLUSIVE_STORES:
        return _single(insn, regs)
    if i in _MULTIPLE:
        return _multiple(insn, regs, *_MULTIPLE[i])
    if i in _TABLE_BRANCHES:
        mem = insn.cs.operands[0].mem
        base = _base_value(insn, _reg(insn, mem.base), regs, literal=False)
        index = regs[_reg(insn, mem.index)]
        size = _TABLE_BRANCHES[i]
        return [Access("r", base + index * size, size, ("table", insn.address))]
    if i in _UNMODELLED:
        raise Unsupported("%s at 0x%08x: FPU and coprocessor transfers are not modelled"
                          % (insn.text, insn.address))
    return []   # no data access; memory hints (PLD, PLI) included: the core does not wait for them


def _single(insn, regs):
    i = insn.id
    addr = _effective_address(insn, regs)
    names = _regs_operand_names(insn)
    if i in _EXCLUSIVE_STORES:
        status, rt = names[0], names[1]
        return [Access("w", addr, _EXCLUSIVE_STORES[i], ("pre", rt), when=("post-zero", status))]
    if i in _LOADS:
        size = _LOADS[i]
        # LDRD loads two registers from consecutive words; the others load one.
        return [Access("r", addr + 4 * k, size, ("mem",) if rt == "pc" else ("post", rt))
                for k, rt in enumerate(names[:2] if i == arm.ARM_INS_LDRD else names[:1])]
    size = _STORES[i]
    return [Access("w", addr + 4 * k, size, ("pre", rt))
            for k, rt in enumerate(names[:2] if i == arm.ARM_INS_STRD else names[:1])]


def _multiple(insn, regs, is_load, increment_after):
    names = _regs_operand_names(insn)
    if insn.id in (arm.ARM_INS_PUSH, arm.ARM_INS_POP):
        base, reglist = "sp", names
    else:
        base, reglist = names[0], names[1:]
    reglist = sorted(reglist, key=REG_NUMBER.__getitem__)
    start = regs[base] if increment_after else regs[base] - 4 * len(reglist)
    out = []
    for k, r in enumerate(reglist):
        if is_load:
            out.append(Access("r", start + 4 * k, 4, ("mem",) if r == "pc" else ("post", r)))
        else:
            out.append(Access("w", start + 4 * k, 4, ("pre", r)))
    return out


def needs_memory(accesses):
    """The accesses whose value must be read from memory before the step."""
    return [a for a in accesses if a.source[0] == "mem"]


def resolve(accesses, pre, post, memory_values):
    """Fill in values: a list of dicts {op, addr, size, value} in program order.

    memory_values maps (addr, size) -> the value read before the step, for the accesses
    needs_memory() returned; an access whose value is missing from it raises KeyError."""
    out = []
    for a in accesses:
        if a.when is not None and post[a.when[1]] != 0:
            continue    # STREX failed: nothing was stored
        kind = a.source[0]
        if kind == "pre":
            value = pre[a.source[1]]
        elif kind == "post":
            value = post[a.source[1]]
        elif kind == "mem":
            value = memory_values[(a.addr, a.size)]
        else:   # ("table", address): the branch went to address + 4 + 2 * entry
            value = ((post["pc"] - (a.source[1] + 4)) & 0xFFFFFFFF) >> 1
        out.append({"op": a.op, "addr": a.addr, "size": a.size,
                    "value": value & ((1 << (8 * a.size)) - 1)})
    return out
