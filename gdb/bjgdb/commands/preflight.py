"""bootjump preflight: the state at the moment of the jump against the jump checklist."""
import gdb

from ..lib import describe, preflight as checks
from ..registry import Parser, command
from ..target import Target

parser = Parser("preflight", "Check the state at the moment of the jump (stopped at the branch into "
                "the ROM, or a few straight-line instructions before it, e.g. at c_probe's bj_jump) "
                "against the known causes of a failed jump: branch target and Thumb bit, "
                "MSP, PRIMASK, NVIC enabled/pending IRQs, SysTick, VTOR/remap, CONTROL, clocks, IWDG, "
                "flash word 0 on empty-check parts, BOOT option bits, dual-bank valid banks. Each "
                "finding cites its source. Reading SYST_CSR clears its COUNTFLAG.")
parser.add_argument("--part", metavar="NAME", help="the part, instead of identifying it")


def snapshot(target, part_name=None):
    db, ident = target.identify(part_name)
    return checks.gather(db, ident.part, target.registers(), target.read)


@command(parser)
def preflight(args):
    results = checks.run(snapshot(Target(), args.part))
    gdb.write(describe.findings(results))
    failed = sum(1 for f in results if f["status"] == "fail")
    warned = sum(1 for f in results if f["status"] == "warn")
    gdb.write("preflight: %d fail, %d warn, %d pass\n" % (failed, warned, len(results) - failed - warned))
