"""Plain-text output of the commands, kept apart from GDB so tests read it directly."""


def _id(value, digits):
    return "unread" if value is None else "0x%0*x" % (digits, value)


def identity(ident):
    """`bootjump part`: the part and what the database knows about its ROM bootloader."""
    p = ident.part
    sysmem = p.system_memory
    bl_id = ("no bootloader ID byte (AN2606 gives none)" if p.bootloader_id is None else
             "bootloader ID 0x%02x at 0x%08x" % (p.bootloader_id, p.bootloader_id_address))
    lines = [
        "part:          %s (%s), %s" % (p.name, p.designator, p.core),
        "DEV_ID:        %s   REV_ID: %s" % (_id(ident.dev_id, 3), _id(ident.rev_id, 4)),
        "system memory: 0x%08x..0x%08x (%d bytes), %s" % (sysmem.base, sysmem.end - 1, sysmem.size, bl_id),
        "activation:    %s (AN2606 pattern %s)" % (p.profile, p.raw["activation"]["pattern"]),
    ]
    for c in p.raw["caveats"]:
        lines.append("caveat:        \"%s\" [%s]" % (c["quote"], c["source"]))
    return "\n".join(lines) + "\n"


def findings(results):
    """`bootjump preflight`: one line per check, worst first within the original order."""
    width = max((len(f["check"]) for f in results), default=0)
    out = []
    for f in results:
        out.append("%-4s  %-*s  %s [%s]" % (f["status"].upper(), width, f["check"], f["message"], f["source"]))
    return "\n".join(out) + "\n"
