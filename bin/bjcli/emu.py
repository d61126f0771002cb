"""Start and stop bootjump-emu: read its ready line, expose its ports and ptys, stop it by pid.

Used by bin/bootjump and by every test that needs an emulated chip, so that "started, ready,
stopped whatever happened" is written once:

    with Emulator("stm32l011", flash="build/c_probe/stm32l011/probe.elf", gdb=True, halt=True) as emu:
        emu.gdb_port, emu.uart("usart2")
"""
import json
import os
import select
import subprocess
import tempfile
import time

from . import paths, procs

ROOT = paths.ROOT
EXECUTABLE = os.path.join(paths.BUILD, "bin", "bootjump-emu")


class EmulatorError(Exception):
    """bootjump-emu could not be started; the message says why and what to do."""


class Emulator:
    def __init__(self, part, flash=None, rom=None, boot0=None, options=None, gdb=False, uarts=(),
                 access_log=None, halt=False, jtag=False, extra_args=(), executable=EXECUTABLE):
        self.args = [executable, "--part", part]
        if flash:
            self.args += ["--flash", flash]
        if rom:
            self.args += ["--rom", rom]
        if boot0 is not None:
            self.args += ["--boot0", str(int(boot0))]
        for key, value in (options or {}).items():
            self.args += ["--option", "%s=%s" % (key, value)]
        if gdb:
            self.args += ["--gdb", "0"]
        if jtag:
            self.args += ["--jtag", "0"]
        for u in uarts:
            self.args += ["--uart", "%s=pty" % u.lower()]
        if access_log:
            self.args += ["--access-log", access_log]
        if halt:
            self.args.append("--halt")
        self.args += list(extra_args)
        self.executable = executable
        self.proc = None
        self.ready = None
        self.stderr_path = None
        self._own_stderr = False

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    @property
    def gdb_port(self):
        return self.ready.get("gdb")

    @property
    def jtag_port(self):
        return self.ready.get("jtag")

    def uart(self, name):
        """The pty path of a UART started with uarts=(...)."""
        return self.ready["uart"][name.lower()]

    def start(self, timeout=10.0, stderr_path=None):
        if not os.path.exists(self.executable):
            raise EmulatorError("%s not found: run `make` first" % os.path.relpath(self.executable))
        # stderr goes to a file, not a pipe: a chatty emulator must never block on a full pipe. Without
        # a path from the caller it is a temporary file, so a failure can still quote the reason.
        self._own_stderr = stderr_path is None
        if self._own_stderr:
            fd, stderr_path = tempfile.mkstemp(prefix="bootjump-emu-", suffix=".stderr")
            os.close(fd)
        self.stderr_path = stderr_path
        try:
            with open(stderr_path, "wb") as err:
                self.proc = procs.start(self.args, stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL)
            self.ready = self._ready_line(timeout)
        except BaseException:
            self.stop()     # whatever went wrong (Ctrl-C included): no emulator, no temporary file
            raise
        return self

    def _ready_line(self, timeout):
        deadline = time.monotonic() + timeout
        line = b""
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0:
                raise EmulatorError("bootjump-emu printed no ready line within %.0f s (%s)" % (timeout, " ".join(self.args)))
            r, _, _ = select.select([self.proc.stdout], [], [], left)
            if not r:
                continue
            chunk = os.read(self.proc.stdout.fileno(), 4096)
            if not chunk:
                code = self.proc.wait()
                raise EmulatorError("bootjump-emu exited with status %d before it was ready: %s"
                                    % (code, self._stderr_tail()))
            line += chunk
        try:
            return json.loads(line.split(b"\n", 1)[0])
        except ValueError:
            raise EmulatorError("bootjump-emu's ready line is not JSON: %r" % line[:200]) from None

    def _stderr_tail(self):
        if not self.stderr_path or not os.path.exists(self.stderr_path):
            return "(stderr not captured)"
        with open(self.stderr_path, "rb") as f:
            lines = f.read().decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else "(no message)"

    def stop(self, grace=2.0):
        """Stop the emulator by pid: SIGTERM, then SIGKILL after `grace` seconds; its exit status."""
        proc, self.proc = self.proc, None
        code = None
        if proc is not None:
            code = procs.stop(proc, grace)
            proc.stdout.close()
        if self._own_stderr:
            os.unlink(self.stderr_path)
            self._own_stderr = False
        return code

    def __enter__(self):
        return self.start() if self.proc is None else self

    def __exit__(self, *exc):
        self.stop()
