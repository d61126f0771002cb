import json

import pytest

import parts
from parts import PartError


def test_every_part_by_name_alias_and_dev_id():
    db = parts.load()
    for p in db.parts:
        assert db.lookup(p.name) is p
        assert db.lookup(p.name.upper()) is p
        for a in p.aliases:
            assert db.lookup(a) is p
        if len(db.by_dev_id(p.dev_id)) == 1:
            assert db.lookup("0x%03x" % p.dev_id) is p
            assert db.lookup(p.dev_id) is p
        assert db.lookup(p.dev_id, bootloader_id=p.bootloader_id) is p


def test_shared_dev_id_needs_bootloader_id():
    db = parts.load()
    shared = [p for p in db.parts if len(db.by_dev_id(p.dev_id)) > 1]
    for p in shared:
        with pytest.raises(PartError, match="shared by"):
            db.lookup(p.dev_id)


def test_unknown_part_is_a_clear_error():
    with pytest.raises(PartError, match="unknown part 'stm32z999'; known parts: stm32l011"):
        parts.lookup("stm32z999")
    with pytest.raises(PartError, match="no part with DEV_ID 0x999"):
        parts.lookup("0x999")


def test_register_helpers():
    l011 = parts.lookup("stm32l011")
    assert l011.reg_addr("RCC.CSR") == 0x40021050
    assert l011.bit("RCC.CSR.SFTRSTF") == 1 << 28
    assert l011.region_of(0x08000000) == "flash"
    assert l011.region_of(0x1FF00FFE) == "system_memory"
    assert l011.region_of(0x00000004) == "flash-alias"
    assert l011.region_of(0x40021050) == "peripheral"
    assert l011.peripheral_of(0x4000441C) == ("USART2", "ISR")


def test_f04x_and_f070x6_share_a_die_and_differ_by_bootloader_id():
    db = parts.load()
    assert db.lookup(0x445, bootloader_id=0xA1).name == "stm32f042"
    assert db.lookup(0x445, bootloader_id=0xA2).name == "stm32f070x6"
    with pytest.raises(PartError, match="0xa1 for stm32f042, 0xa2 for stm32f070x6"):
        db.lookup("0x445")


def test_part_without_bootloader_id():
    f103 = parts.lookup("stm32f103")
    assert f103.bootloader_id is None and f103.bootloader_id_address is None
    assert parts.lookup(0x410) is f103


def test_erase_units_tile_the_flash():
    for p in parts.load().parts:
        units = p.erase_units()
        assert units[0].base == p.flash.base
        assert all(a.end == b.base for a, b in zip(units, units[1:]))
        assert units[-1].end == p.flash.end
    assert [u.size // 1024 for u in parts.lookup("stm32f401").erase_units()] == [16, 16, 16, 16, 64, 128]


def test_core_and_architecture_facts():
    """The cores' registers by name, for a core or for every core (SCB.CPUID is read before the core is
    known), and the architectures' core-register bits, fields and values (parts/README.md `cores`)."""
    db = parts.load()
    assert db.core_reg("SCB.CPUID") == 0xE000ED00
    assert db.core_reg("DCB.DHCSR") == 0xE000EDF0 and db.core_bit("DCB.DHCSR.S_LOCKUP") == 1 << 19
    assert db.core_reg("DCB.DEMCR") == 0xE000EDFC and db.core_bit("DCB.DEMCR.VC_HARDERR") == 1 << 10
    assert db.core_reg("SCB.VTOR", "cortex-m0") is None and db.core_reg("SCB.VTOR", "cortex-m3") == 0xE000ED08
    assert db.core_bit("SYST.CSR.TICKINT", "cortex-m0plus") == 1 << 1
    assert db.core_field("SCB.CPUID.PARTNO")[:2] == (4, 12) and db.core_field("SCB.CPUID.IMPLEMENTER")[:2] == (24, 8)
    assert db.arch_bit("CONTROL.SPSEL") == 1 << 1 and db.arch_field("XPSR.EXCEPTION") == (0, 9)
    assert db.arch_field("XPSR.ITSTATE_1_0") == (25, 2) and db.arch_field("XPSR.ITSTATE_7_2") == (10, 6)
    assert db.arch_numbers("exceptions")["HARDFAULT"] == 3 and db.arch_numbers("exceptions")["USAGEFAULT"] == 6
    assert 0xFFFFFFF9 in db.arch_numbers("exc_return").values() and db.arch_value("reset_lr") == 0xFFFFFFFF
    with pytest.raises(PartError, match="no SCB.NOSUCH"):
        db.core_reg("SCB.NOSUCH")
    raw = json.loads(json.dumps(db.raw))
    raw["cores"]["cortex-m3"]["peripherals"]["DCB"]["base"] = "0xe000ee00"
    with pytest.raises(PartError, match="the cores disagree on DCB.DHCSR"):
        parts.Database(raw).core_reg("DCB.DHCSR")


def test_shared_dev_id_with_an_unknown_bootloader_id_says_so():
    """A DEV_ID the database has, with a bootloader ID none of its parts has (a newer ROM): the
    error must not claim the DEV_ID is missing."""
    with pytest.raises(PartError, match="bootloader ID 0xa3 is none of theirs.*0xa1 for stm32f042, 0xa2 for stm32f070x6"):
        parts.load().lookup(0x445, bootloader_id=0xA3)
