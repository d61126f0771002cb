"""bootjump trace: one jump, traced through the ROM bootloader, analysed, reported."""
from .. import command, session, show, targets
from ..progress import Progress


@command("trace", help="run a jump on a part (the probe's recipe or your firmware), trace the ROM "
                       "bootloader step by step, and print the verdict with the report paths")
def setup(parser):
    parser.add_argument("--part", required=True, metavar="P", help="the part (bootjump parts lists them)")
    parser.add_argument("--target", default="emu", metavar="T",
                        help="emu (default: bootjump-emu started here), emu+openocd (the same through stock "
                             "OpenOCD), openocd[=CFG] (silicon, "
                             "OpenOCD with the board file from openocd/ or CFG), or remote=HOST:PORT "
                             "(a GDB server already running: bootjump only connects)")
    parser.add_argument("--firmware", metavar="ELF",
                        help="your firmware (default: the probe, build/c_probe/<part>/probe.elf); "
                             "without the probe's symbols the trace starts at the ROM entry")
    parser.add_argument("--recipe", metavar="R", help="the probe's jump recipe (default: classic; "
                                                      "c_probe/README.md lists them)")
    parser.add_argument("--out", metavar="DIR", help="where the trace and reports go (default: "
                                                     "build/runs/<date>-<time>-<part>-<recipe>/)")
    parser.add_argument("--allow-destructive", action="store_true",
                        help="let the probe run a destructive recipe (erase-page0, boot-sel): it "
                             "erases flash or writes option bytes on the target")
    parser.add_argument("--load", action="store_true",
                        help="openocd and remote targets: program the firmware into the target's flash "
                             "first (this replaces what is there). Without it bootjump checks that the "
                             "flash holds the firmware and stops if not")
    parser.add_argument("--max-steps", type=int, default=session.MAX_STEPS, metavar="N",
                        help="the tracer's step limit (default: %d)" % session.MAX_STEPS)

    def run(args):
        targets.parse(args.target)
        progress = Progress()
        try:
            out = session.run(session.Request(args.part, args.target, args.firmware, args.recipe, args.out,
                                              args.allow_destructive, args.max_steps, load=args.load),
                              progress=progress.update)
        finally:
            progress.clear()
        if out.status == "refused":
            print("%s: the probe refused recipe %s: %s" % (out.part.name, out.recipe, out.refused))
            return 1
        if out.status == "stuck":
            print("%s, recipe %s: no trace. %s" % (out.part.name, out.recipe, show.stuck_sentence(out)))
            return 1
        print("\n".join(show.verdict(out.verdict, out.after, out.trace_error)))
        print("\n".join(show.paths(out.trace, out.md, out.html)))
        # A tracer that failed part-way leaves a report of a partial trace, not a measurement.
        return 1 if out.trace_error else 0
    return run
