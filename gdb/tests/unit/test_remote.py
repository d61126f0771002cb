"""lib/remote.py: the register layout GDB prints, stop replies, and the Link's choice between
expedited registers, `g` and `p`, against a scripted packet function."""
import os

import pytest

from bjgdb.lib import remote

LAYOUT_TEXT = open(os.path.join(os.path.dirname(__file__), "data", "remote-registers.txt")).read()


def le(value):
    return value.to_bytes(4, "little").hex()


@pytest.fixture
def layout():
    return remote.RegisterLayout.parse(LAYOUT_TEXT)


def test_layout_reads_gdb_table(layout):
    assert layout.names == list(remote.TRACKED)
    assert layout.by_pnum[25].name == "xpsr" and layout.by_pnum[25].offset == 64
    assert layout.by_pnum[26].name == "msp" and layout.by_pnum[26].offset == 68


def test_layout_without_m_profile_is_refused():
    with pytest.raises(remote.RemoteError, match="M-profile"):
        remote.RegisterLayout.parse("\n".join(LAYOUT_TEXT.splitlines()[:10]))


def test_decode_g_stops_at_the_reply_end(layout):
    payload = "".join(le(n) for n in range(16)) + le(0x01000000)
    regs = layout.decode_g(payload)
    assert regs["r3"] == 3 and regs["pc"] == 15 and regs["xpsr"] == 0x01000000
    assert "msp" not in regs


def test_stop_reply_pairs():
    stop = remote.StopReply("T050f:00010008;thread:1;swbreak:;")
    assert stop.kind == "T" and stop.signal == 5 and stop.pairs["0f"] == "00010008"
    with pytest.raises(remote.RemoteError):
        remote.StopReply("OK")


class Packets:
    """Answers packets from a dict and records what was asked."""

    def __init__(self, answers):
        self.answers, self.sent = answers, []

    def __call__(self, text):
        self.sent.append(text)
        return self.answers[text]


def all_regs():
    return {name: 0x100 + n for n, name in enumerate(remote.TRACKED)}


def test_expedited_registers_need_no_more_packets(layout):
    values = all_regs()
    pairs = "".join("%02x:%s;" % (r.pnum, le(values[r.name])) for r in layout.regs)
    packets = Packets({})
    link = remote.Link(packets, layout)
    assert link.registers(remote.StopReply("T05" + pairs)) == values
    assert packets.sent == []


def test_registers_outside_g_come_from_p(layout):
    """OpenOCD's habit: no expedited registers, `g` with r0-r15 and xpsr only."""
    values = all_regs()
    g = "".join(le(values[n]) for n in remote.TRACKED[:17])
    answers = {"g": g}
    answers.update(("p%x" % r.pnum, le(values[r.name])) for r in layout.regs if r.offset >= 68)
    packets = Packets(answers)
    link = remote.Link(packets, layout)
    assert link.registers(remote.StopReply("S05")) == values
    assert packets.sent == ["g", "p1a", "p1b", "p1c", "p1d", "p1e", "p1f"]
    packets.sent.clear()
    # A stop reply that expedites exactly what `g` carries: `g` is not asked again.
    pairs = "".join("%02x:%s;" % (r.pnum, le(values[r.name])) for r in layout.regs if r.offset < 68)
    assert link.registers(remote.StopReply("T05" + pairs)) == values
    assert packets.sent == ["p1a", "p1b", "p1c", "p1d", "p1e", "p1f"]


def test_memory_errors_are_reported(layout):
    link = remote.Link(Packets({"m20000000,4": "E01", "m8000000,2": "0868"}), layout)
    assert link.read(0x08000000, 2) == b"\x08\x68"
    with pytest.raises(remote.RemoteError, match="E01"):
        link.read(0x20000000, 4)


def test_openocd_layout():
    """OpenOCD 0.12 against an M0+ (captured): "xPSR", 1-byte special registers, `g` without them."""
    text = open(os.path.join(os.path.dirname(__file__), "data", "remote-registers-openocd.txt")).read()
    layout = remote.RegisterLayout.parse(text)
    assert layout.names == list(remote.TRACKED)
    values = all_regs()
    values.update(primask=1, basepri=0, faultmask=0, control=2)
    g = "".join(le(values[n]) for n in remote.TRACKED[:17])
    answers = {"g": g}
    for r in layout.regs:
        if r.offset >= 68:
            answers["p%x" % r.pnum] = values[r.name].to_bytes(r.size, "little").hex()
    link = remote.Link(Packets(answers), layout)
    assert link.registers(remote.StopReply("T05")) == values
