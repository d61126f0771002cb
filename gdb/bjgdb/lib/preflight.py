"""`bootjump preflight`: the state at the moment of the jump, checked against the known causes of a
jump to the ROM bootloader going wrong (../shared/notes/st-bootloader-facts.md §5, the jump
checklist, and AN2606 as quoted in the part database).

gather() reads what the checks need through a read(addr, size) callback: registers the debugger
can read without side effects (configuration and status registers, never a data register such as a
USART's RDR). One exception is documented where it happens: reading SYST_CSR clears its COUNTFLAG.
Each check is a pure function of the resulting Snapshot and returns one finding.
"""
from capstone import arm

from . import cortexm
from .decode import DecodeError, Decoder, reg_name, thumb_size

NOTE = "notes/st-bootloader-facts.md"
# The activation profiles whose ROM re-checks user flash when it is entered by a jump
# (emulator/rom/README and activation_*.c; AN2606 per part, quoted in the database's caveats).
EMPTY_CHECK_ON_ENTRY = ("empty-check", "empty-check-f04x")


# How far ahead of the PC preflight looks for the branch into the ROM (a jump function's
# `msr msp, r0; bx r1` is two instructions).
LOOKAHEAD = 8


class Snapshot:
    """Registers, the straight-line code from the PC and the memory words the checks look at."""

    def __init__(self, db, part, regs, code, words):
        self.db, self.part, self.regs, self.code, self.words = db, part, regs, code, words

    def word(self, addr):
        return None if addr is None else self.words.get(addr)

    def reg(self, path):
        """Value of a part register "PERIPH.REG", or None (unknown to the database, or unreadable)."""
        try:
            return self.word(self.part.reg_addr(path))
        except KeyError:
            return None

    def reset_value(self, path):
        """The database's reset value of a part register "PERIPH.REG"."""
        per, reg = path.split(".")
        ip = self.db.ip[self.part.raw["peripherals"][per]["ip"]]
        return int(ip["registers"][reg]["reset"], 16)

    def bit(self, path):
        """True/False for "PERIPH.REG.BIT", None when it cannot be known."""
        value = self.reg(path.rsplit(".", 1)[0])
        try:
            return None if value is None else bool(value & self.part.bit(path))
        except KeyError:
            return None


def addresses(db, part):
    """Every word the checks read."""
    p = part
    out = [p.system_memory.base, p.system_memory.base + cortexm.facts().reset_vector, p.flash.base] + \
        [b.base for b in p.banks]
    for path in ("SCB.VTOR", "SYST.CSR"):
        out.append(db.core_reg(path, p.core))
    for kind in ("ISER", "ISPR"):
        out += [addr for addr, _ in nvic_words(db, p, kind)]
    remap = p.raw["remap"]
    for path in ("RCC.CFGR", "RCC.CR", "RCC.CSR", "IWDG.PR", "IWDG.RLR", remap and remap["register"],
                 p.raw["boot"]["option_register"], _boot0_pin(p)[0]):
        if path is None:
            continue    # the part has no such register (F1: no remap, no option register)
        try:
            out.append(p.reg_addr(path))
        except KeyError:
            pass
    return sorted({a for a in out if a is not None})


# NVIC_ISERn, NVIC_ISPRn, ...: bit b of the n-th register is IRQ 32n + b, one bit per IRQ in a
# 32-bit register ([v6M] B3.4.2, [v7M] B3.4.3). Where the registers are, how many and how far apart
# is the core's NVIC in the part database.
IRQS_PER_REGISTER = 32


def nvic_words(db, part, name):
    """[(address, first IRQ)] of the NVIC_<name>n registers covering the part's IRQs (nvic_irqs)."""
    nvic = db.raw["cores"][part.core]["peripherals"]["NVIC"]
    desc = db.ip[nvic["ip"]]["registers"][name]
    base, stride = db.core_reg("NVIC." + name, part.core), desc.get("stride", 4)
    count = min(desc.get("count", 1), -(-part.raw["nvic_irqs"] // IRQS_PER_REGISTER))
    return [(base + stride * k, IRQS_PER_REGISTER * k) for k in range(count)]


def gather(db, part, regs, read):
    """A Snapshot of the target: read(addr, size) returns bytes or None."""
    words = {}
    for addr in addresses(db, part):
        data = read(addr, 4)
        words[addr] = None if data is None else int.from_bytes(data, "little")
    return Snapshot(db, part, regs, _code(regs["pc"] & ~1, read), words)


def _code(pc, read):
    """Up to LOOKAHEAD instructions from pc, as far as memory can be read and decoded."""
    decoder, out = Decoder(), []
    for _ in range(LOOKAHEAD):
        first = read(pc, 2)
        if first is None:
            break
        code = first if thumb_size(int.from_bytes(first, "little")) == 2 else read(pc, 4)
        if code is None:
            break
        try:
            out.append(decoder.decode(pc, code))
        except DecodeError:     # the lookahead cannot follow it (the core normally faults there)
            break
        pc += len(code)
    return out


def finding(check, status, message, source):
    return {"check": check, "status": status, "message": message, "source": source}


# ---- the checks, in the order of the jump checklist ---------------------------------------------

def branch_target(s):
    """The branch into the ROM: to its reset vector, with the Thumb bit."""
    src = "%s §5.7; DDI0419 A6.7.15 (BX: bit 0 of the target selects Thumb)" % NOTE
    target, _ = jump(s)
    if target is None:
        return finding("branch-target", "warn", "no branch with a known target within %d instructions of the PC "
                       "0x%08x: run preflight at (or just before) the branch into the ROM to check its target"
                       % (LOOKAHEAD, s.regs["pc"]), src)
    vector = s.part.system_memory.base + cortexm.facts().reset_vector
    entry = s.word(vector)
    if not target & 1:
        return finding("branch-target", "fail", "the branch goes to 0x%08x without the Thumb bit: the core "
                       "faults (INVSTATE) on the first instruction there" % target, src)
    if entry is not None and target & ~1 != entry & ~1:
        if s.part.bootloader_id_address is not None and target & ~1 == s.part.bootloader_id_address & ~1:
            what = "the bootloader ID byte's address (AN2606 §4.2), not code"
        else:
            what = "not the ROM's reset vector"
        return finding("branch-target", "fail", "the branch goes to 0x%08x, %s; the ROM starts at 0x%08x "
                       "(the word at 0x%08x)" % (target, what, entry, vector), src)
    return finding("branch-target", "pass", "the branch goes to the ROM's reset vector 0x%08x" % target, src)


def jump(s):
    """(branch target, MSP at the branch) from the straight-line code at the PC: the first branch's
    target when the instructions before it leave its register alone, and the MSP an `msr msp, rN`
    on the way sets. (None, MSP) when no such branch is found; the MSP is None when unknown."""
    known = dict(s.regs)
    msp = s.regs.get("msp")
    for insn in s.code:
        if insn.id in (arm.ARM_INS_BX, arm.ARM_INS_BLX) and insn.cs.operands[0].type == arm.ARM_OP_REG:
            return known.get(reg_name(insn.cs.operands[0].reg)), msp
        if insn.id in (arm.ARM_INS_B, arm.ARM_INS_BL) and insn.cs.operands[0].type == arm.ARM_OP_IMM:
            # A conditional B may not be taken; only the unconditional ones tell where the jump goes.
            return (insn.cs.operands[0].imm | 1 if insn.cs.cc in (arm.ARM_CC_AL, arm.ARM_CC_INVALID)
                    else None), msp
        read, written = insn.cs.regs_access()
        names = [reg_name(r) for r in written]
        if "pc" in names:
            return None, msp        # another kind of branch (pop/ldr/mov pc): target not tracked
        ops = insn.cs.operands
        if insn.id == arm.ARM_INS_MSR and ops[0].type == arm.ARM_OP_SYSREG and ops[0].reg == arm.ARM_SYSREG_MSP:
            msp = known.get(reg_name(ops[1].reg))
        for n in names:
            known.pop(n, None)
    return None, msp


def stack_pointer(s):
    src = "%s §5.7 (set MSP from the ROM's vector table last, then branch)" % NOTE
    initial = s.word(s.part.system_memory.base)
    _, msp = jump(s)
    if initial is None or msp is None:
        return finding("msp", "warn", "cannot tell the ROM's initial stack pointer or the MSP at the branch", src)
    if msp == initial:
        return finding("msp", "pass", "MSP = 0x%08x at the branch, the ROM's initial stack pointer" % initial, src)
    return finding("msp", "warn", "MSP = 0x%08x at the branch, not the ROM's initial stack pointer 0x%08x"
                   % (msp, initial), src)


def primask(s):
    src = "%s §5.4; AN2606 §4.1 (re-enable interrupts before jumping)" % NOTE
    if s.regs.get("primask", 0) & cortexm.facts().primask_pm:
        return finding("primask", "warn", "PRIMASK = 1: interrupts stay disabled in the ROM, which does "
                       "not re-enable them (bootloaders that use interrupts, e.g. USB DFU, then fail)", src)
    return finding("primask", "pass", "PRIMASK = 0", src)


def interrupts(s):
    src = "%s §5.4; AN2606 §4.1 (disable interrupts, clear pending interrupts)" % NOTE
    enabled, pending = [], []
    for (iser, first), (ispr, _) in zip(nvic_words(s.db, s.part, "ISER"), nvic_words(s.db, s.part, "ISPR")):
        e, p = s.word(iser), s.word(ispr)
        if e is None or p is None:
            return finding("interrupts", "warn", "cannot read NVIC_ISER/ISPR", src)
        enabled += [first + b for b in range(IRQS_PER_REGISTER) if e >> b & 1]
        pending += [first + b for b in range(IRQS_PER_REGISTER) if p >> b & 1]
    masked = s.regs.get("primask", 0) & cortexm.facts().primask_pm
    both = sorted(set(enabled) & set(pending))
    if both and not masked:
        return finding("interrupts", "fail", "IRQ %s enabled and pending with PRIMASK = 0: it is taken as "
                       "soon as the ROM runs, through the vector table in force" % _irqs(both), src)
    if enabled or pending:
        return finding("interrupts", "warn", "IRQs left enabled (%s) or pending (%s): clear NVIC_ICER and "
                       "NVIC_ICPR before the jump" % (_irqs(enabled), _irqs(pending)), src)
    return finding("interrupts", "pass", "no IRQ enabled or pending in the NVIC", src)


def _irqs(numbers):
    return ", ".join(str(n) for n in numbers) or "none"


def systick(s):
    src = "%s §5.5 (zero SYST_CSR, SYST_RVR, SYST_CVR)" % NOTE
    csr = s.word(s.db.core_reg("SYST.CSR", s.part.core))
    if csr is None:
        return finding("systick", "warn", "cannot read SYST_CSR", src)
    enable = csr & s.db.core_bit("SYST.CSR.ENABLE", s.part.core)
    tickint = csr & s.db.core_bit("SYST.CSR.TICKINT", s.part.core)
    if enable and tickint:
        return finding("systick", "fail", "SysTick is running with its interrupt on (SYST_CSR = 0x%08x): it "
                       "fires inside the ROM, which uses SysTick itself" % csr, src)
    if enable:
        return finding("systick", "warn", "SysTick is running (SYST_CSR = 0x%08x); the ROM's timing starts "
                       "from where it stands" % csr, src)
    return finding("systick", "pass", "SysTick is stopped", src)


def vector_table(s):
    src = "%s §5.3 (remap system memory at 0, or VTOR)" % NOTE
    sysmem = s.part.system_memory
    vtor_addr = s.db.core_reg("SCB.VTOR", s.part.core)
    vtor = 0 if vtor_addr is None else s.word(vtor_addr)
    if vtor is None:
        return finding("vector-table", "warn", "cannot read VTOR", src)
    if vtor and vtor in sysmem:
        return finding("vector-table", "pass", "VTOR = 0x%08x, the ROM's vector table" % vtor, src)
    if vtor:
        return finding("vector-table", "warn", "VTOR = 0x%08x: exceptions inside the ROM would use that table, "
                       "not the ROM's" % vtor, src)
    remap = s.part.raw["remap"]
    if remap is None:
        return finding("vector-table", "warn", "VTOR = 0 and %s has no remap register: exceptions inside the "
                       "ROM would use the table the boot pins put at 0; set VTOR to 0x%08x"
                       % (s.part.name, sysmem.base), src)
    value = s.reg(remap["register"])
    if value is None:
        return finding("vector-table", "warn", "vectors come from address 0, and %s cannot be read to tell "
                       "what is mapped there" % remap["register"], src)
    lsb, width, values = s.part.field("%s.%s" % (remap["register"], remap["field"]))
    mode = (value >> lsb) & ((1 << width) - 1)
    if mode == values[remap["system_memory"]]:
        return finding("vector-table", "pass", "system memory is mapped at 0 (%s.%s = %d)"
                       % (remap["register"], remap["field"], mode), src)
    return finding("vector-table", "warn", "%s.%s = %d: address 0 still shows %s, so exceptions inside the "
                   "ROM would use your vector table" % (remap["register"], remap["field"], mode,
                                                        _name_of(values, mode)), src)


def _name_of(values, number):
    return next((k for k, v in values.items() if v == number), "mode %d" % number)


def control(s):
    src = "%s §5.7 (back to MSP and privileged mode)" % NOTE
    value = s.regs.get("control", 0)
    problems = []
    if value & cortexm.facts().control_spsel:
        problems.append("the stack pointer is PSP (CONTROL.SPSEL = 1)")
    if value & cortexm.facts().control_npriv:
        problems.append("the code is unprivileged (CONTROL.nPRIV = 1)")
    if problems:
        return finding("control", "fail", "%s: the ROM expects MSP and privileged mode" % " and ".join(problems), src)
    return finding("control", "pass", "CONTROL = 0x%x: MSP, privileged" % value, src)


def clock(s):
    src = "%s §5.6 (reset clocks: HSI/MSI, PLL and HSE off)" % NOTE
    reset_source = s.part.raw["clock"]["reset_source"]
    cfgr = s.reg("RCC.CFGR")
    try:
        lsb, width, values = s.part.field("RCC.CFGR.SWS")
    except KeyError:
        return finding("clock", "warn", "the part database has no RCC_CFGR.SWS for %s: not checked" % s.part.name, src)
    if cfgr is None:
        return finding("clock", "warn", "cannot read RCC_CFGR", src)
    sws = (cfgr >> lsb) & ((1 << width) - 1)
    problems = []
    if sws != values.get(reset_source):
        problems.append("the system clock is %s, not the reset clock %s" % (_name_of(values, sws), reset_source))
    for bit in ("PLLON", "HSEON"):
        if s.bit("RCC.CR." + bit):
            problems.append("RCC_CR.%s = 1" % bit)
    if problems:
        return finding("clock", "warn", "; ".join(problems), src)
    return finding("clock", "pass", "running on %s, the reset clock; PLL and HSE off" % reset_source, src)


def watchdog(s):
    src = "%s §5.8 (a started IWDG cannot be stopped)" % NOTE
    options = s.part.raw["boot"]["option_register"]
    if options and s.bit("%s.WDG_SW" % options) is False:
        return finding("iwdg", "fail", "the option bytes select the hardware watchdog (WDG_SW = 0): the IWDG "
                       "runs from reset and the ROM must refresh it", src)
    lsion, lsirdy = s.bit("RCC.CSR.LSION"), s.bit("RCC.CSR.LSIRDY")
    if lsirdy and lsion is False:
        return finding("iwdg", "fail", "the LSI runs although RCC_CSR.LSION = 0: only a started IWDG forces "
                       "it on, so the watchdog runs and will reset the chip inside the ROM", src)
    pr, rlr = s.reg("IWDG.PR"), s.reg("IWDG.RLR")
    if pr is not None and rlr is not None:
        if pr != s.reset_value("IWDG.PR") or rlr != s.reset_value("IWDG.RLR"):
            return finding("iwdg", "warn", "IWDG_PR = 0x%x, IWDG_RLR = 0x%x differ from their reset values: the "
                           "watchdog was configured, and may be running" % (pr, rlr), src)
    return finding("iwdg", "pass", "no sign of a running IWDG (hardware option off, LSI as configured, "
                   "prescaler and reload at reset values)", src)


def _boot0_pin(part):
    """("GPIOx.IDR", mask) of the BOOT0 pin the ROM reads (boot.boot0_gpio, e.g. "PB8"), or (None, 0)."""
    pin = part.raw["boot"].get("boot0_gpio")
    return ("GPIO%s.IDR" % pin[1], 1 << int(pin[2:])) if pin else (None, 0)


def _f04x_escape(s):
    """Why an STM32F04x ROM runs although word 0 is programmed (AN2606's second and third
    conditions, as emulator/rom and reports/expectations.py take them), or None."""
    boot = s.part.raw["boot"]
    bit = boot["option_bits"].get("BOOT_SEL")
    if bit and s.bit("%s.%s" % (boot["option_register"], bit)) is False:
        return "%s.BOOT_SEL = 0" % boot["option_register"]
    register, mask = _boot0_pin(s.part)
    value = register and s.reg(register)
    if value is not None and value & mask:
        return "the BOOT0 pin %s is high (%s)" % (boot["boot0_gpio"], register)
    return None


def flash_word0(s):
    erased = int(s.part.raw["flash"]["erased"], 16)
    caveat = "; ".join(c["source"] for c in s.part.raw["caveats"]) or "AN2606"
    src = "%s §5.1; %s" % (NOTE, caveat)
    if s.part.profile not in EMPTY_CHECK_ON_ENTRY:
        return finding("flash-word0", "pass", "%s's ROM does not re-check user flash when entered by a jump "
                       "(profile %s)" % (s.part.name, s.part.profile), src)
    word0 = s.word(s.part.flash.base)
    if word0 is None:
        return finding("flash-word0", "warn", "cannot read 0x%08x" % s.part.flash.base, src)
    escape = _f04x_escape(s) if s.part.profile == "empty-check-f04x" and word0 != erased else None
    if escape:
        return finding("flash-word0", "pass", "0x%08x = 0x%08x is not erased, but %s: the ROM's empty check "
                       "lets it run" % (s.part.flash.base, word0, escape), src)
    if word0 != erased:
        return finding("flash-word0", "fail", "the ROM's empty check reads 0x%08x = 0x%08x (erased is 0x%08x) "
                       "and branches back to user flash" % (s.part.flash.base, word0, erased), src)
    return finding("flash-word0", "pass", "0x%08x is erased (0x%08x): the empty check lets the ROM run"
                   % (s.part.flash.base, word0), src)


def boot_options(s):
    src = "%s §5.10; AN2606 Table 2 (pattern %s)" % (NOTE, s.part.raw["activation"]["pattern"])
    register = s.part.raw["boot"]["option_register"]
    bits = s.part.raw["boot"]["option_bits"]
    if register is None or "nBOOT1" not in bits:
        return finding("boot-options", "pass", "%s has no nBOOT1 option bit to check" % s.part.name, src)
    value = s.bit("%s.%s" % (register, bits["nBOOT1"]))
    if value is None:
        return finding("boot-options", "warn", "cannot read %s" % register, src)
    if not value:
        return finding("boot-options", "fail", "%s.nBOOT1 = 0: the boot pins select SRAM, not system memory, "
                       "and the ROM's boot-mode checks follow them" % register, src)
    return finding("boot-options", "pass", "%s.nBOOT1 = 1" % register, src)


def dual_bank(s):
    src = "%s §5.2; AN2606 §4.1" % NOTE
    if s.part.profile != "dual-bank":
        return finding("dual-bank", "pass", "%s has no dual-bank boot (profile %s)" % (s.part.name, s.part.profile), src)
    sram = s.part.sram
    valid = []
    for n, bank in reversed(list(enumerate(s.part.banks, 1))):
        sp = s.word(bank.base)
        if sp is not None and sram.base <= sp <= sram.end:
            valid.append("bank %d at 0x%08x (initial SP 0x%08x)" % (n, bank.base, sp))
    if valid:
        return finding("dual-bank", "fail", "the ROM's dual-bank check starts valid code in %s"
                       % " and ".join(valid), src)
    return finding("dual-bank", "pass", "neither bank holds an initial SP in SRAM: the ROM runs", src)


CHECKS = (branch_target, stack_pointer, primask, interrupts, systick, vector_table, control, clock,
          watchdog, flash_word0, boot_options, dual_bank)


def run(snapshot):
    return [check(snapshot) for check in CHECKS]
