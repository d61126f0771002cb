"""The generated headers compile for the host and for arm-none-eabi, for every part."""
import os
import subprocess

import pytest

import parts

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GEN = os.path.join(ROOT, "build", "gen")

PROGRAM = """
#include "bj_part.h"
#include "bj_parts.h"
_Static_assert(BJ_DEV_ID == %(dev_id)su, "dev id");
unsigned probe(void) {
    BJ_BACKUP_UNLOCK();
    return (unsigned)(RCC_CSR & BJ_RESET_FLAGS_CLEAR) + bj_parts[0].dev_id;
}
"""


@pytest.mark.parametrize("name", parts.load().names())
@pytest.mark.parametrize("cc", [["gcc"], ["arm-none-eabi-gcc", "-mthumb", "-mcpu=cortex-m0"]])
def test_headers_compile(tmp_path, name, cc):
    src = tmp_path / "t.c"
    src.write_text(PROGRAM % {"dev_id": "0x%03x" % parts.lookup(name).dev_id})
    cmd = cc + ["-std=c11", "-Wall", "-Wextra", "-Werror", "-c", "-I", os.path.join(GEN, name), "-I", GEN,
                str(src), "-o", str(tmp_path / "t.o")]
    r = subprocess.run(cmd, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_linker_fragment_names_the_part_memory():
    for p in parts.load().parts:
        with open(os.path.join(GEN, p.name, "memory.ld")) as f:
            text = f.read()
        assert "FLASH (rx) : ORIGIN = 0x%08x, LENGTH = 0x%x" % (p.flash.base, p.flash.size) in text
        assert "SYSMEM (rx) : ORIGIN = 0x%08x" % p.system_memory.base in text
