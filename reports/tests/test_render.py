"""Markdown and HTML reports: snapshots of fixture traces, well-formed self-contained HTML.

Snapshots live in reports/tests/snapshots/. After an intended change, regenerate them with
    BOOTJUMP_UPDATE_SNAPSHOTS=1 make test-reports
and review the diff before committing."""
import os

import pytest

import reports

from . import htmlcheck

SNAPSHOTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "snapshots")
UPDATE = os.environ.get("BOOTJUMP_UPDATE_SNAPSHOTS") == "1"

# scenario -> whether the report is given the firmware's ELF
SCENARIOS = {"l011-returns": True, "l011-stays": False, "l031-stays": False, "l011-from-app": True,
             "l011-fault": True}


def compare(name, text):
    path = os.path.join(SNAPSHOTS, name)
    if UPDATE:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    if not os.path.exists(path):
        pytest.fail("no snapshot %s: run BOOTJUMP_UPDATE_SNAPSHOTS=1 make test-reports and review it" % path)
    with open(path, encoding="utf-8") as f:
        expected = f.read()
    assert text == expected, "%s differs from its snapshot (see the module docstring)" % name


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_snapshot(fixture_traces, tmp_path, scenario):
    trace, elf = fixture_traces(scenario)
    md, html, verdict = reports.render(trace, str(tmp_path), elf=elf if SCENARIOS[scenario] else None)
    assert (md, html) == (str(tmp_path / (scenario + ".md")), str(tmp_path / (scenario + ".html")))
    md_text, html_text = open(md).read(), open(html).read()
    assert md_text.startswith("# bootjump report: ") and "## Verdict\n\n**%s**" % verdict.headline in md_text
    svgs = htmlcheck.check(html_text)
    assert len(svgs) == 1 and svgs[0].tag == "{http://www.w3.org/2000/svg}svg"
    # Verdict first: nothing but the title and the verdict heading come before it.
    assert html_text.index(verdict.headline) < html_text.index("<svg")
    compare(scenario + ".md", md_text)
    compare(scenario + ".html", html_text)


def test_diff_snapshot(fixture_traces):
    text = reports.diff(fixture_traces("l011-returns")[0], fixture_traces("l011-stays")[0])
    compare("diff-l011-returns-stays.md", text)


def test_sections_present(fixture_traces, tmp_path):
    trace, elf = fixture_traces("l011-from-app")
    md = open(reports.render(trace, str(tmp_path), elf=elf)[0]).read()
    for heading in ("## Verdict", "## Where the PC was", "## Decision excerpt",
                    "## Reads of user flash and option bytes", "## Probe checkpoints", "## Preflight",
                    "## Environment"):
        assert heading in md
    assert "`<jump_to_bootloader+0x" in md and "| WARN |" in md and "DEV_ID / REV_ID" in md
    assert "| **>** " in md     # the decision row is marked


def test_probe_record_in_plain_words(fixture_traces, tmp_path):
    """A header holding the probe's record as `bootjump trace` writes it (c_probe.record.read()
    plus its facts): the report shows the facts and the ring as words, the raw fields after them."""
    import json
    from c_probe import record
    d = record.load()
    values = {"magic": d.magic, "version": d.version, "recipe": d.code("recipes", "classic"),
              "step": d.code("steps", "jump"), "options": 0, "boots": 1, "step_boot": 1, "causes": 0,
              "seen": 0, "resets": 0, "returns": 0, "fault_pc": 0}
    ring = [{"seq": 0, "boots": 1, "recipe": values["recipe"], "step": values["step"], "causes": 0,
             "recipe_name": "classic", "step_name": "jump", "cause_names": []}]
    lines = open(fixture_traces("l011-returns")[0]).read().splitlines(True)
    header = json.loads(lines[0])
    header["checkpoints"] = {"source": "backup", "record": values, "ring": ring, "unlocked": True,
                             "facts": dict(record.facts(values))}
    path = tmp_path / "with-record.jsonl"
    path.write_text(json.dumps(header) + "\n" + "".join(lines[1:]))
    md, html, _ = reports.render(str(path), str(tmp_path))
    md_text = open(md).read()
    assert "(read from the backup registers)" in md_text
    assert "| recipe | classic |" in md_text and "| step | jump |" in md_text and "| entry | branch |" in md_text
    assert "| 0 | 1 | classic | jump | - |" in md_text
    assert "| unlocked | `true` |" in md_text and '"facts"' not in md_text
    htmlcheck.check(open(html).read())
