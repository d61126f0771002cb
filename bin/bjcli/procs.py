"""Every process bootjump starts (bootjump-emu, gdb-multiarch, openocd, bootjump-usart) is stopped by
its pid, whatever ends the command: success, an error, Ctrl-C, SIGTERM or SIGHUP.

- `start(argv, **popen_args)` starts a process and registers it as one step: a signal that arrives
  meanwhile is held until the process is registered, then raised (a KeyboardInterrupt from inside
  Popen, after the fork, would leave a child that no one knows). After stop_all() it starts nothing.
- `stop(proc)` stops one: SIGTERM, SIGKILL after a grace period, reaped. It stays
  registered until it is reaped, so a stop cut short by a signal is finished by stop_all().
- `stop_all()`, main()'s way out, stops every registered process and every other child of bootjump
  still running (OpenOCD is started by openocd/launch.py's own Popen, which a signal can cut short
  before bin/ has it): SIGTERM to all at once, SIGKILL to what is left after the grace period,
  with signals held so that a second Ctrl-C cannot leave the job half done.
- SIGINT, SIGTERM and SIGHUP raise KeyboardInterrupt in the main thread, except while held (and
  stay ignored where the caller ignored them: nohup).
"""
import os
import signal
import subprocess
import threading
import time

_live = set()
_lock = threading.Lock()
_stopping = False
_held = 0          # main thread: > 0 while a signal must wait
_pending = False   # a signal arrived while held


class _Hold:
    """Holds SIGINT/SIGTERM/SIGHUP for the main thread (other threads never see them: Python runs
    signal handlers in the main thread). On leaving, a held signal is raised as KeyboardInterrupt,
    or dropped with drop=True (stop_all: the command is on its way out already)."""

    def __init__(self, drop=False):
        self.drop = drop
        self.main = threading.current_thread() is threading.main_thread()

    def __enter__(self):
        global _held
        if self.main:
            _held += 1
        return self

    def __exit__(self, *exc):
        global _held, _pending
        if not self.main:
            return
        _held -= 1
        if not _held and _pending:
            _pending = False
            if not self.drop:
                raise KeyboardInterrupt()


def _on_signal(signum, frame):
    global _pending
    if _held:
        _pending = True
        return
    raise KeyboardInterrupt()


def install_signal_handlers():
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(sig) != signal.SIG_IGN:    # nohup, a shell's background job: still ignored
            signal.signal(sig, _on_signal)


def start(argv, **popen_args):
    """subprocess.Popen(argv, **popen_args), registered before any signal can interrupt; once
    stop_all() has run (Ctrl-C while the matrix's worker threads are still starting cells) it
    starts nothing and raises KeyboardInterrupt."""
    with _Hold(), _lock:
        if _stopping:
            raise KeyboardInterrupt()
        proc = subprocess.Popen(argv, **popen_args)
        _live.add(proc)
    return proc


def stop(proc, grace=2.0):
    """Stop one process by pid: SIGTERM, then SIGKILL after `grace` seconds; its exit status."""
    proc.send_signal(signal.SIGTERM)     # nothing when it has exited already
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    with _Hold(), _lock:
        _live.discard(proc)
    return proc.returncode


def stop_all(grace=2.0):
    global _stopping
    with _Hold(drop=True):
        with _lock:
            _stopping = True
            procs = list(_live)
        strays = _unregistered_children({p.pid for p in procs})
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for pid in strays:
            _kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for proc in procs:
            try:
                proc.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            with _lock:
                _live.discard(proc)
        for pid in strays:
            _reap(pid, deadline)


def _unregistered_children(registered):
    """The pids of this process's running children that are not registered, from /proc."""
    me = os.getpid()
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) in registered:
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
                state, ppid = f.read().rsplit(")", 1)[1].split()[:2]
        except (OSError, ValueError, IndexError):
            continue
        if int(ppid) == me and state != "Z":
            found.append(int(name))
    return found


def _kill(pid, sig):
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _reap(pid, deadline):
    """Wait for a child signalled by pid until the deadline, then SIGKILL it; reaped either way."""
    try:
        while os.waitpid(pid, os.WNOHANG) == (0, 0):
            if time.monotonic() >= deadline:
                _kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return
            time.sleep(0.02)
    except ChildProcessError:
        pass    # reaped by its owner meanwhile
