"""Architectural facts of the Cortex-M cores, shared by every STM32 part.

These are not part facts (parts/stm32.json holds those, selected by the part's `core` field): the
System Control Space sits at the same addresses on every ARMv6-M and ARMv7-M core, so they are
written once here, each with the section of the architecture manual it comes from.
[v6M] ARM DDI 0419E (ARMv6-M ARM), [v7M] ARM DDI 0403E (ARMv7-M ARM).
"""

# System Control Block and debug registers: [v6M] B3.2.2 Table B3-4, [v7M] B3.2.2 Table B3-4.
CPUID = 0xE000ED00
VTOR = 0xE000ED08          # optional on ARMv6-M ([v6M] B3.2.5); present on M3/M4
AIRCR = 0xE000ED0C
DHCSR = 0xE000EDF0         # [v6M] C1.6.3, [v7M] C1.6.2
DHCSR_S_LOCKUP = 1 << 19

# SysTick: [v6M] B3.3.2, [v7M] B3.3.2.
SYST_CSR = 0xE000E010
SYST_RVR = 0xE000E014
SYST_CVR = 0xE000E018
SYST_CSR_ENABLE = 1 << 0
SYST_CSR_TICKINT = 1 << 1

# NVIC: one bit per external interrupt, 32 per word. [v6M] B3.4.2, [v7M] B3.4.3.
NVIC_ISER = 0xE000E100
NVIC_ISPR = 0xE000E200

# CONTROL: [v6M] B1.4.4, [v7M] B1.4.4.
CONTROL_NPRIV = 1 << 0
CONTROL_SPSEL = 1 << 1

# Exception numbers: [v6M] B1.5.2 Table B1-4, [v7M] B1.5.2.
EXCEPTION_NAMES = {1: "Reset", 2: "NMI", 3: "HardFault", 4: "MemManage", 5: "BusFault",
                   6: "UsageFault", 11: "SVCall", 12: "DebugMonitor", 14: "PendSV", 15: "SysTick"}

# On reset the core sets LR to 0xFFFFFFFF and xPSR to T=1 only: TakeReset(), [v6M] B1.5.5,
# [v7M] B1.5.5. No instruction can produce both with LR untouched, which makes a reset recognisable
# from the registers alone on any debug link.
RESET_LR = 0xFFFFFFFF
RESET_XPSR = 0x01000000

# A branch to 0xFFFFFFxx in Handler mode is an exception return (EXC_RETURN): [v6M] B1.5.8.
EXC_RETURN_MIN = 0xFFFFFF00

# The core has a VTOR: ARMv6-M leaves it optional ([v6M] B3.2.5) and the Cortex-M0's SCB has none
# (DDI 0432C, Cortex-M0 TRM §4); the Cortex-M0+ of the STM32 parts implements it (PM0223, the
# STM32 Cortex-M0+ programming manual, SCB register VTOR); M3 and M4 always do ([v7M] B3.2.5).
HAS_VTOR = {"cortex-m0": False, "cortex-m0plus": True, "cortex-m3": True, "cortex-m4": True}


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
