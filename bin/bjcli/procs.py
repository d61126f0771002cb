"""Every process bootjump starts (bootjump-emu, gdb-multiarch, openocd) is registered here, so that
whatever ends the command (success, an error, Ctrl-C, SIGTERM) stops each one by its pid.

Launchers call `started(proc)` after Popen and `stop(proc)` when done; bin/bootjump's main()
calls `stop_all()` on its way out, which catches anything a failing path left behind.
"""
import signal
import subprocess
import threading

_live = set()
_lock = threading.Lock()
_stopping = False


def started(proc):
    """Register a process just started; once stop_all() has run (Ctrl-C while worker threads
    are still starting cells), it is stopped at once and the caller is interrupted too."""
    with _lock:
        if not _stopping:
            _live.add(proc)
            return proc
    stop(proc, grace=1.0)
    raise KeyboardInterrupt()


def stop(proc, grace=2.0, first=signal.SIGTERM):
    """Stop one process by pid: `first` (SIGTERM), then SIGKILL after `grace` seconds."""
    with _lock:
        _live.discard(proc)
    if proc.poll() is None:
        try:
            proc.send_signal(first)
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        except ProcessLookupError:
            pass
    return proc.returncode


def stop_all():
    global _stopping
    with _lock:
        _stopping = True
        procs = list(_live)
    for proc in procs:
        stop(proc, grace=1.0)


def _terminated(signum, frame):
    # SIGTERM/SIGHUP take the same way out as Ctrl-C: the finally blocks stop the children.
    raise KeyboardInterrupt()


def install_signal_handlers():
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _terminated)
