"""A `continue` that must not run forever, for `bootjump trace --from rom-entry` and for
bin/bootjump's driver (bin/bjcli/gdb_driver.py): when its time is up, GDB's main thread interrupts
the target with the `interrupt` command, every INTERRUPT_INTERVAL s until it stops, INTERRUPTS times
at most (then it says so); lib/deadline.py keeps the time.

Why this way:
- GDB's API is for its main thread only, hence gdb.post_event from the deadline's thread.
- The `interrupt` command, not SIGINT: a second SIGINT while GDB still waits for the target to
  answer the first makes GDB ask "Stop debugging it?", which batch mode answers yes: the target is
  gone ("No registers."). A repeated `interrupt` only sends the stub another interrupt.
- One interrupt can be lost, so it is repeated, and the user's breakpoints are disabled for the
  rest of the wait (enabled again after): one whose condition GDB evaluates at every hit keeps GDB
  stopping and resuming the target, and an interrupt that reaches the stub while it is halted there
  is lost (measured: up to 20 in a row).
"""
import contextlib

import gdb

from .lib.deadline import Deadline

# After the timeout: an interrupt every INTERRUPT_INTERVAL s (a stub answers one within milliseconds),
# INTERRUPTS of them at most.
INTERRUPT_INTERVAL = 0.5
INTERRUPTS = 20


class _Interrupt:
    """What the deadline fires, in GDB's main thread, while the continue waits for the target."""

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


@contextlib.contextmanager
def interrupt_after(timeout, who):
    """Around a `continue`: the target is interrupted once `timeout` s have passed. Yields the
    Deadline, whose `expired` says afterwards whether the time ran out; `who` names the command in
    the line that says the target did not stop."""
    def give_up():
        gdb.write("%s: the target has not stopped for %d interrupts in %g s after the %g s timeout; "
                  "press Ctrl-C, or check the debug link\n"
                  % (who, INTERRUPTS, INTERRUPTS * INTERRUPT_INTERVAL, timeout))
        gdb.flush()

    interrupt = _Interrupt()
    deadline = Deadline(timeout, lambda: gdb.post_event(interrupt), INTERRUPT_INTERVAL, INTERRUPTS,
                        lambda: gdb.post_event(give_up))
    try:
        deadline.start()
        yield deadline
    finally:
        deadline.done()
        interrupt.restore()
