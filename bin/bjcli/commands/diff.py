"""bootjump diff: where two traces part, and the loaded values that explain it (reports/)."""
import sys

import reports

from .. import CliError, command
from ..paths import need_file


@command("diff", help="the first divergence of two traces and the loaded values that explain it (Markdown)")
def setup(parser):
    parser.add_argument("trace_a", metavar="TRACE_A")
    parser.add_argument("trace_b", metavar="TRACE_B")
    parser.add_argument("--elf", metavar="FILE", help="the ELF of the code around the ROM, for symbol names")

    def run(args):
        for path, what in ((args.trace_a, "trace"), (args.trace_b, "trace"), (args.elf, "ELF")):
            if path:
                need_file(path, what)
        try:
            sys.stdout.write(reports.diff(args.trace_a, args.trace_b, elf=args.elf))
        except reports.ReportError as e:
            raise CliError(str(e)) from None
        return 0
    return run
