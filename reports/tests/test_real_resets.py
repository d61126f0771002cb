"""A trace that goes on through a reset: the probe's recipes that reset on purpose, traced for REAL
as a user runs them (`bin/bootjump trace --part P --recipe R`). reset-flag (L011) resets, then jumps
from its reset handler and comes back; g0-empty (G071) sets FLASH_ACR.EMPTY and resets into the
ROM. The verdict says where the core reset, which store caused it (SCB.AIRCR, named from the part
database) and where the trace went on; a trace without a reset names none.
"""
import pytest

import parts
import reports
from reports.text import plain

from . import real_traces

CASES = {("stm32l011", "reset-flag"): "flash", ("stm32g071", "g0-empty"): "system_memory"}


@pytest.fixture(scope="module", autouse=True)
def _built():
    missing = [m for part, _ in CASES for m in real_traces.missing(part, probe=True)]
    assert not missing, "real traces need %s: make test-reports builds them" % ", ".join(missing)


@pytest.fixture(scope="module")
def traced(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("real-resets"))
    return {case: real_traces.probe_trace(case[0], case[1], out) for case in list(CASES) + [("stm32l011", "classic")]}


@pytest.mark.parametrize("case", list(CASES))
def test_the_verdict_names_the_reset_and_its_cause(traced, case):
    part_name, _ = case
    part = parts.lookup(part_name)
    a = reports.analyse(traced[case])
    assert len(a.resets) == 1, a.resets
    k = a.resets[0]
    aircr = parts.load().core_reg("SCB.AIRCR", part.core)
    stored = [m for m in a.trace.steps[k]["mem"] if m["op"] == "w"]
    assert [int(m["addr"], 16) for m in stored] == [aircr], stored
    went_on = int(a.trace.steps[k + 1]["pc"], 16)
    assert part.region_of(went_on) == CASES[case]
    text = " ".join(plain(a.verdict.how).replace("`", "").split())
    assert ("The target reset after %s at step %d (%s), which wrote %s to 0x%08x (core peripheral SCB.AIRCR); "
            "the trace goes on at 0x%08x" % (a.flow.insns[k].text, k, a.trace.steps[k]["pc"], stored[0]["value"],
                                             aircr, went_on)) in text, text
    if CASES[case] == "system_memory":
        assert "Control entered the ROM at step %d (0x%08x) out of that reset." % (k + 1, went_on) in text, text


def test_a_trace_without_a_reset_names_none(traced):
    a = reports.analyse(traced[("stm32l011", "classic")])
    assert a.resets == [] and "reset after" not in plain(a.verdict.how)
