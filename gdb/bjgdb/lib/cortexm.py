"""The Cortex-M core as the tracer sees it: the xPSR's fields, the exception model and the debug
registers it reads. Every address, bit, field and value comes from the part database (`cores` and
`architectures` in parts/stm32.json); this module only says how they are used. Each is taken where
every core and architecture that has it agrees (the database's validator makes them agree), so one
set serves every part: the xPSR's ITSTATE fields exist on ARMv7-M only, and read zero elsewhere.
[v7M] is ARM DDI 0403E (ARMv7-M ARM).
"""
import parts


def _mask(lsb, width, *_):
    return ((1 << width) - 1) << lsb


class Facts:
    def __init__(self, db):
        # CPUID names the core before the part is known: implementer and part number; variant and
        # revision differ between silicon revisions of one part.
        self.cpuid = db.core_reg("SCB.CPUID")
        self.cpuid_core_mask = _mask(*db.core_field("SCB.CPUID.IMPLEMENTER")) | _mask(*db.core_field("SCB.CPUID.PARTNO"))
        # DHCSR reports a lockup; DEMCR's vector catch halts the core when it enters HardFault.
        self.dhcsr, self.dhcsr_s_lockup = db.core_reg("DCB.DHCSR"), db.core_bit("DCB.DHCSR.S_LOCKUP")
        self.demcr, self.demcr_vc_harderr = db.core_reg("DCB.DEMCR"), db.core_bit("DCB.DEMCR.VC_HARDERR")
        self.control_npriv, self.control_spsel = db.arch_bit("CONTROL.nPRIV"), db.arch_bit("CONTROL.SPSEL")
        self.primask_pm = db.arch_bit("PRIMASK.PM")
        self.exception = db.arch_field("XPSR.EXCEPTION")
        self.itstate_1_0, self.itstate_7_2 = db.arch_field("XPSR.ITSTATE_1_0"), db.arch_field("XPSR.ITSTATE_7_2")
        self.flags = {f: db.arch_bit("XPSR." + f) for f in "NZCV"}
        numbers = db.arch_numbers("exceptions")
        self.hardfault, self.irq0 = numbers["HARDFAULT"], numbers["IRQ0"]
        # A vector table holds a word per exception number from its base, the reset vector included:
        # the ROM's entry is this far into system memory, the booted image's into the alias at 0.
        self.reset_vector = 4 * numbers["RESET"]
        self.exception_names = db.exception_names()
        # Entering an exception leaves one of these in LR; a branch to one in Handler mode returns.
        self.exc_returns = frozenset(db.arch_numbers("exc_return").values())
        # The LR a reset leaves (TakeReset): with the PC at the reset vector and no instruction that
        # explains the jump, it makes a reset recognisable from the registers on any debug link.
        self.reset_lr = db.arch_value("reset_lr")
        # Where the exception frame holds the return address (the stacked PC), from the stack
        # pointer after stacking.
        self.stacked_pc = db.arch_numbers("exception_frame")["RETURN_ADDRESS"]


_facts = None


def facts():
    """The Facts of the part database the commands load (parts.load(): read once per process)."""
    global _facts
    if _facts is None:
        _facts = Facts(parts.load())
    return _facts


def _get(value, field):
    lsb, width = field
    return (value >> lsb) & ((1 << width) - 1)


def ipsr(xpsr):
    """The exception number in xPSR (0 in Thread mode)."""
    return _get(xpsr, facts().exception)


def exception_name(number):
    f = facts()
    if number >= f.irq0:
        return "IRQ %d" % (number - f.irq0)
    return f.exception_names.get(number, "exception %d" % number)


def is_exc_return(value):
    return value in facts().exc_returns


def stacked_pc_address(sp):
    return (sp + facts().stacked_pc) & 0xFFFFFFFF


def itstate(xpsr):
    """The IT block state ITSTATE[7:0] ([v7M] A7.3.3)."""
    f = facts()
    return (_get(xpsr, f.itstate_7_2) << f.itstate_1_0[1]) | _get(xpsr, f.itstate_1_0)


def condition_passed(cond, xpsr):
    """ConditionPassed() of [v7M] A7.3.1 for a 4-bit condition and the APSR flags in xpsr."""
    n, z, c, v = (bool(xpsr & facts().flags[f]) for f in "NZCV")
    base = {0: z, 1: c, 2: n, 3: v, 4: c and not z, 5: n == v, 6: n == v and not z, 7: True}[cond >> 1]
    # Odd conditions negate the even ones, except 0b1111 which is "always" as well.
    return (not base) if (cond & 1 and cond != 0xF) else base


def in_it_block_skipped(xpsr):
    """True when ITSTATE makes the current instruction a no-op (its condition fails)."""
    it = itstate(xpsr)
    if it & 0xF == 0:
        return False
    return not condition_passed(it >> 4, xpsr)
