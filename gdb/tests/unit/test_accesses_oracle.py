"""lib/accesses.py against libunicorn, the CPU bootjump-emu is built on: for each Thumb memory
instruction form (ARMv6-M on the M0 model, Thumb-2 on the M3 model), the accesses computed from the
registers around the step equal the ones unicorn's memory hooks observe, in order, with values."""
import os
import subprocess

import pytest

from conftest import SCRATCH
from bjgdb.lib import accesses
from bjgdb.lib.decode import Decoder
from thumb import assemble

ORACLE = os.path.join(SCRATCH, "uc_step")
CODE_BASE = 0x08000000
CORE = ["r%d" % n for n in range(13)] + ["sp", "lr"]


def ram_word(addr):
    """The oracle's RAM pattern (uc_step.c): odd addresses in its code region."""
    return CODE_BASE | (((addr & ~3) * 2654435761) & 0xFFFE) | 1


def ram_value(addr, size):
    word = ram_word(addr) | ram_word(addr + 4) << 32
    return (word >> (8 * (addr & 3))) & ((1 << (8 * size)) - 1)


def base_regs(overrides):
    regs = {r: 0x20001000 + 0x200 * n for n, r in enumerate(CORE[:13])}
    regs.update(sp=0x20008000, lr=0x08000101, xpsr=0x01000000)
    regs.update(overrides)
    return regs


def run_oracle(cpu, code, regs):
    line = "%s %s %s %08x\n" % (cpu, code.hex(), " ".join("%08x" % regs[r] for r in CORE), regs["xpsr"])
    out = subprocess.run([ORACLE], input=line, capture_output=True, text=True, check=True, timeout=20).stdout
    post, seen, status = None, [], None
    for row in out.splitlines():
        f = row.split()
        if f[0] == "post":
            post = dict(zip(CORE + ["pc", "xpsr"], (int(x, 16) for x in f[1:])))
        elif f[0] in ("r", "w"):
            seen.append({"op": f[0], "addr": int(f[1], 16), "size": int(f[2]), "value": int(f[3], 16)})
        elif f[0] == "end":
            status = f[1]
    return post, seen, status


# (cpu, instruction, register overrides, trailing data after the instruction)
CASES = [
    ("m0", "ldr r0, [r1, #4]", {}, ""),
    ("m0", "ldr r0, [r1, r2]", {"r2": 8}, ""),
    ("m0", "ldrb r3, [r4, #3]", {}, ""),
    ("m0", "ldrh r3, [r4, #6]", {}, ""),
    ("m0", "ldrsb r0, [r1, r2]", {"r2": 5}, ""),
    ("m0", "ldrsh r0, [r1, r2]", {"r2": 6}, ""),
    ("m0", "ldr r0, [sp, #8]", {}, ""),
    ("m0", "ldr r0, [pc, #4]", {}, ".word 0x11223344\n.word 0x55667788"),
    ("m0", "str r0, [r1, #4]", {}, ""),
    ("m0", "strb r0, [r1, r2]", {"r2": 3}, ""),
    ("m0", "strh r5, [r1, #2]", {}, ""),
    ("m0", "str r7, [sp, #12]", {}, ""),
    ("m0", "ldm r0!, {r1, r2, r7}", {}, ""),
    ("m0", "ldm r0, {r0, r1}", {}, ""),
    ("m0", "stm r0!, {r1, r3, r5}", {}, ""),
    ("m0", "push {r4, r5, r6, r7, lr}", {}, ""),
    ("m0", "pop {r4, pc}", {}, ""),
    ("m0", "pop {r0, r1, r2, r3}", {}, ""),
    ("m0", "adds r0, r1, r2", {}, ""),
    ("m3", "ldr.w r0, [r1, #0x104]", {}, ""),
    ("m3", "ldr r0, [r1, #-8]", {}, ""),
    ("m3", "ldr r0, [r1, #4]!", {}, ""),
    ("m3", "ldr r0, [r1], #4", {}, ""),
    ("m3", "ldr r0, [r1], #-4", {}, ""),
    ("m3", "ldr.w r0, [r1, r2, lsl #2]", {"r2": 3}, ""),
    ("m3", "ldr.w r9, [pc, #8]", {}, "nop\n.word 0x11223344\n.word 0x55667788\n.word 0x99aabbcc"),
    ("m3", "ldrd r0, r1, [r2, #8]", {}, ""),
    ("m3", "ldrd r0, r1, [r2, #-8]!", {}, ""),
    ("m3", "ldrd r4, r5, [r2], #16", {}, ""),
    ("m3", "ldrd r0, r1, [pc, #4]", {}, ".word 1\n.word 2\n.word 3\n.word 4"),
    ("m3", "strd r0, r1, [sp, #-8]!", {}, ""),
    ("m3", "ldm.w r0!, {r1, r8, r9, r12}", {}, ""),
    ("m3", "ldmdb r0!, {r1, r2, r3}", {}, ""),
    ("m3", "stmdb sp!, {r4, r8, lr}", {}, ""),
    ("m3", "stmia.w r3, {r0, r1, r10}", {}, ""),
    ("m3", "push.w {r4, r5, r8, lr}", {}, ""),
    ("m3", "pop.w {r4, r8, pc}", {}, ""),
    ("m3", "ldrsb.w r0, [r1, #7]", {}, ""),
    ("m3", "ldrsh.w r0, [r1, #-2]", {}, ""),
    ("m3", "ldrh.w r0, [r1, #-3]", {}, ""),
    ("m3", "strb.w r0, [r1, #-1]", {}, ""),
    ("m3", "strh.w r0, [r1], #2", {}, ""),
    ("m3", "ldr.w pc, [r1, #4]", {}, ""),
    ("m3", "ldrt r0, [r1, #4]", {}, ""),
    ("m3", "strt r0, [r1, #8]", {}, ""),
    ("m3", "ldrex r0, [r1, #4]", {}, ""),
    ("m3", "tbb [pc, r1]", {"r1": 2}, ".byte 2, 4, 6, 8"),
    ("m3", "tbh [r0, r1, lsl #1]", {"r1": 3}, ""),
    ("m3", "pld [r1]", {}, ""),
]


@pytest.fixture(scope="module")
def decoder():
    if not os.path.exists(ORACLE):
        pytest.fail("%s is missing: run `make test-gdb` (it builds the oracle)" % ORACLE)
    return Decoder()


@pytest.mark.parametrize("cpu,asm,overrides,data", CASES, ids=["%s:%s" % (c[0], c[1]) for c in CASES])
def test_accesses_match_unicorn(decoder, cpu, asm, overrides, data):
    code = assemble([asm] + data.split("\n"), cpu)
    first = code[:4] if (code[1] >> 3) in (0b11101, 0b11110, 0b11111) else code[:2]
    insn = decoder.decode(CODE_BASE, first)
    pre = base_regs(overrides)
    post, seen, status = run_oracle(cpu, code, pre)
    assert status == "OK", "unicorn faulted on %s" % asm
    pre["pc"] = CODE_BASE
    planned = accesses.plan(insn, pre)
    memory = {(a.addr, a.size): ram_value(a.addr, a.size) for a in accesses.needs_memory(planned)}
    got = accesses.resolve(planned, pre, post, memory)
    assert got == seen


def test_strex_without_monitor_stores_nothing(decoder):
    """STREX with no open exclusive monitor fails (status 1) and makes no write."""
    code = assemble(["strex r2, r0, [r1]"], "m3")
    pre = base_regs({})
    post, seen, status = run_oracle("m3", code, pre)
    assert status == "OK" and post["r2"] == 1
    planned = accesses.plan(decoder.decode(CODE_BASE, code[:4]), dict(pre, pc=CODE_BASE))
    assert accesses.resolve(planned, pre, post, {}) == [a for a in seen if a["op"] == "w"] == []
