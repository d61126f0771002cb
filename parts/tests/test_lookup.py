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
