"""python3 -m reports: exit codes and one-line errors, never a traceback."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(*args):
    return subprocess.run([sys.executable, "-m", "reports"] + list(args), cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def test_report_and_diff(fixture_traces, tmp_path):
    trace, elf = fixture_traces("l011-returns")
    r = run("report", trace, "--elf", elf, "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "STM32L011/L021 returned to user flash by a branch, as documented (empty-check)."
    assert (tmp_path / "l011-returns.md").exists() and (tmp_path / "l011-returns.html").exists()
    r = run("diff", trace, fixture_traces("l011-stays")[0])
    assert r.returncode == 0 and "First divergence at step" in r.stdout


def _one_line_error(r, command):
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("bootjump %s: error: " % command), r.stderr
    return lines[0]


def test_not_a_trace(tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("hello\n")
    line = _one_line_error(run("report", str(bad), "--out", str(tmp_path)), "report")
    assert "not a bootjump trace" in line and str(bad) in line
    line = _one_line_error(run("diff", str(bad), str(bad)), "diff")
    assert "not a bootjump trace" in line


def test_missing_file_bad_elf_unknown_part_unwritable_out(fixture_traces, tmp_path):
    trace, _ = fixture_traces("l011-returns")
    assert "cannot read it" in _one_line_error(run("report", str(tmp_path / "none.jsonl")), "report")
    elf = tmp_path / "fw.elf"
    elf.write_bytes(b"not an elf")
    assert "not an ELF file" in _one_line_error(run("report", trace, "--elf", str(elf), "--out", str(tmp_path)), "report")
    text = open(trace).read().replace('"part": "stm32l011"', '"part": "stm32x999"', 1)
    odd = tmp_path / "odd.jsonl"
    odd.write_text(text)
    assert "unknown part 'stm32x999'" in _one_line_error(run("report", str(odd), "--out", str(tmp_path)), "report")
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert "cannot write the report" in _one_line_error(run("report", trace, "--out", str(blocker)), "report")


def test_truncated_trace_reports(fixture_traces, tmp_path):
    trace, _ = fixture_traces("l031-stays")
    data = open(trace, "rb").read()
    cut = tmp_path / "cut.jsonl"
    cut.write_bytes(data[:len(data) // 2])
    r = run("report", str(cut), "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert "Incomplete trace" in (tmp_path / "cut.md").read_text()
