"""Each validation rule rejects a copy of the database broken in exactly one place."""
import copy
import json

import pytest

from parts import DATABASE
from parts.validate import validate


@pytest.fixture(scope="module")
def raw():
    with open(DATABASE) as f:
        return json.load(f)


def broken(raw, mutate):
    db = copy.deepcopy(raw)
    mutate(db)
    return validate(db)


def part(db, name):
    return next(p for p in db["parts"] if p["name"] == name)


def test_database_is_valid(raw):
    assert validate(raw) == []


def expect(raw, mutate, fragment):
    errs = broken(raw, mutate)
    assert errs, "the broken copy was accepted"
    assert any(fragment in e for e in errs), errs


def test_unknown_top_key(raw):
    expect(raw, lambda db: db.update(extra=1), "unknown key 'extra'")


def test_unknown_part_key(raw):
    expect(raw, lambda db: part(db, "stm32l011").update(flash_szie="0x4000"), "unknown key 'flash_szie'")


def test_unknown_nested_key(raw):
    expect(raw, lambda db: part(db, "stm32l011")["flash"].update(pagesize=128), "unknown key 'pagesize'")


def test_unknown_register_key(raw):
    expect(raw, lambda db: db["ip"]["rcc-l0"]["registers"]["CR"].update(rst="0x0"), "unknown key 'rst'")


def test_missing_source(raw):
    expect(raw, lambda db: part(db, "stm32l031")["sources"].pop("flash"), "field 'flash' has no source")


def test_source_with_unknown_document(raw):
    expect(raw, lambda db: part(db, "stm32l031")["sources"].update(flash="my notebook p.3"),
           "does not start with a document tag")


def test_ip_without_known_source(raw):
    expect(raw, lambda db: db["ip"]["iwdg"].update(source="folklore"), "does not start with a document tag")


def test_uncertain_needs_reason(raw):
    expect(raw, lambda db: part(db, "stm32l011")["uncertain"].update(flash=""), "must say why")


def test_duplicate_name(raw):
    expect(raw, lambda db: part(db, "stm32l031")["aliases"].append("stm32l011"), "used by both")


def test_duplicate_dev_id_without_bootloader_id(raw):
    def dup(db):
        part(db, "stm32l031")["dev_id"] = "0x457"
        part(db, "stm32l031")["bootloader"]["id"] = "0xc3"
    expect(raw, dup, "nothing tells them apart")


def test_overlapping_regions(raw):
    expect(raw, lambda db: part(db, "stm32l011")["eeprom"].update(base="0x08003f00"), "overlap")


def test_system_memory_inside_flash(raw):
    expect(raw, lambda db: part(db, "stm32l011")["system_memory"].update(base="0x08001000"),
           "system memory lies inside flash")


def test_system_memory_inside_sram(raw):
    expect(raw, lambda db: part(db, "stm32l011")["system_memory"].update(base="0x20000400"),
           "system memory lies inside sram")


def test_bootloader_id_outside_system_memory(raw):
    expect(raw, lambda db: part(db, "stm32l011")["bootloader"].update(id_address="0x1ff01ffe"),
           "outside system memory")


def test_banks_must_tile_flash(raw):
    expect(raw, lambda db: part(db, "stm32l073")["flash"]["banks"][1].update(base="0x08020000"), "tile the flash")


def test_unknown_profile(raw):
    expect(raw, lambda db: part(db, "stm32l011")["activation"].update(profile="magic"), "activation profile")


def test_unknown_core(raw):
    expect(raw, lambda db: part(db, "stm32l011").update(core="cortex-m7"), "core")


def test_dangling_bit_reference(raw):
    expect(raw, lambda db: part(db, "stm32l011")["peripherals"]["USART2"].update(enable="RCC.APB1ENR.NOPE"),
           "names no bit")


def test_dangling_ip(raw):
    expect(raw, lambda db: part(db, "stm32l011")["peripherals"]["USART2"].update(ip="usart-v9"), "unknown ip block")


def test_dbgmcu_address_matches_core(raw):
    expect(raw, lambda db: part(db, "stm32l011")["peripherals"]["DBGMCU"].update(base="0xe0042000"),
           "has it at 0x40015800")


def test_bits_may_not_share_a_position(raw):
    expect(raw, lambda db: db["ip"]["rcc-l0"]["registers"]["CSR"]["bits"].update(EXTRA=23), "share position")


def test_field_value_must_fit(raw):
    expect(raw, lambda db: db["ip"]["rcc-l0"]["registers"]["CFGR"]["fields"]["SW"]["values"].update(BAD=4),
           "does not fit")


def test_hex_must_be_lower_case_hex(raw):
    expect(raw, lambda db: part(db, "stm32l011").update(dev_id="457"), "dev_id must be")


def test_bootloader_usart_must_be_a_usart(raw):
    expect(raw, lambda db: part(db, "stm32l011")["bootloader"]["usarts"][0].update(periph="RCC"),
           "is not a USART peripheral")


def test_option_bit_key_outside_the_emulator_set(raw):
    expect(raw, lambda db: part(db, "stm32l011")["boot"]["option_bits"].update(nBOOT9="nBOOT1"),
           "boot option bit 'nBOOT9' is not one of")


def test_option_bits_need_an_option_register(raw):
    expect(raw, lambda db: part(db, "stm32l011")["boot"].update(option_register=None),
           "option_bits given without an option_register")


def test_gen_uses_the_validator_option_bits():
    from parts import gen, validate
    assert gen.OPTION_BITS is validate.OPTION_BITS


def test_boot0_gpio_port_must_be_a_peripheral(raw):
    expect(raw, lambda db: part(db, "stm32l011")["boot"].update(boot0_gpio="PK3"), "needs peripheral GPIOK")


def test_bootloader_usart_pin_port_must_be_a_peripheral(raw):
    expect(raw, lambda db: part(db, "stm32l011")["bootloader"]["usarts"][0].update(tx="PD5"),
           "needs peripheral GPIOD")


def test_bootloader_usart_af_range(raw):
    expect(raw, lambda db: part(db, "stm32l011")["bootloader"]["usarts"][0].update(af=16), "not 0..15")


def test_bootloader_id_and_address_go_together(raw):
    expect(raw, lambda db: part(db, "stm32l011")["bootloader"].update(id=None), "both given or both null")


def test_bootloader_id_may_be_absent(raw):
    def no_id(db):
        part(db, "stm32l011")["bootloader"].update(id=None, id_address=None)
    assert broken(raw, no_id) == []


def test_flash_sectors_must_tile_the_flash(raw):
    expect(raw, lambda db: part(db, "stm32l011")["flash"].update(sectors=["0x2000", "0x1000"]),
           "flash sectors add up to 0x3000 bytes, flash is 0x4000")


def test_flash_sectors_are_multiples_of_page_size(raw):
    expect(raw, lambda db: part(db, "stm32l011")["flash"].update(sectors=["0x3fc0", "0x40"]),
           "multiple of page_size")


def test_flash_sectors_are_hex_sizes(raw):
    expect(raw, lambda db: part(db, "stm32l011")["flash"].update(sectors=[16384]), "list of hex sizes")


def test_flash_sectors_that_tile_are_accepted(raw):
    assert broken(raw, lambda db: part(db, "stm32l011")["flash"].update(sectors=["0x2000", "0x2000"])) == []


def test_core_needs_an_entry_under_cores(raw):
    expect(raw, lambda db: db["cores"].pop("cortex-m0plus"), "has no entry under 'cores'")


def test_option_byte_layout_must_fit(raw):
    expect(raw, lambda db: part(db, "stm32f042")["option_bytes"]["bytes"].extend(["X"] * 5), "two bytes each within size")


def test_register_array_count_is_a_number(raw):
    expect(raw, lambda db: db["ip"]["nvic-v7m"]["registers"]["ISER"].update(count=0), "count 0 is not a number")


def test_register_array_stride_is_whole_words(raw):
    expect(raw, lambda db: db["ip"]["dwt-v7m"]["registers"]["COMP"].update(stride=6), "stride 6 is not a whole number")


def test_stride_needs_a_count(raw):
    expect(raw, lambda db: db["ip"]["rcc-l0"]["registers"]["CR"].update(stride=8), "stride without a count")


def test_registers_of_a_block_must_not_overlap(raw):
    # DWT_COMP1 at 0x30 is the word a MASK at 0x30 would take.
    expect(raw, lambda db: db["ip"]["dwt-v7m"]["registers"]["MASK"].update(offset="0x30"), "overlap at offset 0x30")


def test_architecture_name_is_known(raw):
    expect(raw, lambda db: db["architectures"].update({"ARMv8-M": db["architectures"]["ARMv7-M"]}), "not one of")


def test_architecture_regions_are_the_known_ones(raw):
    expect(raw, lambda db: db["architectures"]["ARMv6-M"]["regions"].pop("ppb"), "missing key 'ppb'")


def test_core_architecture_needs_an_entry(raw):
    expect(raw, lambda db: db["cores"]["cortex-m3"].update(architecture="ARMv8-M"), "has no entry under 'architectures'")


def test_core_has_every_block_the_emulator_models(raw):
    expect(raw, lambda db: db["cores"]["cortex-m0"]["peripherals"].pop("DWT"), "no DWT block")


def test_core_blocks_must_not_share_addresses(raw):
    expect(raw, lambda db: db["cores"]["cortex-m4"]["peripherals"]["DWT"].update(base="0xe0002000"), "share the address")


def test_core_blocks_lie_on_the_private_peripheral_bus(raw):
    expect(raw, lambda db: db["cores"]["cortex-m0"]["peripherals"]["FP"].update(base="0x40002000"),
           "outside the private peripheral bus")


def test_core_blocks_of_one_name_agree_on_their_bits(raw):
    expect(raw, lambda db: db["ip"]["scb-v7m"]["registers"]["ICSR"]["bits"].update(PENDSVSET=29),
           "ICSR.PENDSVSET is 28 in scb-v6m but 29 in scb-v7m")


def test_core_blocks_of_one_name_agree_on_their_offsets(raw):
    expect(raw, lambda db: db["ip"]["dcb-v6m"]["registers"]["DEMCR"].update(offset="0x10"), "DEMCR is")


def test_nvic_prio_bits_range(raw):
    expect(raw, lambda db: part(db, "stm32f103").update(nvic_prio_bits=9), "nvic_prio_bits 9 is not 2..8")


def test_oscillator_names_are_known(raw):
    expect(raw, lambda db: part(db, "stm32l011")["clock"]["oscillators"].update(HSI14=14000000), "oscillator 'HSI14' is not one of")


def test_oscillator_needs_frequencies(raw):
    expect(raw, lambda db: part(db, "stm32l432")["clock"]["oscillators"].update(MSI=[]), "needs a frequency in Hz")


def test_systick_reference_divider_is_whole(raw):
    expect(raw, lambda db: part(db, "stm32f103")["clock"].update(systick_ref_div=0), "systick_ref_div must be a whole divider")


def test_backup_domain_bits_must_exist(raw):
    expect(raw, lambda db: part(db, "stm32g071")["backup"]["domain"]["bits"].append("LSEBYPASS"),
           "backup domain LSEBYPASS names no bit or field of RCC.BDCR")


def test_backup_domain_reset_is_one_of_its_bits(raw):
    expect(raw, lambda db: part(db, "stm32l011")["backup"]["domain"].update(reset="RMVF"), "backup domain reset 'RMVF'")


def test_architecture_core_register_bits_are_distinct(raw):
    expect(raw, lambda db: db["architectures"]["ARMv6-M"]["core_registers"]["CONTROL"]["bits"].update(SPSEL=0),
           "bits nPRIV and SPSEL share position 0")


def test_architecture_exception_numbers_are_distinct(raw):
    expect(raw, lambda db: db["architectures"]["ARMv7-M"]["exceptions"].update(PENDSV=15),
           "exceptions PENDSV and SYSTICK are both number 15")


def test_architectures_agree_on_shared_names(raw):
    expect(raw, lambda db: db["architectures"]["ARMv7-M"]["exc_return"].update(THREAD_PSP="0xffffffed"),
           "exc_return.THREAD_PSP is '0xfffffffd' in ARMv6-M but '0xffffffed' in ARMv7-M")


def test_exception_frame_words_are_distinct_word_offsets_inside_the_frame(raw):
    frame = lambda db: db["architectures"]["ARMv6-M"]["exception_frame"]
    expect(raw, lambda db: frame(db).update(LR="0x18"), "exception_frame LR and RETURN_ADDRESS are both at 0x18")
    expect(raw, lambda db: frame(db).update(XPSR="0x1a"), "exception_frame XPSR must be a word offset")
    expect(raw, lambda db: frame(db).update(XPSR="0x20"), "exception_frame XPSR must be a word offset")
    expect(raw, lambda db: frame(db).pop("R12"), "exception_frame: missing key 'R12'")
    expect(raw, lambda db: frame(db).update(PC="0x18"), "exception_frame: unknown key 'PC'")
    expect(raw, lambda db: db["architectures"]["ARMv6-M"].pop("exception_frame"), "missing key 'exception_frame'")


def test_architecture_lockup_pc_is_hex(raw):
    expect(raw, lambda db: db["architectures"]["ARMv6-M"].update(lockup_pc=4294967294), "lockup_pc must be a lower-case hex")


def test_f04x_profile_needs_boot_sel_and_boot0_pin(raw):
    expect(raw, lambda db: part(db, "stm32f042")["boot"]["option_bits"].pop("BOOT_SEL"),
           "profile empty-check-f04x needs boot.option_bits.BOOT_SEL")
    expect(raw, lambda db: part(db, "stm32f042")["boot"].update(boot0_gpio=None),
           "profile empty-check-f04x needs boot.boot0_gpio")


def test_dual_bank_profile_needs_two_banks(raw):
    def one_bank(db):
        flash = part(db, "stm32l073")["flash"]
        flash["banks"] = [{"base": flash["base"], "size": flash["size"]}]
    expect(raw, one_bank, "profile dual-bank needs two flash.banks")


def test_g0_profile_needs_the_empty_flag(raw):
    expect(raw, lambda db: part(db, "stm32g071")["boot"].update(empty_flag=None), "profile g0-empty-flag needs boot.empty_flag")


def test_tar_autoincr_block_is_a_power_of_two_of_at_least_1k(raw):
    expect(raw, lambda db: db["cores"]["cortex-m3"].update(tar_autoincr_block="0x300"), "tar_autoincr_block must be")
    expect(raw, lambda db: db["cores"]["cortex-m0"].update(tar_autoincr_block="0x200"), "tar_autoincr_block must be")


@pytest.mark.parametrize("where, mutate", [
    ("bootloader usart", lambda db: part(db, "stm32l011")["bootloader"]["usarts"][0].update(baud=57600)),
    ("flash bank", lambda db: part(db, "stm32l073")["flash"]["banks"][1].update(bfb2=True)),
    ("bootloader.ram", lambda db: part(db, "stm32l011")["bootloader"]["ram"].update(end="0x20000800")),
    ("backup.domain", lambda db: part(db, "stm32l011")["backup"]["domain"].update(resets="RTCRST")),
], ids=["usart", "bank", "ram", "domain"])
def test_unknown_key_in_nested_objects(raw, where, mutate):
    errs = broken(raw, mutate)
    assert any("unknown key" in e for e in errs), (where, errs)


def test_dev_id_is_twelve_bits(raw):
    expect(raw, lambda db: part(db, "stm32l011").update(dev_id="0x1457"), "dev_id 0x1457 is not a 12-bit DEV_ID")


@pytest.mark.parametrize("mutate", [
    lambda db: part(db, "stm32l011")["peripherals"].update(USART9=1),
    lambda db: part(db, "stm32l011")["bootloader"].update(usarts=["USART2"]),
    lambda db: part(db, "stm32l011")["backup"].update(domain="RCC.CSR"),
    lambda db: db["architectures"]["ARMv6-M"]["exceptions"].update(NMI={}),
    lambda db: db["ip"]["rcc-l0"]["registers"]["CSR"].update(bits=[1, 2]),
    lambda db: db["parts"].append("stm32l011"),
], ids=["peripheral", "usart", "domain", "exception", "bits", "part"])
def test_wrong_shapes_are_reported_not_raised(raw, mutate):
    """A value of the wrong JSON type is an error in the list, never an exception: `make parts`
    then names the problem instead of printing a Python traceback."""
    errs = broken(raw, mutate)
    assert errs, "the broken copy was accepted"


# The rules parts/README.md lists that no test above breaks: one broken copy each.
@pytest.mark.parametrize("mutate, fragment", [
    (lambda db: db["architectures"]["ARMv6-M"]["exceptions"].update(NMI=17), "exception NMI number 17 is not 1..16"),
    (lambda db: part(db, "stm32l011")["flash"].update(page_size=96), "page_size must divide the flash size"),
    (lambda db: part(db, "stm32l011")["flash"].update(erased="0x0000ffff"), "flash erased must be"),
    (lambda db: part(db, "stm32l011")["remap"].update(system_memory="ROM"), "remap system_memory value 'ROM'"),
    (lambda db: part(db, "stm32l011")["remap"].update(field="MEM_MAP"), "remap reference 'SYSCFG.CFGR1.MEM_MAP'"),
    (lambda db: part(db, "stm32l011")["reset_flags"]["flags"].update(cosmic_ray="SFTRSTF"),
     "reset flag name 'cosmic_ray'"),
    (lambda db: part(db, "stm32l011")["reset_flags"]["flags"].update(software="SOFTRSTF"),
     "reset flag reference 'RCC.CSR.SOFTRSTF' names no bit"),
    (lambda db: part(db, "stm32l011")["bootloader"].update(erase="mass"), "bootloader erase must be legacy"),
    (lambda db: part(db, "stm32l011")["bootloader"]["ram"].update(size="0x1000"), "bootloader RAM lies outside SRAM"),
    (lambda db: part(db, "stm32l011")["sram"].update(size="0x0"), "region sram is empty"),
    (lambda db: part(db, "stm32l011")["peripherals"]["GPIOA"]["reset_values"].update(MODR="0x0"),
     "reset value for 'MODR'"),
    (lambda db: part(db, "stm32f042")["option_bytes"].update(rdp_level0="AA"), "rdp_level0 must be"),
    (lambda db: part(db, "stm32l011")["boot"].update(option_register="FLASH.OPTION"), "boot option_register reference"),
    (lambda db: part(db, "stm32g071")["boot"].update(empty_flag="FLASH.ACR.EMPTIED"), "boot empty_flag reference"),
    (lambda db: part(db, "stm32l011")["backup"]["registers"].append("RTC.BKP9R"), "backup reference 'RTC.BKP9R'"),
    (lambda db: part(db, "stm32l011")["backup"]["unlock"].append("PWR.CR.DBQ"), "backup unlock reference"),
    (lambda db: part(db, "stm32l011").pop("peripherals"), "missing key 'peripherals'"),
    (lambda db: part(db, "stm32l011")["peripherals"].pop("DBGMCU"), "no DBGMCU peripheral"),
    (lambda db: part(db, "stm32l011")["sources"].update(bogus="AN2606"), "source given for missing field 'bogus'"),
    (lambda db: part(db, "stm32l011")["uncertain"].update(bogus="why"), "uncertain names missing field 'bogus'"),
    (lambda db: part(db, "stm32l011")["caveats"][0].update(page=3), "caveat: unknown key 'page'"),
    (lambda db: part(db, "stm32l011")["caveats"][0].update(source="hearsay"), "does not start with a document tag"),
    (lambda db: part(db, "stm32l011").update(name="STM32L011"), "names and aliases must be lower case"),
    (lambda db: db["ip"]["rcc-l0"]["registers"]["CFGR"]["fields"]["SW"].update(lsb=31), "outside the register"),
    (lambda db: db["ip"]["rcc-l0"]["registers"]["CSR"]["bits"].update(SFTRSTF=32), "is not 0..31"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_each_remaining_rule_rejects_a_broken_copy(raw, mutate, fragment):
    errs = broken(raw, mutate)
    assert errs, "the broken copy was accepted"
    assert any(fragment in e for e in errs), errs


# Values of the wrong JSON type that the rules above do not read: the generators did, and stopped
# with a Python traceback (`"%d" % "32"`, `int("0xZZ", 16)`) instead of naming the field.
@pytest.mark.parametrize("mutate, fragment", [
    (lambda db: part(db, "stm32l011").update(nvic_irqs="32"), "nvic_irqs must be an integer"),
    (lambda db: part(db, "stm32l011")["peripherals"]["RCC"].update(irq="4"), "peripherals.RCC.irq must be an integer"),
    (lambda db: part(db, "stm32l011")["clock"].update(lsi_hz="37000"), "clock.lsi_hz must be an integer"),
    (lambda db: part(db, "stm32l011")["flash"].update(program_bytes=True), "flash.program_bytes must be an integer"),
    (lambda db: part(db, "stm32l011")["bootloader"]["ram"].update(base="0xZZ"), "bootloader.ram.base must be a lower-case hex"),
    (lambda db: part(db, "stm32l011")["bootloader"]["ram"].update(base=0x20000000), "bootloader.ram.base must be a lower-case hex"),
    (lambda db: part(db, "stm32l011")["flash"]["banks"][0].update(base=0x08000000), "flash.banks[0].base must be a lower-case hex"),
    (lambda db: part(db, "stm32l011")["openocd"].update(dap_id=5), "openocd.dap_id must be a lower-case hex"),
    (lambda db: part(db, "stm32l011")["bootloader"].update(pid=None), "bootloader.pid must be a lower-case hex"),
    (lambda db: part(db, "stm32l011")["bootloader"].update(rw_sram="no"), "bootloader.rw_sram must be true or false"),
    (lambda db: part(db, "stm32l011")["boot"].update(empty_check_at_reset="yes"), "boot.empty_check_at_reset must be true or false"),
    (lambda db: part(db, "stm32l011")["activation"].update(pattern="6"), "activation.pattern must be an integer"),
    (lambda db: part(db, "stm32l011").update(aliases="stm32l021"), "aliases must be a list"),
    (lambda db: part(db, "stm32l011")["caveats"][0].update(quote=""), "caveats[0].quote must be a non-empty string"),
    (lambda db: part(db, "stm32l011").update(designator=None), "designator must be a non-empty string"),
    (lambda db: part(db, "stm32l011")["backup"].update(width=7), "backup.width must be 16 or 32"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_wrong_value_types_are_named(raw, mutate, fragment):
    errs = broken(raw, mutate)
    assert any(fragment in e for e in errs), errs


def test_register_block_needs_registers(raw):
    """parts/gen.py sizes each block's register table from its registers: an empty block stopped it
    with a Python traceback."""
    expect(raw, lambda db: db["ip"]["usart-v2"].update(registers={}), "ip usart-v2: registers must be a non-empty object")


def test_document_descriptions_are_text(raw):
    expect(raw, lambda db: db["sources"].update(AN2606=70), "sources AN2606: must describe the document")


def test_gen_uses_the_validator_reset_causes():
    """The reset-flag names are declared once: the validator's list is the generators' enum order."""
    from parts import gen, validate
    assert gen.RESET_CAUSES is validate.RESET_CAUSES
    assert validate.RESET_FLAG_NAMES == set(validate.RESET_CAUSES)
