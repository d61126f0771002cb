"""`bootjump trace --from rom-entry`: run the target until the ROM bootloader's first instruction.

A hardware breakpoint (the ROM is read-only) goes on the ROM's reset vector, read from system
memory, so this works on any firmware: no probe, no symbols. DEMCR's HardFault vector catch is set
for the run, so a jump that faults before it gets there (a bad address) stops the core whatever
vector table is in force. The continue has a timeout (lib/deadline.py): when it is up, GDB's main
thread interrupts the target like Ctrl-C and repeats that until the target stops. It first disables
the user's breakpoints for the rest of the run (they are enabled again afterwards): one whose
condition GDB evaluates at every hit keeps GDB stopping and resuming the target, and an interrupt
that reaches the stub while it is halted there is lost (measured: up to 20 in a row).
"""
import gdb

from .lib import cortexm
from .lib.deadline import Deadline
from .lib.remote import RemoteError
from .registry import CommandError

# After the timeout: an interrupt every INTERRUPT_INTERVAL s (a stub answers one within milliseconds),
# INTERRUPTS of them at most.
INTERRUPT_INTERVAL = 0.5
INTERRUPTS = 20


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


class _Interrupt:
    """What the deadline fires, in GDB's main thread (gdb.post_event: GDB's API is not for other
    threads), while the continue waits for the target."""

    def __init__(self):
        self.over = False       # the continue has returned: nothing left to interrupt
        self.paused = None      # the user's breakpoints this disabled

    def __call__(self):
        thread = gdb.selected_thread()
        if self.over or thread is None or not thread.is_running():
            return
        if self.paused is None:
            self.paused = [b for b in gdb.breakpoints() if b.is_valid() and b.enabled]
            for b in self.paused:
                b.enabled = False
        try:
            gdb.execute("interrupt", to_string=True)
        except gdb.error:
            pass    # the target went away: the continue reports that itself

    def restore(self):
        self.over = True
        for b in self.paused or ():
            if b.is_valid():
                b.enabled = True


def _give_up(timeout):
    def say():
        gdb.write("bootjump trace: the target has not stopped for %d interrupts in %g s after the %g s "
                  "timeout; press Ctrl-C, or check the debug link\n"
                  % (INTERRUPTS, INTERRUPTS * INTERRUPT_INTERVAL, timeout))
        gdb.flush()
    gdb.post_event(say)


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
    interrupt = _Interrupt()
    deadline = Deadline(timeout, lambda: gdb.post_event(interrupt), INTERRUPT_INTERVAL, INTERRUPTS,
                        lambda: _give_up(timeout))
    problem = None
    try:
        deadline.start()
        gdb.execute("continue", to_string=True)
    except gdb.error as e:
        problem = str(e)
    except KeyboardInterrupt:
        problem = "interrupted"
    finally:
        deadline.done()
        interrupt.restore()
        point.delete()
        _set_vector_catch(target, False, demcr)
    regs = target.registers()
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
