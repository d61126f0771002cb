"""Where an address is, in the words a report uses, from the part database (parts/stm32.json)."""
import parts

USER_FLASH = ("flash", "flash-alias")

# What a load's region says about the value: user flash, option bytes and data EEPROM are what the
# user controls and what AN2606's activation patterns test (tier 1); peripheral registers and RAM
# are inputs too (pins, reset flags, clocks: tier 2); the ROM's own bytes are constants (tier 0).
_CLASSES = {
    "flash": ("user flash", 1), "flash-alias": ("user flash (alias at 0)", 1),
    "option_bytes": ("option bytes", 1), "eeprom": ("data EEPROM", 1),
    "peripheral": ("peripheral", 2), "core-peripheral": ("core peripheral", 2),
    "sram": ("SRAM", 2), "unmapped": ("unmapped", 2), "system_memory": ("ROM constant", 0),
}


def classify(part, addr):
    """(class, tier) of a load address. The peripheral registers through which the ROM reads the
    boot configuration AN2606's activation patterns test are tier 1 like user flash."""
    region = part.region_of(addr)
    if region == "peripheral" and addr & ~3 in boot_inputs(part):
        return _CLASSES[region][0], 1
    return _CLASSES[region]


_boot_inputs = {}


def boot_inputs(part):
    """Addresses of the registers that hold the boot configuration besides user flash (the part
    database's `boot`): the option bytes as loaded at reset (option_register, e.g. FLASH_OBR with
    BOOT_SEL), the empty flag's register (empty_flag, the G0's FLASH_ACR) and the input register of
    the BOOT0 pin (boot0_gpio, GPIOx_IDR)."""
    found = _boot_inputs.get(part.name)
    if found is None:
        boot = part.raw["boot"]
        names = [boot.get("option_register"), boot.get("empty_flag") and boot["empty_flag"].rsplit(".", 1)[0],
                 boot.get("boot0_gpio") and "GPIO%s.IDR" % boot["boot0_gpio"][1]]    # "PB8": port B
        found = set()
        for name in filter(None, names):
            try:
                found.add(part.reg_addr(name))
            except KeyError:
                pass        # a register the database does not place: stays a peripheral input
        _boot_inputs[part.name] = found
    return found


def register_name(part, addr):
    """"RCC.CR" for a peripheral register the database knows, "SCB.AIRCR" for one of the core's
    own, else None."""
    found = part.peripheral_of(addr) or parts.load().core_register_of(addr, part.core)
    return "%s.%s" % found if found else None


def describe(part, addr):
    """The class of an address, with the register's name when it is a known peripheral register."""
    name = register_name(part, addr)
    kind = classify(part, addr)[0]
    return "%s %s" % (kind, name) if name else kind


def lane(part, pc, ipsr):
    """Timeline lane of a PC: exception (IPSR != 0), user flash, ROM, SRAM or other."""
    if ipsr:
        return "exception"
    region = part.region_of(pc)
    if region in USER_FLASH:
        return "user flash"
    return {"system_memory": "ROM", "sram": "SRAM"}.get(region, "other")
