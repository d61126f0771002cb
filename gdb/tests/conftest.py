"""Shared test set-up: the import roots of docs/architecture.md (the repository root for `parts`,
`traces`, `c_probe`; gdb/ for `bjgdb`) and a scratch directory per run."""
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GDB_DIR = os.path.join(ROOT, "gdb")
SCRATCH = os.path.join(ROOT, "build", "test", "gdb")
for path in (ROOT, GDB_DIR):
    if path not in sys.path:
        sys.path.insert(0, path)


@pytest.fixture(scope="session", autouse=True)
def scratch_dir(tmp_path_factory):
    """Integration tests write traces and access logs under pytest's temporary directory (one per
    run, the last few kept), so concurrent `make test` runs in the shared tree never collide."""
    path = str(tmp_path_factory.mktemp("scratch"))
    os.environ["BJ_GDB_SCRATCH"] = path
    return path
