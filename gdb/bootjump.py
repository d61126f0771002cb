"""Load bootjump's GDB commands: `source gdb/bootjump.py` (or the .gdbinit line in gdb/README.md).

The repository root goes on sys.path for `parts`, `traces` and `c_probe`, and gdb/ for the `bjgdb`
package (docs/architecture.md, "Python layout"); then `bootjump` and its subcommands are registered.
"""
import os
import sys

# This file's own path is its code's file name, whoever sources it. __file__ is not: every sourced
# Python file runs in GDB's one __main__, which gets __file__ only when it has none yet, so from a
# script that runs gdb.execute("source .../bootjump.py") it still names that script.
_HERE = os.path.dirname(os.path.abspath(sys._getframe().f_code.co_filename))
for _path in (os.path.dirname(_HERE), _HERE):
    if _path not in sys.path:
        sys.path.insert(0, _path)

import bjgdb  # noqa: E402  (needs the paths above)

bjgdb.install()
