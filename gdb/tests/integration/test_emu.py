"""`bootjump` inside gdb-multiarch against bootjump-emu running c_probe and the ROM model: the
stories of issue 6. Every emulator is started and stopped by pid (scenario.running), every GDB by
subprocess.run's timeout at worst; a test whose emulator, ROM model or probe is not built yet
reports itself skipped with what it waits for."""
import json
import re

import pytest

import parts
from c_probe import record
from scenario import arm, first_word, rom_image, running
from session import gdb, probe, scratch
from traces import schema


def trace_file(name):
    return scratch("emu", name + ".jsonl")


def run_trace(part, recipe, name, trace_args="", elf=True, flash_ext="elf", extra_gdb=(), after=(), **emu):
    """Boot the probe on `part` with `recipe` armed and run `bootjump trace` (then `after`); the
    loaded trace and GDB's output."""
    out_file = trace_file(name)
    flash = probe(part, flash_ext)
    with running(part, flash, **emu) as e:
        out, err = gdb(arm(part, recipe) + list(extra_gdb) +
                       ["bootjump trace --out %s %s" % (out_file, trace_args)] + list(after),
                       port=e.gdb_port, elf=probe(part) if elf else None)
    assert "Traceback" not in err, err
    return schema.load(out_file), out, err


def test_l011_classic_returns_to_user_flash():
    rom_copy = scratch("emu", "l011-rom.bin")
    trace, out, err = run_trace("stm32l011", "classic", "l011-classic",
                                after=["bootjump part", "bootjump dump-rom %s" % rom_copy, "bootjump checkpoints"])
    assert trace.end is not None, err
    assert trace.end["exit"] == "user-flash", trace.end
    assert trace.header["target"]["kind"] == "emu" and trace.header["start"]["from"] == "rom-entry"
    assert trace.steps[0]["region"] == "system_memory"
    word0 = "0x%08x" % first_word("stm32l011")
    reads = [(s["i"], a) for s in trace.steps for a in s["mem"] if a["op"] == "r" and a["addr"] == "0x08000000"]
    assert reads, "the ROM's read of 0x08000000 is not in the trace"
    i, access = reads[0]
    assert access["value"] == word0 and trace.steps[i]["region"] == "system_memory"
    assert parts.lookup("stm32l011").region_of(int(trace.end["pc"], 16)) == "flash"
    # The other commands on the same target: the part, its ROM, the probe's record.
    assert re.search(r"part: +stm32l011 .*\nDEV_ID: +0x457", out), out
    with open(rom_copy, "rb") as a, open(rom_image("stm32l011"), "rb") as b:
        assert a.read() == b.read()
    assert "sha256 %s" % trace.header["rom"]["sha256"] in out
    assert re.search(r"recipe: +classic", out) and re.search(r"step: +jump", out), out


def test_rom_entry_never_reached():
    """A probe that never jumps (no recipe armed): the continue times out, and one line says where
    the target was stopped and what to do instead."""
    part = "stm32l011"
    with running(part, probe(part)) as e:
        out, err = gdb(["bootjump trace --timeout 3 --out %s" % trace_file("never")], port=e.gdb_port,
                       elf=probe(part))
    assert "the ROM entry 0x" in err and "not reached within 3 s" in err and "--from here" in err, err
    assert "Traceback" not in err


def test_rom_entry_timeout_with_a_busy_conditional_breakpoint():
    """A conditional breakpoint in the probe's idle loop (hit all the time, never true) makes GDB
    stop and resume the target at every hit, which swallows a one-shot interrupt: the timeout must
    still end the wait, and the user's breakpoint be as it was."""
    part = "stm32l031"
    with running(part, probe(part)) as e:
        out, err = gdb(["hbreak bj_uart_getc if $r0 == 12345",
                        "bootjump trace --timeout 2 --out %s" % trace_file("busy"), "info breakpoints"],
                       port=e.gdb_port, elf=probe(part), timeout=45)
    assert "not reached within 2 s" in err and "Traceback" not in err, err
    assert re.search(r"hw breakpoint +keep +y .*bj_uart_getc.*\n\s+stop only if \$r0 == 12345", out), out


def test_fault_before_the_rom_entry():
    """wrong-address branches past the ROM's entry, onto the bootloader ID byte: the HardFault
    breakpoint catches the fault before the entry is ever reached."""
    part = "stm32l011"
    with running(part, probe(part)) as e:
        out, err = gdb(arm(part, "wrong-address") + ["bootjump trace --timeout 20 --out %s" % trace_file("early-fault")],
                       port=e.gdb_port, elf=probe(part))
    assert "took a HardFault before it reached the ROM entry" in err, err


def test_l031_classic_settles_in_the_bootloader():
    trace, out, err = run_trace("stm32l031", "classic", "l031-classic")
    assert trace.end is not None, err
    assert trace.end["exit"] == "bootloader-idle", trace.end
    assert re.search(r"USART\d\.ISR|LPUART1\.ISR", trace.end["reason"]), trace.end["reason"]
    assert all(s["region"] != "flash" for s in trace.steps)


def test_firmware_without_symbols_from_rom_entry():
    """probe.bin in the emulator, no ELF in GDB: the ROM entry comes from system memory alone."""
    trace, out, err = run_trace("stm32l011", "classic", "l011-nosymbols", elf=False, flash_ext="bin")
    assert trace.header["firmware"] is None
    assert trace.end is not None and trace.end["exit"] == "user-flash", err


@pytest.mark.parametrize("recipe", ["wrong-address", "no-thumb"])
def test_bad_branches_end_in_fault(recipe):
    part = parts.lookup("stm32l011")
    trace, out, err = run_trace("stm32l011", recipe, "l011-" + recipe, "--from here",
                                extra_gdb=["hbreak bj_jump", "continue"])
    assert trace.end is not None, err
    assert trace.end["exit"] == "fault", trace.end
    fault = trace.end["fault"]
    assert fault["ipsr"] == 3 and fault["lockup"] is False
    with open(rom_image("stm32l011"), "rb") as f:
        entry = int.from_bytes(f.read(8)[4:8], "little")
    if recipe == "no-thumb":
        assert int(fault["pc"], 16) == entry & ~1
    else:
        # The branch lands on the bootloader ID byte near the end of system memory; the core faults
        # there or at the end of system memory, whichever comes first.
        assert part.bootloader_id_address <= int(fault["pc"], 16) <= part.system_memory.end, fault


@pytest.mark.parametrize("path", ["", "--plain"])
def test_branch_onto_undecodable_bytes_ends_in_fault(path):
    """On F04x wrong-address lands on the bootloader ID byte 0xa1 followed by 0xff: bytes capstone
    cannot decode. They are a step of their own (32-bit, as their first halfword 0xffa1 says), and
    the HardFault the core takes on them ends the trace."""
    part = parts.lookup("stm32f042")
    trace, out, err = run_trace(part.name, "wrong-address", "f042-wrong-address" + path.replace("-", "_"),
                                "--from here " + path, extra_gdb=["hbreak bj_jump", "continue"])
    assert trace.end is not None, err
    last = trace.steps[-1]
    assert (last["pc"], last["bytes"], last["insn"], last["mem"]) == \
        ("0x%08x" % part.bootloader_id_address, "a1ffffff", schema.UNDECODABLE, []), last
    assert trace.end["exit"] == "fault", trace.end
    assert trace.end["fault"] == {"pc": last["pc"], "ipsr": 3, "lockup": False}


def test_reset_flag_ends_in_reset():
    trace, out, err = run_trace("stm32l011", "reset-flag", "l011-reset-flag", "--from here",
                                extra_gdb=["hbreak bj_system_reset", "continue"])
    assert trace.end is not None, err
    assert trace.end["exit"] == "reset", trace.end


@pytest.mark.parametrize("part,recipe", [("stm32l011", "classic"), ("stm32l031", "classic")])
def test_fast_and_plain_paths_give_the_same_trace(part, recipe):
    """The same scenario from the same power-on state, once each way."""
    fast, _, _ = run_trace(part, recipe, "%s-fast" % part)
    plain, _, _ = run_trace(part, recipe, "%s-plain" % part, "--plain")
    assert fast.header["target"]["kind"] == plain.header["target"]["kind"] == "emu"
    assert len(fast.steps) == len(plain.steps)
    for a, b in zip(fast.steps, plain.steps):
        assert a == b
    assert fast.end == plain.end


def instructions_retired(monitor_info):
    """The emulator's instruction count from `monitor info` (chip_describe)."""
    found = re.search(r"(\d+) instructions", monitor_info) or re.search(r"instructions\D{0,3}(\d+)", monitor_info)
    assert found, "no instruction count in `monitor info`: %r" % monitor_info
    return int(found.group(1))


# Whole traces from the ROM entry on five parts, and on the Cortex-M3 one more from the probe's
# bj_recipe_run through its de-init (Thumb-2 STRD, LDM/POP with PC, IT blocks, literal pools) into
# the ROM, until the bootloader idles or control comes back.
ACCESS_LOG_RUNS = [(p, "rom-entry") for p in ("stm32l011", "stm32l031", "stm32f042", "stm32l073", "stm32f103")] + \
    [("stm32f103", "bj_recipe_run")]


@pytest.mark.parametrize("part,start", ACCESS_LOG_RUNS)
def test_plain_accesses_equal_the_access_log(part, start):
    """The plain path's accesses (computed with capstone) against the emulator's ground truth, step
    by step, lined up through `monitor info`'s instruction count."""
    log = scratch("emu", "%s-%s-access.jsonl" % (part, start))
    out_file = trace_file("%s-%s-accesses" % (part, start))
    p = parts.lookup(part)
    if start == "rom-entry":
        go = ["python import gdb; e = int.from_bytes(gdb.selected_inferior().read_memory(0x%x, 4).tobytes(), "
              "'little') & ~1; gdb.execute('hbreak *0x%%x' %% e); gdb.execute('continue')" % (p.system_memory.base + 4)]
    else:
        go = ["hbreak %s" % start, "continue"]
    with running(part, probe(part), access_log=log) as e:
        out, err = gdb(arm(part, "classic") + go + ["delete", "monitor info",
                                                     "bootjump trace --from here --plain --out %s" % out_file],
                       port=e.gdb_port, elf=probe(part))
    trace = schema.load(out_file)
    assert trace.end is not None, err
    assert trace.end["exit"] in ("user-flash", "bootloader-idle"), trace.end
    start_count = instructions_retired(out + err)    # batch GDB prints a monitor command's output on stderr
    by_step = {}
    with open(log) as f:
        for line in f:
            rec = json.loads(line)
            if rec.get("by") == "insn":
                by_step.setdefault(rec["step"] - start_count, []).append(
                    {k: rec[k] for k in ("op", "addr", "size", "value")})
    mismatches = [(s["i"], s["pc"], s["insn"], s["mem"], by_step.get(s["i"], []))
                  for s in trace.steps if _norm(s["mem"]) != _norm(by_step.get(s["i"], []))]
    assert not mismatches, "%d of %d steps differ, first: %s" % (len(mismatches), len(trace.steps), mismatches[:3])
    assert len(trace.steps) > 20


def _norm(accesses):
    return [(a["op"], int(a["addr"], 16), a["size"], int(a["value"], 16)) for a in accesses]


# recipe -> (the check that must flag it, where to stop). systick-running and irq-pending stop before
# interrupts come back on: from then on their interrupt fires into the ROM's handler through the
# remapped vector table and the probe never reaches bj_jump (the very failure the checks predict).
IRQ_PENDED = record.load().code("steps", "irq-pended")
MISTAKES = {"wrong-address": ("branch-target", "bj_jump"), "no-thumb": ("branch-target", "bj_jump"),
            "systick-running": ("systick", "bj_remap_system_memory"),
            "irq-pending": ("interrupts", "bj_checkpoint if step == %d" % IRQ_PENDED),
            "primask-set": ("primask", "bj_jump"), "psp-unprivileged": ("control", "bj_jump"),
            "iwdg-running": ("iwdg", "bj_jump")}


def test_preflight_flags_each_mistake_and_passes_classic():
    """One emulator, one GDB: for each recipe a power-on reset, the mailbox, a stop at bj_jump (its
    `msr msp, r0; bx r1` is read ahead) or before, then preflight."""
    part = "stm32l031"
    commands = []
    stops_at = dict({"classic": "bj_jump"}, **{r: where for r, (_, where) in MISTAKES.items()})
    for recipe in ["classic"] + sorted(MISTAKES):
        commands += ["monitor reset power"] + arm(part, recipe) + [
            "thbreak %s" % stops_at[recipe], "continue", "echo == %s\\n" % recipe, "bootjump preflight"]
    with running(part, probe(part)) as e:
        out, err = gdb(commands, port=e.gdb_port, elf=probe(part), timeout=120)
    assert "Traceback" not in err, err
    sections = dict(re.findall(r"== (\S+)\n(.*?)preflight: ", out, re.S))
    assert sorted(sections) == sorted(stops_at), out[-2000:]

    def statuses(text):
        return {m.group(2): m.group(1) for m in re.finditer(r"^(PASS|WARN|FAIL)\s+(\S+)", text, re.M)}
    classic = statuses(sections["classic"])
    assert set(classic.values()) == {"PASS"}, classic
    for recipe, (check, _) in MISTAKES.items():
        found = statuses(sections[recipe])
        assert found[check] in ("FAIL", "WARN"), (recipe, found)


def test_ctrl_c_leaves_a_valid_trace():
    """SIGINT to GDB during a trace that would run on for long (L031 idles; only user-flash may stop
    it): the trace ends `interrupted` and the file is complete."""
    import os
    import signal
    import subprocess
    import time
    from session import gdb_args
    part = "stm32l031"
    out_file = trace_file("l031-interrupted")
    with running(part, probe(part)) as e:
        args = gdb_args(arm(part, "classic") + ["bootjump trace --until user-flash --max-steps 100000000 --out %s"
                                                % out_file], port=e.gdb_port, elf=probe(part))
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 60
            line = ""
            while "bootjump trace: " not in line and time.monotonic() < deadline:
                line = proc.stdout.readline()
                if not line and proc.poll() is not None:
                    break
            assert "bootjump trace: " in line, "no progress line: %r %s" % (line, proc.stderr.read())
            os.kill(proc.pid, signal.SIGINT)
            out, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert "Traceback" not in err, err
    trace = schema.load(out_file)
    assert trace.end is not None and trace.end["exit"] == "interrupted", (trace.end, err)
    assert trace.end["steps"] == len(trace.steps) > 0


def test_target_lost_while_waiting_for_the_rom_entry():
    """The GDB server goes away during --from rom-entry's wait (a probe that never jumps): one line
    saying the connection was lost, not an internal error."""
    import subprocess
    import time
    from session import gdb_args
    part = "stm32l031"
    with running(part, probe(part)) as e:
        args = gdb_args(["echo waiting\\n", "bootjump trace --timeout 60 --out %s" % trace_file("lost")],
                        port=e.gdb_port, elf=probe(part))
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 60
            line = ""
            while "waiting" not in line and time.monotonic() < deadline and proc.poll() is None:
                line = proc.stdout.readline()
            time.sleep(2)           # the trace command is in its continue by now
            e.stop()
            out, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert "Traceback" not in err and "internal error" not in err, err
    assert "the connection to the target was lost while waiting for the ROM entry" in err, err
