"""bin/bootjump's commands as a user runs them: clear one-line errors, a bootjump-emu started by
hand reached with --target remote=, a firmware without the probe, report/diff, check-usart, and
Ctrl-C/SIGTERM leaving nothing behind."""
import concurrent.futures
import json
import os
import signal
import socket
import subprocess
import time

import pytest
from conftest import BOOTJUMP, PYTHON, ROOT, Cli, build, need, one_line_error, tagged_pids

from bjcli.emu import Emulator
from deaf_relay import DeafRelay
from traces import schema

PROBE = build("c_probe", "stm32l011", "probe.elf")
SIGNAL_IN_POPEN = os.path.join(ROOT, "tests", "signal_in_popen.py")


def first_word(elf_part):
    with open(build("c_probe", elf_part, "probe.bin"), "rb") as f:
        return int.from_bytes(f.read(4), "little")


def rom_read_of_word0(trace):
    return [a["value"] for s in trace.steps if s["region"] == "system_memory"
            for a in s["mem"] if a["op"] == "r" and a["addr"] == "0x08000000"]


# ---- clear errors -------------------------------------------------------------------------------

def test_unknown_part_lists_the_known_ones(cli):
    line = one_line_error(cli.run("trace", "--part", "stm32l999"), "unknown part 'stm32l999'")
    for name in ("stm32l011", "stm32l031", "stm32g071", "stm32f103"):
        assert name in line


def test_missing_build_output_says_run_make(cli, tmp_path):
    done = cli.run("trace", "--part", "stm32l011", env={"BOOTJUMP_BUILD": str(tmp_path)})
    one_line_error(done, "probe.elf not found", "run `make`")


def test_missing_firmware_file(cli, tmp_path):
    one_line_error(cli.run("trace", "--part", "stm32l011", "--firmware", tmp_path / "nope.elf"),
                   "firmware file", "nope.elf not found")


def test_load_on_the_emulator(cli):
    one_line_error(cli.run("trace", "--part", "stm32l011", "--load"),
                   "--load is for the openocd and remote targets: --target emu starts the emulator")


def test_firmware_that_is_not_a_firmware(cli, tmp_path):
    text = tmp_path / "notes.bin"
    text.write_text("root:x:0:0:root:/root:/bin/bash\n")
    one_line_error(cli.run("trace", "--part", "stm32l011", "--firmware", text),
                   "notes.bin does not start with a vector table for STM32L011/L021: its initial SP "
                   "0x746f6f72 is not in SRAM (0x20000000-0x20000800)")


def test_firmware_built_for_another_part(cli):
    """The L432's probe asks for a stack at the top of the L432's 64 KiB of SRAM1, which the L011
    does not have: refused before anything starts, naming the part and the address."""
    need(build("c_probe", "stm32l432", "probe.elf"))
    one_line_error(cli.run("trace", "--part", "stm32l011", "--firmware", build("c_probe", "stm32l432", "probe.elf")),
                   "does not start with a vector table for STM32L011/L021: its initial SP 0x%08x is not in SRAM"
                   % first_word("stm32l432"))


def test_firmware_with_an_even_reset_vector(cli, tmp_path):
    with open(build("c_probe", "stm32l011", "probe.bin"), "rb") as f:
        image = bytearray(f.read())
    image[4] &= 0xfe
    fw = tmp_path / "arm-mode.bin"
    fw.write_bytes(bytes(image))
    one_line_error(cli.run("trace", "--part", "stm32l011", "--firmware", fw),
                   "its reset vector 0x%08x is not a Thumb address (odd) in flash or SRAM"
                   % int.from_bytes(image[4:8], "little"))


def test_closed_port(cli, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = tmp_path / "run"
    done = cli.run("trace", "--part", "stm32l011", "--target", "remote=127.0.0.1:%d" % port, "--out", out)
    one_line_error(done, "nothing listens at 127.0.0.1:%d" % port)
    assert not out.exists(), "the failed run left its empty output directory behind"


def test_silent_server_fails_fast(cli):
    """A port that accepts and never answers (not a GDB server, or a hung one)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        done = cli.run("trace", "--part", "stm32l011", "--target", "remote=127.0.0.1:%d" % s.getsockname()[1])
    one_line_error(done, "did not answer a GDB remote packet")
    assert done.seconds < 15


def test_bad_recipe_and_target_words(cli):
    one_line_error(cli.run("trace", "--part", "stm32l011", "--recipe", "jump-harder"),
                   "unknown recipe 'jump-harder'", "classic", "iwdg-running")
    one_line_error(cli.run("trace", "--part", "stm32l011", "--recipe", "erase-page0"),
                   "destructive", "--allow-destructive")
    one_line_error(cli.run("trace", "--part", "stm32l011", "--target", "jtag"),
                   "--target jtag: expected emu, emu+openocd, openocd[=CFG] or remote=HOST:PORT")
    one_line_error(cli.run("trace", "--part", "stm32l011", "--target", "remote=nohost"), "expected HOST:PORT")


def test_report_of_a_file_that_is_not_a_trace(cli, tmp_path):
    junk = tmp_path / "junk.jsonl"
    junk.write_text("hello\n")
    one_line_error(cli.run("report", junk), "not a bootjump trace")
    one_line_error(cli.run("report", tmp_path / "absent.jsonl"), "trace file", "absent.jsonl not found")
    one_line_error(cli.run("report", tmp_path), "trace %s is a directory, not a file" % tmp_path)
    one_line_error(cli.run("diff", junk, tmp_path), "trace %s is a directory, not a file" % tmp_path)


# ---- the remote target: a bootjump-emu started by hand --------------------------------------------

def test_remote_emulator_started_by_hand(cli, tmp_path):
    """bootjump-emu --gdb 0 --halt with erased flash: bootjump only connects. It does not program
    a target it did not start unless told to (--load: that replaces the firmware in flash); told
    to, it loads the probe through GDB, resets, runs the recipe and traces; a second run finds the
    probe in flash and needs no --load. The emulator is not ours to stop."""
    need(PROBE, build("bin", "bootjump-emu"), build("rom", "stm32l011.bin"))
    with Emulator("stm32l011", gdb=True, halt=True) as emu:
        remote = "remote=127.0.0.1:%d" % emu.gdb_port
        one_line_error(cli.run("trace", "--part", "stm32l011", "--target", remote, "--out", tmp_path / "unloaded"),
                       "the target's flash does not hold probe.elf (differs in .vectors, .text",
                       "add --load to let bootjump program it, which replaces the firmware there")
        done = cli.run("trace", "--part", "stm32l011", "--target", remote, "--load", "--out", tmp_path)
        again = cli.run("trace", "--part", "stm32l011", "--target", remote, "--out", tmp_path / "again")
        assert emu.proc.poll() is None, "bootjump stopped an emulator it did not start"
    assert done.returncode == 0, done.stderr
    assert again.returncode == 0 and "returned to user flash by a branch" in again.stdout, again.stderr
    assert "STM32L011/L021 returned to user flash by a branch, as documented (empty-check)." in done.stdout
    trace = schema.load(str(tmp_path / "stm32l011-classic.jsonl"))
    assert trace.end["exit"] == "user-flash"
    assert rom_read_of_word0(trace)[0] == "0x%08x" % first_word("stm32l011")
    assert (tmp_path / "stm32l011-classic.md").exists() and (tmp_path / "stm32l011-classic.html").exists()


def test_a_target_that_ignores_the_first_interrupt(cli, tmp_path):
    """A wait of the run ends by interrupting the target when its time is up (on L031 the ROM
    idles, so the watch after the trace does), here through a relay that drops the first interrupt
    after each resume: the target stops at the next one, GDB keeps it (a second SIGINT while the
    first was pending made GDB in batch mode give up on it: "No registers."), and the run ends as
    usual."""
    need(build("c_probe", "stm32l031", "probe.elf"), build("bin", "bootjump-emu"), build("rom", "stm32l031.bin"))
    with Emulator("stm32l031", gdb=True, halt=True) as emu, DeafRelay(emu.gdb_port) as relay:
        done = cli.run("trace", "--part", "stm32l031", "--target", "remote=127.0.0.1:%d" % relay.port,
                       "--load", "--out", tmp_path)
    assert done.returncode == 0, (done.stdout, done.stderr)
    assert relay.dropped >= 1, relay.dropped
    assert "Afterwards the probe did not run again within" in done.stdout, done.stdout
    assert schema.load(str(tmp_path / "stm32l031-classic.jsonl")).end["exit"] == "bootloader-idle"


# ---- firmware without the probe -----------------------------------------------------------------

def test_firmware_without_probe_symbols_is_traced_from_the_rom_entry(cli, tmp_path):
    fw = build("test", "tools", "stm32l011", "jump_to_rom.elf")
    need(fw)
    one_line_error(cli.run("trace", "--part", "stm32l011", "--firmware", fw, "--recipe", "classic"),
                   "--recipe needs the probe firmware")
    done = cli.run("trace", "--part", "stm32l011", "--firmware", fw, "--out", tmp_path)
    assert done.returncode == 0, done.stderr
    assert "returned to user flash by a branch" in done.stdout
    trace = schema.load(str(tmp_path / "stm32l011-jump_to_rom.jsonl"))
    assert trace.header["start"]["from"] == "rom-entry"
    assert trace.end["exit"] == "user-flash"


# ---- report, diff, check-usart -------------------------------------------------------------------

def test_report_and_diff_of_traces_taken_here(cli, tmp_path):
    """L011 classic (word 0 programmed) against erase-page0 (word 0 erased first): the diff's
    first divergence is the empty check's branch, explained by the loaded value."""
    need(PROBE)
    a = cli.run("trace", "--part", "stm32l011", "--out", tmp_path)
    b = cli.run("trace", "--part", "stm32l011", "--recipe", "erase-page0", "--allow-destructive", "--out", tmp_path)
    assert a.returncode == 0 and b.returncode == 0, (a.stderr, b.stderr)
    assert "stayed in the bootloader" in b.stdout
    ta, tb = str(tmp_path / "stm32l011-classic.jsonl"), str(tmp_path / "stm32l011-erase-page0.jsonl")
    again = cli.run("report", ta, "--elf", PROBE, "--out", tmp_path / "again")
    assert again.returncode == 0 and again.stdout.splitlines()[0] == a.stdout.splitlines()[0]
    assert (tmp_path / "again" / "stm32l011-classic.html").exists()
    diff = cli.run("diff", ta, tb)
    assert diff.returncode == 0, diff.stderr
    assert "0x%08x" % first_word("stm32l011") in diff.stdout and "0x00000000" in diff.stdout, diff.stdout

    # A reader that stopped reading (`| head -1`) ends the command quietly, as SIGPIPE ends a C
    # tool: here the reader is gone before the command writes anything.
    for command in (["report", ta, "--out", tmp_path / "piped"], ["diff", ta, tb]):
        read_end, write_end = os.pipe()
        os.close(read_end)
        try:
            done = subprocess.run([PYTHON, BOOTJUMP] + [str(a) for a in command], cwd=ROOT, env=cli.env(),
                                  stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=60)
        finally:
            os.close(write_end)
        assert done.returncode == 128 + signal.SIGPIPE and done.stderr == "", (command[0], done.returncode, done.stderr)


def test_reset_flag_is_traced_through_the_reset_without_a_preflight_verdict(cli, tmp_path):
    """reset-flag resets on purpose, then jumps from the reset handler: the trace starts before
    the reset, where a preflight would judge the core that the reset replaces (its branch-target
    check failed on the branch to the reset code). The header has none; the verdict still comes
    from the ROM's reads."""
    need(PROBE)
    done = cli.run("trace", "--part", "stm32l011", "--recipe", "reset-flag", "--out", tmp_path)
    assert done.returncode == 0, done.stderr
    assert "returned to user flash by a branch, as documented (empty-check)" in done.stdout
    trace = schema.load(str(tmp_path / "stm32l011-reset-flag.jsonl"))
    assert trace.header.get("preflight") is None, trace.header.get("preflight")
    assert trace.end["exit"] == "user-flash"
    assert "FAIL" not in (tmp_path / "stm32l011-reset-flag.md").read_text()


def test_check_usart_passes_the_checker_through(cli, tmp_path):
    need(build("bin", "bootjump-usart"))
    done = cli.run("check-usart", tmp_path / "ttyNONE", "--json", "--timeout", "200")
    assert done.returncode == 3, done.stderr
    assert json.loads(done.stdout)["open_failure"] == "missing"


# ---- interrupted ----------------------------------------------------------------------------------

INTERRUPTED_OUT = os.path.join(ROOT, "build", "test", "cli", "interrupted")


@pytest.fixture
def loaded():
    """Both cores busy, as in a full `make test` run: the load under which SIGTERM once left a
    gdb-multiarch behind (a slower fork and exec widen every window)."""
    spinners = [subprocess.Popen([PYTHON, "-c", "while True: pass"]) for _ in range(os.cpu_count() or 2)]
    try:
        yield
    finally:
        for s in spinners:
            s.kill()
            s.wait()


def assert_interrupted(cli, proc):
    # Checked as soon as bootjump has exited: a child left behind may hold its stdout and stderr
    # open, and reading them to the end would wait for that child.
    proc.wait(timeout=30)
    cli.assert_nothing_left()
    out, err = proc.communicate()
    assert proc.returncode == 130, (proc.returncode, out, err)
    assert err.strip().endswith("interrupted") and "Traceback" not in err, err


def started_children(cli, proc, count, timeout=20):
    """Wait until `count` processes of this run besides bootjump exist (counted from their fork,
    before they exec), polling as fast as /proc allows."""
    deadline = time.monotonic() + timeout
    while len(tagged_pids(cli.tag)) < count + 1:
        assert proc.poll() is None and time.monotonic() < deadline, "bootjump started only %d of %d processes" % (
            len(tagged_pids(cli.tag)) - 1, count)
        time.sleep(0.0005)    # lets the other runs' threads poll as often


def test_sigint_while_tracing_keeps_the_trace(cli, tmp_path):
    """Ctrl-C while the ROM is traced: GDB's SIGINT ends the trace `interrupted`, the run ends
    there (no watch afterwards), GDB's words up to its end are in its log, nothing is left."""
    need(PROBE)
    trace = tmp_path / "stm32l031-reset-flag.jsonl"
    proc = cli.popen("trace", "--part", "stm32l031", "--recipe", "reset-flag", "--out", tmp_path)
    deadline = time.monotonic() + 30
    while not (trace.exists() and trace.stat().st_size):
        assert proc.poll() is None and time.monotonic() < deadline, "no trace begun"
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    signalled = time.monotonic()
    assert_interrupted(cli, proc)
    assert time.monotonic() - signalled < 5.0, "GDB was not done within its grace after SIGINT"
    log = (tmp_path / "stm32l031-reset-flag.gdb.log").read_text()
    assert "bootjump trace: interrupted after" in log and "watching" not in log, log
    loaded = schema.load(str(trace))     # every record valid, the end record's count the steps'
    assert loaded.end is not None and loaded.end["exit"] == "interrupted", loaded.end


# (processes bootjump has started, then seconds): as the emulator forks, as GDB forks, while GDB
# connects and runs the probe, while it traces.
SIGTERM_POINTS = [(1, 0.0), (2, 0.0), (2, 0.2), (2, 0.6), (2, 1.5)]


def test_sigterm_stops_everything(loaded):
    """SIGTERM at several points of a run, all at once on a loaded machine: each run ends with 130
    and leaves nothing."""
    need(PROBE)

    def interrupt(point):
        cli = Cli()
        count, delay = point
        proc = cli.popen("trace", "--part", "stm32l031", "--recipe", "reset-flag",
                         "--out", os.path.join(INTERRUPTED_OUT, "%d-%g" % point))
        started_children(cli, proc, count)
        time.sleep(delay)
        proc.send_signal(signal.SIGTERM)
        assert_interrupted(cli, proc)

    with concurrent.futures.ThreadPoolExecutor(len(SIGTERM_POINTS)) as pool:
        for run in [pool.submit(interrupt, p) for p in SIGTERM_POINTS]:
            run.result()


@pytest.mark.parametrize("program, args", [
    ("bootjump-emu", ["trace", "--part", "stm32l011"]),
    ("gdb-multiarch", ["trace", "--part", "stm32l011"]),
    ("openocd", ["trace", "--part", "stm32l011", "--target", "openocd=STARTING_CFG"]),
    ("bootjump-usart", ["check-usart", "PTY", "--8n1", "--timeout", "5000"]),
])
def test_sigterm_inside_popen_stops_that_child(cli, tmp_path, program, args):
    """The narrowest window, every time: SIGTERM delivered inside Popen, just after the child was
    created and before Popen returned (tests/signal_in_popen.py). OpenOCD gets a config that keeps
    it starting up for 10 s (as an ST-Link slow to answer would), bootjump-usart a pty that never
    answers."""
    need(PROBE, build("bin", "bootjump-usart"))
    starting = tmp_path / "starting.cfg"
    starting.write_text("sleep 10000\n")
    master, slave = os.openpty()
    try:
        words = {"PTY": os.ttyname(slave), "openocd=STARTING_CFG": "openocd=%s" % starting}
        args = [words.get(a, a) for a in args]
        if args[0] == "trace":
            args += ["--out", tmp_path]
        proc = cli.popen("SIGTERM", program, *args, script=SIGNAL_IN_POPEN)
        assert_interrupted(cli, proc)
    finally:
        os.close(master)
        os.close(slave)


# ---- OpenOCD ----------------------------------------------------------------------------------------

def test_openocd_config_given_and_missing(cli, tmp_path):
    done = cli.run("trace", "--part", "stm32l011", "--target", "openocd=%s" % (tmp_path / "none.cfg"))
    one_line_error(done, "OpenOCD config %s not found: check the path given with --target openocd=CFG"
                   % (tmp_path / "none.cfg"))


def test_openocd_without_an_st_link(cli):
    """OpenOCD's board config on a machine without an ST-Link (this one has no USB at all): OpenOCD's
    own line, what it means and what to do, as openocd/README.md's "When it fails" says."""
    need(build("bin", "bootjump-usb"), build("gen", "bj_openocd.tcl"))
    probes = subprocess.run([build("bin", "bootjump-usb"), "list"], capture_output=True, text=True)
    if probes.returncode == 0:
        pytest.skip("an ST-Link is present: %s" % probes.stdout.strip())
    done = cli.run("trace", "--part", "stm32l011", "--target", "openocd")
    one_line_error(done, 'no ST-Link was found (openocd: "Error: open failed"): check its USB cable',
                   "plugdev", "openocd/local.cfg", "build/bin/bootjump-usb list shows the ST-Links present")


def test_openocd_that_does_not_reach_the_chip(cli, tmp_path):
    """OpenOCD's line when an ST-Link does not reach the chip, printed here by a config (there is no
    ST-Link on this machine): what it means and what to do."""
    cfg = tmp_path / "no-target.cfg"
    cfg.write_text('echo "Error: init mode failed (unable to connect to the target)"\nshutdown error\n')
    done = cli.run("trace", "--part", "stm32l011", "--target", "openocd=%s" % cfg)
    one_line_error(done, 'the ST-Link did not reach the chip (openocd: "Error: init mode failed (unable to '
                   'connect to the target)"): check the wiring', "VAPP", "connect_assert_srst")


def test_emulated_chip_through_openocd(cli, tmp_path):
    """The path silicon takes (stock OpenOCD 0.12, its GDB server, GDB's plain path), on the
    emulated L011 through its JTAG port: the same verdict as the direct stub."""
    need(PROBE)
    done = cli.run("trace", "--part", "stm32l011", "--target", "emu+openocd", "--out", tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "STM32L011/L021 returned to user flash by a branch, as documented (empty-check)." in done.stdout
    trace = schema.load(str(tmp_path / "stm32l011-classic.jsonl"))
    assert trace.header["target"]["kind"] == "openocd" and trace.end["exit"] == "user-flash"
    assert rom_read_of_word0(trace)[0] == "0x%08x" % first_word("stm32l011")


def test_matrix_interrupted_stops_every_cell(cli, tmp_path):
    """Ctrl-C while two cells run at once: no new cell starts, the running ones lose their
    emulator and GDB, the command ends with 130."""
    need(PROBE)
    proc = cli.popen("matrix", "--parts", "stm32l011", "stm32l031", "-j", "2", "--out", tmp_path)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(tagged_pids(cli.tag)) < 5:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (proc.returncode, out, err)
    assert "Traceback" not in err, err
    cli.assert_nothing_left()
