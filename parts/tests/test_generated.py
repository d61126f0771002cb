"""The generated headers compile for the host and for arm-none-eabi, for every part."""
import os
import subprocess

import pytest

import parts
from parts import gen

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GEN = os.path.join(ROOT, "build", "gen")

PROGRAM = """
#include "bj_part.h"
#include "bj_parts.h"
_Static_assert(BJ_DEV_ID == %(dev_id)su, "dev id");
#if BJ_HAS_BOOTLOADER_ID
_Static_assert(BJ_BOOTLOADER_ID_ADDR >= BJ_SYSMEM_BASE && BJ_BOOTLOADER_ID_ADDR < BJ_SYSMEM_BASE + BJ_SYSMEM_SIZE,
               "bootloader ID inside system memory");
#endif
unsigned probe(void) {
    unsigned v;
    BJ_BACKUP_UNLOCK();
    v = (unsigned)(RCC_CSR & BJ_RESET_FLAGS_CLEAR) + bj_parts[0].dev_id;
    v += (unsigned)BJ_BL_USART0_BASE + BJ_BL_USART0_AF;
    v += bj_cores[BJ_CORE_M0].n_blocks + BJ_CORE_DCB_DHCSR_OFFSET + BJ_NVIC_PRIO_BITS + bj_parts[0].nvic_prio_bits;
#if BJ_BACKUP_COUNT > 0
    {
        static const uint32_t backup[] = BJ_BACKUP_ADDRS;
        v += (unsigned)backup[0];
    }
#endif
#ifdef BJ_FLASH_SECTORS
    {
        static const uint32_t sectors[BJ_FLASH_SECTORS] = BJ_FLASH_SECTOR_SIZES;
        v += (unsigned)sectors[BJ_FLASH_SECTORS - 1];
    }
#endif
    return v;
}
"""


def compilers():
    """The host compiler, and arm-none-eabi-gcc for the part's own core."""
    for p in parts.load().parts:
        yield pytest.param(p.name, ["gcc"], id="%s-host" % p.name)
        yield pytest.param(p.name, ["arm-none-eabi-gcc", "-mthumb", "-mcpu=" + gen.CORE_MCPU[p.core]],
                           id="%s-%s" % (p.name, p.core))


@pytest.mark.parametrize("name, cc", compilers())
def test_headers_compile(tmp_path, name, cc):
    src = tmp_path / "t.c"
    src.write_text(PROGRAM % {"dev_id": "0x%03x" % parts.lookup(name).dev_id})
    cmd = cc + ["-std=c11", "-Wall", "-Wextra", "-Werror", "-c", "-I", os.path.join(GEN, name), "-I", GEN,
                str(src), "-o", str(tmp_path / "t.o")]
    r = subprocess.run(cmd, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_bootloader_id_macros_only_where_an2606_gives_one():
    for p in parts.load().parts:
        with open(os.path.join(GEN, p.name, "bj_part.h")) as f:
            text = f.read()
        assert ("#define BJ_HAS_BOOTLOADER_ID %d" % (p.bootloader_id is not None)) in text
        assert ("#define BJ_BOOTLOADER_ID_ADDR " in text) == (p.bootloader_id is not None)
        with open(os.path.join(GEN, p.name, "memory.ld")) as f:
            assert ("_bj_bootloader_id_addr" in f.read()) == (p.bootloader_id is not None)


def test_sector_sizes_only_where_the_flash_has_sectors():
    for p in parts.load().parts:
        with open(os.path.join(GEN, p.name, "bj_part.h")) as f:
            text = f.read()
        assert ("#define BJ_FLASH_SECTORS %du" % len(p.sectors) in text) == bool(p.sectors)


def test_linker_fragment_names_the_part_memory():
    for p in parts.load().parts:
        with open(os.path.join(GEN, p.name, "memory.ld")) as f:
            text = f.read()
        assert "FLASH (rx) : ORIGIN = 0x%08x, LENGTH = 0x%x" % (p.flash.base, p.flash.size) in text
        assert "SYSMEM (rx) : ORIGIN = 0x%08x" % p.system_memory.base in text
