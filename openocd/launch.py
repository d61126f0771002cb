"""Start and stop OpenOCD with bootjump's configs: its GDB and TCL servers on ports the OS picks
(127.0.0.1, read back from OpenOCD's log), commands through the TCL server, stopped by pid.

    from openocd.launch import OpenOCD, board_config, emu_config

    # silicon: an ST-Link on an STM32L0 board
    with OpenOCD([board_config("stm32l011")]) as ocd:
        ocd.gdb_port                       # gdb-multiarch: target extended-remote 127.0.0.1:PORT
        ocd.cmd("bootjump_checkpoints")    # any OpenOCD/TCL command; its result, or OpenOCDError

    # bootjump-emu (bin/bjcli/emu.py's Emulator, started with jtag=True)
    with OpenOCD([emu_config("stm32l011")], variables={"BOOTJUMP_EMU_PORT": emu.jtag_port}) as ocd:
        ...
"""
import os
import re
import signal
import socket
import subprocess
import tempfile
import time

import parts

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The TCL server's message terminator (OpenOCD doc: "Tcl RPC server": 0x1a ends each message).
EOM = b"\x1a"
_LISTENING = re.compile(r"Listening on port (\d+) for (gdb|tcl) connections")


class OpenOCDError(Exception):
    """OpenOCD could not start, or a command failed; the message says why."""


def _family_config(kind, part):
    return os.path.join(ROOT, "openocd", kind, "%s.cfg" % parts.lookup(part).family)


def board_config(part):
    """openocd/board/<family>.cfg: an ST-Link over SWD to a board with this part."""
    return _family_config("board", part)


def emu_config(part):
    """openocd/emu/<family>.cfg: bootjump-emu's JTAG port (needs BOOTJUMP_EMU_PORT)."""
    return _family_config("emu", part)


class OpenOCD:
    def __init__(self, configs, variables=None, commands=(), log_path=None, executable="openocd"):
        """configs: -f files in order; variables: TCL variables set before them (BOOTJUMP_EMU_PORT);
        commands: -c commands after them; log_path: where OpenOCD logs (a temporary file, removed
        on stop, when not given)."""
        self.args = [executable]
        for name, value in (variables or {}).items():
            self.args += ["-c", "set %s %s" % (name, value)]
        for cfg in configs:
            if not os.path.exists(cfg):
                raise OpenOCDError("%s does not exist (OpenOCD configs for the database's families are "
                                   "in openocd/board/ and openocd/emu/)" % cfg)
            self.args += ["-f", cfg]
        self.args += ["-c", "gdb_port 0", "-c", "tcl_port 0", "-c", "telnet_port disabled"]
        for c in commands:
            self.args += ["-c", c]
        self.log_path = log_path
        self._own_log = log_path is None
        self.proc = None
        self.sock = None
        self.gdb_port = None
        self.tcl_port = None

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def log(self):
        if not self.log_path or not os.path.exists(self.log_path):
            return ""
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def start(self, timeout=30.0):
        if self.log_path is None:
            fd, self.log_path = tempfile.mkstemp(prefix="openocd-", suffix=".log")
            os.close(fd)
        with open(self.log_path, "wb") as log:
            # The log goes to a file, never a pipe: a chatty OpenOCD must not block on it.
            self.proc = subprocess.Popen(self.args, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, cwd=ROOT)
        deadline = time.monotonic() + timeout
        while True:
            ports = dict((kind, int(port)) for port, kind in _LISTENING.findall(self.log()))
            if "gdb" in ports and "tcl" in ports:
                self.gdb_port, self.tcl_port = ports["gdb"], ports["tcl"]
                break
            if self.proc.poll() is not None:
                code = self.proc.returncode
                self.proc = None
                raise OpenOCDError("openocd exited with status %d before its servers were up: %s"
                                   % (code, self._first_error()))
            if time.monotonic() > deadline:
                self.stop()
                raise OpenOCDError("openocd did not open its GDB and TCL servers within %.0f s: %s"
                                   % (timeout, self._first_error()))
            time.sleep(0.05)
        self.sock = socket.create_connection(("127.0.0.1", self.tcl_port), timeout=timeout)
        return self

    def _first_error(self):
        lines = self.log().splitlines()
        errors = [l for l in lines if l.startswith("Error") or ": Error:" in l]
        return (errors or lines[-1:] or ["(empty log)"])[0]

    def cmd(self, command, timeout=120.0):
        """Run one command in OpenOCD's TCL interpreter; its result, or OpenOCDError with OpenOCD's
        message when it fails."""
        wrapped = "if {[catch {%s} r]} {set r \"E$r\"} else {set r \"O$r\"}" % command
        self.sock.settimeout(timeout)
        self.sock.sendall(wrapped.encode() + EOM)
        data = b""
        while not data.endswith(EOM):
            chunk = self.sock.recv(65536)
            if not chunk:
                raise OpenOCDError("openocd closed its TCL connection during: %s" % command)
            data += chunk
        text = data[:-1].decode(errors="replace")
        if text.startswith("E"):
            raise OpenOCDError("%s: %s" % (command, text[1:]))
        return text[1:]

    def stop(self, grace=3.0):
        """Stop OpenOCD by pid: SIGTERM, then SIGKILL after `grace` seconds."""
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        proc, self.proc = self.proc, None
        if proc is None:
            return None
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._own_log and self.log_path and os.path.exists(self.log_path):
            os.unlink(self.log_path)  # a log the caller did not ask to keep
        return proc.returncode

    def __enter__(self):
        return self.start() if self.proc is None else self

    def __exit__(self, *exc):
        self.stop()
