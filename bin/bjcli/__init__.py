"""The bootjump command line. Each command is a module in bjcli/commands/ that registers itself
with @command; this package finds them, so there is no second list of commands to keep."""
import argparse
import importlib
import os
import pkgutil
import signal
import sys

from . import commands as _commands_pkg

_COMMANDS = {}


class CliError(Exception):
    """A failure the user can act on; main() prints it as one line and exits 1."""


def command(name, help):
    """Register a command: the decorated function(parser) adds arguments and returns run(args)."""
    def register(setup):
        if name in _COMMANDS:
            raise RuntimeError("command %r registered twice" % name)
        _COMMANDS[name] = (help, setup)
        return setup
    return register


def _load_commands():
    for mod in pkgutil.iter_modules(_commands_pkg.__path__):
        importlib.import_module("%s.%s" % (_commands_pkg.__name__, mod.name))


def build_parser():
    _load_commands()
    parser = argparse.ArgumentParser(
        prog="bootjump",
        description="Find out, by measurement, why an STM32 does not stay in its ROM bootloader "
                    "after a jump from user code.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in sorted(_COMMANDS):
        help_text, setup = _COMMANDS[name]
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(run=setup(p))
    return parser


def main(argv):
    from . import procs
    args = build_parser().parse_args(argv)
    procs.install_signal_handlers()
    try:
        status = args.run(args) or 0
        sys.stdout.flush()   # inside the try: a reader gone before the last write ends it quietly too
        return status
    except CliError as e:
        # One line, whatever the message quoted (a multi-line error from another component).
        print("bootjump %s: %s" % (args.command, " ".join(str(e).split())), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bootjump %s: interrupted" % args.command, file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our output went away (`bootjump report T | head`): stop quietly, as a
        # program killed by SIGPIPE does; stdout goes to /dev/null so its final flush cannot fail.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + signal.SIGPIPE
    finally:
        procs.stop_all()
