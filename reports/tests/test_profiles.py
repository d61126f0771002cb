"""Every part of the database gets a verdict from its own profile: the same fixture trace (a ROM
that sends the jump back to user flash) is judged against each part's documentation."""
import subprocess

import pytest

import parts
import reports
from parts import validate
from reports import expectations
from reports.text import plain

from . import tracegen

# What each profile predicts when flash word 0 holds the user's stack pointer and the trace shows
# no other input (the fixture ROM reads only 0x08000000 and 0x08000004).
PREDICTED = {"plain": "stayed", "empty-check": "returned", "empty-check-f04x": None,
             "dual-bank": None, "g0-empty-flag": "stayed", "boot-empty-check": "stayed"}
# Where the profile is not decided, the verdict names what the ROM did not read.
NOT_READ = {"empty-check-f04x": ["the ROM did not read FLASH.OBR (`0x4002201c`), whose BOOT_SEL bit",
                                 "the ROM did not read GPIOB.IDR (`0x48000410`), where the BOOT0 pin PB8"],
            "dual-bank": ["the ROM did not read the initial stack pointer of bank2 (`0x08018000`)"]}


def test_every_profile_of_the_database_has_a_rule():
    assert set(expectations.PROFILES) == set(validate.PROFILES) == set(PREDICTED)


@pytest.mark.parametrize("name", parts.load().names())
def test_verdict_per_part(tmp_path, name):
    trace, _ = tracegen.generate(name, str(tmp_path), spec=(name, "rom_empty_check_v6m", "app", "rom-entry"))
    v = reports.analyse(trace).verdict
    part = parts.lookup(name)
    assert v.outcome == "returned"
    assert v.expected == PREDICTED[part.profile]
    assert v.agrees == (None if v.expected is None else v.expected == "returned")
    doc = plain(v.documented)
    assert "activation pattern %s, profile `%s`" % (part.raw["activation"]["pattern"], part.profile) in doc
    if v.expected is None:
        assert "Without that the trace cannot be checked against the documentation" in doc
        for missing in NOT_READ[part.profile]:
            assert missing in doc


def test_stripped_elf_is_refused(fixture_traces, tmp_path):
    trace, elf = fixture_traces("l011-returns")
    stripped = tmp_path / "stripped.elf"
    subprocess.run(["arm-none-eabi-strip", "-o", str(stripped), elf], check=True)
    with pytest.raises(reports.ReportError, match="has no function symbols"):
        reports.analyse(trace, elf=str(stripped))
