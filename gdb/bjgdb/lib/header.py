"""The header record of a trace (traces/README.md), from facts the trace command collected."""
import datetime
import hashlib


def hex32(value):
    return None if value is None else "0x%08x" % value


def build(ident, target, tools, start_from, regs, rom, firmware, flash_word0, option_words,
          checkpoints, preflight):
    """target: {"kind", "address"}; rom: the system memory bytes; firmware: (path, bytes) or None;
    option_words: the option-byte words, or None when unreadable."""
    part = ident.part
    out = {
        "part": part.name,
        "dev_id": None if ident.dev_id is None else "0x%03x" % ident.dev_id,
        "rev_id": None if ident.rev_id is None else "0x%04x" % ident.rev_id,
        "target": target,
        "tools": tools,
        "start": {"from": start_from, "pc": hex32(regs["pc"])},
        "registers": {name: hex32(value) for name, value in regs.items()},
        "rom": {"base": hex32(part.system_memory.base), "size": len(rom),
                "sha256": hashlib.sha256(rom).hexdigest()},
        "firmware": None,
        "flash_word0": hex32(flash_word0),
        "option_bytes": None if option_words is None else
        {"base": hex32(part.option_bytes.base), "words": [hex32(w) for w in option_words]},
        "checkpoints": checkpoints,
        "preflight": preflight,
        "created": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if firmware is not None:
        path, data = firmware
        out["firmware"] = {"path": path, "sha256": None if data is None else hashlib.sha256(data).hexdigest()}
    return out
