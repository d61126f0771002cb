"""Rules for parts/stm32.json. validate(raw) returns a list of error strings (empty = valid).

Stdlib only. Each rule is a small function so that a test can break a copy of the database in one
place and see exactly that rule complain (parts/tests/test_validate.py).
"""
import json
import re

HEX = re.compile(r"^0x[0-9a-f]+$")
PIN = re.compile(r"^P[A-K](1[0-5]|[0-9])$")

TOP_KEYS = {"schema", "sources", "ip", "architectures", "cores", "parts"}
IP_KEYS = {"source", "registers"}
REG_KEYS = {"offset", "reset", "count", "stride", "bits", "fields", "keys"}
FIELD_KEYS = {"lsb", "width", "values"}

CORES = {"cortex-m0", "cortex-m0plus", "cortex-m3", "cortex-m4"}
ARCHITECTURES = {"ARMv6-M", "ARMv7-M"}
# The address-map regions the emulator needs from an architecture.
ARCH_REGIONS = {"code", "peripheral", "ppb"}
ARCH_KEYS = {"source", "regions", "core_registers", "exceptions", "exc_return", "exception_frame", "reset_lr",
             "lockup_pc"}
# The blocks every core has (the emulator models each); others (SCnSCB on ARMv7-M) are optional.
CORE_BLOCKS = {"SYST", "NVIC", "SCB", "DCB", "DWT", "FP"}
# Option bits the emulator's boot logic understands (the keys of boot.option_bits); parts/gen.py
# emits one bj_bitref per name. The value of each key is the bit's name in the option register.
OPTION_BITS = ("nBOOT1", "nBOOT0", "nBOOT_SEL", "BOOT_SEL", "BFB2", "nSWBOOT0")
# ROM activation profiles; their meaning is documented in emulator/rom/README.md.
PROFILES = {"plain", "empty-check", "empty-check-f04x", "dual-bank", "g0-empty-flag", "boot-empty-check"}
# What a profile's ROM model and its analysis read from the part: (description, test on the part).
PROFILE_NEEDS = {
    "empty-check-f04x": [
        ("boot.option_bits.BOOT_SEL", lambda p: "BOOT_SEL" in (p.get("boot") or {}).get("option_bits", {})),
        ("boot.boot0_gpio", lambda p: bool((p.get("boot") or {}).get("boot0_gpio"))),
    ],
    "dual-bank": [("two flash.banks", lambda p: len((p.get("flash") or {}).get("banks", [])) >= 2)],
    "g0-empty-flag": [("boot.empty_flag", lambda p: bool((p.get("boot") or {}).get("empty_flag")))],
}
# DBGMCU sits at one of two addresses depending on the core (RM0377 §27.9, RM0008 §31.6).
DBGMCU_BY_CORE = {"cortex-m0": 0x40015800, "cortex-m0plus": 0x40015800,
                  "cortex-m3": 0xE0042000, "cortex-m4": 0xE0042000}

REQUIRED = {"name", "designator", "aliases", "dev_id", "rev_id", "family", "core", "cpuid", "nvic_irqs", "nvic_prio_bits",
            "flash", "sram", "system_memory", "option_bytes", "flash_size_register", "unique_id",
            "peripherals", "clock", "backup", "reset_flags", "remap", "boot", "bootloader",
            "activation", "caveats", "openocd", "sources"}
OPTIONAL = {"eeprom", "uncertain"}
UNSOURCED = {"name", "sources", "uncertain"}

SUBKEYS = {
    "flash": ({"base", "size", "page_size", "program_bytes", "erased", "banks"}, {"sectors"}),
    "sram": ({"base", "size"}, set()),
    "eeprom": ({"base", "size"}, set()),
    "system_memory": ({"base", "size"}, set()),
    "option_bytes": ({"base", "size"}, {"bytes", "rdp_level0", "rdp_level2"}),
    "clock": ({"reset_source", "reset_hz", "lsi_hz", "oscillators", "systick_ref_div"}, set()),
    "backup": ({"registers", "width", "unlock", "domain"}, set()),
    "reset_flags": ({"register", "clear", "flags"}, set()),
    "remap": ({"register", "field", "system_memory", "main_flash"}, set()),
    "boot": ({"boot0", "boot0_gpio", "option_register", "option_bits", "empty_check_at_reset", "empty_flag"}, set()),
    "bootloader": ({"id", "id_address", "pid", "version", "usarts", "ram", "erase", "rw_sram"}, set()),
    "activation": ({"profile", "pattern"}, set()),
    "openocd": ({"target", "flash_driver", "dap_id", "ap_idr"}, set()),
}
PERIPH_KEYS = ({"ip", "base"}, {"irq", "enable", "reset", "reset_values"})
# Objects inside the part objects above, by where they sit: (required, optional) keys.
LIST_ITEM_KEYS = {
    ("flash", "banks"): ({"base", "size"}, set()),
    ("bootloader", "usarts"): ({"periph", "tx", "rx", "af"}, set()),
}
NESTED_KEYS = {
    ("bootloader", "ram"): ({"base", "size"}, set()),
    ("backup", "domain"): ({"register", "bits", "reset"}, set()),
}
# The JSON type of each part value the rules below do not already check, by path ("[]": each list
# item, "*": each value of an object); a trailing "?" allows null. The generators and the loader
# rely on these types, so a wrong one must be named here, not fail in them.
PART_TYPES = {
    "name": "str", "designator": "str", "aliases": "list", "aliases[]": "str", "family": "str",
    "core": "str", "nvic_irqs": "int",
    "flash": "object", "flash.program_bytes": "int", "flash.banks": "list", "flash.banks[]": "object",
    "flash.banks[].base": "hex", "flash.banks[].size": "hex",
    "sram": "object", "eeprom": "object", "system_memory": "object", "option_bytes": "object",
    "option_bytes.bytes[]": "str",
    "peripherals": "object", "peripherals.*": "object", "peripherals.*.ip": "str", "peripherals.*.irq": "int",
    "peripherals.*.enable": "str", "peripherals.*.reset": "str", "peripherals.*.reset_values": "object",
    "clock": "object", "clock.reset_source": "str", "clock.reset_hz": "int", "clock.lsi_hz": "int",
    "clock.oscillators": "object",
    "backup": "object", "backup.registers": "list", "backup.registers[]": "str", "backup.width": "int",
    "backup.unlock": "list", "backup.unlock[]": "str", "backup.domain": "object", "backup.domain.bits": "list",
    "reset_flags": "object", "reset_flags.clear": "str", "reset_flags.flags": "object",
    "remap": "object?",
    "boot": "object", "boot.boot0": "str", "boot.boot0_gpio": "str?", "boot.option_register": "str?",
    "boot.option_bits": "object", "boot.empty_check_at_reset": "bool", "boot.empty_flag": "str?",
    "bootloader": "object", "bootloader.pid": "hex", "bootloader.version": "hex", "bootloader.usarts": "list",
    "bootloader.usarts[]": "object", "bootloader.ram": "object", "bootloader.ram.base": "hex",
    "bootloader.ram.size": "hex", "bootloader.rw_sram": "bool",
    "activation": "object", "activation.pattern": "int",
    "caveats": "list", "caveats[]": "object", "caveats[].quote": "str",
    "openocd": "object", "openocd.target": "str", "openocd.flash_driver": "str", "openocd.dap_id": "hex",
    "openocd.ap_idr": "hex",
    "sources": "object", "uncertain": "object",
}
KIND_WORDS = {"str": "a non-empty string", "int": "an integer", "bool": "true or false", "list": "a list",
              "object": "an object", "hex": "a lower-case hex string (\"0x...\")"}
# Backup registers are 16 bits wide on the STM32F1 (RM0008 BKP_DRx), 32 elsewhere.
BACKUP_WIDTHS = (16, 32)
# Oscillators by their reference-manual names; a list gives one frequency per range setting (MSI).
OSCILLATORS = {"HSI", "HSI16", "HSI48", "MSI", "LSE"}
# The reset causes reset_flags.flags may name, in the order parts/gen.py numbers them (BJ_RESET_...).
RESET_CAUSES = ("power_on", "pin", "software", "independent_watchdog", "window_watchdog",
                "low_power", "option_load", "firewall", "brown_out", "v18_power")
RESET_FLAG_NAMES = frozenset(RESET_CAUSES)


def _hex(v):
    return isinstance(v, str) and bool(HEX.match(v))


def _num(v):
    return int(v, 16) if isinstance(v, str) else v


def _keys(where, obj, required, optional=frozenset()):
    if not isinstance(obj, dict):
        return ["%s: expected an object" % where]
    errs = ["%s: unknown key %r" % (where, k) for k in sorted(set(obj) - required - set(optional))]
    errs += ["%s: missing key %r" % (where, k) for k in sorted(required - set(obj))]
    return errs


def _kind_ok(kind, v):
    if v is None:
        return kind.endswith("?")
    kind = kind.rstrip("?")
    if kind == "hex":
        return _hex(v)
    if kind == "int":
        return isinstance(v, int) and not isinstance(v, bool)
    if kind == "str":
        return isinstance(v, str) and bool(v.strip())
    return isinstance(v, {"bool": bool, "list": list, "object": dict}[kind])


def _at(obj, tokens, where):
    """(path, value) of every value a PART_TYPES path names in obj."""
    if not tokens:
        yield where, obj
        return
    t, rest = tokens[0], tokens[1:]
    if t == "[]":
        if isinstance(obj, list):
            for i, v in enumerate(obj):
                yield from _at(v, rest, "%s[%d]" % (where, i))
    elif t == "*":
        if isinstance(obj, dict):
            for k, v in obj.items():
                yield from _at(v, rest, "%s.%s" % (where, k))
    elif isinstance(obj, dict) and t in obj:
        yield from _at(obj[t], rest, "%s.%s" % (where, t) if where else t)


def _json_text(v):
    text = json.dumps(v)
    return text if len(text) <= 40 else text[:37] + "..."


def check_part_types(part):
    where = "part %s" % part.get("name")
    errs = []
    for pattern, kind in PART_TYPES.items():
        for path, v in _at(part, pattern.replace("[]", ".[]").split("."), ""):
            if not _kind_ok(kind, v):
                errs.append("%s: %s must be %s%s, not %s" % (where, path, KIND_WORDS[kind.rstrip("?")],
                                                             " or null" if kind.endswith("?") else "", _json_text(v)))
    backup = part.get("backup")
    width = backup.get("width") if isinstance(backup, dict) else None
    if _kind_ok("int", width) and width not in BACKUP_WIDTHS:
        errs.append("%s: backup.width must be 16 or 32 (bits), not %r" % (where, width))
    return errs


def check_top(raw):
    return _keys("database", raw, TOP_KEYS)


def check_sources_cited(where, text, tags):
    """Citations are separated by ';' and each starts with a known document tag ("RM0377 §7.3")."""
    if not isinstance(text, str) or not text.strip():
        return ["%s: empty source" % where]
    cited = [t.strip() for t in text.split(";") if t.strip()]
    errs = []
    for c in cited:
        if c.split()[0] not in tags:
            errs.append("%s: source %r does not start with a document tag from 'sources' (%s)"
                        % (where, c, ", ".join(sorted(tags))))
    return errs


def check_ip(raw):
    errs = []
    tags = set(raw.get("sources", {}))
    for name, ip in raw.get("ip", {}).items():
        where = "ip %s" % name
        errs += _keys(where, ip, IP_KEYS)
        errs += check_sources_cited(where, ip.get("source"), tags)
        if not (isinstance(ip.get("registers"), dict) and ip["registers"]):
            errs.append("%s: registers must be a non-empty object" % where)
            continue
        for reg, desc in ip.get("registers", {}).items():
            rw = "%s register %s" % (where, reg)
            errs += _keys(rw, desc, {"offset", "reset"}, REG_KEYS - {"offset", "reset"})
            if not (_hex(desc.get("offset")) and _hex(desc.get("reset"))):
                errs.append("%s: offset and reset must be lower-case hex strings" % rw)
            count, stride = desc.get("count", 1), desc.get("stride", 4)
            if not (isinstance(count, int) and count >= 1):
                errs.append("%s: count %r is not a number of registers (1 or more)" % (rw, count))
            if not (isinstance(stride, int) and stride >= 4 and stride % 4 == 0):
                errs.append("%s: stride %r is not a whole number of words" % (rw, stride))
            elif "stride" in desc and count == 1:
                errs.append("%s: stride without a count" % rw)
            errs += _bits_and_fields(rw, desc)
            for kname, k in desc.get("keys", {}).items():
                if not _hex(k):
                    errs.append("%s: key %s must be a lower-case hex string" % (rw, kname))
        errs += _overlaps(where, ip.get("registers", {}))
    return errs


def _bits_and_fields(rw, desc):
    """Bits at distinct positions 0..31; fields inside 32 bits with values that fit them."""
    errs, used = [], {}
    for bit, pos in desc.get("bits", {}).items():
        if not (isinstance(pos, int) and 0 <= pos < 32):
            errs.append("%s: bit %s position %r is not 0..31" % (rw, bit, pos))
        elif pos in used:
            errs.append("%s: bits %s and %s share position %d" % (rw, used[pos], bit, pos))
        else:
            used[pos] = bit
    for fname, f in desc.get("fields", {}).items():
        errs += _keys("%s field %s" % (rw, fname), f, {"lsb", "width"}, {"values"})
        lsb, width = f.get("lsb", -1), f.get("width", 0)
        if not (isinstance(lsb, int) and isinstance(width, int) and lsb >= 0 and width >= 1 and lsb + width <= 32):
            errs.append("%s: field %s has lsb %r width %r outside the register" % (rw, fname, lsb, width))
            continue
        for vname, v in f.get("values", {}).items():
            if not (isinstance(v, int) and 0 <= v < (1 << width)):
                errs.append("%s: field %s value %s=%r does not fit %d bits" % (rw, fname, vname, v, width))
    return errs


def _words(desc):
    """Offsets of the words a register (or register array) occupies; empty if malformed."""
    count, stride = desc.get("count", 1), desc.get("stride", 4)
    if not (_hex(desc.get("offset")) and isinstance(count, int) and isinstance(stride, int)):
        return []
    return [_num(desc["offset"]) + i * stride for i in range(max(count, 0))]


def _overlaps(where, registers):
    """No two registers (array elements included) of a block share a word."""
    errs, seen = [], {}
    for reg, desc in registers.items():
        for w in _words(desc):
            if w in seen:
                errs.append("%s: registers %s and %s overlap at offset 0x%x" % (where, seen[w], reg, w))
                break
            seen[w] = reg
    return errs


def check_architectures(raw):
    """The address map of each architecture the cores refer to."""
    errs = []
    tags = set(raw.get("sources", {}))
    for name, arch in raw.get("architectures", {}).items():
        where = "architecture %s" % name
        if name not in ARCHITECTURES:
            errs.append("%s: not one of %s" % (where, sorted(ARCHITECTURES)))
        errs += _keys(where, arch, ARCH_KEYS)
        errs += check_sources_cited(where, arch.get("source"), tags)
        for reg, desc in arch.get("core_registers", {}).items():
            rw = "%s core register %s" % (where, reg)
            errs += _keys(rw, desc, set(), {"bits", "fields"})
            errs += _bits_and_fields(rw, desc)
        numbers = {}
        for exc, n in arch.get("exceptions", {}).items():
            if not (isinstance(n, int) and 1 <= n <= 16):
                errs.append("%s: exception %s number %r is not 1..16" % (where, exc, n))
            elif n in numbers:
                errs.append("%s: exceptions %s and %s are both number %d" % (where, numbers[n], exc, n))
            numbers[n] = exc
        for key, v in list(arch.get("exc_return", {}).items()) + [("reset_lr", arch.get("reset_lr")),
                                                                  ("lockup_pc", arch.get("lockup_pc"))]:
            if not _hex(v):
                errs.append("%s: %s must be a lower-case hex string" % (where, key))
        errs += check_exception_frame(where, arch.get("exception_frame"))
        errs += _keys("%s regions" % where, arch.get("regions", {}), ARCH_REGIONS)
        for rname, r in arch.get("regions", {}).items():
            errs += _keys("%s region %s" % (where, rname), r, {"base", "size"})
            if not (_hex(r.get("base")) and _hex(r.get("size"))):
                errs.append("%s region %s: base and size must be lower-case hex strings" % (where, rname))
    errs += check_architecture_names_agree(raw)
    return errs


# The exception frame's eight words, by the names of the architecture's PushStack pseudocode.
FRAME_WORDS = {"R0", "R1", "R2", "R3", "R12", "LR", "RETURN_ADDRESS", "XPSR"}


def check_exception_frame(where, frame):
    """Each of the eight words stacked on exception entry at its own word offset inside the
    eight-word frame."""
    if not isinstance(frame, dict):
        return ["%s: exception_frame must be an object of the stacked words' offsets" % where]
    errs = _keys("%s exception_frame" % where, frame, FRAME_WORDS, FRAME_WORDS)
    offsets = {}
    for word, v in frame.items():
        if not _hex(v) or int(v, 16) % 4 or int(v, 16) >= 4 * len(FRAME_WORDS):
            errs.append("%s: exception_frame %s must be a word offset (hex) inside the %d-word frame"
                        % (where, word, len(FRAME_WORDS)))
        elif v in offsets:
            errs.append("%s: exception_frame %s and %s are both at %s" % (where, offsets[v], word, v))
        else:
            offsets[v] = word
    return errs


def check_architecture_names_agree(raw):
    """A core register bit or field, an exception number, an EXC_RETURN value that two
    architectures both name is the same in both (ARMv7-M extends ARMv6-M), so code serving every
    core can use one definition of it."""
    errs, seen = [], {}
    for name, arch in raw.get("architectures", {}).items():
        facts = {}
        for reg, desc in arch.get("core_registers", {}).items():
            for bit, pos in desc.get("bits", {}).items():
                facts[(reg, bit)] = pos
            for fname, f in desc.get("fields", {}).items():
                facts[(reg, fname)] = (f.get("lsb"), f.get("width"))
        for section in ("exceptions", "exc_return", "exception_frame"):
            for key, v in (arch.get(section) or {}).items():
                facts[(section, key)] = v
        for key in ("reset_lr", "lockup_pc"):
            facts[(key,)] = arch.get(key)
        for what, value in facts.items():
            if what in seen and seen[what][0] != value:
                errs.append("%s is %r in %s but %r in %s" % (".".join(what), seen[what][0], seen[what][1], value, name))
            seen.setdefault(what, (value, name))
    return errs


def check_cores(raw):
    """The core's own registers (SCB, SysTick, NVIC, debug), per core, for every part with that core."""
    errs = []
    tags = set(raw.get("sources", {}))
    cores = raw.get("cores", {})
    ip = raw.get("ip", {})
    for name, core in cores.items():
        where = "core %s" % name
        if name not in CORES:
            errs.append("%s: not one of %s" % (where, sorted(CORES)))
        errs += _keys(where, core, {"source", "architecture", "tar_autoincr_block", "peripherals"})
        block = core.get("tar_autoincr_block")
        if not (_hex(block) and _num(block) >= 0x400 and _num(block) & (_num(block) - 1) == 0):
            errs.append("%s: tar_autoincr_block must be a power of two of at least 0x400 (ADIv5's minimum), in hex" % where)
        errs += check_sources_cited(where, core.get("source"), tags)
        arch = raw.get("architectures", {}).get(core.get("architecture"))
        if arch is None:
            errs.append("%s: architecture %r has no entry under 'architectures'" % (where, core.get("architecture")))
        for missing in sorted(CORE_BLOCKS - set(core.get("peripherals", {}))):
            errs.append("%s: no %s block (every core has %s)" % (where, missing, ", ".join(sorted(CORE_BLOCKS))))
        words = {}
        for per_name, per in core.get("peripherals", {}).items():
            pw = "%s peripheral %s" % (where, per_name)
            errs += _keys(pw, per, {"ip", "base"})
            if per.get("ip") not in ip:
                errs.append("%s: unknown ip block %r" % (pw, per.get("ip")))
                continue
            if not _hex(per.get("base")):
                errs.append("%s: base must be a lower-case hex string" % pw)
                continue
            ppb = (arch or {}).get("regions", {}).get("ppb", {})
            for reg, desc in ip[per["ip"]].get("registers", {}).items():
                for w in _words(desc):
                    addr = _num(per["base"]) + w
                    if _hex(ppb.get("base")) and _hex(ppb.get("size")) and not (
                            _num(ppb["base"]) <= addr < _num(ppb["base"]) + _num(ppb["size"])):
                        errs.append("%s: %s.%s at 0x%08x is outside the private peripheral bus" % (pw, per_name, reg, addr))
                        break
                    if addr in words:
                        errs.append("%s: %s.%s and %s share the address 0x%08x" % (where, per_name, reg, words[addr], addr))
                        break
                    words[addr] = "%s.%s" % (per_name, reg)
    errs += check_core_names_agree(raw)
    for part in raw.get("parts", []):
        core = cores.get(part.get("core"))
        if core is None:
            errs.append("part %s: core %r has no entry under 'cores'" % (part.get("name"), part.get("core")))
            continue
        for clash in sorted(set(core.get("peripherals", {})) & set(part.get("peripherals", {}))):
            errs.append("part %s: peripheral %s is already a register block of its core" % (part.get("name"), clash))
    return errs


def check_core_names_agree(raw):
    """A block name (SCB, DCB ...) means the same layout on every core: a register, bit, field or field
    value that two cores' blocks both name sits at the same place (ARMv7-M extends ARMv6-M), so code
    serving every core can use one definition of it."""
    errs = []
    ip = raw.get("ip", {})
    seen = {}  # (block, what) -> (definition, ip name)
    for core in raw.get("cores", {}).values():
        for per_name, per in core.get("peripherals", {}).items():
            for reg, desc in ip.get(per.get("ip"), {}).get("registers", {}).items():
                facts = {(reg,): (desc.get("offset"), desc.get("stride", 4))}
                for bit, pos in desc.get("bits", {}).items():
                    facts[(reg, bit)] = pos
                for fname, fd in desc.get("fields", {}).items():
                    facts[(reg, fname)] = (fd.get("lsb"), fd.get("width"))
                    for vname, v in fd.get("values", {}).items():
                        facts[(reg, fname, vname)] = v
                for what, value in facts.items():
                    key = (per_name,) + what
                    if key in seen and seen[key][0] != value and seen[key][1] != per["ip"]:
                        errs.append("core block %s: %s is %r in %s but %r in %s" % (
                            per_name, ".".join(what), seen[key][0], seen[key][1], value, per["ip"]))
                    seen.setdefault(key, (value, per["ip"]))
    return sorted(set(errs))


def _resolve(part, ip, path, kind):
    """Check that "PERIPH.REG[.BIT]" names something the part has. kind: reg, bit, field."""
    parts = path.split(".") if isinstance(path, str) else []
    want = {"reg": 2, "bit": 3, "field": 3}[kind]
    if len(parts) != want:
        return "reference %r is not PERIPH.REG%s" % (path, "" if kind == "reg" else "." + kind.upper())
    per = part.get("peripherals", {}).get(parts[0])
    if per is None:
        return "reference %r names no peripheral of this part" % path
    block = ip.get(per.get("ip"), {}).get("registers", {})
    reg = block.get(parts[1])
    if reg is None:
        return "reference %r names no register of %s" % (path, per.get("ip"))
    if kind == "bit" and parts[2] not in reg.get("bits", {}):
        return "reference %r names no bit of %s.%s" % (path, parts[0], parts[1])
    if kind == "field" and parts[2] not in reg.get("fields", {}):
        return "reference %r names no field of %s.%s" % (path, parts[0], parts[1])
    return None


def check_part_keys(part):
    where = "part %s" % part.get("name")
    errs = _keys(where, part, REQUIRED, OPTIONAL)
    for key, (req, opt) in SUBKEYS.items():
        if key in part and part[key] is not None:
            errs += _keys("%s.%s" % (where, key), part[key], req, opt)
    for name, per in part.get("peripherals", {}).items():
        errs += _keys("%s peripheral %s" % (where, name), per, *PERIPH_KEYS)
    for (key, sub), (req, opt) in LIST_ITEM_KEYS.items():
        for i, item in enumerate((part.get(key) or {}).get(sub) or []):
            errs += _keys("%s.%s.%s[%d]" % (where, key, sub, i), item, req, opt)
    for (key, sub), (req, opt) in NESTED_KEYS.items():
        obj = (part.get(key) or {}).get(sub)
        if obj is not None:
            errs += _keys("%s.%s.%s" % (where, key, sub), obj, req, opt)
    return errs


def check_part_sources(part, tags):
    where = "part %s" % part.get("name")
    sources = part.get("sources", {})
    errs = []
    for key in part:
        if key not in UNSOURCED and key not in sources:
            errs.append("%s: field %r has no source" % (where, key))
    for key, text in sources.items():
        if key not in part:
            errs.append("%s: source given for missing field %r" % (where, key))
        errs += check_sources_cited("%s source of %s" % (where, key), text, tags)
    for key, why in part.get("uncertain", {}).items():
        if key not in part:
            errs.append("%s: uncertain names missing field %r" % (where, key))
        if not (isinstance(why, str) and why.strip()):
            errs.append("%s: uncertain %r must say why" % (where, key))
    for c in part.get("caveats", []):
        errs += _keys("%s caveat" % where, c, {"quote", "source"})
        errs += check_sources_cited("%s caveat" % where, c.get("source"), tags)
    return errs


def check_profile_needs(part):
    """A profile's decision inputs must be in the data, or the ROM model and the report cannot use them."""
    profile = (part.get("activation") or {}).get("profile")
    return ["part %s: profile %s needs %s" % (part.get("name"), profile, what)
            for what, present in PROFILE_NEEDS.get(profile, []) if not present(part)]


def check_part_values(part, ip):
    where = "part %s" % part.get("name")
    errs = []
    for key in ("dev_id", "rev_id", "cpuid", "flash_size_register", "unique_id"):
        if not _hex(part.get(key)):
            errs.append("%s: %s must be a lower-case hex string" % (where, key))
    # The key is DBGMCU_IDCODE bits 11:0 (RM0377 §27.4.1; RM0008 DBGMCU_IDCODE).
    if _hex(part.get("dev_id")) and _num(part["dev_id"]) > 0xfff:
        errs.append("%s: dev_id %s is not a 12-bit DEV_ID" % (where, part["dev_id"]))
    if part.get("core") not in CORES:
        errs.append("%s: core %r is not one of %s" % (where, part.get("core"), sorted(CORES)))
    # Implemented interrupt priority bits: 2 on ARMv6-M, 3..8 on ARMv7-M (DDI0403 §B1.5.4).
    if not (isinstance(part.get("nvic_prio_bits"), int) and 2 <= part["nvic_prio_bits"] <= 8):
        errs.append("%s: nvic_prio_bits %r is not 2..8" % (where, part.get("nvic_prio_bits")))
    if part.get("activation", {}).get("profile") not in PROFILES:
        errs.append("%s: activation profile %r is not one of %s"
                    % (where, part.get("activation", {}).get("profile"), sorted(PROFILES)))
    name = part.get("name", "")
    if name != name.lower() or any(a != a.lower() for a in part.get("aliases", [])):
        errs.append("%s: names and aliases must be lower case" % where)
    for per_name, per in part.get("peripherals", {}).items():
        pw = "%s peripheral %s" % (where, per_name)
        if per.get("ip") not in ip:
            errs.append("%s: unknown ip block %r" % (pw, per.get("ip")))
            continue
        if not _hex(per.get("base")):
            errs.append("%s: base must be a lower-case hex string" % pw)
        for ref in ("enable", "reset"):
            if ref in per:
                e = _resolve(part, ip, per[ref], "bit")
                if e:
                    errs.append("%s: %s %s" % (pw, ref, e))
        for reg, v in per.get("reset_values", {}).items():
            if reg not in ip[per["ip"]]["registers"] or not _hex(v):
                errs.append("%s: reset value for %r must name a register of %s and be hex" % (pw, reg, per["ip"]))
    dbg = part.get("peripherals", {}).get("DBGMCU")
    if dbg is None:
        errs.append("%s: no DBGMCU peripheral (its IDCODE identifies the part)" % where)
    elif part.get("core") in DBGMCU_BY_CORE and _hex(dbg.get("base")) and _num(dbg["base"]) != DBGMCU_BY_CORE[part["core"]]:
        errs.append("%s: DBGMCU at %s, but a %s part has it at 0x%08x"
                    % (where, dbg["base"], part["core"], DBGMCU_BY_CORE[part["core"]]))
    backup = part.get("backup") or {}
    for reg in backup.get("registers", []):
        e = _resolve(part, ip, reg, "reg")
        if e:
            errs.append("%s: backup %s" % (where, e))
    for step in backup.get("unlock", []):
        e = _resolve(part, ip, step, "bit")
        if e:
            errs.append("%s: backup unlock %s" % (where, e))
    domain = backup.get("domain") or {}
    e = _resolve(part, ip, domain.get("register"), "reg")
    if e:
        errs.append("%s: backup domain %s" % (where, e))
    else:
        regdesc = ip[part["peripherals"][domain["register"].split(".")[0]]["ip"]]["registers"][domain["register"].split(".")[1]]
        for name in domain.get("bits", []):
            if name not in regdesc.get("bits", {}) and name not in regdesc.get("fields", {}):
                errs.append("%s: backup domain %s names no bit or field of %s" % (where, name, domain["register"]))
        if domain.get("reset") not in domain.get("bits", []) or domain.get("reset") not in regdesc.get("bits", {}):
            errs.append("%s: backup domain reset %r is not one of its bits" % (where, domain.get("reset")))
    clock = part.get("clock") or {}
    for name, hz in clock.get("oscillators", {}).items():
        ranges = hz if isinstance(hz, list) else [hz]
        if name not in OSCILLATORS:
            errs.append("%s: oscillator %r is not one of %s" % (where, name, ", ".join(sorted(OSCILLATORS))))
        if not ranges or not all(isinstance(x, int) and x > 0 for x in ranges):
            errs.append("%s: oscillator %s needs a frequency in Hz (or one per range)" % (where, name))
    if not (isinstance(clock.get("systick_ref_div"), int) and clock["systick_ref_div"] >= 1):
        errs.append("%s: clock systick_ref_div must be a whole divider" % where)
    rf = part.get("reset_flags", {})
    e = _resolve(part, ip, rf.get("register"), "reg")
    if e:
        errs.append("%s: reset_flags %s" % (where, e))
    else:
        for label, bit in list(rf.get("flags", {}).items()) + [("clear", rf.get("clear"))]:
            if label != "clear" and label not in RESET_FLAG_NAMES:
                errs.append("%s: reset flag name %r is not one of %s" % (where, label, sorted(RESET_FLAG_NAMES)))
            e = _resolve(part, ip, "%s.%s" % (rf["register"], bit), "bit")
            if e:
                errs.append("%s: reset flag %s" % (where, e))
    remap = part.get("remap")
    if remap is not None:
        e = _resolve(part, ip, "%s.%s" % (remap.get("register"), remap.get("field")), "field")
        if e:
            errs.append("%s: remap %s" % (where, e))
        else:
            per, reg = remap["register"].split(".")
            values = ip[part["peripherals"][per]["ip"]]["registers"][reg]["fields"][remap["field"]].get("values", {})
            for k in ("system_memory", "main_flash"):
                if remap.get(k) not in values:
                    errs.append("%s: remap %s value %r is not a named value of %s" % (where, k, remap.get(k), remap["field"]))
    boot = part.get("boot", {})
    if boot.get("option_register"):
        e = _resolve(part, ip, boot["option_register"], "reg")
        if e:
            errs.append("%s: boot option_register %s" % (where, e))
        else:
            for label, bit in boot.get("option_bits", {}).items():
                if label not in OPTION_BITS:
                    errs.append("%s: boot option bit %r is not one of %s" % (where, label, ", ".join(OPTION_BITS)))
                e = _resolve(part, ip, "%s.%s" % (boot["option_register"], bit), "bit")
                if e:
                    errs.append("%s: boot option bit %s: %s" % (where, label, e))
    elif boot.get("option_bits"):
        errs.append("%s: boot option_bits given without an option_register" % where)
    if boot.get("empty_flag"):
        e = _resolve(part, ip, boot["empty_flag"], "bit")
        if e:
            errs.append("%s: boot empty_flag %s" % (where, e))
    if boot.get("boot0_gpio") is not None:
        if not PIN.match(str(boot["boot0_gpio"])):
            errs.append("%s: boot0_gpio %r is not a pin name like PB8" % (where, boot["boot0_gpio"]))
        elif "GPIO" + boot["boot0_gpio"][1] not in part.get("peripherals", {}):
            errs.append("%s: boot0_gpio %s needs peripheral GPIO%s" % (where, boot["boot0_gpio"], boot["boot0_gpio"][1]))
    ob = part.get("option_bytes") or {}
    # F0/F1 style: option byte i and its complement form the half-word at base + 2 * i.
    if "bytes" in ob and (not isinstance(ob["bytes"], list) or 2 * len(ob["bytes"]) > _num(ob.get("size", "0x0"))):
        errs.append("%s: option_bytes bytes must be a list of names, two bytes each within size" % where)
    for key in ("rdp_level0", "rdp_level2"):
        if key in ob and not _hex(ob[key]):
            errs.append("%s: option_bytes %s must be a lower-case hex string" % (where, key))
    bl = part.get("bootloader", {})
    for u in bl.get("usarts", []):
        per = part.get("peripherals", {}).get(u.get("periph"))
        if per is None or not str(per.get("ip", "")).startswith("usart-"):
            errs.append("%s: bootloader USART %r is not a USART peripheral of this part" % (where, u.get("periph")))
        for pin in ("tx", "rx"):
            if not PIN.match(str(u.get(pin))):
                errs.append("%s: bootloader USART pin %r is not a pin name" % (where, u.get(pin)))
            elif "GPIO" + u[pin][1] not in part.get("peripherals", {}):
                errs.append("%s: bootloader USART pin %s needs peripheral GPIO%s" % (where, u[pin], u[pin][1]))
        if not (isinstance(u.get("af"), int) and 0 <= u["af"] <= 15):
            errs.append("%s: bootloader USART alternate function %r is not 0..15" % (where, u.get("af")))
    if (bl.get("id") is None) != (bl.get("id_address") is None):
        errs.append("%s: bootloader id and id_address are both given or both null (AN2606 gives no ID)" % where)
    for k in ("id", "id_address", "pid", "version"):
        if bl.get(k) is not None and not _hex(bl.get(k)):
            errs.append("%s: bootloader %s must be a lower-case hex string" % (where, k))
    if bl.get("erase") not in ("legacy", "extended"):
        errs.append("%s: bootloader erase must be legacy (0x43) or extended (0x44)" % where)
    return errs


def _regions(part):
    out = []
    for key in ("flash", "sram", "eeprom", "system_memory", "option_bytes"):
        r = part.get(key)
        if isinstance(r, dict) and _hex(r.get("base")) and _hex(r.get("size")):
            out.append((key, _num(r["base"]), _num(r["size"])))
    return out


def check_part_regions(part):
    where = "part %s" % part.get("name")
    errs = []
    regions = _regions(part)
    if len(regions) < len([k for k in ("flash", "sram", "eeprom", "system_memory", "option_bytes") if k in part]):
        errs.append("%s: every region needs hex base and size" % where)
    for i, (a, ab, asz) in enumerate(regions):
        if asz <= 0:
            errs.append("%s: region %s is empty" % (where, a))
        for b, bb, bsz in regions[i + 1:]:
            if ab < bb + bsz and bb < ab + asz:
                errs.append("%s: regions %s and %s overlap" % (where, a, b))
    by = {n: (b, s) for n, b, s in regions}
    if "system_memory" in by:
        sb, ss = by["system_memory"]
        for other in ("flash", "sram"):
            if other in by:
                ob, os_ = by[other]
                if sb < ob + os_ and ob < sb + ss:
                    errs.append("%s: system memory lies inside %s" % (where, other))
        bl = part.get("bootloader", {})
        if _hex(bl.get("id_address")) and not (sb <= _num(bl["id_address"]) < sb + ss):
            errs.append("%s: bootloader id_address %s is outside system memory" % (where, bl["id_address"]))
        ram = bl.get("ram") or {}
        if "sram" in by and _hex(ram.get("base")) and _hex(ram.get("size")):
            rb, rs = by["sram"]
            if not (rb <= _num(ram["base"]) and _num(ram["base"]) + _num(ram["size"]) <= rb + rs):
                errs.append("%s: bootloader RAM lies outside SRAM" % where)
    flash = part.get("flash", {})
    if "flash" in by:
        fb, fs = by["flash"]
        banks = flash.get("banks", [])
        pos = fb
        for bank in banks:
            if _num(bank.get("base", "0x0")) != pos:
                errs.append("%s: flash banks must tile the flash from its base without gaps" % where)
                break
            pos += _num(bank.get("size", "0x0"))
        if banks and pos != fb + fs:
            errs.append("%s: flash banks add up to 0x%x bytes, flash is 0x%x" % (where, pos - fb, fs))
        # What an erased word reads: 0xffffffff on most STM32, 0x00000000 on L0/L1 (the ROM's empty
        # check and the emulator's erase both need it).
        if flash.get("erased") not in ("0x00000000", "0xffffffff"):
            errs.append("%s: flash erased must be \"0x00000000\" or \"0xffffffff\"" % where)
        page = flash.get("page_size", 0)
        if not (isinstance(page, int) and page > 0 and fs % page == 0):
            errs.append("%s: flash page_size must divide the flash size" % where)
        # Non-uniform erase units (F4 sectors): sizes in address order, tiling the flash; page_size
        # is then the smallest erase unit and every sector a multiple of it.
        sectors = flash.get("sectors")
        if sectors is not None:
            if not (isinstance(sectors, list) and sectors and all(_hex(x) for x in sectors)):
                errs.append("%s: flash sectors must be a non-empty list of hex sizes" % where)
            else:
                total = sum(_num(x) for x in sectors)
                if total != fs:
                    errs.append("%s: flash sectors add up to 0x%x bytes, flash is 0x%x" % (where, total, fs))
                if isinstance(page, int) and page > 0 and any(_num(x) % page for x in sectors):
                    errs.append("%s: every flash sector must be a multiple of page_size" % where)
    return errs


def check_unique(raw):
    errs = []
    seen_names = {}
    seen_ids = {}
    for part in raw.get("parts", []):
        for n in [part.get("name")] + list(part.get("aliases", [])):
            if n in seen_names:
                errs.append("name or alias %r used by both %s and %s" % (n, seen_names[n], part.get("name")))
            seen_names[n] = part.get("name")
        key = (part.get("dev_id"), part.get("bootloader", {}).get("id"))
        if key in seen_ids:
            errs.append("parts %s and %s share DEV_ID %s and bootloader ID %s; nothing tells them apart"
                        % (seen_ids[key], part.get("name"), key[0], key[1]))
        seen_ids[key] = part.get("name")
    return errs


def _guarded(where, rule, *args):
    """The rules read the JSON as the layout in parts/README.md has it; a value of another JSON
    type (a number where an object belongs) makes a rule fail with a Python exception. That is
    reported as an error like any other, so the user sees where, not a traceback."""
    try:
        return rule(*args)
    except (AttributeError, KeyError, TypeError, ValueError, IndexError) as e:
        return ["%s: malformed, %s cannot read it (%s: %s); compare its JSON types with parts/README.md"
                % (where, rule.__name__, type(e).__name__, e)]


def validate(raw):
    if not isinstance(raw, dict):
        return ["database: expected an object"]
    errs = check_top(raw)
    if errs:
        return errs
    for key in ("sources", "ip", "architectures", "cores"):
        if not isinstance(raw[key], dict):
            errs.append("database: %s must be an object" % key)
    if not isinstance(raw["parts"], list):
        errs.append("database: parts must be a list of part objects")
    if errs:
        return errs
    for tag, text in raw["sources"].items():
        if not (isinstance(text, str) and text.strip()):
            errs.append("sources %s: must describe the document (title, revision) in words" % tag)
    tags = set(raw["sources"])
    errs += _guarded("database ip", check_ip, raw)
    errs += _guarded("database architectures", check_architectures, raw)
    errs += _guarded("database cores", check_cores, raw)
    for i, part in enumerate(raw["parts"]):
        if not isinstance(part, dict):
            errs.append("database: parts[%d] is not a part object" % i)
            continue
        where = "part %s" % part.get("name")
        for rule, args in ((check_part_keys, (part,)), (check_part_types, (part,)),
                           (check_part_sources, (part, tags)), (check_part_values, (part, raw["ip"])),
                           (check_profile_needs, (part,)), (check_part_regions, (part,))):
            errs += _guarded(where, rule, *args)
    errs += _guarded("database parts", check_unique, raw)
    return errs
