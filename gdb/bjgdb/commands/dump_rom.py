"""bootjump dump-rom FILE: save the part's system memory (the ROM bootloader) and its SHA-256."""
import hashlib

import gdb

from ..registry import CommandError, Parser, command
from ..target import Target

parser = Parser("dump-rom", "Save the connected part's system memory (its ROM bootloader, range from "
                "the part database) to FILE and print its SHA-256. The dump is yours to keep private: "
                "run bootjump-emu on it with --rom FILE.")
parser.add_argument("file", metavar="FILE", help="where to write the image")
parser.add_argument("--part", metavar="NAME", help="the part, instead of identifying it")


@command(parser)
def dump_rom(args):
    target = Target()
    _, ident = target.identify(args.part)
    sysmem = ident.part.system_memory
    image = target.read_or_fail(sysmem.base, sysmem.size, "system memory")
    try:
        with open(args.file, "wb") as f:
            f.write(image)
    except OSError as e:
        raise CommandError("cannot write %s: %s" % (args.file, e.strerror or e)) from None
    gdb.write("%s: %d bytes of %s system memory from 0x%08x, sha256 %s\n"
              % (args.file, len(image), ident.part.name, sysmem.base, hashlib.sha256(image).hexdigest()))
