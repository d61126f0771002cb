"""The probe's checkpoint record, ring and mailbox, decoded (and encoded) from c_probe/record.json.

Stdlib only: gdb-multiarch's embedded Python (`bootjump checkpoints`), bin/bootjump and the tests
import it. The C codec (c_probe/record_codec.c) reads and writes the same bytes through the header
c_probe/gen_record.py generates from the same file; c_probe/tests/test_record.py holds the two to it.

    import c_probe.record as record
    values = record.decode([0x0100424a, ...], width=32)   # backup registers as read
    for key, value in record.facts(values): print("%s: %s" % (key, value))
"""
import json
import os

DEFINITION = os.path.join(os.path.dirname(os.path.abspath(__file__)), "record.json")


class RecordError(Exception):
    """The definition is broken or the words cannot be a record; the message says what to do."""


class Definition:
    """record.json with its lists turned into lookups."""

    def __init__(self, raw):
        self.raw = raw
        self.version = raw["version"]
        self.cell_bits = raw["cell_bits"]
        rec = raw["record"]
        self.magic = int(rec["magic"], 16)
        self.cells = rec["cells"]
        self.fields = rec["fields"]
        self.ring = raw["ring"]
        self.mailbox = raw["mailbox"]
        self.noinit = raw["noinit"]
        self.recipes = {r["code"]: r for r in raw["recipes"]}
        self.steps = {s["code"]: s for s in raw["steps"]}
        self.causes = raw["causes"]
        self.options = raw["options"]

    def code(self, kind, name):
        """Code of a recipe or step by name ("classic" -> 2)."""
        table = {"recipes": self.recipes, "steps": self.steps}[kind]
        for code, entry in table.items():
            if entry["name"] == name:
                return code
        raise RecordError("unknown %s %r; known: %s" % (kind[:-1], name, ", ".join(e["name"] for e in table.values())))

    def flag_names(self, kind, mask):
        """Names of the set bits of a causes/options mask, in bit order; unknown bits as bitN."""
        table = {"causes": self.causes, "options": self.options}[kind]
        names = [e["name"] for e in table if mask & (1 << e["bit"])]
        known = sum(1 << e["bit"] for e in table)
        names += ["bit%d" % b for b in range(32) if mask & ~known & (1 << b)]
        return names

    def flag_mask(self, kind, names):
        table = {e["name"]: e["bit"] for e in {"causes": self.causes, "options": self.options}[kind]}
        mask = 0
        for n in names:
            if n not in table:
                raise RecordError("unknown %s %r; known: %s" % (kind, n, ", ".join(table)))
            mask |= 1 << table[n]
        return mask


_cache = {}


def load(path=DEFINITION):
    if path not in _cache:
        try:
            with open(path) as f:
                _cache[path] = Definition(json.load(f))
        except (OSError, ValueError, KeyError) as e:
            raise RecordError("cannot read the record definition %s: %s" % (path, e)) from None
    return _cache[path]


# ----------------------------------------------------------------------------- bits and cells

def bits_get(cells, bit, width, cell_bits=16):
    value = 0
    for i in range(width):
        pos = bit + i
        if cells[pos // cell_bits] >> (pos % cell_bits) & 1:
            value |= 1 << i
    return value


def bits_set(cells, bit, width, value, cell_bits=16):
    for i in range(width):
        pos = bit + i
        mask = 1 << (pos % cell_bits)
        if value >> i & 1:
            cells[pos // cell_bits] |= mask
        else:
            cells[pos // cell_bits] &= ~mask


def words_to_cells(words, width):
    """Storage words (16- or 32-bit registers, in address order) to 16-bit cells."""
    if width == 16:
        return [w & 0xFFFF for w in words]
    if width == 32:
        out = []
        for w in words:
            out += [w & 0xFFFF, w >> 16 & 0xFFFF]
        return out
    raise RecordError("storage width %r: the record lives in 16- or 32-bit registers" % width)


def cells_to_words(cells, width):
    if width == 16:
        return list(cells)
    if width == 32:
        cells = list(cells) + [0] * (len(cells) % 2)
        return [cells[i] | cells[i + 1] << 16 for i in range(0, len(cells), 2)]
    raise RecordError("storage width %r: the record lives in 16- or 32-bit registers" % width)


def _unpack(fields, cells):
    return {f["name"]: bits_get(cells, f["bit"], f["width"]) for f in fields}


def _pack(fields, values, ncells):
    cells = [0] * ncells
    names = {f["name"] for f in fields}
    unknown = sorted(set(values) - names)
    if unknown:
        raise RecordError("unknown field(s) %s; fields are %s" % (", ".join(unknown), ", ".join(sorted(names))))
    for f in fields:
        v = values.get(f["name"], 0)
        if not 0 <= v < 1 << f["width"]:
            raise RecordError("field %s = %r does not fit in %d bits" % (f["name"], v, f["width"]))
        bits_set(cells, f["bit"], f["width"], v)
    return cells


# ----------------------------------------------------------------------------- the record

def decode(words, width=32, definition=None):
    """Field values of the record held in `words` (the backup registers, or the RAM copy as 16-bit
    cells with width=16). Missing trailing words read as 0."""
    d = definition or load()
    cells = words_to_cells(words, width)[:d.cells]
    cells += [0] * (d.cells - len(cells))
    return _unpack(d.fields, cells)


def encode(values, width=32, definition=None):
    """Storage words for the field values (names as in record.json; magic and version default to
    this definition's)."""
    d = definition or load()
    full = {"magic": d.magic, "version": d.version}
    full.update(values)
    return cells_to_words(_pack(d.fields, full, d.cells), width)


def _name(table, code):
    entry = table.get(code)
    return entry["name"] if entry else "unknown-%d" % code


def outcome(values, definition=None):
    """How the attempt ended, from the record alone (see c_probe/README.md, "Outcome")."""
    d = definition or load()
    if values["recipe"] == 0:
        return "idle"
    if values["step"] == d.code("steps", "refused"):
        return "refused"
    if values["boots"] == values["step_boot"]:
        return "running"
    return "returned-by-branch" if values["causes"] == 0 else "returned-by-reset"


def facts(values, definition=None):
    """(key, value) pairs, one per fact, exactly as the probe prints them on its UART."""
    d = definition or load()
    if values["magic"] != d.magic:
        return [("record", "absent")]
    if values["version"] != d.version:
        return [("record", "version-%d-unknown" % values["version"])]

    def flags(kind, mask):
        return ",".join(d.flag_names(kind, mask)) or "none"

    out = [
        ("record", "v%d" % d.version),
        ("boots", str(values["boots"])),
        ("entry", "branch" if values["causes"] == 0 else "reset " + flags("causes", values["causes"])),
        ("recipe", _name(d.recipes, values["recipe"])),
        ("step", _name(d.steps, values["step"])),
        ("step-boot", str(values["step_boot"])),
        ("options", flags("options", values["options"])),
        ("resets", str(values["resets"])),
        ("returns", str(values["returns"])),
        ("seen", flags("causes", values["seen"])),
    ]
    if values["step"] == d.code("steps", "fault"):
        out.append(("fault-pc", "0x%08x" % values["fault_pc"]))
    out.append(("outcome", outcome(values, d)))
    return out


# ----------------------------------------------------------------------------- ring and mailbox

def decode_ring(cells, definition=None):
    """Entries of the RAM ring (as 16-bit cells), oldest first; [] when the ring is not valid."""
    d = definition or load()
    ring = d.ring
    hc, ec, n = ring["header_cells"], ring["entry_cells"], ring["entries"]
    if len(cells) < hc + ec * n:
        raise RecordError("the ring needs %d cells, got %d" % (hc + ec * n, len(cells)))
    header = _unpack(ring["header"], cells[:hc])
    if header["magic"] != int(ring["magic"], 16):
        return []
    out = []
    for back in range(n, 0, -1):
        seq = (header["next"] - back) & 0xFFFF
        slot = hc + (seq % n) * ec
        entry = _unpack(ring["entry"], cells[slot:slot + ec])
        if entry["seq"] == seq:
            entry["recipe_name"] = _name(d.recipes, entry["recipe"])
            entry["step_name"] = _name(d.steps, entry["step"])
            entry["cause_names"] = d.flag_names("causes", entry["causes"])
            out.append(entry)
    return out


def ring_cells(definition=None):
    d = definition or load()
    return d.ring["header_cells"] + d.ring["entry_cells"] * d.ring["entries"]


def decode_mailbox(data, definition=None):
    """Mailbox fields from its bytes (little-endian, as in target memory)."""
    d = definition or load()
    return {f["name"]: int.from_bytes(data[f["offset"]:f["offset"] + f["bytes"]], "little")
            for f in d.mailbox["fields"]}


def encode_mailbox(recipe, options=(), param=0, definition=None):
    """The bytes a debugger writes at bj_mailbox to make the probe run `recipe`."""
    d = definition or load()
    values = {"magic": int(d.mailbox["magic"], 16), "recipe": d.code("recipes", recipe),
              "options": d.flag_mask("options", options), "param": param}
    data = bytearray(d.mailbox["size"])
    for f in d.mailbox["fields"]:
        data[f["offset"]:f["offset"] + f["bytes"]] = values[f["name"]].to_bytes(f["bytes"], "little")
    return bytes(data)


# ----------------------------------------------------------------------------- where it lives

def noinit_base(part, definition=None):
    """Address of the probe's no-init RAM block on `part` (a parts.Part): right after the RAM the
    ROM bootloader uses, when that leaves room for the block and a stack; otherwise (the ROM uses all
    of SRAM, as on the L011) in the middle of SRAM, away from the ROM's variables at the bottom and
    its stack at the top."""
    d = definition or load()
    size, stack = d.noinit["size"], d.noinit["min_stack"]
    sram_base, sram_end = part.sram.base, part.sram.base + part.sram.size
    bl = part.raw["bootloader"]["ram"]
    after_rom = (int(bl["base"], 16) + int(bl["size"], 16) + size - 1) // size * size
    if sram_base <= after_rom and after_rom + size + stack <= sram_end:
        return after_rom
    return sram_base + (part.sram.size // 2) // size * size


def storage(part):
    """(addresses, width) of the part's backup registers that hold the record; ([], 0) when the part
    has too few (the record then lives only in RAM)."""
    d = load()
    backup = part.raw["backup"]
    width = backup["width"]
    need = (d.cells * d.cell_bits + width - 1) // width
    if len(backup["registers"]) < need:
        return [], 0
    return [part.reg_addr(r) for r in backup["registers"][:need]], width


def unlock_steps(part):
    """(address, mask) pairs, in order, that make the part's backup registers accessible: the
    part database's backup.unlock (bus clock, PWR, DBP), which the probe sets before every store.
    A debugger reading after a reset may need them too: a block whose RCC enable a reset cleared
    (F1 BKPEN, G0/L4 RTCAPBEN) reads zeros."""
    return [(part.reg_addr(x), part.bit(x)) for x in part.raw["backup"]["unlock"]]


def read(part, read_memory, write_memory=None):
    """Everything a debugger can learn: read_memory(addr, size) -> bytes reads target memory.
    With write_memory(addr, data), the unlock_steps are set first (read-modify-write), which
    changes the target as the probe itself would. Returns {"source": "backup"|"ram", "record":
    values, "ram_record": values, "ring": [...], "mailbox": {...}, "unlocked": bool}; unlocked is
    False when a backup-register read may have returned zeros because an unlock bit was clear."""
    d = load()

    def word(addr):
        return int.from_bytes(read_memory(addr, 4), "little")

    steps = unlock_steps(part)
    if write_memory:
        for addr, mask in steps:
            write_memory(addr, (word(addr) | mask).to_bytes(4, "little"))
    unlocked = all(word(addr) & mask for addr, mask in steps)
    base = noinit_base(part)
    ram_bytes = read_memory(base + d.noinit["record"], d.cells * 2)
    ram_cells = [int.from_bytes(ram_bytes[i:i + 2], "little") for i in range(0, len(ram_bytes), 2)]
    ram_values = decode(ram_cells, 16)
    addrs, width = storage(part)
    if addrs:
        words = [word(a) & ((1 << width) - 1) for a in addrs]
        values, source = decode(words, width), "backup"
    else:
        values, source = ram_values, "ram"
    n = ring_cells(d)
    ring_bytes = read_memory(base + d.noinit["ring"], n * 2)
    ring = decode_ring([int.from_bytes(ring_bytes[i:i + 2], "little") for i in range(0, n * 2, 2)])
    mailbox = decode_mailbox(read_memory(base + d.noinit["mailbox"], d.mailbox["size"]))
    return {"source": source, "record": values, "ram_record": ram_values, "ring": ring, "mailbox": mailbox,
            "unlocked": unlocked}
