"""What one executed Thumb instruction reads, writes, loads and stores, from capstone's decoding.

Everything the analysis knows about an instruction comes from capstone's detail (register access
sets, operands, condition code, flag update), never from the text of a disassembly, and nothing
depends on symbols: the ROM is a blob. Instructions inside an IT block are decoded together with
their IT instruction, because a 16-bit `adds` inside an IT block is a flag-preserving `add`.
"""
import capstone
from capstone import arm

FLAGS = "flags"   # pseudo-register: the APSR condition flags N, Z, C, V

_REGS = {getattr(arm, "ARM_REG_R%d" % n): "r%d" % n for n in range(13)}
_REGS.update({arm.ARM_REG_SP: "sp", arm.ARM_REG_LR: "lr", arm.ARM_REG_PC: "pc",
              arm.ARM_REG_CPSR: FLAGS, arm.ARM_REG_APSR: FLAGS})

_MULTI_LOADS = {arm.ARM_INS_LDM, arm.ARM_INS_LDMDB, arm.ARM_INS_POP}
_MULTI_STORES = {arm.ARM_INS_STM, arm.ARM_INS_STMDB, arm.ARM_INS_PUSH}
_STACK_MULTI = {arm.ARM_INS_POP, arm.ARM_INS_PUSH}
_SP_SYSREGS = {arm.ARM_SYSREG_MSP: "msp", arm.ARM_SYSREG_PSP: "psp"}
_FLAG_SYSREGS = {arm.ARM_SYSREG_APSR, arm.ARM_SYSREG_APSR_NZCVQ, arm.ARM_SYSREG_APSR_NZCVQG,
                 arm.ARM_SYSREG_IAPSR, arm.ARM_SYSREG_IAPSR_NZCVQ, arm.ARM_SYSREG_IAPSR_NZCVQG,
                 arm.ARM_SYSREG_EAPSR, arm.ARM_SYSREG_EAPSR_NZCVQ, arm.ARM_SYSREG_EAPSR_NZCVQG,
                 arm.ARM_SYSREG_XPSR, arm.ARM_SYSREG_XPSR_NZCVQ, arm.ARM_SYSREG_XPSR_NZCVQG}
_BRANCH_GROUPS = {capstone.CS_GRP_JUMP, capstone.CS_GRP_CALL, capstone.CS_GRP_RET}

# ARMv7-M ARM A7.3: condition code -> predicate over (n, z, c, v)
_CONDITIONS = {
    arm.ARM_CC_EQ: lambda n, z, c, v: z, arm.ARM_CC_NE: lambda n, z, c, v: not z,
    arm.ARM_CC_HS: lambda n, z, c, v: c, arm.ARM_CC_LO: lambda n, z, c, v: not c,
    arm.ARM_CC_MI: lambda n, z, c, v: n, arm.ARM_CC_PL: lambda n, z, c, v: not n,
    arm.ARM_CC_VS: lambda n, z, c, v: v, arm.ARM_CC_VC: lambda n, z, c, v: not v,
    arm.ARM_CC_HI: lambda n, z, c, v: c and not z, arm.ARM_CC_LS: lambda n, z, c, v: not c or z,
    arm.ARM_CC_GE: lambda n, z, c, v: n == v, arm.ARM_CC_LT: lambda n, z, c, v: n != v,
    arm.ARM_CC_GT: lambda n, z, c, v: not z and n == v, arm.ARM_CC_LE: lambda n, z, c, v: z or n != v,
}


def _disassembler():
    md = capstone.Cs(capstone.CS_ARCH_ARM, capstone.CS_MODE_THUMB | capstone.CS_MODE_MCLASS)
    md.detail = True
    md.syntax = capstone.CS_OPT_SYNTAX_NOREGNAME   # r9..r12, as GDB and the reference manual name them
    return md


_MD = _disassembler()


class Insn:
    """The decoded effects of one instruction (independent of whether its condition passed)."""

    def __init__(self, ci, address):
        self.address = address
        self.size = ci.size
        self.text = ("%s %s" % (ci.mnemonic, ci.op_str)).strip()
        self.mnemonic = ci.mnemonic
        self.id = ci.id
        self.is_it = ci.id == arm.ARM_INS_IT
        # The IT instruction carries its block's first condition, but is itself unconditional.
        self.cond = ci.cc if ci.cc in _CONDITIONS and not self.is_it else None
        self.it_count = 0
        reads, writes = ci.regs_access()
        self.reads = {_REGS[r] for r in reads if r in _REGS} - {"pc"}
        self.writes = {_REGS[r] for r in writes if r in _REGS}
        if ci.update_flags:
            self.writes.add(FLAGS)
        self.sp_write = None     # "msp"/"psp" for MSR to a stack pointer
        self.load_regs, self.store_regs = (), ()
        self.base, self.index, self.writeback = None, None, bool(ci.writeback)
        self.target = None       # direct branch target
        self.cbz = None          # (register, branch-if-nonzero) for CBZ/CBNZ
        self.is_branch = bool(_BRANCH_GROUPS.intersection(ci.groups)) or "pc" in self.writes
        self._operands(ci)

    def _operands(self, ci):
        ops = ci.operands
        if ci.id in (arm.ARM_INS_CBZ, arm.ARM_INS_CBNZ):
            self.cbz = (_REGS[ops[0].reg], ci.id == arm.ARM_INS_CBNZ)
            self.target = ops[1].imm
            return
        if ci.id == arm.ARM_INS_MSR and ops and ops[0].type == arm.ARM_OP_SYSREG:
            if ops[0].reg in _SP_SYSREGS:
                self.sp_write = _SP_SYSREGS[ops[0].reg]
                self.writes.add(self.sp_write)
            elif ops[0].reg in _FLAG_SYSREGS:
                self.writes.add(FLAGS)
            return
        if ci.id in (arm.ARM_INS_B, arm.ARM_INS_BL) and ops and ops[0].type == arm.ARM_OP_IMM:
            self.target = ops[0].imm
            return
        if ci.id in _MULTI_LOADS or ci.id in _MULTI_STORES:
            if ci.id in _STACK_MULTI:
                self.base, regs = "sp", [_REGS[o.reg] for o in ops]
                self.writeback = True
            else:
                self.base, regs = _REGS[ops[0].reg], [_REGS[o.reg] for o in ops[1:]]
            if ci.id in _MULTI_LOADS:
                self.load_regs = tuple(regs)
            else:
                self.store_regs = tuple(regs)
            return
        mem = [n for n, o in enumerate(ops) if o.type == arm.ARM_OP_MEM]
        if not mem:
            return
        m = ops[mem[0]].mem
        self.base = _REGS.get(m.base)
        self.index = _REGS.get(m.index)
        data = [_REGS[o.reg] for o in ops[:mem[0]] if o.type == arm.ARM_OP_REG and o.reg in _REGS]
        loaded = tuple(r for r in data if r in self.writes)
        if loaded:
            self.load_regs = loaded
        else:
            self.store_regs = tuple(r for r in data if r in self.reads)

    @property
    def is_store(self):
        return bool(self.store_regs)

    def address_regs(self):
        return {r for r in (self.base, self.index) if r and r != "pc"}

    def value_sources(self, reg):
        """The registers whose values `reg` gets after this instruction, when it is not loaded from
        memory. A load's data registers come from memory (see the dataflow module)."""
        if reg in self.load_regs:
            return set()
        if reg == self.base and self.writeback:
            return {self.base} | ({self.index} if self.index else set())
        return set(self.reads) - (self.address_regs() if self.is_store else set())


def passes(cond, xpsr):
    """Whether condition code `cond` passes with the flags of `xpsr` (None when unknown)."""
    if cond is None:
        return True
    if xpsr is None:
        return None
    return bool(_CONDITIONS[cond](bool(xpsr >> 31 & 1), bool(xpsr >> 30 & 1),
                                  bool(xpsr >> 29 & 1), bool(xpsr >> 28 & 1)))


def condition_name(cond):
    return {v: k[len("ARM_CC_"):].lower() for k, v in vars(arm).items()
            if k.startswith("ARM_CC_")}.get(cond, "?")


def it_block_length(code):
    """Number of instructions an IT instruction governs (ARMv7-M ARM A7.7.38: the position of the
    lowest set bit of its mask)."""
    mask = int.from_bytes(code[:2], "little") & 0xF
    return 4 - ((mask & -mask).bit_length() - 1) if mask else 0


class Decoder:
    """Decodes the steps of a trace in order, carrying IT-block context from step to step."""

    def __init__(self):
        self._cache = {}
        self._it = None          # (address of the IT, bytes from it up to the next instruction, left)

    def decode(self, pc, code):
        prefix_pc, prefix, left = self._it if self._it else (pc, b"", 0)
        if left and prefix_pc + len(prefix) != pc:
            prefix_pc, prefix, left = pc, b"", 0       # execution left the block (an exception)
        key = (prefix_pc, prefix, code)
        insn = self._cache.get(key)
        if insn is None:
            decoded = list(_MD.disasm(prefix + code, prefix_pc))
            insn = Insn(decoded[-1], pc) if decoded and decoded[-1].address == pc else None
            if insn is not None and insn.is_it:
                insn.it_count = it_block_length(code)
            self._cache[key] = insn
        if insn is not None and insn.is_it:
            self._it = (pc, code, insn.it_count)
        elif left > 1:
            self._it = (prefix_pc, prefix + code, left - 1)
        else:
            self._it = None
        return insn
