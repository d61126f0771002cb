"""bin/bootjump with a signal delivered inside subprocess.Popen, right after a given program's
child process has been created and before Popen returns: the window in which a signal used to
leave that child running, unknown to bootjump. test_cli.py runs it as

    /usr/bin/python3 tests/signal_in_popen.py SIGTERM gdb-multiarch trace --part stm32l011 ...

(signal name, the program's file name, then bootjump's arguments)."""
import os
import signal
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[0:0] = [ROOT, os.path.join(ROOT, "bin")]

from bjcli import main  # noqa: E402

SIGNAL, PROGRAM = getattr(signal, sys.argv[1]), sys.argv[2]
_execute_child = subprocess.Popen._execute_child


def execute_child(self, args, *rest):
    _execute_child(self, args, *rest)      # the child exists (it has exec'd) when this returns
    if os.path.basename(args[0]) == PROGRAM:
        os.kill(os.getpid(), SIGNAL)       # Python runs the handler before the next line here


subprocess.Popen._execute_child = execute_child

if __name__ == "__main__":
    sys.exit(main(sys.argv[3:]))
