"""The `bootjump` prefix command and its subcommands, each declared once with @command in its own
module under bjgdb/commands/ (found by package discovery, no hand-kept list). A subcommand's help
is its argparse parser's; its errors reach the user as one line, never as a Python traceback."""
import argparse
import importlib
import pkgutil

import gdb

PREFIX = "bootjump"
_commands = {}


class CommandError(Exception):
    """A user-facing failure: the message names the problem and what to do."""


class _Exit(Exception):
    """argparse finished (e.g. after --help) without an error."""


class Parser(argparse.ArgumentParser):
    """argparse that reports to GDB instead of exiting the process."""

    def __init__(self, name, description, epilog=None):
        super().__init__(prog="%s %s" % (PREFIX, name), description=description, epilog=epilog,
                         formatter_class=argparse.RawDescriptionHelpFormatter)
        self.name = name

    def error(self, message):
        raise CommandError("%s: %s (see `help %s`)" % (self.prog, message, self.prog))

    def exit(self, status=0, message=None):
        if message:
            gdb.write(message)
        raise _Exit()

    def print_help(self, file=None):
        gdb.write(self.format_help())


def command(parser):
    """Declare a subcommand: `fn(args)` runs `bootjump <parser.name> ...`."""
    def declare(fn):
        if parser.name in _commands:
            raise ValueError("bootjump %s is declared twice" % parser.name)
        _commands[parser.name] = (parser, fn)
        return fn
    return declare


class _Subcommand(gdb.Command):
    def __init__(self, parser, fn):
        self.parser, self.fn = parser, fn
        # GDB lists a subcommand by its doc's first line: the description's first sentence.
        self.__doc__ = "%s.\n\n%s" % (parser.description.split(". ")[0].split(":")[0].rstrip("."),
                                       parser.format_help())
        super().__init__("%s %s" % (PREFIX, parser.name), gdb.COMMAND_USER)

    def invoke(self, argument, from_tty):
        try:
            args = self.parser.parse_args(gdb.string_to_argv(argument))
            self.fn(args)
        except _Exit:
            pass
        except CommandError as e:
            raise gdb.GdbError(str(e)) from None
        except gdb.error as e:
            # GDB refused something on the way (e.g. the connection is gone): one line, like its own
            # errors; uncaught, GDB would print it twice with "Python Exception".
            raise gdb.GdbError("bootjump %s: %s" % (self.parser.name, e)) from None
        except Exception as e:
            # A bug reaches the user as one line naming it, not as a Python traceback.
            raise gdb.GdbError("bootjump %s: internal error (%s: %s)"
                               % (self.parser.name, type(e).__name__, e)) from None


class _Prefix(gdb.Command):
    """Measure what an STM32's ROM bootloader does when your code jumps to it.
`help bootjump SUBCOMMAND` shows a subcommand's options; gdb/README.md explains them all."""

    def __init__(self):
        super().__init__(PREFIX, gdb.COMMAND_USER, gdb.COMPLETE_NONE, True)


def install():
    """Import every module of bjgdb.commands (each declares itself) and register them with GDB."""
    from . import commands
    for info in pkgutil.iter_modules(commands.__path__):
        importlib.import_module("%s.%s" % (commands.__name__, info.name))
    _Prefix()
    for name in sorted(_commands):
        _Subcommand(*_commands[name])
    return sorted(_commands)
