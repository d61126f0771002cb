"""The analysis takes the core's facts (exception numbers, xPSR fields) from the part database's
architectures, as gdb/ does: change the database and the names follow."""
import json

import parts
from reports import exits


def test_exception_names_from_the_database():
    assert [exits.exception_name(n) for n in (2, 3, 6, 15, 16, 21, 7)] == \
        ["NMI", "HardFault", "UsageFault", "SysTick", "IRQ0", "IRQ5", "exception 7"]
    raw = json.loads(json.dumps(parts.load().raw))
    for arch in raw["architectures"].values():
        arch["exceptions"]["HARDFAULT"] = 9
        arch["exceptions"]["IRQ0"] = 32
        arch["core_registers"]["XPSR"]["fields"]["EXCEPTION"] = {"lsb": 4, "width": 6}
    db = parts.Database(raw)
    assert exits.exception_name(9, db) == "HardFault" and exits.exception_name(3, db) == "exception 3"
    assert exits.exception_name(37, db) == "IRQ5"
    assert exits.ipsr(0x21000123, db) == 0x12 and exits.ipsr(0x21000123) == 0x123
