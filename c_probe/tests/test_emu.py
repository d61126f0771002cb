"""The probe on bootjump-emu with the ROM model: each test starts the emulator (stopped by pid in
bjcli.emu.Emulator's exit, even on failure), drives the probe through its UART pty, and reads the
record back both from the UART report and through gdb-multiarch, decoded by c_probe.record."""
import json
import os
import select
import subprocess
import sys
import termios
import time
import tty

import pytest

import parts
from c_probe import record

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bin"))
from bjcli.emu import Emulator  # noqa: E402

TIMEOUT = 20.0  # seconds of wall time for one expected UART line


def probe_elf(part):
    path = os.path.join(ROOT, "build", "c_probe", part, "probe.elf")
    if not os.path.exists(path):
        pytest.fail("%s is missing: run `make probe`" % os.path.relpath(path, ROOT))
    return path


class Uart:
    """The slave side of the emulator's pty for one USART, raw, read line by line."""

    def __init__(self, path):
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        tty.setraw(self.fd, termios.TCSANOW)
        self.buf = b""
        self.lines = []

    def close(self):
        os.close(self.fd)

    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        r, _, _ = select.select([self.fd], [], [], left)
        if r:
            try:
                self.buf += os.read(self.fd, 4096)
            except BlockingIOError:
                pass
        return True

    def line(self, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            if not self._fill(deadline):
                raise AssertionError("no line from the probe within %.0f s; so far: %r, then %r"
                                     % (timeout, self.lines[-20:], self.buf[-200:]))
        raw, self.buf = self.buf.split(b"\n", 1)
        text = raw.decode("ascii", "replace").strip("\r")
        self.lines.append(text)
        return text

    def until(self, prefix, timeout=TIMEOUT):
        """Lines up to and including the first that starts with prefix."""
        out = []
        while True:
            out.append(self.line(timeout))
            if out[-1].startswith(prefix):
                return out

    def report(self):
        """The next boot report, as a dict of facts (part: ... up to outcome:)."""
        lines = self.until("part:")[-1:] + self.until("outcome:")
        return dict(line.split(": ", 1) for line in lines if ": " in line)

    def send(self, data):
        os.write(self.fd, data)

    def read_bytes(self, n, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while len(self.buf) < n:
            if not self._fill(deadline):
                break
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def no_report_for(self, seconds):
        """True if the probe does not start a boot report (it has not come back) within seconds."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self._fill(deadline)
            while b"\n" in self.buf:
                raw, self.buf = self.buf.split(b"\n", 1)
                self.lines.append(raw.decode("ascii", "replace").strip("\r"))
                if self.lines[-1].startswith("part:"):
                    return False
        return True


def gdb_read(port, part, tmp_path):
    """The probe's record as a debugger sees it: c_probe.record.read over gdb-multiarch's memory
    dumps (one batch run: connect, set the backup unlock bits, dump, detach), the PC it
    interrupted and flash word 0."""
    p = parts.lookup(part)
    d = record.load()
    base = record.noinit_base(p)
    addrs, width = record.storage(p)
    steps = record.unlock_steps(p)
    ranges = [(base, base + d.noinit["size"]), (p.flash.base, p.flash.base + 4)] + \
        [(a, a + 4) for a in addrs] + [(a, a + 4) for a, _ in steps]
    cmds = ["set pagination off", "set confirm off", "target remote 127.0.0.1:%d" % port, "printf \"pc=%x\\n\", $pc"]
    cmds += ["set *(unsigned int *)0x%x |= 0x%x" % step for step in steps]
    for i, (lo, hi) in enumerate(ranges):
        cmds.append("dump binary memory %s 0x%x 0x%x" % (tmp_path / ("m%d.bin" % i), lo, hi))
    cmds.append("detach")
    r = subprocess.run(["gdb-multiarch", "-nx", "-batch"] + [a for c in cmds for a in ("-ex", c)],
                       capture_output=True, text=True, timeout=60)
    assert "pc=" in r.stdout, "gdb-multiarch could not read the target:\n%s\n%s" % (r.stdout, r.stderr)
    mem = {}
    for i, (lo, hi) in enumerate(ranges):
        mem[lo] = (tmp_path / ("m%d.bin" % i)).read_bytes()

    def read_memory(addr, size):
        for lo, data in mem.items():
            if lo <= addr and addr + size <= lo + len(data):
                return data[addr - lo:addr - lo + size]
        raise AssertionError("0x%08x not dumped" % addr)

    seen = record.read(p, read_memory)
    assert seen["unlocked"], "the backup registers were still locked after the unlock steps"
    seen["pc"] = int(r.stdout.split("pc=")[1].split()[0], 16)
    seen["flash_word0"] = int.from_bytes(read_memory(p.flash.base, 4), "little")
    return seen


def access_events(path):
    """The emulator's access log: (reset events, accesses) as parsed JSON objects."""
    resets, accesses = [], []
    with open(path) as f:
        for line in f:
            obj = json.loads(line)
            if obj.get("event") == "reset":
                resets.append(obj)
            elif "op" in obj:
                accesses.append(obj)
    return resets, accesses


def facts_of(values):
    return dict(record.facts(values))


@pytest.fixture
def scratch(tmp_path):
    """Per-test scratch space: the emulator's stderr, access log and gdb's memory dumps."""
    return tmp_path


def start(part, scratch, access_log=False, usart="usart2"):
    log = str(scratch / "access.jsonl") if access_log else None
    emu = Emulator(part, flash=probe_elf(part), gdb=True, uarts=[usart], access_log=log)
    emu.start(stderr_path=str(scratch / "emu.stderr"))
    return emu, log


def in_rom(part, pc):
    sysmem = parts.lookup(part).system_memory
    return sysmem.base <= pc < sysmem.end


def test_l011_classic_comes_back_by_branch(scratch):
    emu, log = start("stm32l011", scratch, access_log=True)
    try:
        uart = Uart(emu.uart("usart2"))
        try:
            first = uart.report()
            assert first["entry"].startswith("reset") and "power_on" in first["entry"]
            assert first["outcome"] == "idle"
            uart.send(b"c")
            assert uart.until("run:")[-1] == "run: classic"
            back = uart.report()
        finally:
            uart.close()
        assert back["recipe"] == "classic" and back["step"] == "jump", back
        assert back["entry"] == "branch" and back["resets"] == "0" and back["returns"] == "1", back
        assert back["boots"] == "2" and back["step-boot"] == "1", back
        assert back["outcome"] == "returned-by-branch", back
        seen = gdb_read(emu.gdb_port, "stm32l011", scratch)
        assert seen["source"] == "backup"
        assert facts_of(seen["record"]).items() <= back.items()
        steps = [e["step_name"] for e in seen["ring"]]
        assert steps[-4:] == ["remapped", "irq-on", "jump", "boot"], steps
    finally:
        emu.stop()
    resets, accesses = access_events(log)
    assert [r["kind"] for r in resets] == ["power-on"], "a reset happened: %s" % resets
    assert any(in_rom("stm32l011", int(a["pc"], 16)) for a in accesses), "the ROM never ran"


def test_l031_classic_never_comes_back(scratch):
    emu, _ = start("stm32l031", scratch)
    try:
        uart = Uart(emu.uart("usart2"))
        try:
            uart.report()
            uart.send(b"c")
            assert uart.no_report_for(2.0), "the probe came back: %r" % uart.lines[-5:]
            # The bootloader holds the chip: it answers the AN3155 sync on the same USART.
            uart.send(b"\x7f")
            assert uart.read_bytes(1) == b"\x79"
        finally:
            uart.close()
        seen = gdb_read(emu.gdb_port, "stm32l031", scratch)
    finally:
        emu.stop()
    f = facts_of(seen["record"])
    assert (f["recipe"], f["step"], f["boots"], f["outcome"]) == ("classic", "jump", "1", "running"), f
    assert in_rom("stm32l031", seen["pc"]), "PC 0x%08x is not in the ROM" % seen["pc"]


def test_l011_reset_flag_one_software_reset_then_back(scratch):
    emu, log = start("stm32l011", scratch, access_log=True)
    try:
        uart = Uart(emu.uart("usart2"))
        try:
            uart.report()
            uart.send(b"r")
            assert uart.until("run:")[-1] == "run: reset-flag"
            back = uart.report()
        finally:
            uart.close()
    finally:
        emu.stop()
    assert back["recipe"] == "reset-flag" and back["step"] == "jump", back
    assert back["boots"] == "3" and back["step-boot"] == "2", back
    assert back["resets"] == "1" and back["returns"] == "1", back
    assert "software" in back["seen"].split(","), back
    assert back["entry"] == "branch" and back["outcome"] == "returned-by-branch", back
    resets, _ = access_events(log)
    assert [r["kind"] for r in resets] == ["power-on", "system"], resets


def emulated_ms(monitor_info):
    """The emulated time in `monitor info`'s summary ("..., 1234 instructions, 12.345678 ms, ...")."""
    for part in monitor_info.split(","):
        if part.strip().endswith(" ms"):
            return float(part.split()[0])
    raise AssertionError("no time in monitor info: %r" % monitor_info)


@pytest.mark.parametrize("param", [None, 40], ids=["uart-default", "mailbox-param-40ms"])
def test_l031_iwdg_running_resets_after_the_timeout(scratch, param):
    """GDB stops at the iwdg-started checkpoint and at the reset handler after the watchdog reset;
    the emulated time between them is the configured timeout: the default (record.json
    defaults.iwdg_ms) through the UART command, or the mailbox's param written by GDB."""
    part = "stm32l031"
    log = str(scratch / "access.jsonl")
    emu = Emulator(part, flash=probe_elf(part), gdb=True, uarts=["usart2"], access_log=log, halt=param is not None)
    emu.start(stderr_path=str(scratch / "emu.stderr"))
    gdb = None
    try:
        uart = Uart(emu.uart("usart2"))
        try:
            started = record.load().code("steps", "iwdg-started")
            cmds = ["set pagination off", "set confirm off", "target remote 127.0.0.1:%d" % emu.gdb_port]
            if param is not None:
                mailbox = scratch / "mailbox.bin"
                mailbox.write_bytes(record.encode_mailbox("iwdg-running", param=param))
                address = record.noinit_base(parts.lookup(part)) + record.load().noinit["mailbox"]
                cmds.append("restore %s binary 0x%x" % (mailbox, address))
            cmds += ["break bj_checkpoint if step == %d" % started, "echo armed\\n", "continue", "monitor info",
                     "delete", "break bj_reset_handler", "continue", "monitor info", "delete", "detach"]
            gdb = subprocess.Popen(["gdb-multiarch", "-nx", "-batch", probe_elf(part)] +
                                   [a for c in cmds for a in ("-ex", c)],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if param is None:
                uart.report()
                for line in gdb.stdout:
                    if line.strip() == "armed":
                        break
                uart.send(b"d")
            out, _ = gdb.communicate(timeout=120)
            back = uart.report() if param is None else [uart.report(), uart.report()][1]
        finally:
            uart.close()
    finally:
        if gdb and gdb.poll() is None:
            gdb.kill()
            gdb.wait()
        emu.stop()
    assert back["recipe"] == "iwdg-running" and back["step"] == "jump", back
    assert "independent_watchdog" in back["entry"], back
    assert back["resets"] == "1" and back["outcome"] == "returned-by-reset", back
    infos = [line for line in out.splitlines() if " ms, HCLK " in line]
    assert len(infos) == 2, "gdb did not stop twice:\n%s" % out
    elapsed = emulated_ms(infos[1]) - emulated_ms(infos[0])
    want = param if param is not None else record.load().raw["defaults"]["iwdg_ms"]
    # Between the checkpoint and the reset: the IWDG's own period, rounded down to a counter tick.
    assert abs(elapsed - want) <= 0.05 * want, "IWDG reset %.3f ms after it started, configured %d ms" % (elapsed, want)
    resets, accesses = access_events(log)
    assert [r["kind"] for r in resets] == ["power-on", "iwdg"], resets
    kr = parts.lookup(part).reg_addr("IWDG.KR")
    starts = [a["step"] for a in accesses if a["op"] == "w" and int(a["addr"], 16) == kr and int(a["value"], 16) == 0xCCCC]
    assert len(starts) == 1, "the IWDG was started %d times" % len(starts)
    assert any(starts[0] < a["step"] < resets[1]["step"] and in_rom(part, int(a["pc"], 16)) for a in accesses), \
        "the ROM never ran between the IWDG start and the reset"


def test_l011_erase_page0_then_the_bootloader_answers(scratch):
    emu, _ = start("stm32l011", scratch)
    try:
        uart = Uart(emu.uart("usart2"))
        try:
            uart.report()
            uart.send(b"e")
            assert uart.until("refused:")[-1].startswith("refused: destructive"), "erase-page0 ran without !"
            uart.send(b"!")
            uart.until("options:")
            uart.send(b"e")
            assert uart.until("run:")[-1] == "run: erase-page0"
            assert uart.no_report_for(1.0), "the probe came back: %r" % uart.lines[-5:]
            uart.send(b"\x7f")
            assert uart.read_bytes(1) == b"\x79", "no ACK to 0x7F from the bootloader"
        finally:
            uart.close()
        seen = gdb_read(emu.gdb_port, "stm32l011", scratch)
    finally:
        emu.stop()
    f = facts_of(seen["record"])
    assert (f["recipe"], f["step"], f["options"], f["outcome"]) == ("erase-page0", "jump", "destructive", "running"), f
    assert seen["flash_word0"] == int(parts.lookup("stm32l011").raw["flash"]["erased"], 16)
    assert in_rom("stm32l011", seen["pc"]), "PC 0x%08x is not in the ROM" % seen["pc"]


def test_recipes_the_part_cannot_do_are_refused(scratch):
    """On the L031 (no F04x BOOT_SEL, no G0 EMPTY flag): g0-empty, and boot-sel even with the
    destructive option, are refused on the UART with their reason; the record's step is refused,
    and the probe stays ready for the next command."""
    emu, _ = start("stm32l031", scratch)
    try:
        uart = Uart(emu.uart("usart2"))
        try:
            uart.report()
            uart.send(b"g")
            assert uart.until("refused:")[-1] == "refused: g0-empty sets the G0's FLASH_ACR EMPTY; this part has no such flag"
            uart.send(b"!")
            uart.until("options:")
            uart.send(b"b")
            assert uart.until("refused:")[-1].startswith("refused: boot-sel is for parts whose ROM has the F04x")
            uart.send(b"=")
            facts = uart.report()
        finally:
            uart.close()
    finally:
        emu.stop()
    assert (facts["recipe"], facts["step"], facts["options"], facts["outcome"]) == \
        ("boot-sel", "refused", "destructive", "refused"), facts


def test_run_line_leaves_before_the_de_init(scratch):
    """The probe waits for TC after `run: <recipe>`: the line is on the wire before the de-init
    resets the USART, so it reaches the pty."""
    emu, _ = start("stm32l031", scratch)
    try:
        uart = Uart(emu.uart("usart2"))
        try:
            uart.report()
            uart.send(b"c")
            assert uart.until("run:")[-1] == "run: classic"
        finally:
            uart.close()
    finally:
        emu.stop()


def test_mailbox_written_by_a_debugger_selects_the_recipe(scratch):
    """With the chip halted at its reset vector, GDB writes bj_mailbox (at the part's fixed
    no-init address) and detaches; the probe takes it at boot and runs that recipe."""
    part = "stm32l011"
    emu = Emulator(part, flash=probe_elf(part), gdb=True, uarts=["usart2"], halt=True)
    emu.start(stderr_path=str(scratch / "emu.stderr"))
    try:
        mailbox = scratch / "mailbox.bin"
        mailbox.write_bytes(record.encode_mailbox("classic"))
        address = record.noinit_base(parts.lookup(part)) + record.load().noinit["mailbox"]
        cmds = ["set confirm off", "target remote 127.0.0.1:%d" % emu.gdb_port,
                "restore %s binary 0x%x" % (mailbox, address), "detach"]
        r = subprocess.run(["gdb-multiarch", "-nx", "-batch"] + [a for c in cmds for a in ("-ex", c)],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        uart = Uart(emu.uart("usart2"))
        try:
            first = uart.report()
            assert uart.until("run:")[-1] == "run: classic"
            back = uart.report()
        finally:
            uart.close()
    finally:
        emu.stop()
    assert first["outcome"] == "idle", first
    assert (back["recipe"], back["step"], back["outcome"]) == ("classic", "jump", "returned-by-branch"), back
    assert back["boots"] == "2" and back["returns"] == "1", back


def test_compiled_in_default_runs_once_after_power_on(scratch):
    """`make PROBE_RECIPE=classic`: the power-on boot runs classic with no mailbox and no command;
    when the L011's ROM branches back, the record holds that attempt, so the default does not run
    again and the probe waits for commands. Built into the test's own PROBE_OUT, so the shared
    build/c_probe keeps its default of none."""
    part = "stm32l011"
    out = scratch / "probe"
    elf = out / part / "probe.elf"
    built = subprocess.run(["make", "--no-print-directory", "PROBE_OUT=%s" % out, "PROBE_RECIPE=classic", str(elf)],
                           cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    emu = Emulator(part, flash=str(elf), gdb=True, uarts=["usart2"])
    emu.start(stderr_path=str(scratch / "emu.stderr"))
    try:
        uart = Uart(emu.uart("usart2"))
        try:
            first = uart.report()
            assert uart.until("run:")[-1] == "run: classic"
            back = uart.report()
            after = uart.until("ready:")
            assert uart.no_report_for(1.0), "the probe started again: %r" % uart.lines[-5:]
        finally:
            uart.close()
    finally:
        emu.stop()
    assert first["default"] == "classic" and first["outcome"] == "idle", first
    assert (back["recipe"], back["step"], back["outcome"], back["boots"]) == ("classic", "jump", "returned-by-branch", "2"), back
    assert not [line for line in after if line.startswith("run:")], after


# The deliberate mistakes on the L031, whose ROM model enables no interrupt and parks every
# exception in a loop: each recipe gets as far as its last checkpoint says, and the chip ends up
# in the ROM. A SysTick or IRQ left pending is taken through the ROM's vector table (remapped at 0)
# the moment interrupts go back on, so those two stop before irq-on.
@pytest.mark.parametrize("letter, name, last_step", [
    ("n", "naive", "jump"), ("w", "wrong-address", "jump"), ("t", "no-thumb", "jump"),
    ("s", "systick-running", "remapped"), ("i", "irq-pending", "irq-pended"),
    ("p", "primask-set", "jump"), ("u", "psp-unprivileged", "jump"),
])
def test_mistake_stops_where_the_record_says(scratch, letter, name, last_step):
    emu, _ = start("stm32l031", scratch)
    try:
        uart = Uart(emu.uart("usart2"))
        try:
            uart.report()
            uart.send(letter.encode())
            assert uart.no_report_for(1.0), "the probe came back: %r" % uart.lines[-5:]
        finally:
            uart.close()
        seen = gdb_read(emu.gdb_port, "stm32l031", scratch)
    finally:
        emu.stop()
    f = facts_of(seen["record"])
    assert (f["recipe"], f["step"], f["boots"], f["outcome"]) == (name, last_step, "1", "running"), f
    assert in_rom("stm32l031", seen["pc"]), "PC 0x%08x is not in the ROM" % seen["pc"]


# Where a classic jump from user flash ends, by the part's ROM activation profile (AN2606, as the
# ROM model implements it): back in the probe by a branch where the ROM rechecks the boot
# selection against the running application (the empty check of the L011/L021 and F070x6; the
# F04x check with none of its three escapes; the L07x dual-bank check, which starts the valid
# code in bank 1), else held in the bootloader.
COMES_BACK = {"empty-check", "empty-check-f04x", "dual-bank"}


def bootloader_usart(part):
    return parts.lookup(part).raw["bootloader"]["usarts"][0]["periph"].lower()


@pytest.mark.parametrize("part", parts.load().names())
def test_classic_on_every_part(scratch, part):
    emu, _ = start(part, scratch, usart=bootloader_usart(part))
    try:
        uart = Uart(emu.uart(bootloader_usart(part)))
        try:
            first = uart.report()
            uart.send(b"c")
            assert uart.until("run:")[-1] == "run: classic"
            came_back = not uart.no_report_for(1.5)
        finally:
            uart.close()
        seen = gdb_read(emu.gdb_port, part, scratch)
    finally:
        emu.stop()
    p = parts.lookup(part)
    assert first["part"] == part and "power_on" in first["entry"], first
    assert seen["source"] == ("backup" if record.storage(p)[0] else "ram")
    f = facts_of(seen["record"])
    assert (f["recipe"], f["step"]) == ("classic", "jump"), f
    if p.profile in COMES_BACK:
        assert came_back and f["outcome"] == "returned-by-branch" and f["entry"] == "branch", f
    else:
        assert not came_back and f["outcome"] == "running", f
        assert in_rom(part, seen["pc"]), "PC 0x%08x is not in the ROM" % seen["pc"]


def test_f042_boot_sel_keeps_the_bootloader(scratch):
    """F04x: BOOT_SEL cleared in the option bytes, their reload (a reset with OBLRSTF), the classic
    jump from the resumed probe: the ROM now stays (AN2606's BOOT_SEL=0 condition) and answers."""
    part = "stm32f042"
    usart = bootloader_usart(part)
    emu, _ = start(part, scratch, usart=usart)
    try:
        uart = Uart(emu.uart(usart))
        try:
            uart.report()
            uart.send(b"!")
            uart.until("options:")
            uart.send(b"b")
            assert uart.until("run:")[-1] == "run: boot-sel"
            reload = uart.report()
            assert uart.no_report_for(1.5), "the probe came back: %r" % uart.lines[-5:]
            uart.send(b"\x7f")
            assert uart.read_bytes(1) == b"\x79"
        finally:
            uart.close()
        seen = gdb_read(emu.gdb_port, part, scratch)
    finally:
        emu.stop()
    assert (reload["step"], reload["outcome"]) == ("option-written", "returned-by-reset"), reload
    assert "option_load" in reload["entry"], reload
    f = facts_of(seen["record"])
    assert (f["recipe"], f["step"], f["boots"], f["resets"], f["outcome"]) == ("boot-sel", "jump", "2", "1", "running"), f
    assert in_rom(part, seen["pc"]), "PC 0x%08x is not in the ROM" % seen["pc"]


def test_g071_g0_empty_boots_the_bootloader(scratch):
    """G0: FLASH_ACR EMPTY set, a system reset: the boot logic starts system memory, so the probe's
    reset handler never runs again and the record stays at the reset request."""
    part = "stm32g071"
    usart = bootloader_usart(part)
    emu, _ = start(part, scratch, usart=usart)
    try:
        uart = Uart(emu.uart(usart))
        try:
            uart.report()
            uart.send(b"g")
            assert uart.until("run:")[-1] == "run: g0-empty"
            assert uart.no_report_for(1.5), "the probe came back: %r" % uart.lines[-5:]
            uart.send(b"\x7f")
            assert uart.read_bytes(1) == b"\x79"
        finally:
            uart.close()
        seen = gdb_read(emu.gdb_port, part, scratch)
    finally:
        emu.stop()
    f = facts_of(seen["record"])
    assert (f["recipe"], f["step"], f["boots"], f["outcome"]) == ("g0-empty", "reset-requested", "1", "running"), f
    assert [e["step_name"] for e in seen["ring"]][-2:] == ["empty-set", "reset-requested"]
    assert in_rom(part, seen["pc"]), "PC 0x%08x is not in the ROM" % seen["pc"]


def test_f103_no_thumb_faults_into_the_probe(scratch):
    """The F1 has no system-memory remap, so the HardFault of a branch with bit 0 clear is taken
    through the probe's own vectors: its handler records the stacked PC in the 16-bit backup
    registers and resets; the next boot reports it."""
    part = "stm32f103"
    usart = bootloader_usart(part)
    emu = Emulator(part, flash=probe_elf(part), uarts=[usart])
    emu.start(stderr_path=str(scratch / "emu.stderr"))
    try:
        uart = Uart(emu.uart(usart))
        try:
            uart.report()
            uart.send(b"t")
            assert uart.until("run:")[-1] == "run: no-thumb"
            back = uart.report()
        finally:
            uart.close()
    finally:
        emu.stop()
    with open(os.path.join(ROOT, "build", "rom", part + ".bin"), "rb") as f:
        rom_reset_vector = int.from_bytes(f.read(8)[4:8], "little")
    assert (back["recipe"], back["step"], back["outcome"]) == ("no-thumb", "fault", "returned-by-reset"), back
    assert back["fault-pc"] == "0x%08x" % (rom_reset_vector & ~1), back
    assert "software" in back["entry"] and back["boots"] == "2" and back["resets"] == "1", back
