"""lib/identify.py: CPUID picks the core, the database's DBGMCU_IDCODE address for it gives DEV_ID,
and the bootloader ID byte splits a shared DEV_ID."""
import pytest

import parts
from bjgdb.lib import identify

DB = parts.load()


def memory_of(part, rev=0x1000, bootloader_byte=None):
    words = {DB.core_reg("SCB.CPUID"): int(part.raw["cpuid"], 16),
             part.reg_addr("DBGMCU.IDCODE"): rev << 16 | part.dev_id}

    def read(addr, size):
        if size == 1 and addr == part.bootloader_id_address:
            return bytes([part.bootloader_id if bootloader_byte is None else bootloader_byte])
        value = words.get(addr)
        return None if value is None else value.to_bytes(4, "little")
    return read


@pytest.mark.parametrize("name", [p.name for p in DB.parts])
def test_every_part_is_identified(name):
    part = DB.lookup(name)
    found = identify.identify(DB, memory_of(part, rev=0x2000))
    assert found.part is part and found.dev_id == part.dev_id and found.rev_id == 0x2000


def test_shared_dev_id_needs_the_bootloader_byte():
    shared = [p for p in DB.parts if len(DB.by_dev_id(p.dev_id)) > 1 and p.bootloader_id is not None]
    if not shared:
        pytest.fail("the database has no parts sharing a DEV_ID (F04x / F070x6 do, AN2606 Table 226)")
    for part in shared:
        assert identify.identify(DB, memory_of(part)).part is part


def test_unknown_dev_id_names_what_was_read():
    part = DB.lookup("stm32l011")
    read = memory_of(part)

    def wrong(addr, size):
        return (0x10000999).to_bytes(4, "little") if addr == part.reg_addr("DBGMCU.IDCODE") else read(addr, size)
    with pytest.raises(identify.IdentifyError, match="DEV_ID 0x999.*--part"):
        identify.identify(DB, wrong)


def test_unreadable_target():
    with pytest.raises(identify.IdentifyError, match="CPUID"):
        identify.identify(DB, lambda addr, size: None)


def test_named_part_skips_identification():
    part = DB.lookup("stm32l031")
    found = identify.resolve(DB, lambda addr, size: None, "stm32l031")
    assert found.part is part and found.dev_id is None


def test_named_part_that_is_not_the_target_is_refused():
    """--part stm32l031 on an STM32L011 (another part of the database by CPUID and DEV_ID) would
    trace the L011's ROM as the L031's and report a contradiction that is not there."""
    on_target = memory_of(DB.lookup("stm32l011"))
    with pytest.raises(identify.IdentifyError, match="stm32l011.*0x457.*not stm32l031.*0x425.*--part"):
        identify.resolve(DB, on_target, "stm32l031")


def test_named_part_on_a_target_the_database_does_not_know():
    """--part is the way on for a DEV_ID the database lacks (the identify error says so)."""
    part = DB.lookup("stm32l011")
    read = memory_of(part)

    def unknown(addr, size):
        return (0x10000999).to_bytes(4, "little") if addr == part.reg_addr("DBGMCU.IDCODE") else read(addr, size)
    found = identify.resolve(DB, unknown, "stm32l011")
    assert found.part is part and found.dev_id == 0x999


def test_named_part_that_is_the_target():
    part = DB.lookup("stm32l011")
    found = identify.resolve(DB, memory_of(part), "stm32l021")
    assert found.part is part and found.dev_id == part.dev_id
