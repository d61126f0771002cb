"""bjgdb/registry.py with a mocked gdb module: one prefix command, one subcommand per module of
bjgdb/commands/, argparse help, and errors that reach GDB as one line."""
import os

import pytest

import fakegdb

gdb = fakegdb.install()
import bjgdb  # noqa: E402
from bjgdb import registry  # noqa: E402

COMMANDS_DIR = os.path.join(os.path.dirname(bjgdb.__file__), "commands")


@pytest.fixture(scope="module")
def names():
    return bjgdb.install()


def test_one_subcommand_per_module(names):
    modules = sorted(f[:-3].replace("_", "-") for f in os.listdir(COMMANDS_DIR)
                     if f.endswith(".py") and f != "__init__.py")
    assert names == modules == ["checkpoints", "dump-rom", "part", "preflight", "trace"]
    assert gdb.registered["bootjump"].prefix is True
    assert sorted(n for n in gdb.registered if n.startswith("bootjump ")) == ["bootjump " + n for n in names]


def test_help_lines(names):
    for n in names:
        doc = gdb.registered["bootjump " + n].__doc__
        first = doc.splitlines()[0]
        assert first.endswith(".") and not first.startswith("usage"), first
        assert "usage: bootjump %s" % n in doc


def test_bad_option_is_one_line(names):
    with pytest.raises(gdb.GdbError) as e:
        gdb.registered["bootjump trace"].invoke("--max-steps lots", False)
    text = str(e.value)
    assert "\n" not in text and "bootjump trace" in text and "help bootjump trace" in text


def test_unknown_until_is_one_line(names):
    with pytest.raises(gdb.GdbError, match="unknown --until condition nowhere"):
        gdb.registered["bootjump trace"].invoke("--until user-flash,nowhere", False)


def test_help_option_prints_and_returns(names):
    gdb.output.clear()
    gdb.registered["bootjump part"].invoke("--help", False)
    assert "usage: bootjump part" in "".join(gdb.output)


def test_command_errors_become_gdb_errors(names):
    parser = registry.Parser("failing-example", "Fail on purpose.")

    @registry.command(parser)
    def failing(args):
        raise registry.CommandError("bootjump failing-example: it failed; do this instead")
    registry._Subcommand(parser, failing)
    with pytest.raises(gdb.GdbError, match="^bootjump failing-example: it failed; do this instead$"):
        gdb.registered["bootjump failing-example"].invoke("", False)
    with pytest.raises(ValueError, match="declared twice"):
        registry.command(parser)(failing)
    del registry._commands["failing-example"]


def test_bugs_and_gdb_errors_are_one_line(names):
    """Whatever escapes a command (a bug, a gdb.error from GDB itself) reaches GDB as a GdbError, which
    GDB prints as one line; anything else it prints with "Python Exception" and a second line."""
    parser = registry.Parser("buggy-example", "Fail on purpose.")
    raised = []

    @registry.command(parser)
    def buggy(args):
        raise raised[0]
    registry._Subcommand(parser, buggy)
    try:
        raised[:] = [KeyError("r13")]
        with pytest.raises(gdb.GdbError, match=r"^bootjump buggy-example: internal error \(KeyError: 'r13'\)$"):
            gdb.registered["bootjump buggy-example"].invoke("", False)
        raised[:] = [gdb.error("Remote connection closed")]
        with pytest.raises(gdb.GdbError, match="^bootjump buggy-example: Remote connection closed$"):
            gdb.registered["bootjump buggy-example"].invoke("", False)
    finally:
        del registry._commands["buggy-example"]
