"""TEST FIXTURE: builds the fixture programs in fixtures/ with arm-none-eabi-gcc and runs them in
thumbsim to produce `bootjump-trace/1` files through the real traces.schema.Writer.

These traces stand in for real ones (bootjump-emu + the GDB tracer, see real_traces.py); their
header says so (target "thumbsim (test fixture)").
"""
import hashlib
import os
import subprocess

import capstone

import parts
from traces.schema import Writer, hexnum

from . import thumbsim

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
RCC_CR, RCC_CFGR, USART2_ISR = 0x40021000, 0x4002100C, 0x4000441C

# name: (part, ROM program, flash contents, where the trace starts). Flash contents: "app" (the
# user firmware), "blank" (the part's erased value), "blank-ff" / "zero" (every byte 0xff / 0x00),
# "app-even" (the firmware with the Thumb bit of its reset vector cleared).
SCENARIOS = {
    "l011-returns": ("stm32l011", "rom_empty_check_v6m", "app", "rom-entry"),
    "l011-stays": ("stm32l011", "rom_empty_check_v6m", "blank", "rom-entry"),
    "l011-from-app": ("stm32l011", "rom_empty_check_v6m", "app", "here"),
    "l011-fault": ("stm32l011", "rom_empty_check_v6m", "app-even", "rom-entry"),
    "l031-stays": ("stm32l031", "rom_plain_v6m", "app", "rom-entry"),
    "l031-returns": ("stm32l031", "rom_empty_check_v6m", "app", "rom-entry"),
    "l031-reset": ("stm32l031", "rom_reset_v6m", "app", "rom-entry"),
}
# The ROM model's own stripped image (emulator/rom, built by `make` into build/rom/), run by the
# fixture interpreter: compiler-generated code the analysis has never seen, no symbols. The
# interpreter stops where it meets an instruction it does not implement (the end record says so).
ROM_MODEL = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(FIXTURES))), "build", "rom")
SCENARIOS["rommodel-l011-returns"] = ("stm32l011", "build/rom", "app", "rom-entry")
SCENARIOS["rommodel-l011-stays"] = ("stm32l011", "build/rom", "blank", "rom-entry")

# The same empty check in other machine-code shapes, each on a part of its core (the
# fixture's peripherals are the L0's RCC_CR and USART2_ISR addresses on every part) and with the
# erased value it tests for. The v7-M parts are `plain`: their verdicts are not what these test.
VARIANTS = {"rom_stack_v6m": ("stm32f070x6", "blank"), "rom_subs_v6m": ("stm32f070x6", "blank"),
            "rom_it_v7m": ("stm32f103", "blank"), "rom_select_v7m": ("stm32f401", "blank"),
            "rom_cbz_v7m": ("stm32f103", "zero")}
for _v, (_part, _blank) in VARIANTS.items():
    SCENARIOS[_v + "-returns"] = (_part, _v, "app", "rom-entry")
    SCENARIOS[_v + "-stays"] = (_part, _v, _blank, "rom-entry")
# An empty-check part whose ROM (here: one testing for 0xffffffff) stays although the L011's
# flash word 0 is not erased: the trace must contradict the documentation.
SCENARIOS["l011-stays-not-erased"] = ("stm32l011", "rom_subs_v6m", "blank-ff", "rom-entry")

OPTION_WORDS = ["0xff5500aa", "0x7f8f8070"]


def _cpu(source):
    with open(source) as f:
        for line in f:
            if line.strip().startswith(".cpu"):
                return line.split()[1]
    return "cortex-m0plus"          # data only (word0.S): any Thumb CPU assembles it


def build(name, out_dir, base=None, script=None, defsyms=None):
    """Assemble and link fixtures/<name>.S (name may be "real/..."); returns (ELF path, raw image
    bytes). `defsyms` gives the program its addresses from the part database."""
    src = os.path.join(FIXTURES, name + ".S")
    stem = os.path.join(out_dir, os.path.basename(name))
    elf, binary, obj = stem + ".elf", stem + ".bin", stem + ".o"
    link = ["-Wl,-T," + script] if script else ["-Wl,-Ttext=0x%08x" % base]
    link += ["-Wl,--defsym=%s=0x%x" % kv for kv in sorted((defsyms or {}).items())]
    cpu = ["-mcpu=" + _cpu(src), "-mthumb"]
    # Assembled and linked in two steps: a one-step build names a random temporary object in the
    # ELF's symbol table, and the report snapshots hash the ELF.
    subprocess.run(["arm-none-eabi-gcc"] + cpu + ["-c", src, "-o", obj]
                   + ["-Wa,--defsym,%s=0x%x" % kv for kv in sorted((defsyms or {}).items())], check=True)
    subprocess.run(["arm-none-eabi-gcc"] + cpu + ["-nostdlib", "-nostartfiles", "-Wl,--build-id=none",
                                                  "-Wl,--entry=0", obj, "-o", elf] + link, check=True)
    subprocess.run(["arm-none-eabi-objcopy", "-O", "binary", elf, binary], check=True)
    with open(binary, "rb") as f:
        return elf, f.read()


def symbol(elf, name):
    out = subprocess.run(["arm-none-eabi-nm", elf], check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        addr, _, sym = line.split()
        if sym == name:
            return int(addr, 16)
    raise KeyError(name)


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


def _peripherals():
    reads = {"rcc": 0}

    def rcc_cr(machine):
        # RM0377 7.3.1: each oscillator's ready flag follows its ON bit (HSI16ON 0 -> HSI16RDYF 2,
        # HSI16DIVEN 3 -> HSI16DIVF 4, MSION 8 -> MSIRDY 9, HSEON 16 -> HSERDY 17, PLLON 24 ->
        # PLLRDY 25), here on the third poll after it was switched on.
        reads["rcc"] += 1
        cr = machine.stored.get(RCC_CR, 0x300)
        ready = 0
        if reads["rcc"] >= 3:
            for on, rdy in ((0, 2), (3, 4), (8, 9), (16, 17), (24, 25)):
                ready |= (cr >> on & 1) << rdy
        return cr | ready

    def rcc_cfgr(machine):
        # RM0377 7.3.3: SWS (bits 3:2) reports the clock SW (bits 1:0) selected.
        cfgr = machine.stored.get(RCC_CFGR, 0)
        return (cfgr & ~0xC) | (cfgr & 3) << 2
    # USART2_ISR: TXE | TC, never RXNE: nobody sends 0x7F, so the ROM idles.
    return {RCC_CR: rcc_cr, RCC_CFGR: rcc_cfgr, USART2_ISR: 0xC0}


def generate(scenario, out_dir, spec=None):
    """Write <out_dir>/<scenario>.jsonl from SCENARIOS[scenario] (or `spec`, a tuple of the same
    shape); returns (trace path, app ELF path)."""
    part_name, rom_name, flash_kind, start = spec or SCENARIOS[scenario]
    part = parts.lookup(part_name)
    if rom_name == "build/rom":
        with open(os.path.join(ROM_MODEL, part_name + ".bin"), "rb") as f:
            rom = f.read()
    else:
        _, rom = build(rom_name, out_dir, base=part.system_memory.base)
    app_elf, app = build("app", out_dir, script=os.path.join(FIXTURES, "app.ld"))
    erased = parts.num(part.raw["flash"]["erased"]) & 0xFF
    blank = {"blank": erased, "blank-ff": 0xFF, "zero": 0}.get(flash_kind)
    if blank is None:
        flash = bytearray(app) + bytes([erased]) * (part.flash.size - len(app))
    else:
        flash = bytearray([blank]) * part.flash.size
    if flash_kind == "app-even":
        flash[4] &= 0xFE             # the reset vector without its Thumb bit
    m = thumbsim.Machine(part, rom, flash, _peripherals())
    if start == "rom-entry":
        m.pc = int.from_bytes(rom[4:8], "little") & ~1
        m.set("sp", int.from_bytes(rom[0:4], "little"))
    else:
        m.pc = symbol(app_elf, "jump_to_bootloader")
        m.set("sp", 0x200007f8)
        m.set("lr", symbol(app_elf, "Reset_Handler") + 5)
    regs = {k: hexnum(v) for k, v in m.r.items()}
    regs["pc"] = hexnum(m.pc)
    with open(app_elf, "rb") as f:
        app_sha = _sha256(f.read())
    header = {
        "part": part.name, "dev_id": hexnum(part.dev_id, 3), "rev_id": hexnum(part.rev_id, 4),
        "target": {"kind": "remote", "address": "thumbsim (test fixture)"},
        "tools": {"tracer": "reports/tests/thumbsim.py (test fixture)", "capstone": capstone.__version__},
        "start": {"from": start, "pc": hexnum(m.pc)},
        "registers": regs,
        "rom": {"base": hexnum(part.system_memory.base), "size": len(rom), "sha256": _sha256(rom)},
        "firmware": {"path": "app.elf", "sha256": app_sha} if blank is None else None,
        "flash_word0": hexnum(int.from_bytes(bytes(flash[0:4]), "little")),
        "option_bytes": {"base": hexnum(part.option_bytes.base), "words": OPTION_WORDS},
        "checkpoints": None, "preflight": None,
        "created": "2026-01-01T00:00:00Z",
    }
    if start == "here":
        header["checkpoints"] = {"boot_count": 1, "recipe": "classic", "last_step": "jump",
                                 "reset_flags": ["PINRSTF", "PORRSTF"]}
        header["preflight"] = [
            {"check": "interrupts", "status": "pass", "message": "PRIMASK=0, no IRQ enabled or pending",
             "source": "KB-JUMP"},
            {"check": "flash word 0", "status": "warn",
             "message": "0x08000000 is not erased on an empty-check part", "source": "AN2606"}]
    path = os.path.join(out_dir, scenario + ".jsonl")
    with Writer(path, header) as w:
        thumbsim.run(m, w)
    return path, app_elf
