"""Start OpenOCD with a config, its GDB server on 127.0.0.1 at a port chosen at run time, and stop
it by pid. OpenOCD reports "Listening on port N for gdb connections" once it serves GDB."""
import os
import re
import select
import shutil
import socket
import subprocess
import tempfile
import time

from . import CliError, procs

LISTENING = re.compile(rb"Listening on port (\d+) for gdb connections")


def free_port():
    """A port free on 127.0.0.1 now (OpenOCD 0.12 cannot be asked for port 0 and report it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OpenOCD:
    def __init__(self, config, extra_commands=()):
        self.config = config
        self.extra = list(extra_commands)
        self.proc = None
        self.gdb_port = None
        self._log = None

    def start(self, timeout=20.0):
        if shutil.which("openocd") is None:
            raise CliError("openocd not found: install the Debian package openocd")
        if not os.path.isfile(self.config):
            raise CliError("OpenOCD config %s not found" % self.config)
        port = free_port()
        args = ["openocd", "-c", "bindto 127.0.0.1", "-c", "gdb_port %d" % port,
                "-c", "tcl_port disabled", "-c", "telnet_port disabled"]
        for c in self.extra:
            args += ["-c", c]
        args += ["-f", self.config]
        # OpenOCD logs on stderr; a file, so a long session never blocks on a full pipe.
        fd, self._log = tempfile.mkstemp(prefix="bootjump-openocd-", suffix=".log")
        with os.fdopen(fd, "wb") as log:
            self.proc = procs.started(subprocess.Popen(args, stdout=log, stderr=log, stdin=subprocess.DEVNULL))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self._text()
            found = LISTENING.search(text)
            if found:
                self.gdb_port = int(found.group(1))
                return self
            if self.proc.poll() is not None:
                why = self._last_error(text)
                self.stop()
                raise CliError("openocd -f %s exited (status %s) before serving GDB: %s"
                               % (self.config, self.proc.returncode if self.proc else "?", why))
            select.select([], [], [], 0.1)
        self.stop()
        raise CliError("openocd -f %s did not serve GDB within %.0f s: is the probe connected and the "
                       "target powered?" % (self.config, timeout))

    def _text(self):
        with open(self._log, "rb") as f:
            return f.read()

    @staticmethod
    def _last_error(text):
        lines = [l for l in text.decode(errors="replace").splitlines() if l.strip()]
        errors = [l for l in lines if l.startswith("Error")]
        return (errors or lines or ["no output"])[-1]

    def stop(self):
        if self.proc is not None:
            procs.stop(self.proc)
        if self._log and os.path.exists(self._log):
            os.unlink(self._log)
        self._log = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
