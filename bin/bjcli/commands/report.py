"""bootjump report: analyse a trace again and write its Markdown and HTML reports (reports/)."""
import os

import reports

from .. import CliError, command, show
from ..paths import need_file


@command("report", help="analyse a trace (.jsonl) and write its Markdown and HTML reports")
def setup(parser):
    parser.add_argument("trace", metavar="TRACE", help="a bootjump-trace/1 file")
    parser.add_argument("--elf", metavar="FILE", help="the ELF of the code that ran around the ROM "
                                                      "(your firmware or the probe), for symbol names")
    parser.add_argument("--out", metavar="DIR", help="where the reports go (default: the trace's directory)")

    def run(args):
        for path, what in ((args.trace, "trace"), (args.elf, "ELF")):
            if path:
                need_file(path, what)
        out = args.out or os.path.dirname(os.path.abspath(args.trace))
        try:
            md, html, verdict = reports.render(args.trace, out, elf=args.elf)
        except reports.ReportError as e:
            raise CliError(str(e)) from None
        print("\n".join(show.verdict(verdict)))
        print("\n".join(show.paths(args.trace, md, html)))
        return 0
    return run
