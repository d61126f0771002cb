"""A scripted GDB remote stub that behaves like a debug probe's GDB server (OpenOCD, st-util), not
like bootjump-emu: its stop replies expedite no registers, its `g` packet holds only r0-r12, sp, lr,
pc and xpsr (the rest answer `p`), and it has no `monitor bj-step`. It runs a script, not a CPU:
each `s` moves to the next of a list of states (registers and memory), so a test can make GDB's
plain tracing path run against a target with exactly these habits.

Run: fakestub.py SCRIPT.json   prints {"gdb": PORT} when listening on 127.0.0.1.
SCRIPT: {"memory": {"0xADDR": "hex bytes", ...}, "states": [{"regs": {name: "0x.."},
         "mem": {"0xADDR": "hex bytes"}}, ...]}  (state 0 is complete; later ones are changes),
        optionally "stall": {"packet": "m1234,4", "seconds": 3}: the first time that packet comes,
        the stub stalls before it acknowledges it (a probe's server on a busy machine).
"""
import json
import socket
import sys
import time

REGS = ["r%d" % n for n in range(13)] + ["sp", "lr", "pc"]
G_REGS = REGS + ["xpsr"]
EXTRA = ["msp", "psp", "primask", "basepri", "faultmask", "control"]

TARGET_XML = """<?xml version="1.0"?>
<!DOCTYPE target SYSTEM "gdb-target.dtd">
<target version="1.0"><architecture>arm</architecture>
<feature name="org.gnu.gdb.arm.m-profile">
%s
<reg name="xpsr" bitsize="32" regnum="25"/>
</feature>
<feature name="org.gnu.gdb.arm.m-system">
<reg name="msp" bitsize="32" regnum="26" type="data_ptr"/>
<reg name="psp" bitsize="32" regnum="27" type="data_ptr"/>
</feature>
<feature name="org.gnu.gdb.arm.fakestub.special">
<reg name="primask" bitsize="32" regnum="28"/>
<reg name="basepri" bitsize="32" regnum="29"/>
<reg name="faultmask" bitsize="32" regnum="30"/>
<reg name="control" bitsize="32" regnum="31"/>
</feature>
</target>
""" % "\n".join('<reg name="%s" bitsize="32" regnum="%d"/>' % (r, n) for n, r in enumerate(REGS))
REGNUM = dict({r: n for n, r in enumerate(REGS)}, xpsr=25, msp=26, psp=27, primask=28,
              basepri=29, faultmask=30, control=31)


def hex32(v):
    return v.to_bytes(4, "little").hex()


class Script:
    def __init__(self, raw):
        self.memory = {}
        for addr, data in raw["memory"].items():
            self._write(int(addr, 16), bytes.fromhex(data))
        self.states = raw["states"]
        self.stall = raw.get("stall")
        self.index = 0
        self.regs = {}
        self._apply(self.states[0])

    def _write(self, addr, data):
        for k, b in enumerate(data):
            self.memory[addr + k] = b

    def _apply(self, state):
        self.regs.update((r, int(v, 16)) for r, v in state.get("regs", {}).items())
        for addr, data in state.get("mem", {}).items():
            self._write(int(addr, 16), bytes.fromhex(data))

    def step(self):
        if self.index + 1 < len(self.states):
            self.index += 1
            self._apply(self.states[self.index])

    def read(self, addr, length):
        if any(addr + k not in self.memory for k in range(length)):
            return None
        return bytes(self.memory[addr + k] for k in range(length))


def checksum(body):
    return "%02x" % (sum(body.encode("latin-1")) & 0xFF)


def serve(script, sock):
    conn, _ = sock.accept()
    buf = b""
    while True:
        data = conn.recv(4096)
        if not data:
            return
        buf += data
        while True:
            buf = buf.lstrip(b"+")
            if buf.startswith(b"\x03"):
                buf = buf[1:]
                conn.sendall(b"$S02#b5")
                continue
            start, end = buf.find(b"$"), buf.find(b"#")
            if start < 0 or end < 0 or len(buf) < end + 3:
                break
            body = buf[start + 1:end].decode("latin-1")
            buf = buf[end + 3:]
            if script.stall and body == script.stall["packet"]:
                time.sleep(script.stall["seconds"])
                script.stall = None
            conn.sendall(b"+")
            reply = handle(script, body)
            if reply is None:
                conn.close()
                return
            conn.sendall(("$%s#%s" % (reply, checksum(reply))).encode("latin-1"))


def handle(script, body):
    if body.startswith("qSupported"):
        return "PacketSize=4000;qXfer:features:read+"
    if body.startswith("qXfer:features:read:target.xml:"):
        offset, length = (int(x, 16) for x in body.rsplit(":", 1)[1].split(","))
        chunk = TARGET_XML[offset:offset + length]
        return ("m" if offset + length < len(TARGET_XML) else "l") + chunk
    if body == "?":
        return "S05"
    if body in ("qAttached",):
        return "1"
    if body.startswith("H") or body.startswith("qSymbol"):
        return "OK"
    if body == "qC":
        return "QC1"
    if body == "qfThreadInfo":
        return "m1"
    if body == "qsThreadInfo":
        return "l"
    if body == "g":
        return "".join(hex32(script.regs[r]) for r in G_REGS)
    if body.startswith("p"):
        num = int(body[1:], 16)
        name = next((r for r, n in REGNUM.items() if n == num), None)
        return hex32(script.regs[name]) if name else "E01"
    if body.startswith("m"):
        addr, length = (int(x, 16) for x in body[1:].split(","))
        data = script.read(addr, length)
        return data.hex() if data is not None else "E01"
    if body == "s" or body.startswith("vCont;s"):
        script.step()
        return "S05"
    if body in ("D", "k"):
        return None if body == "k" else "OK"
    return ""


def main():
    with open(sys.argv[1]) as f:
        script = Script(json.load(f))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    print(json.dumps({"gdb": sock.getsockname()[1]}), flush=True)
    serve(script, sock)


if __name__ == "__main__":
    main()
