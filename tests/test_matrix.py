"""`bootjump matrix` over all 12 parts and every recipe (-j 2): every cell is measured (traced, or
refused by the probe itself with its reason), none is an error, and no traced cell contradicts the
part's documented activation profile (reports' verdict.agrees). The classic recipe, which every
part can run, must agree with the documentation on every part: a matrix of undecided cells cannot
pass."""
import json
import os

import parts
from conftest import build, need

from bjcli import recipes


def test_full_matrix(cli, tmp_path):
    need(build("bin", "bootjump-emu"))
    done = cli.run("matrix", "-j", "2", "--out", tmp_path, timeout=1800)
    with open(tmp_path / "matrix.json") as f:
        table = json.load(f)
    all_parts = parts.load().names()
    assert table["parts"] == all_parts and len(all_parts) == 12
    assert table["recipes"] == recipes.all_recipes()
    cells = {(c["part"], c["recipe"]): c for c in table["cells"]}
    assert set(cells) == {(p, r) for p in all_parts for r in table["recipes"]}

    problems = []
    for (part, recipe), c in sorted(cells.items()):
        if c["class"] == "error":
            problems.append("%s %s: error: %s" % (part, recipe, c["detail"]))
        elif c["agrees"] is False:
            problems.append("%s %s: %s CONTRADICTS the documented profile: %s" % (part, recipe, c["label"], c["detail"]))
        elif recipe == "classic" and c["agrees"] is not True:
            # Every part's documentation decides the classic jump: the F04x's from the option byte
            # and the BOOT0 pin its ROM read in the trace, the L07x's from the bank words.
            problems.append("%s classic: %s, not decided against the documentation: %s" % (part, c["label"], c["detail"]))
        if recipe == "systick-running" and c["class"] == "stuck":
            # Remapped with SysTick still counting: its exception, taken through the ROM's vectors,
            # is where the core was found (ARMv6-M/ARMv7-M: SysTick is exception 15).
            assert "in exception 15 (SysTick)" in c["detail"], (part, c["detail"])
        if c["class"] == "refused":
            assert c["detail"], "a refusal without the probe's reason: %s %s" % (part, recipe)
        elif c["class"] not in ("stuck", "error"):
            for key in ("trace", "md", "html"):
                assert os.path.exists(tmp_path / c[key]), (part, recipe, key)
    assert not problems, "%d of %d cells:\n%s" % (len(problems), len(cells), "\n".join(problems))
    assert done.returncode == 0, done.stderr
    # The table says the destructive recipes ran only because this is the emulator.
    assert "only reason the destructive recipes" in done.stdout
    md = (tmp_path / "matrix.md").read_text()
    assert "only reason the destructive recipes" in md and "[stays in bootloader](cells/" in md
