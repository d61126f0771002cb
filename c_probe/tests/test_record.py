"""record.py and the C codec (through build/c_probe/host/record_tool) agree on the same bytes, in
both directions; record.json obeys the rules the generated code relies on."""
import copy
import os
import random
import subprocess

import pytest

import parts
from c_probe import gen_record, record

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(ROOT, "build", "c_probe", "host", "record_tool")
D = record.load()


def tool(*args):
    r = subprocess.run([TOOL] + [str(a) for a in args], capture_output=True, text=True, timeout=10)
    assert r.returncode == 0, r.stderr
    return r.stdout


def c_facts(words, width):
    return [tuple(line.split(": ", 1)) for line in tool("decode", width, *("0x%x" % w for w in words)).splitlines()]


def random_values(rng):
    values = {f["name"]: rng.getrandbits(f["width"]) for f in D.fields}
    values.update(magic=D.magic, version=D.version)
    # Mostly known codes, sometimes unknown ones, so both name paths are exercised.
    values["recipe"] = rng.choice(list(D.recipes) + [200])
    values["step"] = rng.choice(list(D.steps) + [D.code("steps", "fault")] * 3 + [250])
    if rng.random() < 0.3:
        values["step_boot"] = values["boots"]
    if rng.random() < 0.3:
        values["causes"] = 0
    return values


STORIES = [
    # L011 + classic: back by a branch.
    {"recipe": 2, "step": 11, "boots": 2, "step_boot": 1, "returns": 1},
    # L031 + classic: never back (read by a debugger).
    {"recipe": 2, "step": 11, "boots": 1, "step_boot": 1},
    # L011 + reset-flag: one software reset, then back.
    {"recipe": 3, "step": 11, "boots": 3, "step_boot": 2, "resets": 1, "returns": 1, "seen": 0b110},
    # L031 + iwdg-running: an IWDG reset.
    {"recipe": 13, "step": 11, "boots": 2, "step_boot": 1, "causes": 0b1010, "resets": 1, "seen": 0b1010},
    # no-thumb caught by the probe's HardFault handler, then its reset.
    {"recipe": 8, "step": 22, "boots": 2, "step_boot": 1, "causes": 0b100, "resets": 1, "fault_pc": 0x1ff00198},
    {"recipe": 4, "step": 23, "boots": 1, "step_boot": 1},
    {},
]


@pytest.mark.parametrize("width", [16, 32])
def test_python_encodes_c_decodes(width):
    rng = random.Random(width)
    cases = STORIES + [random_values(rng) for _ in range(150)]
    for values in cases:
        words = record.encode(values, width)
        assert len(words) == D.cells * 16 // width
        assert c_facts(words, width) == record.facts(record.decode(words, width)), values


@pytest.mark.parametrize("width", [16, 32])
def test_c_encodes_python_decodes(width):
    rng = random.Random(100 + width)
    for values in STORIES + [random_values(rng) for _ in range(150)]:
        full = {"magic": D.magic, "version": D.version, **values}
        args = ["%s=%d" % kv for kv in full.items()]
        words = [int(w, 16) for w in tool("encode", width, *args).split()]
        decoded = record.decode(words, width)
        assert decoded == {f["name"]: full.get(f["name"], 0) for f in D.fields}
        assert words == record.encode(values, width)


def test_story_facts():
    words = record.encode(STORIES[2])
    f = dict(record.facts(record.decode(words)))
    assert f == {"record": "v1", "boots": "3", "entry": "branch", "recipe": "reset-flag", "step": "jump",
                 "step-boot": "2", "options": "none", "resets": "1", "returns": "1", "seen": "pin,software",
                 "outcome": "returned-by-branch"}
    assert dict(record.facts(record.decode(record.encode(STORIES[1]))))["outcome"] == "running"
    assert record.facts(record.decode([0] * 5)) == [("record", "absent")]


def test_ring_both_ways():
    for n in (0, 1, 5, 16, 17, 40):
        cells = [int(c, 16) for c in tool("ring", n).split()]
        entries = record.decode_ring(cells)
        assert [e["seq"] for e in entries] == list(range(max(0, n - D.ring["entries"]), n))
        for e in entries:
            i = e["seq"]
            assert (e["boots"], e["recipe"], e["step"], e["causes"]) == (7 + i, i % len(D.recipes), i % len(D.steps), i & 0x3ff)
    assert record.decode_ring([0] * record.ring_cells()) == []


def test_mailbox_bytes():
    data = record.encode_mailbox("erase-page0", ["destructive"], 250)
    assert data == bytes.fromhex("424d4a42" "04" "01" "fa00")
    assert record.decode_mailbox(data) == {"magic": 0x424A4D42, "recipe": 4, "options": 1, "param": 250}
    with pytest.raises(record.RecordError, match="unknown recipe 'nope'"):
        record.encode_mailbox("nope")


def test_definition_is_valid():
    assert gen_record.check(D) == []


@pytest.mark.parametrize("breakage, message", [
    (lambda r: r["record"]["fields"][3].update(bit=30), "overlap"),
    (lambda r: r["record"]["fields"][-1].update(width=40), "outside"),
    (lambda r: r["recipes"][2].update(letter="n"), "letters"),
    (lambda r: r["steps"][5].update(code=9), "codes must run"),
    (lambda r: r["noinit"].update(ring=20), "noinit"),
    (lambda r: r["mailbox"]["fields"][1].update(bytes=2), "mailbox"),
])
def test_check_names_the_broken_rule(breakage, message):
    raw = copy.deepcopy(D.raw)
    breakage(raw)
    errs = gen_record.check(record.Definition(raw))
    assert errs and any(message in e for e in errs), errs


def test_causes_are_the_part_database_causes():
    from parts import gen, validate
    names = [c["name"] for c in D.causes]
    assert set(names) == validate.RESET_FLAG_NAMES
    assert set(names) == set(gen.RESET_CAUSES)


@pytest.mark.parametrize("name", parts.load().names())
def test_noinit_block_fits_each_part(name):
    p = parts.lookup(name)
    base = record.noinit_base(p)
    size = D.noinit["size"]
    assert p.sram.base <= base and base + size + D.noinit["min_stack"] <= p.sram.base + p.sram.size
    bl = p.raw["bootloader"]["ram"]
    bl_end = int(bl["base"], 16) + int(bl["size"], 16)
    if bl_end + size + D.noinit["min_stack"] <= p.sram.base + p.sram.size:
        assert base >= bl_end, "the block must sit above the RAM the ROM uses when there is room"
    addrs, width = record.storage(p)
    if addrs:
        assert len(addrs) * width >= D.cells * D.cell_bits


def test_words_width_rejected():
    with pytest.raises(record.RecordError, match="16- or 32-bit"):
        record.decode([1, 2], width=8)


def test_tcl_definition_in_openocd():
    """build/gen/bj_record.tcl loads in OpenOCD's Jim TCL and holds the same layout (no init, so
    OpenOCD opens no port; it exits on shutdown)."""
    tcl = os.path.join(ROOT, "build", "gen", "bj_record.tcl")
    script = ("puts \"magic=[dict get $bj_record magic]\"; "
              "puts \"step=[dict get [dict get $bj_record fields] step]\"; "
              "puts \"f103=[dict get [dict get $bj_record_parts stm32f103] backup_width]\"; "
              "puts \"l011=[dict get [dict get $bj_record_parts stm32l011] noinit]\"")
    r = subprocess.run(["openocd", "-c", "source %s" % tcl, "-c", script, "-c", "shutdown"],
                       capture_output=True, text=True, timeout=20)
    out = r.stdout + r.stderr
    step = next(f for f in D.fields if f["name"] == "step")
    assert "magic=0x%04x" % D.magic in out, out
    assert "step=%d %d" % (step["bit"], step["width"]) in out, out
    assert "f103=%d" % parts.lookup("stm32f103").raw["backup"]["width"] in out, out
    assert "l011=0x%08x" % record.noinit_base(parts.lookup("stm32l011")) in out, out


class GatedMemory:
    """Target memory where the backup registers read zero until every unlock bit is set, as a
    G0's TAMP does with RTCAPBEN clear after a reset; everything else reads as written, or 0."""

    def __init__(self, part, backup_words):
        self.part = part
        self.words = {}
        addrs, _ = record.storage(part)
        self.backup = dict(zip(addrs, backup_words))

    def read(self, addr, size):
        if addr in self.backup:
            on = all(self.words.get(a, 0) & m for a, m in record.unlock_steps(self.part))
            return (self.backup[addr] if on else 0).to_bytes(4, "little")
        if size == 4 and addr in self.words:
            return self.words[addr].to_bytes(4, "little")
        return bytes(size)

    def write(self, addr, data):
        self.words[addr] = int.from_bytes(data, "little")


def test_read_unlocks_the_backup_registers_when_it_may_write():
    p = parts.lookup("stm32g071")
    words = record.encode(STORIES[3], 32)
    target = GatedMemory(p, words)
    locked = record.read(p, target.read)
    assert not locked["unlocked"] and dict(record.facts(locked["record"])) == {"record": "absent"}
    seen = record.read(p, target.read, target.write)
    assert seen["unlocked"] and seen["source"] == "backup"
    assert seen["record"] == record.decode(words, 32)
    assert {a for a, _ in record.unlock_steps(p)} == set(target.words)
