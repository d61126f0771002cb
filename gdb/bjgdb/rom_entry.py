"""`bootjump trace --from rom-entry`: run the target until the ROM bootloader's first instruction.

A hardware breakpoint (the ROM is read-only) goes on the ROM's reset vector, read from system
memory, so this works on any firmware: no probe, no symbols. DEMCR's HardFault vector catch is set
for the run, so a jump that faults before it gets there (a bad address) stops the core whatever
vector table is in force. The continue has a timeout, after which GDB's main thread interrupts the
target until it stops (interrupt.py, which says why it is done that way).
"""
import gdb

from .interrupt import interrupt_after
from .lib import cortexm
from .lib.remote import RemoteError
from .registry import CommandError


def _set_vector_catch(target, on, previous):
    """Set or restore DEMCR.VC_HARDERR; returns DEMCR's previous value (None when unreadable)."""
    f = cortexm.facts()
    try:
        if on:
            previous = int.from_bytes(target.link.read(f.demcr, 4), "little")
            value = previous | f.demcr_vc_harderr
        elif previous is None:
            return None
        else:
            value = previous
        target.link.write(f.demcr, value.to_bytes(4, "little"))
    except RemoteError:
        return None
    gdb.execute("maintenance flush dcache", to_string=True)
    return previous


def run_to_rom_entry(target, part, timeout):
    sysmem = part.system_memory
    vector = sysmem.base + cortexm.facts().reset_vector
    entry = int.from_bytes(target.read_or_fail(vector, 4, "the ROM's reset vector"), "little") & ~1
    if entry not in sysmem:
        raise CommandError("the word at 0x%08x (the ROM's reset vector) is 0x%08x, outside %s's system "
                           "memory: is the part right? (--part)" % (vector, entry, part.name))
    if target.registers()["pc"] & ~1 == entry:
        return
    point = gdb.Breakpoint("*0x%x" % entry, type=gdb.BP_HARDWARE_BREAKPOINT, internal=True)
    demcr = _set_vector_catch(target, True, None)
    problem = None
    try:
        with interrupt_after(timeout, "bootjump trace") as deadline:
            gdb.execute("continue", to_string=True)
    except gdb.error as e:
        problem = str(e)
    except KeyboardInterrupt:
        problem = "interrupted"
    finally:
        point.delete()
        _set_vector_catch(target, False, demcr)
    try:
        regs = target.link.registers()
    except RemoteError as e:
        raise CommandError("the connection to the target was lost while waiting for the ROM entry 0x%08x: %s"
                           % (entry, problem or e)) from None
    pc = regs["pc"] & ~1
    if pc == entry:
        return
    where = "0x%08x (%s)" % (pc, part.region_of(pc))
    if cortexm.ipsr(regs["xpsr"]) == cortexm.facts().hardfault:
        stacked = target.read(cortexm.stacked_pc_address(regs["sp"]), 4)
        raise CommandError("the target took a HardFault before it reached the ROM entry 0x%08x%s: trace the "
                           "jump itself (break at it, then `bootjump trace --from here`)"
                           % (entry, "" if stacked is None else
                              " (stacked PC 0x%08x)" % int.from_bytes(stacked, "little")))
    if deadline.expired:
        raise CommandError("the ROM entry 0x%08x was not reached within %g s; the target was stopped at %s. "
                           "The jump may fault, reset or never happen: break at it and trace with --from here"
                           % (entry, timeout, where))
    raise CommandError("the target stopped at %s before it reached the ROM entry 0x%08x%s"
                       % (where, entry, ": " + problem if problem else ""))
