"""A fake AN3155 bootloader on a pty: a test fixture, not the product.

It answers the way the tests script it (good, silent, NACK, garbage...), so bootjump-usart's
handling of each case is exercised without the emulator. The real ROM model is emulator/rom/.
"""
import os
import select
import threading
import tty

ACK = b"\x79"
NACK = b"\x1f"
SYNC = 0x7F

# An STM32L031's answers (PID 0x425, bootloader 3.1, the eleven commands of an L0 ROM).
L031_REPLIES = {
    0x00: ACK + bytes([0x0B, 0x31, 0x00, 0x01, 0x02, 0x11, 0x21, 0x31, 0x44, 0x63, 0x73, 0x82, 0x92]) + ACK,
    0x01: ACK + bytes([0x31, 0x00, 0x00]) + ACK,
    0x02: ACK + bytes([0x01, 0x04, 0x25]) + ACK,
}


class FakeBootloader:
    """Serves one pty. sync_reply: the answer to 0x7F (None: silence). replies: command code ->
    answer bytes (missing codes get NACK). synchronised: start as a ROM that has already seen
    0x7F, so 0x7F is taken as the first byte of a command. babble: bytes sent without end."""

    def __init__(self, sync_reply=ACK, replies=None, synchronised=False, babble=None):
        self.sync_reply = sync_reply
        self.replies = dict(L031_REPLIES if replies is None else replies)
        self.synchronised = synchronised
        self.babble = babble
        self.received = bytearray()
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        # Non-blocking, so a babbling fake never wedges on a full pty buffer nobody reads.
        os.set_blocking(self.master, False)
        self.path = os.ttyname(self.slave)
        self._pending = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=5)
        os.close(self.master)
        os.close(self.slave)

    def _answer(self, byte):
        if not self.synchronised:
            if byte != SYNC:
                return b""
            if self.sync_reply is None:
                return b""
            self.synchronised = self.sync_reply in (ACK, NACK)
            return self.sync_reply
        if self._pending is None:
            self._pending = byte
            return b""
        code, self._pending = self._pending, None
        if code ^ byte != 0xFF:
            return NACK
        return self.replies.get(code, NACK)

    def _serve(self):
        while not self._stop.is_set():
            if self.babble:
                try:
                    os.write(self.master, self.babble)
                except OSError:
                    pass
            ready, _, _ = select.select([self.master], [], [], 0.01)
            if not ready:
                continue
            try:
                data = os.read(self.master, 256)
            except OSError:
                continue
            for byte in data:
                self.received.append(byte)
                reply = self._answer(byte)
                if reply:
                    try:
                        os.write(self.master, reply)
                    except BlockingIOError:
                        pass
