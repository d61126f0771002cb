"""bootjump matrix: every part x every probe recipe on the emulator, as a table."""
import os
import time

import parts

from .. import CliError, command, matrix, matrix_report, recipes, session
from ..paths import BUILD
from ..progress import Progress


def _split(values):
    return [n for v in values or () for n in v.split(",") if n]


@command("matrix", help="run every part x every probe recipe on the emulator and write a table "
                        "(Markdown + HTML) of what the ROM did, linked to each report, checked "
                        "against each part's documented profile")
def setup(parser):
    parser.add_argument("--parts", nargs="+", metavar="P", help="parts (default: all of parts/stm32.json)")
    parser.add_argument("--recipes", nargs="+", metavar="R",
                        help="recipes (default: all of c_probe/record.json)")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                        help="cells run at once (default: the number of CPUs)")
    parser.add_argument("--out", metavar="DIR", help="where the table and the cells' traces and reports "
                                                     "go (default: build/matrix/<date>-<time>/)")
    parser.add_argument("--max-steps", type=int, default=session.MAX_STEPS, metavar="N",
                        help="the tracer's step limit per cell (default: %d)" % session.MAX_STEPS)

    def run(args):
        if args.jobs < 1:
            raise CliError("-j must be at least 1")
        # Database order, whatever order they were asked in; aliases and DEV_IDs resolve to names.
        asked = {session.lookup_part(n).name for n in _split(args.parts)}
        part_names = [n for n in parts.load().names() if not asked or n in asked]
        asked = {recipes.check(r) for r in _split(args.recipes)}
        recipe_names = [r for r in recipes.all_recipes() if not asked or r in asked]
        out_dir = args.out or os.path.join(BUILD, "matrix", time.strftime("%Y%m%d-%H%M%S"))
        try:
            os.makedirs(out_dir, exist_ok=True)
        except OSError as e:
            raise CliError("cannot create %s: %s" % (out_dir, e.strerror)) from None
        print(matrix_report.EMULATOR_ONLY)
        progress = Progress()
        started = time.monotonic()
        try:
            cells = matrix.run(part_names, recipe_names, out_dir, args.jobs, args.max_steps, progress.bar)
        finally:
            progress.clear()
        seconds = time.monotonic() - started
        paths = matrix_report.write(out_dir, cells, part_names, recipe_names, seconds, args.jobs)
        print(matrix_report.summary_line(cells, seconds, args.jobs))
        for c in cells:
            if c.cls == "error" or c.agrees is False:
                print("  %s %s: %s: %s" % (c.part, c.recipe, matrix.CLASSES[c.cls], c.detail))
        print("table: %s" % "\n       ".join(os.path.relpath(p) for p in paths))
        failed = [c for c in cells if c.cls == "error" or c.agrees is False]
        return 1 if failed else 0
    return run
