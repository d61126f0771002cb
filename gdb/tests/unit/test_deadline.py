"""lib/deadline.py: nothing fires before the timeout; then fire() repeats at the interval until done()
(which returns only when nothing can fire any more), at most `attempts` times, then give_up() once."""
import threading
import time

from bjgdb.lib.deadline import Deadline


class Recorder:
    def __init__(self):
        self.fired, self.gave_up = [], 0
        self.lock = threading.Lock()
        self.given_up = threading.Event()

    def fire(self):
        with self.lock:
            self.fired.append(time.monotonic())

    def give_up(self):
        self.gave_up += 1
        self.given_up.set()


def deadline(rec, timeout=0.2, interval=0.05, attempts=4):
    return Deadline(timeout, rec.fire, interval, attempts, rec.give_up)


def test_done_before_the_timeout_fires_nothing():
    rec = Recorder()
    d = deadline(rec, timeout=5)
    d.start()
    d.done()
    assert rec.fired == [] and not d.expired and rec.gave_up == 0


def test_fire_repeats_until_done_and_never_after():
    rec = Recorder()
    d = deadline(rec, attempts=1000)
    start = time.monotonic()
    d.start()
    while len(rec.fired) < 3:
        time.sleep(0.01)
    d.done()
    count = len(rec.fired)
    assert d.expired and rec.fired[0] - start >= 0.2
    assert all(b - a >= 0.05 for a, b in zip(rec.fired, rec.fired[1:]))
    time.sleep(0.2)
    assert len(rec.fired) == count and rec.gave_up == 0


def test_bounded_then_gives_up_once():
    rec = Recorder()
    d = deadline(rec, timeout=0.05, interval=0.02, attempts=4)
    d.start()
    assert rec.given_up.wait(30)
    d.done()
    assert len(rec.fired) == 4 and rec.gave_up == 1
