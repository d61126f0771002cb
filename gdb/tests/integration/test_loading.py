"""Loading: `source gdb/bootjump.py` works however it is sourced, and from any directory; from a
Python script's gdb.execute("source ...") too, where __file__ names the script, not bootjump.py."""
import os
import subprocess

import pytest

from conftest import ROOT
from session import BOOTJUMP_PY


def run_gdb(commands, cwd):
    args = ["gdb-multiarch", "-nx", "-batch"]
    for c in commands:
        args += ["-ex", c]
    done = subprocess.run(args, capture_output=True, text=True, timeout=60, cwd=cwd, stdin=subprocess.DEVNULL)
    return done.stdout, done.stderr


@pytest.mark.parametrize("how", ["command", "script-absolute", "script-relative", "python-command"])
def test_source_from_anywhere(tmp_path, how):
    script = tmp_path / "loader.py"
    cwd = str(tmp_path)
    if how == "command":
        commands = ["source %s" % BOOTJUMP_PY]
    elif how == "python-command":
        commands = ["python gdb.execute('source %s')" % BOOTJUMP_PY]
    else:
        path = BOOTJUMP_PY if how == "script-absolute" else os.path.relpath(BOOTJUMP_PY, ROOT)
        cwd = cwd if how == "script-absolute" else ROOT
        script.write_text("import gdb\ngdb.execute(%r)\n" % ("source " + path))
        commands = ["source %s" % script]
    out, err = run_gdb(commands + ["help bootjump trace", "python import bjgdb; print(bjgdb.__file__)"], cwd)
    assert err == "", err
    assert "usage: bootjump trace" in out
    assert os.path.join(ROOT, "gdb", "bjgdb", "__init__.py") in out
