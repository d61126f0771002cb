"""bootjump's GDB commands (gdb/README.md). gdb/bootjump.py loads this package inside gdb-multiarch
and calls install(); modules under lib/ never import gdb and are tested without it."""

__version__ = "0.1.0"


def install():
    from . import registry
    return registry.install()
