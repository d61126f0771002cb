"""The Cortex-M core as the tracer sees it: xPSR fields, reset and exception facts, and access to the
core's memory-mapped registers described in the part database (`cores` in parts/stm32.json).
Each fact cites the architecture manual: [v6M] ARM DDI 0419E (ARMv6-M ARM), [v7M] ARM DDI 0403E
(ARMv7-M ARM).
"""

# The memory-mapped core registers the part database describes (SCB.VTOR, SYST.CSR, NVIC.ISER ...)
# are read from it through core_reg(); the ones it does not hold are here: CPUID identifies the core
# before the part is known, DHCSR reports a lockup, DEMCR's vector catch stops the core on HardFault.
CPUID = 0xE000ED00          # [v6M] B3.2.3, [v7M] B3.2.3
DHCSR = 0xE000EDF0          # [v6M] C1.6.3, [v7M] C1.6.2
DHCSR_S_LOCKUP = 1 << 19
DEMCR = 0xE000EDFC          # [v6M] C1.6.5, [v7M] C1.6.5
DEMCR_VC_HARDERR = 1 << 10  # halt when HardFault is entered (vector catch)

# CONTROL (a core register, not memory-mapped): [v6M] B1.4.4, [v7M] B1.4.4.
CONTROL_NPRIV = 1 << 0
CONTROL_SPSEL = 1 << 1

# Exception numbers: [v6M] B1.5.2 Table B1-4, [v7M] B1.5.2.
EXCEPTION_NAMES = {1: "Reset", 2: "NMI", 3: "HardFault", 4: "MemManage", 5: "BusFault",
                   6: "UsageFault", 11: "SVCall", 12: "DebugMonitor", 14: "PendSV", 15: "SysTick"}

# On reset the core sets LR to 0xFFFFFFFF: TakeReset(), [v6M] B1.5.5, [v7M] B1.5.5. With the PC at
# the reset vector and no instruction that explains the jump, that makes a reset recognisable from
# the registers alone on any debug link.
RESET_LR = 0xFFFFFFFF

# A branch to 0xFFFFFFxx in Handler mode is an exception return (EXC_RETURN): [v6M] B1.5.8.
EXC_RETURN_MIN = 0xFFFFFF00


def core_block(db, part, path):
    """(register description, address) of "BLOCK.REG" of the part's core (e.g. "SCB.VTOR"), from
    the database's `cores`; None when the core lacks the register (the Cortex-M0 has no VTOR)."""
    block, reg = path.split(".")[:2]
    per = db.raw["cores"][part.core]["peripherals"][block]
    desc = db.ip[per["ip"]]["registers"].get(reg)
    if desc is None:
        return None
    return desc, int(per["base"], 16) + int(desc["offset"], 16)


def core_reg(db, part, path):
    """Address of a core register, or None when the part's core does not have it."""
    found = core_block(db, part, path)
    return found and found[1]


def core_bit(db, part, path):
    """Mask of "BLOCK.REG.BIT" of the part's core (e.g. "SYST.CSR.TICKINT")."""
    desc, _ = core_block(db, part, path)
    return 1 << desc["bits"][path.split(".")[2]]


def ipsr(xpsr):
    """The exception number in xPSR ([v7M] B1.4.2: IPSR is bits 8:0)."""
    return xpsr & 0x1FF


def itstate(xpsr):
    """The IT block state ITSTATE[7:0] = xPSR[15:10]:xPSR[26:25] ([v7M] B1.4.2, A7.3.3)."""
    return (((xpsr >> 10) & 0x3F) << 2) | ((xpsr >> 25) & 0x3)


def condition_passed(cond, xpsr):
    """ConditionPassed() of [v7M] A7.3.1 for a 4-bit condition and the APSR flags in xpsr."""
    n, z, c, v = (xpsr >> 31) & 1, (xpsr >> 30) & 1, (xpsr >> 29) & 1, (xpsr >> 28) & 1
    base = {0: z == 1, 1: c == 1, 2: n == 1, 3: v == 1, 4: c == 1 and z == 0,
            5: n == v, 6: n == v and z == 0, 7: True}[cond >> 1]
    # Odd conditions negate the even ones, except 0b1111 which is "always" as well.
    return (not base) if (cond & 1 and cond != 0xF) else base


def in_it_block_skipped(xpsr):
    """True when ITSTATE makes the current instruction a no-op (its condition fails)."""
    it = itstate(xpsr)
    if it & 0xF == 0:
        return False
    return not condition_passed(it >> 4, xpsr)
