"""`bootjump trace --from rom-entry`: run the target until the ROM bootloader's first instruction.

A hardware breakpoint (the ROM is read-only) goes on the ROM's reset vector, read from system
memory, so this works on any firmware: no probe, no symbols. A second one on the HardFault handler
in force catches a jump that faults before it gets there (a bad address, a missing Thumb bit). The
continue has a timeout: a timer thread sends this process SIGINT, which GDB turns into an interrupt
of the target exactly as if the user pressed Ctrl-C.
"""
import os
import signal
import threading

import gdb

from .lib import cortexm
from .registry import CommandError


def _word(target, addr, what):
    return int.from_bytes(target.read_or_fail(addr, 4, what), "little")


def _hardfault_handler(target, db, part):
    """The HardFault handler of the vector table in force (VTOR, or address 0 without one), or None
    when it cannot be read."""
    vtor_addr = cortexm.core_reg(db, part, "SCB.VTOR")
    table = 0
    if vtor_addr is not None:
        data = target.read(vtor_addr, 4)
        table = int.from_bytes(data, "little") if data else 0
    data = target.read(table + 4 * 3, 4)     # vector 3: HardFault ([v6M] B1.5.3)
    return None if data is None else int.from_bytes(data, "little") & ~1


def run_to_rom_entry(target, db, part, timeout):
    sysmem = part.system_memory
    entry = _word(target, sysmem.base + 4, "the ROM's reset vector") & ~1
    if entry not in sysmem:
        raise CommandError("the word at 0x%08x (the ROM's reset vector) is 0x%08x, outside %s's system "
                           "memory: is the part right? (--part)" % (sysmem.base + 4, entry, part.name))
    if target.registers()["pc"] & ~1 == entry:
        return
    hardfault = _hardfault_handler(target, db, part)
    points = [gdb.Breakpoint("*0x%x" % entry, type=gdb.BP_HARDWARE_BREAKPOINT, internal=True)]
    if hardfault and hardfault != entry:
        points.append(gdb.Breakpoint("*0x%x" % hardfault, type=gdb.BP_HARDWARE_BREAKPOINT, internal=True))
    expired = threading.Event()

    def interrupt():
        expired.set()
        os.kill(os.getpid(), signal.SIGINT)

    timer = threading.Timer(timeout, interrupt)
    problem = None
    try:
        timer.start()
        gdb.execute("continue", to_string=True)
    except gdb.error as e:
        problem = str(e)
    except KeyboardInterrupt:
        problem = "interrupted"
    finally:
        timer.cancel()
        for bp in points:
            bp.delete()
    pc = target.registers()["pc"] & ~1
    if pc == entry:
        return
    where = "0x%08x (%s)" % (pc, part.region_of(pc))
    if pc == hardfault:
        stacked = target.read((target.registers()["sp"] + 24) & 0xFFFFFFFF, 4)
        raise CommandError("the target took a HardFault before it reached the ROM entry 0x%08x%s: trace the "
                           "jump itself (break at it, then `bootjump trace --from here`)"
                           % (entry, "" if stacked is None else
                              " (stacked PC 0x%08x)" % int.from_bytes(stacked, "little")))
    if expired.is_set():
        raise CommandError("the ROM entry 0x%08x was not reached within %g s; the target was stopped at %s. "
                           "The jump may fault, reset or never happen: break at it and trace with --from here"
                           % (entry, timeout, where))
    raise CommandError("the target stopped at %s before it reached the ROM entry 0x%08x%s"
                       % (where, entry, ": " + problem if problem else ""))
