"""`make parts` (python3 -m parts) prints one row per part of the database: name, DEV_ID, core,
system memory and ROM activation profile (issue 2: all 12 parts)."""
import os
import subprocess
import sys

import parts

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(*args):
    return subprocess.run([sys.executable, "-m", "parts", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)


def test_table_lists_every_part_with_its_facts():
    proc = run()
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["part", "designator", "DEV_ID", "core", "system", "memory", "profile"]
    rows = lines[2:]
    db = parts.load()
    assert len(rows) == len(db.parts) >= 12
    for row, p in zip(rows, db.parts):
        sysmem = "0x%08x-0x%08x" % (p.system_memory.base, p.system_memory.end - 1)
        assert row.startswith(p.name + " ")
        for fact in (p.designator, "0x%03x" % p.dev_id, p.core, sysmem, p.profile):
            assert fact in row, (fact, row)
    assert {p.core for p in db.parts} == {"cortex-m0", "cortex-m0plus", "cortex-m3", "cortex-m4"}


def test_names_the_issue_uses_resolve():
    for name in ("stm32l011", "stm32l031", "stm32f042", "stm32l073", "stm32g071"):
        assert parts.lookup(name).name == name


def test_unknown_subcommand_is_a_usage_error():
    proc = run("tabel")
    assert proc.returncode == 2 and "python3 -m parts" in proc.stderr and "Traceback" not in proc.stderr
