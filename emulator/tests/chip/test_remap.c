/* SYSCFG remap changes what address 0 reads (fw/remap.c), with a system-memory image whose
 * words are known. */
#include "harness.h"

#define ROM_PATTERN 0x5a000000u

EMUTEST(syscfg_remap)
{
	const struct bj_part *p = t->part;
	if (!p->remap.reg) {
		emutest_skip(t, "the part has no memory remap register (boot pins only)");
		return;
	}
	struct fw_options o = {.rom = fw_rom_pattern(t, ROM_PATTERN)};
	if (!o.rom)
		return;
	struct chip *chip = fw_start(t, "remap", &o);
	if (!chip)
		return;
	fw_run(chip, 1000000);
	CHECK_EQ(fw_word(chip, FW_OFF(done)), FW_DONE, "the scenario completed");
	uint32_t flash0 = mem_word(chip, p->flash.base);
	CHECK_EQ(fw_value(chip, 0), flash0, "booted from flash: 0 reads the flash");
	CHECK_EQ(fw_value(chip, 1), p->remap_main_flash, "MEM_MODE after reset shows the boot choice");
	CHECK_EQ(fw_value(chip, 2), ROM_PATTERN, "after the remap: 0 reads system memory");
	CHECK_EQ(fw_value(chip, 3), ROM_PATTERN + 1, "after the remap: 4 reads system memory");
	CHECK_EQ(fw_value(chip, 4), flash0, "remapped back: 0 reads the flash");
	chip_destroy(chip);
}

EMUTEST(boot_alias_follows_boot0)
{
	const struct bj_part *p = t->part;
	struct fw_options o = {.rom = fw_rom_pattern(t, ROM_PATTERN), .boot0 = 1};
	if (!o.rom)
		return;
	char path[512], err[256];
	snprintf(path, sizeof(path), "%s/%s/remap.elf", harness_fw_dir, p->name);
	struct chip_config cfg = {.part = p, .flash_path = path, .rom_path = o.rom, .boot0 = 1, .halt_at_reset = true};
	if (p->opt_nboot_sel.reg) /* G0: nBOOT_SEL=1 (factory) takes BOOT0 from nBOOT0, not the pin */
		cfg.options[cfg.n_options++] = (struct chip_option){"nBOOT_SEL", 0};
	struct chip *chip = chip_create(&cfg, err, sizeof(err));
	if (!chip) {
		CHECK(false, "chip_create: %s", err);
		return;
	}
	/* BOOT0=1 (nBOOT1=1 by default) boots system memory: address 0 and the vectors are the ROM's. */
	CHECK_EQ(mem_word(chip, 0), ROM_PATTERN, "BOOT0=1: 0 reads system memory");
	CHECK_EQ(chip_reg_read(chip, CHIP_PC), (ROM_PATTERN + 1) & ~1u, "BOOT0=1: PC from the ROM's reset vector");
	chip_set_boot0(chip, 0);
	chip_reset(chip, CHIP_RESET_SYSTEM, true);
	CHECK_EQ(mem_word(chip, 0), mem_word(chip, p->flash.base), "BOOT0=0 after a reset: 0 reads the flash");
	chip_destroy(chip);
}
