"""traces/schema.py: the writer writes what the reader accepts; the reader names the file, the
line and the problem for anything else, and reports a cut-short trace as truncated."""
import ast
import json
import os
import sys

import pytest

from traces import schema
from traces.schema import TraceError, Writer

HEADER = {
    "part": "stm32l011", "dev_id": "0x457", "rev_id": "0x1000",
    "target": {"kind": "emu", "address": "127.0.0.1:40211"},
    "tools": {"bootjump": "0.1.0", "gdb": "13.1"},
    "start": {"from": "rom-entry", "pc": "0x1ff00010"},
    "registers": {"r0": "0x00000000", "sp": "0x20000800", "pc": "0x1ff00010", "xpsr": "0x01000000"},
    "rom": {"base": "0x1ff00000", "size": 4096, "sha256": "ab" * 32},
    "firmware": None, "flash_word0": "0x20000800",
    "option_bytes": {"base": "0x1ff80000", "words": ["0xff5500aa"]},
    "checkpoints": None, "preflight": [{"check": "flash word 0", "status": "warn", "message": "m", "source": "AN2606"}],
    "created": "2026-01-01T00:00:00Z",
}


def step(pc, regs=None, mem=None):
    return {"pc": pc, "region": "system_memory", "bytes": "0868", "insn": "ldr r0, [r1]",
            "regs": regs or {}, "mem": mem or []}


def write_trace(path, steps=3, end=True):
    with Writer(path, HEADER) as w:
        for k in range(steps):
            w.step(step("0x%08x" % (0x1ff00010 + 2 * k), {"r0": "0x%08x" % k},
                        [{"op": "r", "addr": "0x08000000", "size": 4, "value": "0x20000800"}]))
        if end:
            w.end("user-flash", "PC 0x080000c0 is in user flash", pc="0x080000c0")
    return path


def lines_of(path):
    with open(path) as f:
        return [json.loads(line) for line in f]


def rewrite(path, records, raw_lines=None):
    with open(path, "w") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")
        for line in raw_lines or []:
            f.write(line)
    return str(path)


def test_round_trip(tmp_path):
    path = write_trace(str(tmp_path / "t.jsonl"))
    t = schema.load(path)
    assert t.header["type"] == "header" and t.header["schema"] == schema.SCHEMA
    assert [s["i"] for s in t.steps] == [0, 1, 2]
    assert t.steps[1]["regs"] == {"r0": "0x00000001"}
    assert t.end["exit"] == "user-flash" and t.end["steps"] == 3
    assert t.truncation is None and t.lines == 5
    # The header is the first key of the first line, as traces/README.md shows it.
    with open(path) as f:
        assert f.readline().startswith('{"type": "header", "schema": "bootjump-trace/1"')


def test_undecodable_step_and_error_end(tmp_path):
    """A step capstone could not decode, then a tracer that had to give up: both are trace records."""
    path = str(tmp_path / "t.jsonl")
    with Writer(path, HEADER) as w:
        w.step(dict(step("0x1ffff6a6"), bytes="a1ffffff", insn=schema.UNDECODABLE))
        w.end("error", "the target stopped answering after 1 step")
    t = schema.load(path)
    assert t.steps[0]["insn"] == "(undecodable)" and t.end["exit"] == "error" and t.truncation is None


def test_reader_yields_header_steps_end_in_order(tmp_path):
    reader = schema.Reader(write_trace(str(tmp_path / "t.jsonl"), steps=2))
    assert [r["type"] for r in reader] == ["header", "step", "step", "end"]
    assert reader.end["exit"] == "user-flash" and reader.truncation is None


def test_writer_flushes_every_line(tmp_path):
    path = str(tmp_path / "t.jsonl")
    w = Writer(path, HEADER)
    for k in range(3):
        w.step(step("0x1ff00010"))
        # Another process (the report, a crash) sees every step as soon as it is written.
        assert len(lines_of(path)) == k + 2
    w.close()
    t = schema.load(path)
    assert t.end is None and t.truncation.steps == 3 and not t.truncation.partial_line


@pytest.mark.parametrize("fields, problem", [
    ({"pc": 0x1ff00010}, "'pc' must be a lower-case hex string"),
    ({"pc": "0x1FF00010"}, "'pc' must be a lower-case hex string"),
    ({"bytes": "086"}, "step 'bytes' must be 2 or 4 instruction bytes"),
    ({"regs": {"r0": 5}}, "register r0 must be a hex string"),
    ({"mem": [{"op": "x", "addr": "0x0", "size": 4, "value": "0x0"}]}, "'op' must be \"r\" or \"w\""),
    ({"mem": [{"op": "r", "addr": "0x0", "size": 3, "value": "0x0"}]}, "'size' must be 1, 2, 4 or 8"),
    ({"extra": 1}, "unknown key 'extra'"),
])
def test_writer_rejects_bad_steps(tmp_path, fields, problem):
    with Writer(str(tmp_path / "t.jsonl"), HEADER) as w:
        with pytest.raises(TraceError) as e:
            w.step(dict(step("0x1ff00010"), **fields))
    assert problem in str(e.value) and "cannot write step 0" in str(e.value)


def test_writer_rejects_bad_header_and_end(tmp_path):
    with pytest.raises(TraceError, match="target kind \"gdb\" is not one of"):
        Writer(str(tmp_path / "a.jsonl"), dict(HEADER, target={"kind": "gdb"}))
    with Writer(str(tmp_path / "b.jsonl"), HEADER) as w:
        with pytest.raises(TraceError, match="end 'exit' \"home\" is not one of user-flash"):
            w.end("home", "why")
        with pytest.raises(TraceError, match="needs 'fault'"):
            w.end("fault", "HardFault")
        w.end("fault", "HardFault", fault={"pc": "0x080000c0", "ipsr": 3, "lockup": False})
        with pytest.raises(TraceError, match="step after the end record"):
            w.step(step("0x1ff00010"))


def mutate(tmp_path, line, change):
    """A valid trace with record `line` (1-based) changed by `change(record)`."""
    records = lines_of(write_trace(str(tmp_path / "good.jsonl")))
    change(records[line - 1])
    return rewrite(tmp_path / "x.jsonl", records)


@pytest.mark.parametrize("line, change, problem", [
    (3, lambda r: r.update(i=5), "step 'i' is 5, expected 1"),
    (3, lambda r: r.pop("mem"), "the step lacks 'mem'"),
    (4, lambda r: r.update(i="2"), "step 'i' must be an integer"),
    (3, lambda r: r["mem"][0].update(addr="08000000"), "memory access 0: 'addr' must be a lower-case hex"),
    (5, lambda r: r.update(exit="home"), "end 'exit' \"home\" is not one of"),
    (5, lambda r: r.update(steps=4), "end 'steps' is 4 but the trace has 3 steps"),
    (4, lambda r: r.update(type="note"), "record type \"note\" is not \"step\" or \"end\""),
    (1, lambda r: r.update(schema="bootjump-trace/2"), "schema \"bootjump-trace/2\" is not supported"),
    (1, lambda r: r.pop("registers"), "the header lacks 'registers'"),
    (1, lambda r: r["rom"].update(sha256="xyz"), "rom 'sha256' must be 64 lower-case hex digits"),
    (1, lambda r: r["preflight"][0].update(status="ok"), "preflight finding 0 status \"ok\""),
    (1, lambda r: r["preflight"][0].update(message=5), "preflight finding 0 'message' must be text, got 5"),
    (1, lambda r: r["preflight"][0].update(source=["AN2606"]), "preflight finding 0 'source' must be text"),
])
def test_reader_names_file_line_and_problem(tmp_path, line, change, problem):
    path = mutate(tmp_path, line, change)
    with pytest.raises(TraceError) as e:
        schema.load(path)
    assert str(e.value).startswith("%s line %d: " % (path, line)) and problem in str(e.value)


def test_the_example_message_of_the_brief(tmp_path):
    records = lines_of(write_trace(str(tmp_path / "good.jsonl"), steps=6))
    records[5]["i"] = 5          # line 6 holds step 4
    path = rewrite(tmp_path / "x.jsonl", records)
    with pytest.raises(TraceError, match=r"x\.jsonl line 6: step 'i' is 5, expected 4$"):
        schema.load(path)


def test_record_after_end_and_damaged_middle_line(tmp_path):
    records = lines_of(write_trace(str(tmp_path / "good.jsonl")))
    path = rewrite(tmp_path / "x.jsonl", records + [records[2]])
    with pytest.raises(TraceError, match="line 6: a record follows the end record"):
        schema.load(path)
    path = rewrite(tmp_path / "y.jsonl", records[:2], ['{"type": "st\n'] + [json.dumps(r) + "\n" for r in records[3:]])
    with pytest.raises(TraceError, match="line 3: not a JSON object"):
        schema.load(path)


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty, not a bootjump trace"),
    (b"\x7fELF\x01\x01\x01\x00\x00\xff\xfe\n", "not a bootjump trace"),
    (b"hello world\n", "not a bootjump trace"),
    (b'{"type": "step", "i": 0}\n', "not a bootjump trace"),
    (b'[1, 2, 3]\n', "not a bootjump trace"),
    (b'{"pc": "0x1"}', "not a bootjump trace"),
])
def test_not_a_trace_is_one_clear_line(tmp_path, content, message):
    path = tmp_path / "x.jsonl"
    path.write_bytes(content)
    with pytest.raises(TraceError) as e:
        schema.load(str(path))
    assert message in str(e.value) and str(path) in str(e.value) and "\n" not in str(e.value)


def test_missing_file(tmp_path):
    with pytest.raises(TraceError, match="cannot read it: No such file"):
        schema.load(str(tmp_path / "nope.jsonl"))


def test_every_truncation_point(tmp_path):
    """Each byte prefix of a valid trace is either a truncated trace with exactly the complete
    records before the cut, or, when the cut falls inside the header, one clear error."""
    data = open(write_trace(str(tmp_path / "good.jsonl")), "rb").read()
    ends = [n + 1 for n, b in enumerate(data) if b == ord("\n")]
    cut = tmp_path / "cut.jsonl"
    for size in range(len(data) + 1):
        cut.write_bytes(data[:size])
        # A line whose newline alone is missing is a complete record (JSON cannot parse a prefix).
        records = sum(1 for e in ends if e <= size) + (1 if size + 1 in ends else 0)
        if records == 0:
            with pytest.raises(TraceError) as e:
                schema.load(str(cut))
            assert ("stops inside its header" in str(e.value) or "file is empty" in str(e.value)), size
            continue
        t = schema.load(str(cut))
        if records == len(ends):
            assert t.end is not None and t.truncation is None
            continue
        assert t.end is None, size
        assert t.truncation.line == records and len(t.steps) == records - 1, size
        assert t.truncation.partial_line == (size not in ends and size + 1 not in ends), size
        assert "stops after line %d" % records in str(t.truncation)


def test_schema_is_stdlib_only():
    """gdb-multiarch's embedded Python has no third-party packages: schema.py must not need any."""
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "schema.py")
    tree = ast.parse(open(path).read())
    names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert names and names <= set(sys.stdlib_module_names), names - set(sys.stdlib_module_names)
