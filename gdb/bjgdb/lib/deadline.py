"""A deadline for a `continue` that must not run forever, free of GDB: after `timeout` seconds it
calls `fire()`, then again every `interval` seconds until done() says the target stopped, at most
`attempts` times in all; if that many were not enough it calls `give_up()` once.

One interrupt can be lost: GDB forwards it to the stub only while it waits for a stop reply, and a
stub that has just halted on its own (at a breakpoint GDB will evaluate and resume from, say)
ignores it, while GDB takes the breakpoint's stop reply as the answer and resumes. So it is
repeated, a bounded number of times, until the caller says the target stopped.
"""
import threading


class Deadline:
    def __init__(self, timeout, fire, interval, attempts, give_up):
        self.timeout, self.fire, self.interval, self.attempts, self.give_up = \
            timeout, fire, interval, attempts, give_up
        self.expired = False
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bootjump-deadline", daemon=True)

    def start(self):
        self._thread.start()

    def done(self):
        """The target stopped (or the wait is over): no further fire(); returns when the thread has
        ended, so nothing fires after it."""
        self._done.set()
        self._thread.join()

    def _run(self):
        if self._done.wait(self.timeout):
            return
        self.expired = True
        for _ in range(self.attempts):
            self.fire()
            if self._done.wait(self.interval):
                return
        self.give_up()
