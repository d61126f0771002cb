"""Where an address is, in the words a report uses, from the part database (parts/stm32.json)."""

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
    """(class, tier) of a load address."""
    return _CLASSES[part.region_of(addr)]


def register_name(part, addr):
    """"RCC.CR" for a peripheral register the database knows, else None."""
    found = part.peripheral_of(addr)
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
