"""bootjump part: which STM32 is connected, and what its ROM bootloader is known to do."""
import gdb

from ..lib import describe
from ..registry import Parser, command
from ..target import Target

parser = Parser("part", "Identify the connected part: CPUID names the core, DBGMCU_IDCODE (at the "
                "address the part database gives for that core) gives DEV_ID and REV_ID. Prints the "
                "part, its system memory, the ROM's activation profile and AN2606's caveats.")
parser.add_argument("--part", metavar="NAME", help="skip identification and describe this part "
                    "(a name, alias or DEV_ID from parts/stm32.json)")


@command(parser)
def part(args):
    _, ident = Target().identify(args.part)
    gdb.write(describe.identity(ident))
