"""Load bootjump's GDB commands: `source gdb/bootjump.py` (or the .gdbinit line in gdb/README.md).

The repository root goes on sys.path for `parts`, `traces` and `c_probe`, and gdb/ for the `bjgdb`
package (docs/architecture.md, "Python layout"); then `bootjump` and its subcommands are registered.
"""
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
for _path in (os.path.dirname(_HERE), _HERE):
    if _path not in sys.path:
        sys.path.insert(0, _path)

import bjgdb  # noqa: E402  (needs the paths above)

bjgdb.install()
