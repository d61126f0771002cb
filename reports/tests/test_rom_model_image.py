"""The analysis on the ROM model's own stripped image (build/rom/stm32l011.bin, compiled C, no
symbols), executed by the test fixture's interpreter: compiler-generated code the analysis was not
written against. Not a real trace (the header says thumbsim); test_real_traces.py has those."""
import os

import pytest

import reports
from reports import divergence
from reports.text import plain

from . import tracegen

IMAGE = os.path.join(tracegen.ROM_MODEL, "stm32l011.bin")

@pytest.fixture(autouse=True)
def _built():
    assert os.path.exists(IMAGE), "build/rom/stm32l011.bin is not built: make test-reports builds it"


def test_rom_model_returns(fixture_traces):
    trace, elf = fixture_traces("rommodel-l011-returns")
    a = reports.analyse(trace, elf=elf)
    assert a.exit.kind == "branch" and a.verdict.agrees is True
    d = a.decision
    assert [(ld.addr, ld.value) for ld, _ in d.inputs] == [(0x08000000, 0x20000800)]
    assert d.insn.is_branch and d.outcome == "not taken"
    assert [ld.addr for ld in a.exit.stack.slice.data_inputs] == [0x08000000]
    assert a.exit.target == 0x080000c0 and [ld.addr for ld in a.exit.target_slice.data_inputs] == [0x08000004]
    # The boot-pin check before it reads a peripheral register the database names.
    earlier = [x for x in a.decisions if x.tier == 2]
    assert earlier and "SYSCFG.CFGR1" in [reports.regions.register_name(a.part, ld.addr) for x in earlier for ld, _ in x.inputs]


def test_rom_model_stays_and_diff(fixture_traces):
    a = reports.analyse(fixture_traces("rommodel-l011-returns")[0])
    b = reports.analyse(fixture_traces("rommodel-l011-stays")[0])
    assert b.exit.kind == "idle" and b.verdict.agrees is True
    assert "waiting for a host to send 0x7F on USART2" in plain(b.verdict.how)
    d = divergence.diverge(a, b)
    assert d.decider == a.decision.step == b.decision.step
    assert [(e[0], e[2], e[3]) for e in d.explained] == [(0x08000000, 0x20000800, 0x00000000)]
