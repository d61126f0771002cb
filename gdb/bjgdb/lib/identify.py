"""Which part is on the other end of the debug link: CPUID names the core, the part database gives
that core's DBGMCU_IDCODE address, and DEV_ID (plus the bootloader ID byte when two parts share a
DEV_ID) picks the part. `read(addr, size)` returns bytes, or None when the target refuses."""
from . import cortexm


class IdentifyError(Exception):
    """The part could not be identified; the message says what was read and what to do."""


class Identity:
    __slots__ = ("part", "dev_id", "rev_id", "idcode")

    def __init__(self, part, dev_id, rev_id, idcode):
        self.part, self.dev_id, self.rev_id, self.idcode = part, dev_id, rev_id, idcode


def _word(read, addr):
    data = read(addr, 4)
    return None if data is None else int.from_bytes(data, "little")


def _field(value, part, path):
    lsb, width, _ = part.field(path)
    return (value >> lsb) & ((1 << width) - 1)


def identify(db, read):
    """The Identity of the connected part; raises IdentifyError."""
    f = cortexm.facts()
    cpuid = _word(read, f.cpuid)
    if cpuid is None:
        raise IdentifyError("cannot read CPUID at 0x%08x: is the target halted and connected?" % f.cpuid)
    cores = [p for p in db.parts if int(p.raw["cpuid"], 16) & f.cpuid_core_mask == cpuid & f.cpuid_core_mask]
    if not cores:
        raise IdentifyError("CPUID 0x%08x matches no core of the part database (%s); name the part "
                            "with --part" % (cpuid, ", ".join(db.names())))
    seen = []
    for addr in sorted({p.reg_addr("DBGMCU.IDCODE") for p in cores}):
        idcode = _word(read, addr)
        if idcode is None:
            seen.append("0x%08x unreadable" % addr)
            continue
        here = [p for p in cores if p.reg_addr("DBGMCU.IDCODE") == addr]
        dev_id = _field(idcode, here[0], "DBGMCU.IDCODE.DEV_ID")
        rev_id = _field(idcode, here[0], "DBGMCU.IDCODE.REV_ID")
        found = [p for p in here if p.dev_id == dev_id]
        if len(found) > 1:
            found = [p for p in found if p.bootloader_id is not None and
                     (read(p.bootloader_id_address, 1) or b"\xff")[0] == p.bootloader_id]
        if len(found) == 1:
            return Identity(found[0], dev_id, rev_id, idcode)
        seen.append("DBGMCU_IDCODE 0x%08x at 0x%08x (DEV_ID 0x%03x)" % (idcode, addr, dev_id))
    raise IdentifyError("no part of the database matches %s; known parts: %s; name the part with --part"
                        % ("; ".join(seen), ", ".join(db.names())))


def resolve(db, read, name=None):
    """The Identity for --part NAME (DEV_ID/REV_ID still read when possible) or by identification.
    NAME is refused when the target identifies as another part of the database: its ROM would be
    traced and judged as NAME's. A target the database does not know is what --part is for."""
    if name is None:
        return identify(db, read)
    part = db.lookup(name)
    idcode = _word(read, part.reg_addr("DBGMCU.IDCODE"))
    if idcode is None:
        return Identity(part, None, None, None)
    try:
        found = identify(db, read)
    except IdentifyError:
        found = None
    if found is not None and found.part is not part:
        raise IdentifyError("the target is %s (DEV_ID 0x%03x), not %s (DEV_ID 0x%03x): leave out --part to "
                            "use the part the target reports, or connect a %s"
                            % (found.part.name, found.dev_id, part.name, part.dev_id, part.name))
    return Identity(part, _field(idcode, part, "DBGMCU.IDCODE.DEV_ID"),
                    _field(idcode, part, "DBGMCU.IDCODE.REV_ID"), idcode)
