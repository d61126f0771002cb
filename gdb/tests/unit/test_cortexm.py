"""lib/cortexm.py takes every core fact from the part database: change the database and the facts
follow; and no module of bjgdb types a core or peripheral address, or a register bit, of its own."""
import json
import os
import re

import parts
from bjgdb.lib import cortexm

DB = parts.load()
BJGDB = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "bjgdb")


def test_facts_follow_the_database():
    raw = json.loads(json.dumps(DB.raw))
    for core in raw["cores"].values():
        core["peripherals"]["DCB"]["base"] = "0xe000ee00"
    for arch in raw["architectures"].values():
        arch["exceptions"]["HARDFAULT"] = 9
        arch["core_registers"]["CONTROL"]["bits"]["SPSEL"] = 5
        arch["reset_lr"] = "0xfffffffe"
        arch["exc_return"] = {"ONLY": "0xffffff00"}
        arch["exception_frame"]["RETURN_ADDRESS"] = "0x1c"
    f = cortexm.Facts(parts.Database(raw))
    assert (f.dhcsr, f.demcr, f.stacked_pc) == (0xE000EE00, 0xE000EE0C, 0x1C)
    assert (f.hardfault, f.control_spsel, f.reset_lr, f.exc_returns) == (9, 1 << 5, 0xFFFFFFFE, {0xFFFFFF00})


def test_the_database_facts():
    f = cortexm.facts()
    assert (f.cpuid, f.cpuid_core_mask, f.dhcsr, f.demcr) == (0xE000ED00, 0xFF00FFF0, 0xE000EDF0, 0xE000EDFC)
    assert cortexm.ipsr(0x21000003) == 3 and cortexm.exception_name(3) == "HardFault"
    assert cortexm.stacked_pc_address(0x200007e0) == 0x200007f8
    assert cortexm.exception_name(6) == "UsageFault" and cortexm.exception_name(21) == "IRQ 5"
    assert cortexm.is_exc_return(0xFFFFFFF9) and cortexm.is_exc_return(0xFFFFFFE9) and not cortexm.is_exc_return(0x08000101)
    # ITSTATE 0x08 (an IT block of one "eq" instruction) with Z clear: the instruction is skipped.
    assert cortexm.itstate(0x01000800) == 0x08 and cortexm.in_it_block_skipped(0x01000800)
    assert not cortexm.in_it_block_skipped(0x41000800)


# A core or peripheral address (the PPB at 0xE00xxxxx, peripherals at 0x4xxxxxxx) or a single-bit mask
# written as a number in code (comments and strings aside).
TYPED = re.compile(r"\b0x[eE]00[0-9a-fA-F]{5}\b|\b0x4[0-9a-fA-F]{7}\b|\b1 << \d+\b")


def test_no_module_types_a_core_fact():
    found = []
    for folder, _, files in os.walk(BJGDB):
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                with open(path) as f:
                    for n, line in enumerate(f, 1):
                        code = line.split("#")[0]
                        if TYPED.search(re.sub(r"\"[^\"]*\"|'[^']*'", "", code)):
                            found.append("%s:%d: %s" % (os.path.relpath(path, BJGDB), n, line.strip()))
    assert not found, "\n".join(found)
