"""TEST FIXTURE, not part of the product: a tiny Thumb interpreter that runs machine code assembled
by arm-none-eabi-as and records what it did as a `bootjump-trace/1` file, standing in for
bootjump-emu + the GDB tracer until those exist (see tracegen.py and real_traces.py).

It implements only the instructions the fixture programs use, decodes with capstone on its own
(no code shared with reports/, so a decoding mistake there is not mirrored here), and stops the way
the tracer is specified to stop: PC back in user flash, a short loop polling a peripheral, a fault,
a reset request, or a step limit.
"""
import capstone
from capstone import arm

from traces.schema import hexnum

TRACKED = ["r%d" % n for n in range(13)] + ["sp", "lr", "xpsr", "msp", "psp", "primask", "control"]
_R = {getattr(arm, "ARM_REG_R%d" % n): "r%d" % n for n in range(13)}
_R.update({arm.ARM_REG_SP: "sp", arm.ARM_REG_LR: "lr", arm.ARM_REG_PC: "pc"})
_SIZES = {arm.ARM_INS_LDR: 4, arm.ARM_INS_STR: 4, arm.ARM_INS_LDRB: 1, arm.ARM_INS_STRB: 1,
          arm.ARM_INS_LDRH: 2, arm.ARM_INS_STRH: 2, arm.ARM_INS_LDRD: 8, arm.ARM_INS_STRD: 8}
_LOADS = {arm.ARM_INS_LDR, arm.ARM_INS_LDRB, arm.ARM_INS_LDRH, arm.ARM_INS_LDRD}
AIRCR = 0xE000ED0C


class Stop(Exception):
    def __init__(self, exit, reason, pc, fault=None):
        super().__init__(reason)
        self.exit, self.reason, self.pc, self.fault = exit, reason, pc, fault


class Machine:
    def __init__(self, part, rom, flash, peripherals, sram_init=None):
        self.part = part
        self.rom = bytes(rom)
        self.flash = bytearray(flash)
        self.sram = bytearray(sram_init or b"\0" * part.sram.size)
        self.periph = peripherals          # addr -> int, or callable(machine) -> int
        self.stored = {}                   # peripheral writes
        self.r = {name: 0 for name in TRACKED}
        self.r["xpsr"] = 0x01000000
        self.pc = 0
        self.md = capstone.Cs(capstone.CS_ARCH_ARM, capstone.CS_MODE_THUMB | capstone.CS_MODE_MCLASS)
        self.md.detail = True
        self.md.syntax = capstone.CS_OPT_SYNTAX_NOREGNAME
        self.it = None                     # (address of IT, instructions left)
        self.mem_log = []
        self.visits = {}
        self.pending = None                # a Stop raised by the last instruction

    # ---- memory ---------------------------------------------------------------------------------
    def _where(self, addr):
        p = self.part
        if addr in p.system_memory:
            return self.rom, addr - p.system_memory.base, False
        if addr in p.flash:
            return self.flash, addr - p.flash.base, False
        if addr < p.flash.size:
            return self.flash, addr, False          # the boot alias maps user flash (no remap)
        if addr in p.sram:
            return self.sram, addr - p.sram.base, True
        return None, addr, True

    def read(self, addr, size, log=True):
        buf, off, _ = self._where(addr)
        if buf is not None:
            value = int.from_bytes(buf[off:off + size], "little")
        else:
            v = self.periph.get(addr, self.stored.get(addr, 0))
            value = v(self) if callable(v) else v
        if log:
            self.mem_log.append({"op": "r", "addr": hexnum(addr), "size": size, "value": hexnum(value)})
        return value

    def write(self, addr, size, value):
        value &= (1 << (8 * size)) - 1
        self.mem_log.append({"op": "w", "addr": hexnum(addr), "size": size, "value": hexnum(value)})
        buf, off, writable = self._where(addr)
        if buf is not None:
            if writable:
                buf[off:off + size] = value.to_bytes(size, "little")
        else:
            self.stored[addr] = value
            if addr == AIRCR and value >> 16 == 0x05FA and value & 4:
                raise Stop("reset", "SYSRESETREQ written to AIRCR: the target reset", None)

    # ---- registers and flags --------------------------------------------------------------------
    def get(self, op, ci):
        if op.type == arm.ARM_OP_IMM:
            return op.imm & 0xFFFFFFFF
        name = _R[op.reg]
        return (ci.address + 4) if name == "pc" else self.r[name]

    def set(self, name, value):
        value &= 0xFFFFFFFF
        self.r[name] = value
        if name == "sp":
            self.r["msp"] = value

    def flags(self, n=None, z=None, c=None, v=None):
        x = self.r["xpsr"]
        for bit, val in ((31, n), (30, z), (29, c), (28, v)):
            if val is not None:
                x = (x | 1 << bit) if val else (x & ~(1 << bit))
        self.r["xpsr"] = x

    def cond(self, cc):
        x = self.r["xpsr"]
        n, z, c, v = (x >> 31) & 1, (x >> 30) & 1, (x >> 29) & 1, (x >> 28) & 1
        return {arm.ARM_CC_AL: True, arm.ARM_CC_INVALID: True, arm.ARM_CC_EQ: z, arm.ARM_CC_NE: not z,
                arm.ARM_CC_HS: c, arm.ARM_CC_LO: not c, arm.ARM_CC_MI: n, arm.ARM_CC_PL: not n,
                arm.ARM_CC_HI: c and not z, arm.ARM_CC_LS: not c or z, arm.ARM_CC_GE: n == v,
                arm.ARM_CC_LT: n != v, arm.ARM_CC_GT: not z and n == v,
                arm.ARM_CC_LE: z or n != v}[cc]

    # ---- execution ------------------------------------------------------------------------------
    def fetch(self):
        code = bytes(self.read(self.pc + k, 1, log=False) for k in range(4))
        start = self.it[0] if self.it else self.pc
        prefix = bytes(self.read(start + k, 1, log=False) for k in range(self.pc - start))
        decoded = [ci for ci in self.md.disasm(prefix + code, start) if ci.address <= self.pc]
        if not decoded or decoded[-1].address != self.pc:
            raise Stop("fault", "undefined instruction at %s" % hexnum(self.pc), self.pc,
                       {"pc": hexnum(self.pc), "ipsr": 3, "lockup": False})
        return decoded[-1]

    def step(self):
        ci = self.fetch()
        self.mem_log = []
        before = dict(self.r)
        in_it = self.it is not None
        next_pc = self.pc + ci.size
        if ci.id == arm.ARM_INS_IT:
            mask = ci.bytes[0] & 0xF
            self.it = (self.pc, 4 - ((mask & -mask).bit_length() - 1))
        elif in_it:
            left = self.it[1] - 1
            self.it = (self.it[0], left) if left else None
        if ci.id == arm.ARM_INS_IT or self.cond(ci.cc):
            try:
                next_pc = self._execute(ci, next_pc)
            except Stop as stop:       # the instruction retired; the tracer stops after it
                self.pending = stop
                next_pc = stop.pc if stop.pc is not None else next_pc
        record = {"pc": hexnum(self.pc), "bytes": ci.bytes.hex(),
                  "insn": ("%s %s" % (ci.mnemonic, ci.op_str)).strip(),
                  "regs": {k: hexnum(v) for k, v in self.r.items() if before[k] != v},
                  "mem": self.mem_log}
        self.pc = next_pc
        return record

    def _execute(self, ci, next_pc):
        i, ops = ci.id, ci.operands
        if i in _SIZES:
            return self._to_regs(*self._load_store(ci, ops), next_pc)
        if i in (arm.ARM_INS_PUSH, arm.ARM_INS_POP):
            return self._push_pop(ci, ops, next_pc)
        if i in (arm.ARM_INS_LDM, arm.ARM_INS_STM):
            return self._multiple(ci, ops, next_pc)
        if i in (arm.ARM_INS_B, arm.ARM_INS_BL):
            if i == arm.ARM_INS_BL:
                self.set("lr", next_pc | 1)
            return ops[0].imm
        if i in (arm.ARM_INS_BX, arm.ARM_INS_BLX):
            target = self.get(ops[0], ci)
            if i == arm.ARM_INS_BLX:
                self.set("lr", next_pc | 1)
            return self._interwork(target)
        if i in (arm.ARM_INS_CBZ, arm.ARM_INS_CBNZ):
            zero = self.get(ops[0], ci) == 0
            return ops[1].imm if zero == (i == arm.ARM_INS_CBZ) else next_pc
        if i == arm.ARM_INS_MSR:
            self.set("sp", self.get(ops[1], ci))
            return next_pc
        if i in (arm.ARM_INS_NOP, arm.ARM_INS_IT):
            return next_pc
        self._alu(ci, ops)
        return next_pc

    def _interwork(self, target):
        if not target & 1:      # ARMv6-M/v7-M: a BX to an even address faults (INVSTATE)
            raise Stop("fault", "INVSTATE: branch to %s without the Thumb bit" % hexnum(target),
                       target, {"pc": hexnum(target), "ipsr": 3, "lockup": False})
        return target & ~1

    def _address(self, ci, mem):
        base = (ci.address + 4) & ~3 if mem.base == arm.ARM_REG_PC else self.r[_R[mem.base]]
        index = self.r[_R[mem.index]] if mem.index else 0
        return (base + index + mem.disp) & 0xFFFFFFFF, base

    def _load_store(self, ci, ops):
        m = [o for o in ops if o.type == arm.ARM_OP_MEM][0]
        addr, base = self._address(ci, m.mem)
        post = [o for o in ops[ops.index(m) + 1:] if o.type == arm.ARM_OP_IMM]
        if post:
            addr = base
        regs = [_R[o.reg] for o in ops[:ops.index(m)]]
        size = _SIZES[ci.id]
        words = [(addr + 4 * k, 4) for k in range(2)] if size == 8 else [(addr, size)]
        if ci.id in _LOADS:
            values = [self.read(a, n) for a, n in words]
        else:
            for reg, (a, n) in zip(regs, words):
                self.write(a, n, self.r[reg])
            regs, values = [], []
        if post:
            self.set(_R[m.mem.base], base + post[0].imm)
        elif ci.writeback:
            self.set(_R[m.mem.base], addr)
        return regs, values

    def _to_regs(self, regs, values, next_pc):
        for reg, value in zip(regs, values):
            if reg == "pc":
                return self._interwork(value)
            self.set(reg, value)
        return next_pc

    def _push_pop(self, ci, ops, next_pc):
        regs = [_R[o.reg] for o in ops]
        sp = self.r["sp"]
        if ci.id == arm.ARM_INS_PUSH:
            sp -= 4 * len(regs)
            for k, reg in enumerate(regs):
                self.write(sp + 4 * k, 4, self.r[reg])
            self.set("sp", sp)
            return next_pc
        values = [self.read(sp + 4 * k, 4) for k in range(len(regs))]
        self.set("sp", sp + 4 * len(regs))
        return self._to_regs(regs, values, next_pc)

    def _multiple(self, ci, ops, next_pc):
        base, regs = _R[ops[0].reg], [_R[o.reg] for o in ops[1:]]
        addr = self.r[base]
        if ci.id == arm.ARM_INS_STM:
            for k, reg in enumerate(regs):
                self.write(addr + 4 * k, 4, self.r[reg])
            values, regs = [], []
        else:
            values = [self.read(addr + 4 * k, 4) for k in range(len(regs))]
        if ci.writeback:
            self.set(base, addr + 4 * len(ops[1:]))
        return self._to_regs(regs, values, next_pc)

    def _alu(self, ci, ops):
        i = ci.id
        if i in (arm.ARM_INS_CMP, arm.ARM_INS_CMN, arm.ARM_INS_TST):
            a, b = self.get(ops[0], ci), self.get(ops[1], ci)
            {arm.ARM_INS_CMP: self._sub, arm.ARM_INS_CMN: self._add, arm.ARM_INS_TST: self._and}[i](a, b, True)
            return
        if i == arm.ARM_INS_UXTB:
            self.set(_R[ops[0].reg], self.get(ops[1], ci) & 0xFF)
            return
        if i in (arm.ARM_INS_MOV, arm.ARM_INS_MVN):
            v = self.get(ops[1], ci)
            v = v if i == arm.ARM_INS_MOV else ~v & 0xFFFFFFFF
            if ci.update_flags:
                self.flags(n=v >> 31, z=v == 0)
            self.set(_R[ops[0].reg], v)
            return
        a, b = (self.get(ops[0], ci), self.get(ops[1], ci)) if len(ops) == 2 else (
            self.get(ops[1], ci), self.get(ops[2], ci))
        fn = {arm.ARM_INS_ADD: self._add, arm.ARM_INS_SUB: self._sub, arm.ARM_INS_AND: self._and,
              arm.ARM_INS_ORR: self._orr, arm.ARM_INS_EOR: self._eor, arm.ARM_INS_LSL: self._lsl,
              arm.ARM_INS_LSR: self._lsr, arm.ARM_INS_BIC: self._bic, arm.ARM_INS_ADC: self._adc,
              arm.ARM_INS_RSB: lambda x, y, f: self._sub(y, x, f)}.get(i)
        if fn is None:
            raise NotImplementedError("thumbsim does not implement %s %s" % (ci.mnemonic, ci.op_str))
        self.set(_R[ops[0].reg], fn(a, b, ci.update_flags))

    def _add(self, a, b, s):
        r = a + b
        if s:
            res = r & 0xFFFFFFFF
            self.flags(res >> 31, res == 0, r > 0xFFFFFFFF, ((a ^ res) & (b ^ res)) >> 31)
        return r

    def _adc(self, a, b, s):
        carry = (self.r["xpsr"] >> 29) & 1
        r = a + b + carry
        if s:
            res = r & 0xFFFFFFFF
            self.flags(res >> 31, res == 0, r > 0xFFFFFFFF, ((a ^ res) & (b ^ res)) >> 31)
        return r

    def _bic(self, a, b, s):
        return self._logic(a & ~b & 0xFFFFFFFF, s)

    def _sub(self, a, b, s):
        res = (a - b) & 0xFFFFFFFF
        if s:
            self.flags(res >> 31, res == 0, a >= b, ((a ^ b) & (a ^ res)) >> 31)
        return res

    def _logic(self, res, s):
        if s:
            self.flags(n=res >> 31, z=res == 0)
        return res

    def _and(self, a, b, s):
        return self._logic(a & b, s)

    def _orr(self, a, b, s):
        return self._logic(a | b, s)

    def _eor(self, a, b, s):
        return self._logic(a ^ b, s)

    def _lsl(self, a, b, s):
        res = (a << b) & 0xFFFFFFFF
        if s:
            self.flags(res >> 31, res == 0, (a >> (32 - b)) & 1 if b else None)
        return res

    def _lsr(self, a, b, s):
        res = a >> b
        if s:
            self.flags(res >> 31, res == 0, (a >> (b - 1)) & 1 if b else None)
        return res

    # ---- the tracer's stop rules ----------------------------------------------------------------
    def idle(self, window):
        """The same short loop polling a peripheral, seen three times: the tracer's idle rule."""
        n = self.visits.get(self.pc, 0) + 1
        self.visits[self.pc] = n
        return n >= 3 and window


def run(machine, writer, max_steps=2000):
    """Single-step `machine` from its current PC, writing each step; returns nothing, writes the end."""
    p = machine.part
    been_in_rom = False
    recent = []
    try:
        for _ in range(max_steps):
            pc = machine.pc
            been_in_rom |= pc in p.system_memory
            record = machine.step()
            record["region"] = p.region_of(pc)
            writer.step(record)
            if machine.pending:
                raise machine.pending
            recent = (recent + [record])[-8:]
            new = machine.pc
            if been_in_rom and p.region_of(new) in ("flash", "flash-alias"):
                raise Stop("user-flash", "PC %s is in user flash after %d steps"
                           % (hexnum(new), writer.steps), new)
            polled = any(a["op"] == "r" and p.region_of(int(a["addr"], 16)) == "peripheral"
                         for rec in recent for a in rec["mem"])
            if new in p.system_memory and new < pc and machine.idle(polled):
                raise Stop("bootloader-idle", "the ROM polls a peripheral in the loop at %s"
                           % hexnum(new), new)
        raise Stop("limit", "the step limit %d was reached" % max_steps, machine.pc)
    except NotImplementedError as e:
        stop = Stop("interrupted", "the test fixture stopped: %s" % e, machine.pc)
        writer.end(stop.exit, stop.reason, pc=hexnum(machine.pc))
        return
    except Stop as stop:
        pc = stop.pc if stop.pc is not None else machine.pc
        writer.end(stop.exit, stop.reason, pc=hexnum(pc & ~1),
                   registers={k: hexnum(v) for k, v in machine.r.items()}, fault=stop.fault)
