"""The commands inside a real gdb-multiarch against fakestub.py, a scripted stub with a debug probe's
habits (no expedited registers, `g` without msp/psp/primask/control, no monitor): the plain path
works on it, GDB is re-synced afterwards, and bad input gets one clear line."""
import os

import pytest

from conftest import ROOT
from session import FakeStub, gdb, scratch
from traces import schema

ROM = 0x1ff00000


def script():
    """Thumb code in flash: ldr r0,[r1]; ldr r2,[pc,#4]; push {r0,lr}; then the ROM image."""
    regs = {"r%d" % n: "0x0" for n in range(13)}
    regs.update(r1="0x20000100", sp="0x20000800", lr="0x08000101", pc="0x08000000", xpsr="0x01000000",
                msp="0x20000800", psp="0x0", primask="0x0", basepri="0x0", faultmask="0x0", control="0x0")
    rom = bytearray(0x1000)
    rom[0:8] = bytes.fromhex("00080020" "99010ff1")
    return {
        "memory": {"0x08000000": "0868" "014a" "01b5" "00bf" "44332211",
                   "0x20000100": "efbeadde", "0x200007f0": "00" * 16, "0x1ff00000": rom.hex(),
                   "0x1ff80000": "00" * 32},
        "states": [
            {"regs": regs},
            {"regs": {"r0": "0xdeadbeef", "pc": "0x08000002"}},
            {"regs": {"r2": "0x11223344", "pc": "0x08000004"}},
            {"regs": {"sp": "0x200007f8", "msp": "0x200007f8", "pc": "0x08000006"},
             "mem": {"0x200007f8": "efbeadde01010008"}},
        ],
    }


def test_plain_trace_on_a_probe_like_stub(tmp_path):
    out_file = scratch("fakestub", "trace.jsonl")
    with FakeStub(script(), tmp_path) as stub:
        out, err = gdb(["bootjump trace --from here --part stm32l031 --max-steps 3 --out %s" % out_file,
                        "info registers pc sp"], port=stub.port)
    assert "Traceback" not in err and "Error" not in err, err
    assert "limit after 3 steps" in out
    # GDB forgot its cached registers: it shows where the raw steps left the target.
    assert "0x8000006" in out and "0x200007f8" in out
    trace = schema.load(out_file)
    assert trace.header["target"]["kind"] == "remote" and trace.end["exit"] == "limit"
    steps = trace.steps
    assert [s["insn"] for s in steps] == ["ldr r0, [r1]", "ldr r2, [pc, #4]", "push {r0, lr}"]
    assert steps[0]["mem"] == [{"op": "r", "addr": "0x20000100", "size": 4, "value": "0xdeadbeef"}]
    assert steps[1]["mem"] == [{"op": "r", "addr": "0x08000008", "size": 4, "value": "0x11223344"}]
    assert steps[2]["mem"] == [{"op": "w", "addr": "0x200007f8", "size": 4, "value": "0xdeadbeef"},
                               {"op": "w", "addr": "0x200007fc", "size": 4, "value": "0x08000101"}]
    assert steps[2]["regs"] == {"sp": "0x200007f8", "msp": "0x200007f8"}


def test_a_step_it_cannot_record_ends_the_trace_with_error(tmp_path):
    """0x4781 (BLX with its should-be-zero bits set) is refused by capstone, and this target runs it
    without a fault: its accesses are unknown, so the trace ends `error` before it, with one line."""
    raw = script()
    raw["memory"]["0x08000000"] = "0868" "8147"
    raw["states"] = raw["states"][:2] + [{"regs": {"lr": "0x08000005", "pc": "0x20000100"}}]
    out_file = scratch("fakestub", "error.jsonl")
    with FakeStub(raw, tmp_path) as stub:
        out, err = gdb(["bootjump trace --from here --part stm32l031 --out %s" % out_file], port=stub.port)
    lines = [l for l in err.splitlines() if "No executable" not in l and "determining executable" not in l]
    assert len(lines) == 1 and "capstone cannot decode 8147 at 0x08000002, yet the core executed it" in lines[0], err
    trace = schema.load(out_file)
    assert [s["insn"] for s in trace.steps] == ["ldr r0, [r1]"]
    assert trace.end["exit"] == "error" and trace.end["steps"] == 1
    assert "stopped after 1 steps: capstone cannot decode 8147" in trace.end["reason"]


@pytest.mark.parametrize("command,expected", [
    ("bootjump part --part stm32zzz", "unknown part 'stm32zzz'"),
    ("bootjump trace --max-steps 0 --part stm32l031", "--max-steps must be at least 1"),
    ("bootjump trace --from nowhere", "invalid choice: 'nowhere'"),
    ("bootjump part", "cannot read CPUID"),
    ("bootjump dump-rom /nonexistent-dir/rom.bin --part stm32l031", "cannot write /nonexistent-dir/rom.bin"),
])
def test_bad_input_is_one_line(tmp_path, command, expected):
    with FakeStub(script(), tmp_path) as stub:
        out, err = gdb([command], port=stub.port)
    lines = [l for l in err.splitlines() if "No executable" not in l and "determining executable" not in l]
    assert any(expected in l for l in lines), err
    assert "Traceback" not in err and len(lines) == 1, err


def test_no_target_is_one_line():
    out, err = gdb(["bootjump preflight --part stm32l031"])
    assert err.strip().startswith("no target: connect GDB first"), err
    assert len(err.strip().splitlines()) == 1


def test_a_stub_stalled_for_seconds_is_waited_for(tmp_path):
    """A stub that takes 3 s to acknowledge a packet (GDB's default patience is 2 s, after which it
    sends the packet again and every later reply is one behind): the command still gets its own
    reply, says its one line, and GDB detaches cleanly."""
    raw = dict(script(), stall={"packet": "me000ed00,4", "seconds": 3})
    with FakeStub(raw, tmp_path) as stub:
        out, err = gdb(["bootjump part"], port=stub.port)
    lines = [l for l in err.splitlines() if "No executable" not in l and "determining executable" not in l]
    assert lines == ["cannot read CPUID at 0xe000ed00: is the target halted and connected?"], err
    assert "[Inferior 1 (Remote target) detached]" in out, out


def test_gdb_loads_the_repositorys_part_database():
    """`source gdb/bootjump.py` finds the part database of the tree it was sourced from, whatever
    GDB's working directory."""
    out, err = gdb(["python import parts; print(parts.DATABASE)"])
    assert os.path.realpath(out.strip()) == os.path.realpath(os.path.join(ROOT, "parts", "stm32.json")), (out, err)


# Inside GDB, before the trace: the trace writer sends GDB SIGINT (Ctrl-C) just after it wrote step
# 5's line and before it counted it, the instant that left end records one step short of their file.
CTRL_C_AFTER_STEP_5 = (
    "python exec(%r)" % "import os, signal\nfrom traces import schema\nwrite = schema.Writer._write\n"
    "def _write(self, rec):\n    write(self, rec)\n    if rec.get('i') == 5:\n"
    "        os.kill(os.getpid(), signal.SIGINT)\nschema.Writer._write = _write")


def test_ctrl_c_as_a_step_is_written_leaves_a_valid_trace(tmp_path):
    """The fake stub's last state repeats, so the trace would run to its step limit."""
    out_file = scratch("fakestub", "interrupted.jsonl")
    with FakeStub(script(), tmp_path) as stub:
        out, err = gdb([CTRL_C_AFTER_STEP_5, "bootjump trace --from here --part stm32l031 --max-steps 100 "
                        "--out %s" % out_file], port=stub.port)
    assert "Traceback" not in err, err
    trace = schema.load(out_file)
    assert trace.end["exit"] == "interrupted" and trace.end["steps"] == len(trace.steps) == 6, trace.end
    assert "interrupted after 6 steps" in out and trace.end["reason"].endswith("after 6 steps"), (out, trace.end)
