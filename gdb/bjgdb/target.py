"""The connected GDB remote target, as every bootjump command reaches it.

Memory and registers go through raw remote-protocol packets (lib/remote.py), the same way for every
command and every stub, so nothing depends on GDB's caches; `resync()` makes GDB forget what it
cached before control goes back to the user.
"""
import gdb

import parts

from .lib import identify, remote
from .registry import CommandError


class Target:
    def __init__(self):
        inferior = gdb.selected_inferior()
        conn = getattr(inferior, "connection", None)
        if conn is None or not inferior.threads():
            raise CommandError("no target: connect GDB first, e.g. `target extended-remote 127.0.0.1:PORT` "
                               "(bootjump-emu prints PORT; OpenOCD listens on 3333)")
        if not isinstance(conn, gdb.RemoteTargetConnection):
            raise CommandError("bootjump needs a GDB remote target (bootjump-emu, OpenOCD, st-util, Black "
                               "Magic Probe); the current target is %r" % conn.type)
        thread = gdb.selected_thread()
        if thread is not None and thread.is_running():
            raise CommandError("the target is running: stop it first (Ctrl-C or `interrupt`)")
        self.conn = conn
        self.address = conn.details
        try:
            self.layout = remote.RegisterLayout.parse(
                gdb.execute("maintenance print remote-registers", to_string=True))
        except remote.RemoteError as e:
            raise CommandError(str(e)) from None
        self.link = remote.Link(self.packet, self.layout)

    def packet(self, text):
        try:
            reply = self.conn.send_packet(text)
        except RuntimeError as e:
            # gdb.error, or the RuntimeError GDB raises once the connection has gone ("Connection no
            # longer exists.", e.g. the GDB server quit during a continue).
            raise remote.RemoteError("the target did not answer %s: %s" % (text[:20], e)) from None
        return reply.decode("latin-1") if isinstance(reply, bytes) else reply

    def read(self, addr, size):
        """Bytes of target memory, or None when the target refuses the read."""
        try:
            return self.link.read(addr, size)
        except remote.RemoteError:
            return None

    def read_or_fail(self, addr, size, what):
        data = self.read(addr, size)
        if data is None:
            raise CommandError("cannot read %s at 0x%08x (%d bytes): the target refused" % (what, addr, size))
        return data

    def registers(self):
        try:
            return self.link.registers()
        except remote.RemoteError as e:
            raise CommandError("cannot read the registers: %s" % e) from None

    def monitor(self, text):
        """Output of `monitor TEXT`; RemoteError when the stub rejects it."""
        try:
            return gdb.execute("monitor " + text, to_string=True)
        except gdb.error as e:
            raise remote.RemoteError("monitor %s: %s" % (text, e)) from None

    def identify(self, part_name=None):
        """(database, Identity) of the connected part, or of --part NAME."""
        try:
            db = parts.load()
            return db, identify.resolve(db, self.read, part_name)
        except (parts.PartError, identify.IdentifyError) as e:
            raise CommandError(str(e)) from None

    def resync(self):
        """Make GDB re-read registers and memory: packets sent behind its back changed both."""
        gdb.execute("maintenance flush register-cache", to_string=True)
        gdb.execute("maintenance flush dcache", to_string=True)
