"""The GDB remote protocol as the tracer's plain path speaks it, over a `packet(text) -> reply`
function (in GDB: RemoteTargetConnection.send_packet, the Python face of `maint packet`).

Raw packets step the target without GDB's per-step overhead (../shared/notes/gdb-stepping-speed.md).
Registers come from the stop reply when the stub expedites them (bootjump-emu does), else from `g`,
and from `p` for the ones a stub leaves out of `g` (OpenOCD keeps msp, psp, primask ... out of it).
GDB's own register cache goes stale meanwhile; the caller re-syncs it before handing back control.
"""

# The registers a trace records: the core registers and the special ones of M-profile targets, in
# GDB's names. FPU registers are left out: the ROMs bootjump traces do not use them.
TRACKED = tuple(["r%d" % n for n in range(13)] + ["sp", "lr", "pc", "xpsr", "msp", "psp",
                                                  "primask", "basepri", "faultmask", "control"])


class RemoteError(Exception):
    """The stub answered with an error or something this module does not understand."""


class Reg:
    __slots__ = ("name", "pnum", "offset", "size")

    def __init__(self, name, pnum, offset, size):
        self.name, self.pnum, self.offset, self.size = name, pnum, offset, size


class RegisterLayout:
    """Where each tracked register sits in the remote protocol: its number in `p`/`T` packets and
    its byte offset in a `g` reply, as printed by `maint print remote-registers`."""

    def __init__(self, regs):
        self.regs = [r for r in regs if r.name in TRACKED]
        self.regs.sort(key=lambda r: TRACKED.index(r.name))
        self.by_pnum = {r.pnum: r for r in self.regs}
        self.names = [r.name for r in self.regs]
        missing = {"pc", "sp", "xpsr"} - set(self.names)
        if missing:
            raise RemoteError("the target description has no %s register; bootjump needs an "
                              "M-profile target (org.gnu.gdb.arm.m-profile)" % ", ".join(sorted(missing)))

    @classmethod
    def parse(cls, text):
        """Read `maint print remote-registers`: columns Name Nr Rel Offset Size Type Rmt-Nr g/G-Offset;
        registers the stub does not transfer have no Rmt-Nr."""
        regs = []
        for line in text.splitlines():
            f = line.split()
            if len(f) < 8 or f[0] == "Name" or not f[1].isdigit() or not f[-1].isdigit():
                continue
            # Stubs differ in case (OpenOCD: "xPSR") and width (OpenOCD: primask ... control are
            # 1 byte); the trace uses GDB's lower-case names and whole values.
            regs.append(Reg(f[0].lower(), int(f[-2]), int(f[-1]), int(f[4])))
        return cls(regs)

    def decode_g(self, payload):
        """Values of the tracked registers present in a `g` reply (a register past its end, or
        sent as 'xx', is absent)."""
        out = {}
        for r in self.regs:
            text = payload[2 * r.offset:2 * (r.offset + r.size)]
            if len(text) == 2 * r.size and "x" not in text:
                out[r.name] = le_int(text)
        return out


def le_int(text):
    """A little-endian hex byte string (target byte order) as an integer."""
    return int.from_bytes(bytes.fromhex(text), "little")


class StopReply:
    """A parsed stop reply: kind ('T', 'S', 'W', 'X'), signal or exit code, and the `n:r` pairs."""
    __slots__ = ("kind", "signal", "pairs", "text")

    def __init__(self, text):
        self.text = text
        if not text or text[0] not in "TSWX" or len(text) < 3:
            raise RemoteError("unexpected stop reply %r" % text[:60])
        self.kind = text[0]
        try:
            self.signal = int(text[1:3], 16)
        except ValueError:
            raise RemoteError("unexpected stop reply %r" % text[:60]) from None
        self.pairs = {}
        if self.kind == "T":
            for item in text[3:].split(";"):
                key, sep, value = item.partition(":")
                if sep:
                    self.pairs[key] = value

    @property
    def exited(self):
        return self.kind in "WX"


class Link:
    """Plain remote-protocol operations on one target."""

    def __init__(self, packet, layout):
        self.packet = packet
        self.layout = layout
        self.g_names = None     # which tracked registers the stub's `g` carries, learnt once

    def _ask(self, text):
        reply = self.packet(text)
        if reply.startswith("E") and len(reply) == 3:
            raise RemoteError("the target answered %s to %s" % (reply, text[:40]))
        return reply

    def registers(self, stop=None):
        """All tracked registers: from the stop reply's expedited values where present, then `g`,
        then `p` for the rest."""
        values = {}
        if stop is not None:
            for key, text in stop.pairs.items():
                try:
                    reg = self.layout.by_pnum.get(int(key, 16))
                except ValueError:
                    continue    # "thread", "swbreak", "watch" ...
                if reg is not None and "x" not in text:
                    values[reg.name] = le_int(text)
        missing = [n for n in self.layout.names if n not in values]
        if missing and (self.g_names is None or set(missing) & set(self.g_names)):
            from_g = self.layout.decode_g(self._ask("g"))
            self.g_names = list(from_g)
            values.update((n, v) for n, v in from_g.items() if n not in values)
        for reg in self.layout.regs:
            if reg.name not in values:
                text = self._ask("p%x" % reg.pnum)
                if "x" not in text:
                    values[reg.name] = le_int(text)
        return values

    def read(self, addr, length):
        """Target memory as the debugger sees it; RemoteError when the stub refuses."""
        out = b""
        while len(out) < length:
            chunk = min(length - len(out), 1024)
            reply = self._ask("m%x,%x" % (addr + len(out), chunk))
            if not reply:
                raise RemoteError("the target returned no data for 0x%08x" % (addr + len(out)))
            out += bytes.fromhex(reply)
        return out

    def write(self, addr, data):
        """Write target memory; RemoteError when the stub refuses."""
        reply = self._ask("M%x,%x:%s" % (addr, len(data), bytes(data).hex()))
        if reply != "OK":
            raise RemoteError("the target answered %r to a memory write at 0x%08x" % (reply[:20], addr))

    def step(self):
        """Single-step one instruction; the stop reply (registers are read by the caller)."""
        return StopReply(self.packet("s"))
