"""Where bootjump finds the repository and the build outputs (docs/architecture.md, "Build
layout"). BOOTJUMP_BUILD points at another build directory (an out-of-tree build)."""
import os

from . import CliError

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BOOTJUMP_BUILD") or os.path.join(ROOT, "build")


def need_file(path, what):
    """A file the user named (a trace, an ELF, a firmware) exists and is a file: else one line saying
    which, and what is wrong with it."""
    if os.path.isdir(path):
        raise CliError("%s %s is a directory, not a file" % (what, path))
    if not os.path.isfile(path):
        raise CliError("%s file %s not found" % (what, path))
