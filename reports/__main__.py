"""python3 -m reports report TRACE [--elf FILE] [--out DIR] | diff TRACE_A TRACE_B [--elf FILE]

A thin front end over the package API; bin/bootjump offers the same commands."""
import argparse
import os
import sys

import reports

COMMANDS = {}


def command(name, help_text):
    """Register a subcommand once: its parser setup and its action live in one function pair."""
    def wrap(fn):
        COMMANDS[name] = (help_text, fn)
        return fn
    return wrap


@command("report", "analyse a trace and write <name>.md and <name>.html")
def _report(args):
    out = args.out or os.path.dirname(os.path.abspath(args.trace))
    md, html, verdict = reports.render(args.trace, out, elf=args.elf)
    print(verdict.headline)
    print("Markdown: %s\nHTML:     %s" % (md, html))


@command("diff", "the first divergence of two traces and the loaded values that explain it")
def _diff(args):
    sys.stdout.write(reports.diff(args.trace_a, args.trace_b, elf=args.elf))


def _parser():
    p = argparse.ArgumentParser(prog="python3 -m reports", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    for name, (help_text, _) in COMMANDS.items():
        s = sub.add_parser(name, help=help_text, description=help_text)
        if name == "report":
            s.add_argument("trace", help="a bootjump-trace/1 file (.jsonl)")
            s.add_argument("--out", help="directory for the reports (default: the trace's directory)")
        else:
            s.add_argument("trace_a")
            s.add_argument("trace_b")
        s.add_argument("--elf", help="the user's or the probe's ELF, for symbol names (never the ROM's)")
    return p


def main(argv=None):
    args = _parser().parse_args(argv)
    try:
        COMMANDS[args.command][1](args)
    except reports.ReportError as e:
        print("bootjump %s: error: %s" % (args.command, e), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
