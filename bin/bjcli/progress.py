"""One progress line on stderr, rewritten in place, only when stderr is a terminal: a log file or
a pipe gets no carriage-return noise, and stdout (the results) is never touched. The line ticks
(elapsed seconds) even while the step it names prints nothing."""
import shutil
import sys
import threading
import time


class Progress:
    def __init__(self, stream=None, enabled=None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.shown = False
        self.start = time.monotonic()
        self.text = None
        self._lock = threading.Lock()
        self._ticker = None

    def update(self, text):
        if not self.enabled:
            return
        self.text = text
        self._draw()
        if self._ticker is None or not self._ticker.is_alive():
            self._ticker = threading.Thread(target=self._tick, daemon=True)
            self._ticker.start()

    def _tick(self):
        while self.text is not None:
            time.sleep(0.25)
            self._draw()

    def _draw(self):
        width = shutil.get_terminal_size((100, 20)).columns - 1
        with self._lock:
            if self.text is None:
                return
            line = "[%5.1fs] %s" % (time.monotonic() - self.start, self.text)
            self.stream.write("\r\x1b[K" + line[:width])
            self.stream.flush()
            self.shown = True

    def bar(self, done, total, text):
        """A bar for a known amount of work (the matrix's cells)."""
        filled = 20 * done // max(total, 1)
        self.update("[%s%s] %d/%d %s" % ("#" * filled, "." * (20 - filled), done, total, text))

    def clear(self):
        """Erase the line before printing results, so they start at column 0."""
        with self._lock:
            self.text = None
            if self.shown:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
                self.shown = False
