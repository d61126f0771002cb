"""A stand-in for GDB's `gdb` module (pwndbg's mocked-gdb approach), enough for bjgdb.registry and
the command modules to be imported and invoked without GDB."""
import shlex
import sys
import types


def install():
    if isinstance(sys.modules.get("gdb"), types.ModuleType) and getattr(sys.modules["gdb"], "FAKE", False):
        return sys.modules["gdb"]
    gdb = types.ModuleType("gdb")
    gdb.FAKE = True
    gdb.COMMAND_USER, gdb.COMPLETE_NONE = 13, 0
    gdb.VERSION = "13.1"
    gdb.registered = {}
    gdb.output = []

    class error(RuntimeError):
        pass

    class GdbError(Exception):
        pass

    class Command:
        def __init__(self, name, command_class, completer_class=None, prefix=False):
            gdb.registered[name] = self
            self.prefix = prefix

    gdb.error, gdb.GdbError, gdb.Command = error, GdbError, Command
    gdb.write = gdb.output.append
    gdb.flush = lambda: None
    gdb.string_to_argv = shlex.split
    sys.modules["gdb"] = gdb
    return gdb
