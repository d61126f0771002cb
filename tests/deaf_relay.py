"""A target that ignores the first interrupt after each resume: a TCP relay between GDB and a GDB
server that forwards everything both ways but the first interrupt (the byte 0x03 outside a packet,
GDB's Ctrl-C) that GDB sends after each `c`, `C` or `vCont;c`/`vCont;C`. A stub that misses an
interrupt (a busy machine, a probe halted at a breakpoint GDB resumes from) looks like this.

    with DeafRelay(server_port) as relay:    # relay.port for GDB; relay.dropped counts the interrupts
        ...

It runs in a thread of the test's own process, serving one connection at a time, and closes
everything on exit.
"""
import selectors
import socket
import threading

INTERRUPT = 0x03


class _Resumes:
    """Follows the remote protocol from GDB to the server (packets `$...#xx`, `}` escaping the next
    byte) and drops the first interrupt after each resume."""

    def __init__(self, relay):
        self.relay = relay
        self.state = "out"       # out, body, escaped, sum1, sum2
        self.body = bytearray()
        self.armed = False       # a resume was sent, its first interrupt not yet dropped

    def feed(self, data):
        out = bytearray()
        for b in data:
            if self.state == "out":
                if b == ord("$"):
                    self.state, self.body = "body", bytearray()
                elif b == INTERRUPT and self.armed:
                    self.armed = False
                    self.relay.dropped += 1
                    continue
            elif self.state == "body":
                if b == ord("#"):
                    self.state = "sum1"
                    self.armed = self.armed or self.body[:1] in (b"c", b"C") or \
                        self.body.startswith((b"vCont;c", b"vCont;C"))
                elif b == ord("}"):
                    self.state = "escaped"
                else:
                    self.body.append(b)
            elif self.state == "escaped":
                self.body.append(b ^ 0x20)
                self.state = "body"
            elif self.state == "sum1":
                self.state = "sum2"
            else:
                self.state = "out"
            out.append(b)
        return bytes(out)


class DeafRelay:
    def __init__(self, server_port):
        self.server_port = server_port
        self.dropped = 0
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.port = self.listener.getsockname()[1]
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, name="deaf-relay", daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.thread.join()
        self.listener.close()

    def _serve(self):
        self.listener.settimeout(0.1)
        while not self.stopping.is_set():
            try:
                gdb, _ = self.listener.accept()
            except socket.timeout:
                continue
            with gdb, socket.create_connection(("127.0.0.1", self.server_port)) as server:
                self._pump(gdb, server)

    def _pump(self, gdb, server):
        resumes = _Resumes(self)
        with selectors.DefaultSelector() as sel:
            sel.register(gdb, selectors.EVENT_READ, (server, resumes.feed))
            sel.register(server, selectors.EVENT_READ, (gdb, bytes))
            while not self.stopping.is_set():
                for key, _ in sel.select(0.1):
                    other, forward = key.data
                    try:
                        data = key.fileobj.recv(65536)
                        if not data:
                            return
                        other.sendall(forward(data))
                    except OSError:     # a side that hung up: bin/bootjump's `?` check resets
                        return
