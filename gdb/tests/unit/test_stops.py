"""lib/stops.py: each stop condition from single steps, and the idle detector's promise to the fast
path (it never fires sooner than min_steps_to_fire() said)."""
import random

import pytest

import parts
from bjgdb.lib import stops
from bjgdb.lib.decode import Decoder
from bjgdb.lib.tracer import Step
from thumb import assemble

PART = parts.lookup("stm32l011")
DEC = Decoder()


def insn(asm, pc):
    code = assemble([asm], "m0")
    return DEC.decode(pc, code[:4] if (code[1] >> 3) in (0b11101, 0b11110, 0b11111) else code[:2])


def regs(**kw):
    out = {"r%d" % n: 0 for n in range(13)}
    out.update(sp=0x20000700, lr=0x08000101, pc=0, xpsr=0x01000000, msp=0x20000700, psp=0, primask=0, control=0)
    out.update(kw)
    return out


class Memory:
    def __init__(self, words):
        self.words = words

    def __call__(self, addr, size):
        value = self.words.get(addr)
        return None if value is None else value.to_bytes(4, "little")[:size]


def rules(until=stops.UNTIL, max_steps=100, memory=None):
    return stops.StopRules(PART, until, max_steps, memory or Memory({}), lambda pc: True)


def step(asm, pc, post, mem=(), **pre):
    return Step(pc, insn(asm, pc), regs(pc=pc, **pre), post, list(mem))


def test_user_flash_only_after_the_rom():
    r = rules()
    assert r.after(step("bx r0", 0x08000100, regs(pc=0x08000200))) is None        # flash -> flash
    assert r.after(step("bx r0", 0x08000200, regs(pc=0x1ff00100))) is None        # into the ROM
    stop = r.after(step("bx r2", 0x1ff00100, regs(pc=0x080000c0)))
    assert stop.exit == "user-flash" and "0x080000c0" in stop.reason


def test_user_flash_can_be_left_out():
    r = rules(until=("fault",))
    r.after(step("bx r0", 0x08000200, regs(pc=0x1ff00100)))
    assert r.after(step("bx r2", 0x1ff00100, regs(pc=0x080000c0))) is None


def test_reset_by_a_store_to_aircr():
    memory = Memory({4: 0x080000c1})
    post = regs(pc=0x080000c0, lr=0xFFFFFFFF, sp=0x20000800, msp=0x20000800)
    stop = rules(memory=memory).after(step("str r1, [r0]", 0x08000150, post))
    assert stop.exit == "reset" and "0x080000c0" in stop.reason


def test_a_branch_to_the_reset_handler_is_not_a_reset():
    memory = Memory({4: 0x080000c1})
    post = regs(pc=0x080000c0, lr=0x08000101)
    assert rules(until=("reset",), memory=memory).after(step("bx r2", 0x1ff00120, post)) is None


def test_fault_reports_the_stacked_pc():
    post = regs(pc=0x08000300, xpsr=0x01000003, lr=0xFFFFFFF9, sp=0x200006e0)
    memory = Memory({0x200006e0 + 24: 0x1ff00ffe, 0xE000EDF0: 0})
    stop = rules(memory=memory).after(step("ldr r0, [r1]", 0x1ff00ffe, post))
    assert stop.exit == "fault"
    assert stop.fault == {"pc": 0x1ff00ffe, "ipsr": 3, "lockup": False}
    assert "HardFault" in stop.reason


def test_lockup():
    post = regs(pc=0xEFFFFFFE, xpsr=0x01000003, lr=0xFFFFFFF9)
    memory = Memory({0xE000EDF0: 1 << 19})
    stop = rules(memory=memory).after(step("ldr r0, [r1]", 0x08000310, post, xpsr=0x01000003, lr=0xFFFFFFF9))
    assert stop.exit == "fault" and stop.fault["lockup"] is True and stop.fault["pc"] == 0x08000310


def test_limit():
    r = rules(max_steps=2)
    assert r.after(step("nop", 0x1ff00100, regs(pc=0x1ff00102))) is None
    assert r.after(step("nop", 0x1ff00102, regs(pc=0x1ff00104))).exit == "limit"


def test_a_loop_without_peripheral_reads_is_not_idle():
    d = stops.IdleDetector()
    for k in range(1000):
        assert not d.observe(0x1ff00200 + 2 * (k % 3), [])


def test_a_loop_whose_read_changes_is_not_idle():
    d = stops.IdleDetector()
    for k in range(300):
        reads = [(0x4000441c, 4, k // 3)] if k % 3 == 0 else []
        assert not d.observe(0x1ff00200 + 2 * (k % 3), reads)


@pytest.mark.parametrize("seed", range(20))
def test_idle_never_fires_before_its_bound(seed):
    """The fast path steps min_steps_to_fire() at once: firing must never come sooner."""
    rnd = random.Random(seed)
    d = stops.IdleDetector(iterations=4)
    pcs = []
    while len(pcs) < 3000:      # loops of random periods and lengths, some polling a peripheral
        period, times = rnd.randint(1, 12), rnd.randint(1, 8)
        body = [(0x1ff00000 + 2 * rnd.randint(0, 40), [(0x40004400, 4, rnd.randint(0, 1))] if rnd.random() < 0.3 else [])
                for _ in range(period)]
        pcs += body * times
    earliest = 0
    for t, (pc, reads) in enumerate(pcs):
        bound = d.min_steps_to_fire()
        earliest = max(earliest, t + bound)
        fired = d.observe(pc, reads)
        if fired:
            assert t + 1 >= earliest, "fired at step %d, bound promised %d" % (t + 1, earliest)
            d = stops.IdleDetector(iterations=4)
            earliest = 0
