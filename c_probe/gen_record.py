"""Generate the probe record's C header, TCL variables and per-part linker fragment from
c_probe/record.json (checked first, so a broken definition stops the build with one clear line).

    python3 -m c_probe.gen_record c-header OUT.h      build/gen/bj_record.h
    python3 -m c_probe.gen_record tcl OUT.tcl         build/gen/bj_record.tcl
    python3 -m c_probe.gen_record ld PART OUT.ld      the no-init block at its fixed address
    python3 -m c_probe.gen_record mk OUT.mk           make variables: recipe names, -mcpu per part
    python3 -m c_probe.gen_record check               validate record.json only
"""
import sys

import parts
from c_probe import record

BANNER = "Generated from c_probe/record.json by c_probe/gen_record.py; do not edit."


def ident(name):
    return "".join(c if c.isalnum() else "_" for c in name).upper()


# ----------------------------------------------------------------------------- checks

def _check_fields(where, fields, total_bits, errs):
    used = {}
    for f in fields:
        if not (isinstance(f.get("bit"), int) and isinstance(f.get("width"), int)
                and f["bit"] >= 0 and 1 <= f["width"] <= 32 and f["bit"] + f["width"] <= total_bits):
            errs.append("%s field %s: bit %r width %r outside the %d bits" % (where, f.get("name"), f.get("bit"), f.get("width"), total_bits))
            continue
        for b in range(f["bit"], f["bit"] + f["width"]):
            if b in used:
                errs.append("%s fields %s and %s overlap at bit %d" % (where, used[b], f["name"], b))
                break
            used[b] = f["name"]


def _check_codes(where, entries, errs):
    codes = [e["code"] for e in entries]
    if codes != list(range(len(codes))):
        errs.append("%s codes must run 0, 1, 2, ... in order (a table indexes them)" % where)
    names = [e["name"] for e in entries]
    if len(set(names)) != len(names):
        errs.append("%s names are not unique" % where)


def check(d):
    """Every rule the generated code relies on; returns a list of problems."""
    errs = []
    _check_fields("record", d.fields, d.cells * d.cell_bits, errs)
    for name in ("magic", "version", "recipe", "step", "options", "boots", "step_boot", "causes", "seen",
                 "resets", "returns", "fault_pc"):
        if name not in {f["name"] for f in d.fields}:
            errs.append("record has no field %s (the codec uses it)" % name)
    ring = d.ring
    _check_fields("ring header", ring["header"], ring["header_cells"] * d.cell_bits, errs)
    _check_fields("ring entry", ring["entry"], ring["entry_cells"] * d.cell_bits, errs)
    if 0x10000 % ring["entries"]:
        errs.append("ring entries must divide 65536 (seq wraps at 16 bits)")
    _check_codes("recipe", d.raw["recipes"], errs)
    _check_codes("step", d.raw["steps"], errs)
    letters = [r["letter"] for r in d.raw["recipes"] if r["letter"]] + [c["letter"] for c in d.raw["commands"]]
    if len(set(letters)) != len(letters) or any(len(x) != 1 for x in letters):
        errs.append("recipe and command letters must be single characters, each used once")
    for kind in ("causes", "options"):
        bits = [e["bit"] for e in d.raw[kind]]
        if sorted(bits) != list(range(len(bits))) or len(bits) > 16:
            errs.append("%s bits must be 0, 1, 2, ... (at most 16)" % kind)
    end = 0
    for f in d.mailbox["fields"]:
        if f["offset"] != end or f["bytes"] not in (1, 2, 4) or f["offset"] % f["bytes"]:
            errs.append("mailbox field %s must follow the previous one, naturally aligned" % f["name"])
        end = f["offset"] + f["bytes"]
    if end != d.mailbox["size"]:
        errs.append("mailbox fields add up to %d bytes, size says %d" % (end, d.mailbox["size"]))
    n = d.noinit
    spans = [(n["mailbox"], d.mailbox["size"]), (n["record"], d.cells * 2),
             (n["ring"], record.ring_cells(d) * 2)]
    pos = 0
    for start, size in spans:
        if start < pos or start % 4:
            errs.append("noinit: mailbox, record and ring must follow each other, 4-byte aligned")
        pos = start + size
    if pos > n["size"]:
        errs.append("noinit: the blocks need %d bytes, size is %d" % (pos, n["size"]))
    return errs


# ----------------------------------------------------------------------------- C

def c_fields(prefix, fields):
    out = ["enum {"] + ["\t%s_%s," % (prefix, ident(f["name"])) for f in fields] + ["\t%s_NFIELDS" % prefix, "};"]
    out.append("#define %s_FIELDS_INIT {%s}" % (prefix, ", ".join("{%d, %d}" % (f["bit"], f["width"]) for f in fields)))
    out.append("#define %s_FIELD_NAMES_INIT {%s}" % (prefix, ", ".join('"%s"' % f["name"] for f in fields)))
    return out


def c_header(d):
    out = ["/* %s */" % BANNER, "#ifndef BJ_RECORD_H", "#define BJ_RECORD_H", "", "#include <stdint.h>", "",
           '#define BJ_RECORD_SCHEMA "%s"' % d.raw["schema"],
           "#define BJ_RECORD_VERSION %du" % d.version,
           "#define BJ_RECORD_MAGIC 0x%04xu" % d.magic,
           "#define BJ_RECORD_CELLS %du" % d.cells,
           "#define BJ_CELL_BITS %du" % d.cell_bits, "",
           "/* A field: its first bit in the cell array and its width. */",
           "struct bj_bitfield {", "\tuint8_t bit;", "\tuint8_t width;", "};", ""]
    out += c_fields("BJ_REC", d.fields)
    ring = d.ring
    out += ["", "#define BJ_RING_MAGIC 0x%04xu" % int(ring["magic"], 16),
            "#define BJ_RING_ENTRIES %du" % ring["entries"],
            "#define BJ_RING_HEADER_CELLS %du" % ring["header_cells"],
            "#define BJ_RING_ENTRY_CELLS %du" % ring["entry_cells"],
            "#define BJ_RING_CELLS %du" % record.ring_cells(d)]
    out += c_fields("BJ_RING_HDR", ring["header"])
    out += c_fields("BJ_RING", ring["entry"])
    ctype = {1: "uint8_t", 2: "uint16_t", 4: "uint32_t"}
    out += ["", "/* The debugger's mailbox (symbol bj_mailbox); see c_probe/README.md. */",
            "#define BJ_MAILBOX_MAGIC 0x%08xu" % int(d.mailbox["magic"], 16),
            "struct bj_mailbox {"]
    out += ["\t%s %s;" % (ctype[f["bytes"]], f["name"]) for f in d.mailbox["fields"]]
    out += ["};", "_Static_assert(sizeof(struct bj_mailbox) == %d, \"mailbox layout\");" % d.mailbox["size"], ""]
    n = d.noinit
    out += ["#define BJ_NOINIT_SIZE %du" % n["size"], "#define BJ_NOINIT_MAILBOX %du" % n["mailbox"],
            "#define BJ_NOINIT_RECORD %du" % n["record"], "#define BJ_NOINIT_RING %du" % n["ring"], ""]
    for k, v in d.raw["defaults"].items():
        out.append("#define BJ_DEFAULT_%s %du" % (ident(k), v))
    out.append("")
    for kind, prefix in (("options", "BJ_OPT"), ("causes", "BJ_CAUSE")):
        entries = sorted(d.raw[kind], key=lambda e: e["bit"])
        for e in entries:
            out.append("#define %s_%s (1u << %d)" % (prefix, ident(e["name"]), e["bit"]))
        out.append("#define %s_COUNT %du" % (prefix, len(entries)))
        out.append("#define %s_NAMES_INIT {%s}" % (prefix, ", ".join('"%s"' % e["name"] for e in entries)))
        out.append("")
    out.append("/* The part's RCC_CSR flag of each cause, 0 where it has none: include bj_part.h first. */")
    out.append("#ifdef BJ_PART_H")
    for e in d.raw["causes"]:
        c = ident(e["name"])
        out += ["#ifdef BJ_RESET_FLAG_%s" % c, "#define BJ_CAUSE_FLAG_%s BJ_RESET_FLAG_%s" % (c, c), "#else",
                "#define BJ_CAUSE_FLAG_%s 0u" % c, "#endif"]
    out.append("#define BJ_CAUSES_FROM_FLAGS(f) (%s)" % " | \\\n\t".join(
        "(((f) & BJ_CAUSE_FLAG_%s) ? BJ_CAUSE_%s : 0u)" % (ident(e["name"]), ident(e["name"])) for e in d.raw["causes"]))
    out += ["#define BJ_RESET_FLAGS_ALL (%s)" % " | ".join("BJ_CAUSE_FLAG_%s" % ident(e["name"]) for e in d.raw["causes"]),
            "#endif", ""]
    for kind, prefix in (("recipes", "BJ_RECIPE"), ("steps", "BJ_STEP")):
        for e in d.raw[kind]:
            out.append("#define %s_%s %du" % (prefix, ident(e["name"]), e["code"]))
        out.append("#define %s_COUNT %du" % (prefix, len(d.raw[kind])))
        out.append("#define %s_NAMES_INIT {%s}" % (prefix, ", ".join('"%s"' % e["name"] for e in d.raw[kind])))
        out.append("")
    out.append("/* X(NAME, name, \"name\", letter, destructive, \"about\") for every recipe but none. */")
    out.append("#define BJ_RECIPES(X) \\")
    out += ["\tX(%s, %s, \"%s\", '%s', %d, \"%s\") \\" % (ident(r["name"]), ident(r["name"]).lower(), r["name"],
                                                          r["letter"], bool(r.get("destructive")), r["about"])
            for r in d.raw["recipes"] if r["code"]]
    out += ["", "", "/* X(NAME, name, letter, \"about\") for every UART command that is not a recipe. */",
            "#define BJ_COMMANDS(X) \\"]
    out += ["\tX(%s, %s, '%s', \"%s\") \\" % (ident(c["name"]), ident(c["name"]).lower(), c["letter"], c["about"])
            for c in d.raw["commands"]]
    out += ["", "", "#endif"]
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------- TCL and linker

def _tcl_fields(fields, key="bit", size="width"):
    return "{%s}" % " ".join("%s {%d %d}" % (f["name"], f[key], f[size]) for f in fields)


def tcl(d, db):
    ring = d.ring
    body = [
        "version %d" % d.version, "magic 0x%04x" % d.magic, "cells %d" % d.cells, "cell_bits %d" % d.cell_bits,
        "fields %s" % _tcl_fields(d.fields),
        "ring {magic %s entries %d header_cells %d entry_cells %d header %s entry %s}" % (
            ring["magic"], ring["entries"], ring["header_cells"], ring["entry_cells"],
            _tcl_fields(ring["header"]), _tcl_fields(ring["entry"])),
        "mailbox {magic %s size %d fields %s}" % (d.mailbox["magic"], d.mailbox["size"],
                                                  _tcl_fields(d.mailbox["fields"], "offset", "bytes")),
        "noinit {size %d mailbox %d record %d ring %d}" % (d.noinit["size"], d.noinit["mailbox"], d.noinit["record"], d.noinit["ring"]),
        "recipes {%s}" % " ".join("%d %s" % (e["code"], e["name"]) for e in d.raw["recipes"]),
        "steps {%s}" % " ".join("%d %s" % (e["code"], e["name"]) for e in d.raw["steps"]),
        "causes {%s}" % " ".join("%d %s" % (e["bit"], e["name"]) for e in d.raw["causes"]),
        "options {%s}" % " ".join("%d %s" % (e["bit"], e["name"]) for e in d.raw["options"]),
    ]
    out = ["# %s" % BANNER,
           "# bj_record: the layout (bit offsets and widths over 16-bit cells; see c_probe/README.md).",
           "# bj_record_parts: per part, the no-init block's address, the backup registers holding the record and",
           "# the bits that make them accessible (parts/stm32.json backup.unlock, PERIPH.REG.BIT names).",
           "set bj_record [dict create %s]" % " ".join(body), "set bj_record_parts [dict create]"]
    for p in db.parts:
        addrs, width = record.storage(p)
        out.append("dict set bj_record_parts %s [dict create noinit 0x%08x backup {%s} backup_width %d unlock {%s}]" % (
            p.name, record.noinit_base(p, d), " ".join("0x%08x" % a for a in addrs), width,
            " ".join(p.raw["backup"]["unlock"])))
    return "\n".join(out) + "\n"


def linker(d, p):
    n = d.noinit
    return "\n".join([
        "/* %s */" % BANNER,
        "/* %s: the no-init block at a fixed address (record.noinit_base), laid out as record.json says. */" % p.name,
        "bj_flash_page_size = %d;" % p.raw["flash"]["page_size"],
        "bj_noinit_base = 0x%08x;" % record.noinit_base(p, d),
        "bj_noinit_min_stack = %d;" % n["min_stack"],
        ".bj_noinit bj_noinit_base (NOLOAD) :",
        "{",
        "\t. = %d;" % n["mailbox"], "\tKEEP(*(.bj_noinit.mailbox))",
        "\t. = %d;" % n["record"], "\tKEEP(*(.bj_noinit.record))",
        "\t. = %d;" % n["ring"], "\tKEEP(*(.bj_noinit.ring))",
        "\t. = %d;" % n["size"],
        "} > SRAM", ""])


def mk(d, db):
    from parts.gen import CORE_MCPU
    out = ["# %s" % BANNER, "PROBE_RECIPES := %s" % " ".join(r["name"] for r in d.raw["recipes"])]
    out += ["PROBE_MCPU_%s := %s" % (p.name, CORE_MCPU[p.core]) for p in db.parts]
    return "\n".join(out) + "\n"


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def main(argv):
    try:
        d = record.load()
        errs = check(d)
        if errs:
            print("c_probe/record.json is invalid:\n  " + "\n  ".join(errs), file=sys.stderr)
            return 2
        cmd = argv[1] if len(argv) > 1 else ""
        if cmd == "check" and len(argv) == 2:
            return 0
        if cmd == "c-header" and len(argv) == 3:
            write(argv[2], c_header(d))
        elif cmd == "tcl" and len(argv) == 3:
            write(argv[2], tcl(d, parts.load()))
        elif cmd == "mk" and len(argv) == 3:
            write(argv[2], mk(d, parts.load()))
        elif cmd == "ld" and len(argv) == 4:
            write(argv[3], linker(d, parts.lookup(argv[2])))
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except (record.RecordError, parts.PartError) as e:
        print("c_probe/gen_record.py: %s" % e, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
