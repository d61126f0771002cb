"""The activation profiles that depend on more than flash word 0, decided on REAL traces from what
the ROM read (bootjump-emu + the part's ROM model, traced by gdb/'s `bootjump trace`; the cases are
those of emulator/rom/tests/test_rom_emulated.py):

- STM32F04x (empty-check-f04x): comes back; stays on an erased word 0, on BOOT_SEL = 0 (FLASH_OBR,
  loaded from the option bits at power-on) and on the BOOT0 pin PB8 high (GPIOB_IDR).
- STM32L07x (dual-bank): bank 2 valid, bank 1 only, no valid bank.

Every address, bit and value the checks expect comes from the part database, and each verdict's
evidence is checked against the load in the trace itself.
"""
import json

import pytest

import parts
import reports
from reports.text import plain

from . import real_traces

F04X, L07X = "stm32f042", "stm32l073"


@pytest.fixture(scope="module", autouse=True)
def _built():
    missing = real_traces.missing(F04X) + real_traces.missing(L07X)
    assert not missing, "real traces need %s: make test-reports builds them" % ", ".join(missing)


def _rom_load(trace, part, addr):
    """(step, value) of the first 32-bit load of addr by ROM code in the trace file."""
    for line in open(trace):
        rec = json.loads(line)
        if rec["type"] == "step" and int(rec["pc"], 16) in part.system_memory:
            for m in rec["mem"]:
                if m["op"] == "r" and int(m["addr"], 16) == addr and m["size"] == 4:
                    return rec["i"], int(m["value"], 16)
    return None


# ---- STM32F04x ------------------------------------------------------------------------------------

def _f04x():
    part = parts.lookup(F04X)
    boot = part.raw["boot"]
    obr = part.reg_addr(boot["option_register"])
    boot_sel = part.bit("%s.%s" % (boot["option_register"], boot["option_bits"]["BOOT_SEL"]))
    pin = boot["boot0_gpio"]
    idr = part.reg_addr("GPIO%s.IDR" % pin[1])
    return part, obr, boot_sel, idr, 1 << int(pin[2:])


F04X_CASES = {
    # case: (recorder arguments, outcome, the sentence that decides it)
    "comes-back": (dict(), "returned", "none of the three conditions for staying holds"),
    "word0-erased": (dict(words="erased"), "stayed", ": erased, so the bootloader runs"),
    "boot-sel-0": (dict(options={"BOOT_SEL": 0}), "stayed", ": BOOT_SEL = 0, so the bootloader runs"),
    "boot0-high": (dict(boot0=1), "stayed", "is high, so the bootloader runs"),
}


@pytest.fixture(scope="module")
def f04x(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("real-f04x"))
    part = parts.lookup(F04X)
    made = {}
    for case, (kwargs, _, _) in F04X_CASES.items():
        kwargs = dict(kwargs)
        if kwargs.get("words") == "erased":
            kwargs["words"] = [(part.flash.base, [parts.num(part.raw["flash"]["erased"])])]
        made[case] = real_traces.record(F04X, out, case, **kwargs)[0]
    return made


@pytest.mark.parametrize("case", sorted(F04X_CASES))
def test_f04x_decided_from_what_the_rom_read(f04x, case):
    _, outcome, decides = F04X_CASES[case]
    part, obr, boot_sel, idr, boot0 = _f04x()
    trace = f04x[case]
    v = reports.analyse(trace).verdict
    assert (v.outcome, v.expected, v.agrees) == (outcome, outcome, True), v.text()
    doc = plain(v.documented)
    assert decides in doc
    # Each condition the verdict names is the load the ROM made, with its value and step.
    for addr, mask, holds, words in ((obr, boot_sel, lambda b: not b, ("BOOT_SEL = 1", "BOOT_SEL = 0")),
                                     (idr, boot0, bool, ("the BOOT0 pin PB8 is low", "the BOOT0 pin PB8 is high"))):
        read = _rom_load(trace, part, addr)
        if read is None:
            assert "the ROM read `0x%08x`" % addr not in doc
            continue
        step, value = read
        bit = bool(value & mask)
        assert "the ROM read `0x%08x` (peripheral %s) = `0x%08x` at step %d: %s" % (
            addr, "FLASH.OBR" if addr == obr else "GPIOB.IDR", value, step, words[holds(bit)]) in doc
    if case == "comes-back":
        # Returning needs all three conditions known to be false: the ROM read both registers.
        assert _rom_load(trace, part, obr) and _rom_load(trace, part, idr)
    # The decision point is the conditional fed by the condition that decided (for coming back,
    # the last of the three the ROM tested), whichever register holds it.
    a = reports.analyse(trace)
    decided_by = {"word0-erased": part.flash.base, "boot-sel-0": obr, "boot0-high": idr}.get(case)
    if decided_by is None:
        decided_by = max((_rom_load(trace, part, x)[0], x) for x in (part.flash.base, obr, idr))[1]
    assert a.decision is not None and decided_by in [ld.addr & ~3 for ld, _ in a.decision.inputs], \
        (case, a.decision.step, [(hex(ld.addr), ld.step) for ld, _ in a.decision.inputs])


def test_f04x_contradiction_when_the_rom_ignores_boot_sel(f04x, tmp_path):
    """The comes-back trace with BOOT_SEL = 0 in the value the ROM loaded: the documentation says
    stay, the ROM still returned, and the verdict says CONTRADICTS."""
    part, obr, boot_sel, _, _ = _f04x()
    lines = open(f04x["comes-back"]).read().splitlines()
    step, value = _rom_load(f04x["comes-back"], part, obr)
    rec = json.loads(lines[1 + step])
    for m in rec["mem"]:
        if int(m["addr"], 16) == obr:
            m["value"] = "0x%08x" % (value & ~boot_sel)
    lines[1 + step] = json.dumps(rec)
    edited = tmp_path / "boot-sel-ignored.jsonl"
    edited.write_text("\n".join(lines) + "\n")
    v = reports.analyse(str(edited)).verdict
    assert (v.outcome, v.expected, v.agrees) == ("returned", "stayed", False)
    assert "CONTRADICTS" in v.headline and "BOOT_SEL = 0, so the bootloader runs" in plain(v.documented)


# ---- STM32L07x ------------------------------------------------------------------------------------

L07X_CASES = {
    # case: (outcome, the bank the ROM starts or None, the sentence that decides it)
    "bank2-valid": ("returned", 1, ": in SRAM (valid code); so the ROM starts bank2"),
    "bank1-only": ("returned", 0, ": in SRAM (valid code); so the ROM starts bank1"),
    "no-valid-bank": ("stayed", None, "so neither bank holds valid code and the bootloader runs"),
}


@pytest.fixture(scope="module")
def l07x(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("real-l07x"))
    part = parts.lookup(L07X)
    bank1, bank2 = part.banks
    app_reset = 0x080000c1     # the fixture firmware's Reset_Handler (fixtures/app.ld), Thumb bit set
    words = {
        # Bank 2: an initial SP at the top of SRAM and a reset vector into the firmware.
        "bank2-valid": [(bank2.base, [part.sram.end, app_reset])],
        "bank1-only": [],
        # Bank 1's initial SP points into flash (test_rom_emulated's bad_sp); bank 2 stays erased.
        "no-valid-bank": [(bank1.base, [part.flash.base])],
    }
    return {case: real_traces.record(L07X, out, case, words=w)[0] for case, w in words.items()}


@pytest.mark.parametrize("case", sorted(L07X_CASES))
def test_l07x_decided_from_what_the_rom_read(l07x, case):
    outcome, started, decides = L07X_CASES[case]
    part = parts.lookup(L07X)
    trace = l07x[case]
    a = reports.analyse(trace)
    v = a.verdict
    assert (v.outcome, v.expected, v.agrees) == (outcome, outcome, True), v.text()
    doc = plain(v.documented)
    assert decides in doc
    # Bank 2 first: its word as the ROM read it, judged against SRAM from the database.
    step, word2 = _rom_load(trace, part, part.banks[1].base)
    valid2 = part.sram.base <= word2 <= part.sram.end
    assert "bank2's initial SP (`0x%08x`) is `0x%08x`, as the ROM read it at step %d: %s" % (
        part.banks[1].base, word2, step, "in SRAM" if valid2 else "not in SRAM") in doc
    if started is not None:
        # The ROM set the stack pointer from the bank the documentation says it starts.
        assert part.banks[started].base in [ld.addr for ld in a.exit.stack.slice.data_inputs]
