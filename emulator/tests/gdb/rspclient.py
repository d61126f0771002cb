"""A small GDB remote protocol client for tests: framing written independently of the stub's
rsp.c, so the two check each other. Every read has a timeout: a stub that hangs fails the test
instead of hanging it."""
import socket
import time


def frame(payload):
    if isinstance(payload, str):
        payload = payload.encode("latin-1")
    return b"$" + payload + b"#%02x" % (sum(payload) & 0xFF)


def expand_rle(body):
    """The payload of a frame's body, as GDB's read_frame takes it: '*' repeats the previous byte
    (count - 29) more times, the count a printable character other than '#' and '$'."""
    out = bytearray()
    i = 0
    while i < len(body):
        if body[i] == ord("*"):
            assert out and i + 1 < len(body) and 32 <= body[i + 1] <= 126, "bad run-length in %r" % body[:200]
            out += out[-1:] * (body[i + 1] - 29)
            i += 2
        else:
            out.append(body[i])
            i += 1
    return bytes(out)


class RspClient:
    def __init__(self, port, timeout=10.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.timeout = timeout
        self.buf = b""
        self.ack = True

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def raw(self, data):
        self.sock.sendall(data)

    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no reply from the stub; have so far: %r" % self.buf[:200])
        self.sock.settimeout(left)
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("the stub closed the connection")
        self.buf += data

    def read_byte(self):
        deadline = time.monotonic() + self.timeout
        while not self.buf:
            self._fill(deadline)
        b, self.buf = self.buf[:1], self.buf[1:]
        return b

    def read_packet(self):
        """The next packet's payload (checksum verified, run-length expanded); acks are skipped."""
        deadline = time.monotonic() + self.timeout
        while True:
            start = self.buf.find(b"$")
            end = self.buf.find(b"#", start + 1) if start >= 0 else -1
            if start >= 0 and end >= 0 and len(self.buf) >= end + 3:
                body = self.buf[start + 1:end]
                # GDB starts over at a '$' inside a frame ("Saw new packet start in middle of old one").
                assert b"$" not in body, "a '$' inside a frame from the stub: %r" % body[:200]
                check = int(self.buf[end + 1:end + 3], 16)
                self.buf = self.buf[end + 3:]
                assert sum(body) & 0xFF == check, "bad checksum from the stub: %r" % body
                if self.ack:
                    try:
                        self.raw(b"+")
                    except BrokenPipeError:
                        pass  # the stub may close right after its last reply (quit, kill)
                return expand_rle(body)
            self._fill(deadline)

    def send(self, payload):
        self.raw(frame(payload))
        if self.ack:
            assert self.read_byte() == b"+"

    def ask(self, payload):
        self.send(payload)
        return self.read_packet().decode("latin-1")

    def no_ack(self):
        assert self.ask("QStartNoAckMode") == "OK"
        self.ack = False

    def monitor(self, command):
        """(ok, text) of a monitor command: its O-packet output and whether it ended in OK."""
        self.send("qRcmd," + command.encode().hex())
        text = b""
        while True:
            reply = self.read_packet()
            if reply.startswith(b"O") and reply != b"OK":
                text += bytes.fromhex(reply[1:].decode())
            else:
                return reply == b"OK", text.decode()

    def read_reg(self, regnum):
        return int.from_bytes(bytes.fromhex(self.ask("p%x" % regnum)), "little")

    def read_mem(self, addr, size):
        reply = self.ask("m%x,%x" % (addr, size))
        assert not reply.startswith("E"), "reading 0x%08x: %s" % (addr, reply)
        return bytes.fromhex(reply)

    def write_reg(self, regnum, value):
        assert self.ask("P%x=%s" % (regnum, value.to_bytes(4, "little").hex())) == "OK"
