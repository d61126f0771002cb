"""Cross-component tests: bin/bootjump run as a user runs it, on the real emulator, GDB, ROM model
and probe. Every run carries a unique tag in its environment, which every process it starts
inherits; after the run no process may still carry it (nothing left behind, whatever happened)."""
import os
import subprocess
import sys
import time
import uuid

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BOOTJUMP = os.path.join(ROOT, "bin", "bootjump")
PYTHON = "/usr/bin/python3"
sys.path[0:0] = [ROOT, os.path.join(ROOT, "bin")]

TAG_VAR = "BOOTJUMP_TEST_TAG"


def tagged_pids(tag):
    """Live processes whose environment holds TAG_VAR=tag (zombies have no environment left)."""
    needle = ("%s=%s" % (TAG_VAR, tag)).encode()
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open("/proc/%s/environ" % pid, "rb") as f:
                if needle in f.read().split(b"\0"):
                    found.append(int(pid))
        except OSError:
            continue
    return found


def describe(pids):
    out = []
    for pid in pids:
        try:
            with open("/proc/%d/cmdline" % pid, "rb") as f:
                out.append("%d: %s" % (pid, f.read().replace(b"\0", b" ").decode(errors="replace")))
        except OSError:
            pass
    return out


class Cli:
    """Runs bin/bootjump with a fresh tag per run and checks that nothing it started is left."""

    def __init__(self):
        self.tag = uuid.uuid4().hex

    def env(self, extra=None):
        return dict(os.environ, **{TAG_VAR: self.tag}, **(extra or {}))

    def run(self, *args, timeout=120, env=None):
        started = time.monotonic()
        done = subprocess.run([PYTHON, BOOTJUMP] + [str(a) for a in args], capture_output=True, text=True,
                              timeout=timeout, cwd=ROOT, env=self.env(env), stdin=subprocess.DEVNULL)
        done.seconds = time.monotonic() - started
        self.assert_nothing_left()
        return done

    def popen(self, *args, script=BOOTJUMP):
        """bin/bootjump (or a script that runs it) with these arguments, started and left running."""
        return subprocess.Popen([PYTHON, script] + [str(a) for a in args], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, cwd=ROOT, env=self.env(),
                                stdin=subprocess.DEVNULL)

    def assert_nothing_left(self):
        left = tagged_pids(self.tag)
        assert not left, "processes left behind: %s" % describe(left)


@pytest.fixture
def cli():
    return Cli()


def need(*paths):
    """Fail, naming the missing build output: `make` builds all of them before these tests run."""
    missing = [os.path.relpath(p, ROOT) for p in paths if not os.path.exists(p)]
    assert not missing, "not built: %s (run `make`)" % ", ".join(missing)


def build(*parts):
    return os.path.join(ROOT, "build", *parts)


def one_line_error(done, *words):
    """A failure the user can act on: exit 1, nothing on stdout, one stderr line with `words`."""
    assert done.returncode == 1, (done.returncode, done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    for w in words:
        assert w in lines[0], (w, lines[0])
    return lines[0]
