"""bootjump parts: the part database as a table."""
import parts
from parts.__main__ import table

from .. import command, CliError


@command("parts", help="list the STM32 parts bootjump knows (name, DEV_ID, core, system memory, ROM profile)")
def setup(parser):
    def run(args):
        try:
            print(table(parts.load()))
        except parts.PartError as e:
            raise CliError(str(e)) from None
    return run
