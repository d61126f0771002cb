"""lib/preflight.py: a clean jump passes every check, and each deliberate mistake of c_probe's
recipes is flagged by the check that names it, with a source."""
import pytest

import parts
from bjgdb.lib import preflight
from thumb import assemble

DB = parts.load()
ENTRY = 0x1ff00199
JUMP_PC = 0x08000400


class Chip:
    """Memory and registers of a part stopped at `blx r3` into the ROM after a clean de-init."""

    def __init__(self, name, branch="blx r3"):
        self.part = p = DB.lookup(name)
        self.words = {p.system_memory.base: 0x20000800, p.system_memory.base + 4: ENTRY,
                      p.flash.base: 0x20002000}
        for b in p.banks:
            self.words.setdefault(b.base, 0xFFFFFFFF)
        for path in ("RCC.CFGR", "RCC.CR", "RCC.CSR", "IWDG.PR", "IWDG.RLR", "FLASH.OPTR", "SYSCFG.CFGR1"):
            per, reg = path.split(".")
            ip = p.raw["peripherals"].get(per) and DB.ip[p.raw["peripherals"][per]["ip"]]
            if ip and reg in ip["registers"]:     # the F1 has no FLASH_OPTR and no SYSCFG
                self.words[p.reg_addr(path)] = int(ip["registers"][reg]["reset"], 16)
        if p.raw["remap"]:
            lsb, width, values = p.field("SYSCFG.CFGR1.MEM_MODE")
            self.words[p.reg_addr("SYSCFG.CFGR1")] = values["SYSTEM_FLASH"] << lsb
        for path in ("SCB.VTOR", "SYST.CSR", "NVIC.ISER", "NVIC.ISPR"):
            self.words[DB.core_reg(path, p.core)] = 0
        self.code = assemble(branch.split(";"), "m0")
        self.regs = {"r%d" % n: 0 for n in range(13)}
        self.regs.update(r3=ENTRY, sp=0x20000800, msp=0x20000800, psp=0, lr=0x08000401, pc=JUMP_PC,
                         xpsr=0x61000000, primask=0, control=0)

    def set(self, path, value):
        self.words[path if isinstance(path, int) else self.part.reg_addr(path)] = value

    def read(self, addr, size):
        if JUMP_PC <= addr < JUMP_PC + len(self.code):
            return self.code[addr - JUMP_PC:addr - JUMP_PC + size]
        value = self.words.get(addr)
        return None if value is None else value.to_bytes(4, "little")[:size]

    def findings(self):
        return {f["check"]: f for f in preflight.run(preflight.gather(DB, self.part, self.regs, self.read))}


def statuses(chip):
    return {name: f["status"] for name, f in chip.findings().items()}


@pytest.mark.parametrize("name", ["stm32l031", "stm32l011"])
def test_clean_jump_passes(name):
    chip = Chip(name)
    chip.words[chip.part.flash.base] = int(chip.part.raw["flash"]["erased"], 16)   # L011: empty
    found = chip.findings()
    assert {n: f["status"] for n, f in found.items()} == {n: "pass" for n in found}
    assert all(f["source"] for f in found.values())


def test_wrong_address():
    chip = Chip("stm32l031")
    chip.regs["r3"] = chip.part.bootloader_id_address | 1
    f = chip.findings()["branch-target"]
    assert f["status"] == "fail" and "bootloader ID" in f["message"]


def test_no_thumb():
    chip = Chip("stm32l031")
    chip.regs["r3"] = ENTRY & ~1
    f = chip.findings()["branch-target"]
    assert f["status"] == "fail" and "Thumb" in f["message"]


def test_not_at_a_branch_says_so():
    chip = Chip("stm32l031", branch="nop")
    assert chip.findings()["branch-target"]["status"] == "warn"


def test_systick_running():
    chip = Chip("stm32l031")
    chip.set(DB.core_reg("SYST.CSR", chip.part.core), 0x7)
    assert statuses(chip)["systick"] == "fail"


def test_irq_pending():
    chip = Chip("stm32l031")
    irq = 28
    chip.set(DB.core_reg("NVIC.ISER", chip.part.core), 1 << irq)
    chip.set(DB.core_reg("NVIC.ISPR", chip.part.core), 1 << irq)
    f = chip.findings()["interrupts"]
    assert f["status"] == "fail" and "28" in f["message"]


def test_primask_set():
    chip = Chip("stm32l031")
    chip.regs["primask"] = 1
    assert statuses(chip)["primask"] == "warn"


def test_psp_unprivileged():
    chip = Chip("stm32l031")
    chip.regs["control"] = 3
    f = chip.findings()["control"]
    assert f["status"] == "fail" and "PSP" in f["message"] and "unprivileged" in f["message"]


def test_iwdg_running():
    chip = Chip("stm32l031")
    chip.set("RCC.CSR", chip.words[chip.part.reg_addr("RCC.CSR")] | chip.part.bit("RCC.CSR.LSIRDY"))
    assert statuses(chip)["iwdg"] == "fail"


def test_iwdg_configured():
    chip = Chip("stm32l031")
    chip.set("IWDG.PR", 4)
    assert statuses(chip)["iwdg"] == "warn"


def test_empty_check_with_programmed_flash():
    chip = Chip("stm32l011")
    f = chip.findings()["flash-word0"]
    assert f["status"] == "fail" and "AN2606" in f["source"]


def test_no_remap():
    chip = Chip("stm32l031")
    chip.set("SYSCFG.CFGR1", 0)
    assert statuses(chip)["vector-table"] == "warn"


def test_clock_not_reset():
    chip = Chip("stm32l031")
    lsb, _, values = chip.part.field("RCC.CFGR.SWS")
    chip.set("RCC.CFGR", values["HSI16"] << lsb)
    assert statuses(chip)["clock"] == "warn"


def test_dual_bank_with_valid_bank():
    chip = Chip("stm32l073")
    chip.words[chip.part.banks[1].base] = 0x20001000
    f = chip.findings()["dual-bank"]
    assert f["status"] == "fail" and "bank 2" in f["message"]


def test_nboot1_clear():
    chip = Chip("stm32l031")
    chip.set("FLASH.OPTR", chip.words[chip.part.reg_addr("FLASH.OPTR")] & ~chip.part.bit("FLASH.OPTR.nBOOT1"))
    assert statuses(chip)["boot-options"] == "fail"


@pytest.mark.parametrize("name", [p.name for p in DB.parts])
def test_every_part_of_the_database_is_checked(name):
    """Parts differ (no remap register on F1, no option register on F1/F4, M0 without VTOR): every
    check still gives one finding with a source on each of them."""
    part = DB.lookup(name)
    regs = dict(Chip("stm32l031").regs, pc=part.flash.base + 0x100)
    found = preflight.run(preflight.gather(DB, part, regs, lambda addr, size: bytes(size)))
    assert len(found) == len(preflight.CHECKS)
    assert all(f["status"] in ("pass", "warn", "fail") and f["source"] for f in found)


def test_jump_function_seen_from_its_first_instruction():
    """Stopped at c_probe's bj_jump (`msr msp, r0; bx r1`): the branch and the MSP it will have are
    read ahead, so preflight need not step into the jump (a pending IRQ would be taken on the way)."""
    chip = Chip("stm32l031", branch="msr msp, r0; bx r1")
    chip.regs.update(r0=0x20000800, r1=ENTRY, msp=0x20001ff0)
    found = chip.findings()
    assert found["branch-target"]["status"] == "pass" and found["msp"]["status"] == "pass"
    chip.regs["r0"] = 0x20001ff0
    assert chip.findings()["msp"]["status"] == "warn"


def test_a_target_register_written_on_the_way_is_not_guessed():
    chip = Chip("stm32l031", branch="movs r1, #0; bx r1")
    chip.regs["r1"] = ENTRY
    assert chip.findings()["branch-target"]["status"] == "warn"


def test_irq_above_31_on_a_v7m_part():
    """IRQ 37 (USART1 on the F103) sits in NVIC_ISER1/ISPR1, the second register of each."""
    chip = Chip("stm32f103")
    core = chip.part.core
    for k in range(1, (chip.part.raw["nvic_irqs"] + 31) // 32):
        for name in ("ISER", "ISPR"):
            chip.set(DB.core_reg("NVIC." + name, core) + 4 * k, 0)
    chip.set(DB.core_reg("NVIC.ISER", core) + 4, 1 << 5)
    chip.set(DB.core_reg("NVIC.ISPR", core) + 4, 1 << 5)
    f = chip.findings()["interrupts"]
    assert f["status"] == "fail" and "IRQ 37 " in f["message"], f


def test_nvic_layout_follows_the_database():
    """The NVIC registers' base, count and stride come from the core's NVIC in the database: a
    database that spaced NVIC_ISERn 8 bytes apart makes preflight read them there."""
    import json
    raw = json.loads(json.dumps(DB.raw))
    for name in ("ISER", "ISPR"):
        raw["ip"]["nvic-v7m"]["registers"][name]["stride"] = 8
    db = parts.Database(raw)
    part = db.lookup("stm32f103")
    iser = db.core_reg("NVIC.ISER", part.core)
    words = preflight.addresses(db, part)
    assert iser in words and iser + 8 in words and iser + 4 not in words
    chip = Chip("stm32f103")
    chip.part = part
    for k in range(1, (part.raw["nvic_irqs"] + 31) // 32):
        for name in ("ISER", "ISPR"):
            chip.set(db.core_reg("NVIC." + name, part.core) + 8 * k, 0)
    chip.set(iser + 8, 1 << 5)
    chip.set(db.core_reg("NVIC.ISPR", part.core) + 8, 1 << 5)
    found = {f["check"]: f for f in preflight.run(preflight.gather(db, part, chip.regs, chip.read))}
    assert found["interrupts"]["status"] == "fail" and "IRQ 37 " in found["interrupts"]["message"]


@pytest.mark.parametrize("boot_sel, pin_high, status", [(1, False, "fail"), (0, False, "pass"), (1, True, "pass")])
def test_f04x_escapes_from_the_empty_check(boot_sel, pin_high, status):
    """STM32F04x: word 0 programmed sends the jump back unless BOOT_SEL = 0 (FLASH_OBR, as loaded)
    or the BOOT0 pin is high (AN2606's other two conditions)."""
    chip = Chip("stm32f042")
    p = chip.part
    boot = p.raw["boot"]
    register = boot["option_register"]
    obr = DB.ip[p.raw["peripherals"][register.split(".")[0]]["ip"]]["registers"][register.split(".")[1]]
    value = int(obr["reset"], 16) & ~p.bit("%s.%s" % (register, boot["option_bits"]["BOOT_SEL"]))
    chip.set(register, value | (p.bit("%s.%s" % (register, boot["option_bits"]["BOOT_SEL"])) if boot_sel else 0))
    pin = boot["boot0_gpio"]
    chip.set("GPIO%s.IDR" % pin[1], (1 << int(pin[2:])) if pin_high else 0)
    f = chip.findings()["flash-word0"]
    assert f["status"] == status, f
    if status == "pass":
        assert ("BOOT_SEL = 0" if not boot_sel else "BOOT0 pin %s is high" % pin) in f["message"], f
