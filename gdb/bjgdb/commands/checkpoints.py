"""bootjump checkpoints: the probe's record (backup registers and RAM ring), in plain words."""
import gdb

from c_probe import record

from ..registry import CommandError, Parser, command
from ..target import Target

parser = Parser("checkpoints", "Decode c_probe's checkpoint record from the backup registers (or its RAM "
                "copy) and the RAM ring, as c_probe/record.json defines them: how far the last jump got "
                "and how control came back. Needs no symbols: the record's place comes from the part.")
parser.add_argument("--part", metavar="NAME", help="the part, instead of identifying it")


def read_record(target, part):
    """c_probe.record.read() over the target's memory; CommandError when it cannot be read."""
    try:
        return record.read(part, lambda addr, size: target.read_or_fail(addr, size, "the probe's record"))
    except record.RecordError as e:
        raise CommandError(str(e)) from None


@command(parser)
def checkpoints(args):
    target = Target()
    _, ident = target.identify(args.part)
    found = read_record(target, ident.part)
    values = found["record"]
    gdb.write("record (from %s):\n" % ("the backup registers" if found["source"] == "backup" else "RAM"))
    for key, value in record.facts(values):
        gdb.write("  %-10s %s\n" % (key + ":", value))
    if found["ring"]:
        gdb.write("ring (oldest first):\n")
        for e in found["ring"]:
            gdb.write("  #%-5d boot %-3d %-14s %-16s %s\n" % (e["seq"], e["boots"], e["recipe_name"], e["step_name"],
                                                            ",".join(e["cause_names"]) or "-"))
    else:
        gdb.write("ring: empty or not written\n")
