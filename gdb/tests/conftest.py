"""Shared test set-up: the import roots of docs/architecture.md (the repository root for `parts`,
`traces`, `c_probe`; gdb/ for `bjgdb`), this run's copy of the part database, and the scratch
directory under build/test/gdb/."""
import os
import shutil
import subprocess
import sys
import tempfile
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GDB_DIR = os.path.join(ROOT, "gdb")
SCRATCH = os.path.join(ROOT, "build", "test", "gdb")
for path in (ROOT, GDB_DIR):
    if path not in sys.path:
        sys.path.insert(0, path)

# The part database is shared with the engineers who edit it while tests run: a GDB that loads it in
# the middle of a save, or between a change to the data and the matching change to its loader, fails
# whatever it was testing. So a run takes one copy of parts/ (package and data) before anything
# imports it, and this process and every GDB it starts (session.gdb) import `parts` from that copy.
# A copy that does not load is taken again every PARTS_RETRY s (a save in progress is over in
# milliseconds), for PARTS_PATIENCE s; a database broken for longer than that fails the tests.
PARTS_RETRY = 0.1
PARTS_PATIENCE = 10.0


def copy_parts(root, patience=PARTS_PATIENCE):
    """A new directory holding a copy of root's parts/ package that loads its database."""
    copy = tempfile.mkdtemp(prefix="bootjump-gdb-parts-")
    give_up = time.monotonic() + patience
    while True:
        shutil.rmtree(os.path.join(copy, "parts"), ignore_errors=True)
        shutil.copytree(os.path.join(root, "parts"), os.path.join(copy, "parts"),
                        ignore=shutil.ignore_patterns("tests", "__pycache__"))
        if _loads(copy) or time.monotonic() > give_up:
            return copy
        time.sleep(PARTS_RETRY)


def pytest_configure(config):
    config.bj_parts_copy = copy_parts(ROOT)
    sys.path.insert(0, config.bj_parts_copy)
    os.environ["BJ_GDB_PARTS"] = config.bj_parts_copy


def _loads(copy):
    """Whether the copied package imports and loads its database, in a process of its own."""
    check = "import sys; sys.path.insert(0, %r); import parts; parts.load()" % copy
    return subprocess.run([sys.executable, "-c", check], capture_output=True).returncode == 0


def pytest_unconfigure(config):
    shutil.rmtree(config.bj_parts_copy, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def scratch_dir(tmp_path_factory):
    """Integration tests write traces and access logs under pytest's temporary directory (one per
    run, the last few kept), so concurrent `make test` runs in the shared tree never collide."""
    path = str(tmp_path_factory.mktemp("scratch"))
    os.environ["BJ_GDB_SCRATCH"] = path
    return path
