"""Generate code from the part database; nothing generated is ever edited or committed.

    python3 -m parts.gen c-table  OUT.h          all parts, for host code (emulator, tools)
    python3 -m parts.gen part-h   PART OUT.h     one part's registers as flat macros, for firmware
    python3 -m parts.gen linker   PART OUT.ld    one part's MEMORY block
    python3 -m parts.gen tcl      OUT.tcl        parts as OpenOCD TCL dicts
    python3 -m parts.gen mk       OUT.mk         make variables (part list, cores)

Every output starts with a banner naming parts/stm32.json as its source.
"""
import sys

from . import load, num, PartError

BANNER = "Generated from parts/stm32.json by parts/gen.py; do not edit."
CORE_ENUM = {"cortex-m0": "BJ_CORE_M0", "cortex-m0plus": "BJ_CORE_M0PLUS",
             "cortex-m3": "BJ_CORE_M3", "cortex-m4": "BJ_CORE_M4"}
ARCH_ENUM = {"ARMv6-M": "BJ_ARCH_V6M", "ARMv7-M": "BJ_ARCH_V7M"}
# -mcpu for arm-none-eabi-gcc per core.
CORE_MCPU = {"cortex-m0": "cortex-m0", "cortex-m0plus": "cortex-m0plus",
             "cortex-m3": "cortex-m3", "cortex-m4": "cortex-m4"}
# Option bits the emulator's boot logic understands and the reset causes: one list each, in
# parts/validate.py, which rejects any other key of boot.option_bits or reset_flags.flags.
from .validate import OPTION_BITS, RESET_CAUSES  # noqa: E402


def ident(text):
    return "".join(c if c.isalnum() else "_" for c in text).upper()


def hexu(v):
    return "0x%08xu" % v


# --------------------------------------------------------------------------- C: IP blocks

def ip_macros(ipname, ip, prefix):
    """Offsets, reset values, bits, fields and keys of one IP block as macros."""
    out = ["/* %s: %s */" % (ipname, ip["source"])]
    for reg, d in ip["registers"].items():
        out += reg_macros("%s_%s" % (prefix, reg), d)
    return out


def reg_macros(r, d, block=True):
    """One register's offset (if it has one), bits, fields and keys, and with block its count and
    reset value (what may differ between the blocks of one name on different cores)."""
    out = ["#define %s_OFFSET 0x%02xu" % (r, num(d["offset"]))] if "offset" in d else []
    if "count" in d:
        if block:
            out.append("#define %s_COUNT %du" % (r, d["count"]))
        out.append("#define %s_STRIDE %du" % (r, d.get("stride", 4)))
    if block:
        out.append("#define %s_RESET %s" % (r, hexu(num(d["reset"]))))
    for bit, pos in d.get("bits", {}).items():
        out.append("#define %s_%s (1u << %d)" % (r, bit, pos))
    for fname, f in d.get("fields", {}).items():
        out.append("#define %s_%s_SHIFT %du" % (r, fname, f["lsb"]))
        out.append("#define %s_%s_MASK 0x%xu" % (r, fname, (1 << f["width"]) - 1))
        for vname, v in f.get("values", {}).items():
            out.append("#define %s_%s_%s %du" % (r, fname, vname, v))
    for kname, k in d.get("keys", {}).items():
        out.append("#define %s_%s %s" % (r, kname, hexu(num(k))))
    return out


def reg_bits(d):
    """Every bit the register's bits and fields cover."""
    m = 0
    for pos in d.get("bits", {}).values():
        m |= 1 << pos
    for f in d.get("fields", {}).values():
        m |= ((1 << f["width"]) - 1) << f["lsb"]
    return m


def reg_span(d):
    return num(d["offset"]) + d.get("stride", 4) * (d.get("count", 1) - 1) + 4


def ip_tables(db):
    """Per IP block a register table for the emulator and its access log: name, offset, reset,
    the array shape (count registers, stride bytes apart) and the bits the database names."""
    out = ["struct bj_ip_reg {", "\tconst char *name;", "\tuint32_t offset;", "\tuint32_t reset;",
           "\tunsigned count;", "\tunsigned stride;", "\tuint32_t bits;", "};", "",
           "struct bj_ip {", "\tconst char *name;", "\tconst struct bj_ip_reg *regs;", "\tunsigned n_regs;",
           "\tuint32_t span;", "};", ""]
    out.append("enum bj_ip_id {")
    for name in db.ip:
        out.append("\tBJ_IP_%s," % ident(name))
    out.append("\tBJ_IP_COUNT")
    out.append("};")
    out.append("")
    for name, ip in db.ip.items():
        out.append("static const struct bj_ip_reg bj_ip_%s_regs[] = {" % ident(name).lower())
        for reg, d in ip["registers"].items():
            out.append('\t{"%s", 0x%02xu, %s, %d, %d, %s},' % (reg, num(d["offset"]), hexu(num(d["reset"])),
                                                                d.get("count", 1), d.get("stride", 4), hexu(reg_bits(d))))
        out.append("};")
    out.append("")
    out.append("static const struct bj_ip bj_ips[BJ_IP_COUNT] = {")
    for name, ip in db.ip.items():
        lo = ident(name).lower()
        span = max(reg_span(d) for d in ip["registers"].values())
        out.append('\t[BJ_IP_%s] = {"%s", bj_ip_%s_regs, %d, 0x%xu},' % (ident(name), name, lo, len(ip["registers"]), span))
    out.append("};")
    return out


# --------------------------------------------------------------------------- C: the cores

def core_macros(db):
    """BJ_CORE_<block>_<REG>...: every register, bit, field and value that any core's block of that
    name (SCB, DCB, FP ...) has. The validator makes the blocks of one name agree wherever two of them
    name the same thing, so one definition serves every core; which registers a core really has is
    its block's register table in bj_cores."""
    merged = {}
    for core in db.raw["cores"].values():
        for inst, per in core["peripherals"].items():
            for reg, d in db.ip[per["ip"]]["registers"].items():
                m = merged.setdefault(inst, {}).setdefault(reg, {"offset": d["offset"], "bits": {}, "fields": {}, "keys": {}})
                if "count" in d:
                    m["count"], m["stride"] = d["count"], d.get("stride", 4)
                m["bits"].update(d.get("bits", {}))
                m["keys"].update(d.get("keys", {}))
                for fname, f in d.get("fields", {}).items():
                    mf = m["fields"].setdefault(fname, {"lsb": f["lsb"], "width": f["width"], "values": {}})
                    mf["values"].update(f.get("values", {}))
    out = ["/* The cores' own blocks by name, whatever the core (parts/stm32.json cores). */"]
    for inst, regs in merged.items():
        for reg, d in regs.items():
            out += reg_macros("BJ_CORE_%s_%s" % (ident(inst), reg), d, block=False)
    return out


def arch_macros(archs):
    """BJ_ARCH_...: the core registers' bits and fields, exception numbers, EXC_RETURN values, the
    exception frame's word offsets, the reset LR and the lockup PC that any of `archs` names (the
    validator makes architectures agree, so the macros of one are a subset of those of all)."""
    regs, excs, returns, frame, once = {}, {}, {}, {}, {}
    for arch in archs:
        for reg, d in arch["core_registers"].items():
            m = regs.setdefault(reg, {"bits": {}, "fields": {}})
            m["bits"].update(d.get("bits", {}))
            m["fields"].update(d.get("fields", {}))
        excs.update(arch["exceptions"])
        returns.update(arch["exc_return"])
        frame.update(arch["exception_frame"])
        once.update(reset_lr=arch["reset_lr"], lockup_pc=arch["lockup_pc"])
    out = ["/* The architectures' core registers and exception model (parts/stm32.json architectures). */"]
    for reg, d in regs.items():
        out += reg_macros("BJ_ARCH_%s" % ident(reg), d, block=False)
    out += ["#define BJ_ARCH_EXC_%s %du" % (ident(name), n) for name, n in sorted(excs.items(), key=lambda x: x[1])]
    out += ["#define BJ_ARCH_EXC_RETURN_%s %s" % (ident(name), hexu(num(v))) for name, v in returns.items()]
    out += ["#define BJ_ARCH_FRAME_%s %du" % (ident(name), num(v)) for name, v in sorted(frame.items(), key=lambda x: num(x[1]))]
    out += ["#define BJ_ARCH_%s %s" % (ident(name), hexu(num(v))) for name, v in once.items()]
    return out


def core_table(db):
    """Per core: its architecture, its blocks at their addresses, the architecture's address map."""
    out = []
    for name, core in db.raw["cores"].items():
        lo = ident(name).lower()
        out.append("static const struct bj_periph bj_%s_blocks[] = {" % lo)
        for inst, per in core["peripherals"].items():
            out.append('\t{"%s", BJ_IP_%s, %s, -1, {0, 0}, {0, 0}, NULL, 0},' % (inst, ident(per["ip"]), hexu(num(per["base"]))))
        out.append("};")
    out.append("static const struct bj_core_desc bj_cores[] = {")
    for name, core in db.raw["cores"].items():
        regions = db.raw["architectures"][core["architecture"]]["regions"]
        out.append('\t[%s] = {"%s", %s, bj_%s_blocks, %d, %s, %s, %s, 0x%xu},' % (
            CORE_ENUM[name], name, ARCH_ENUM[core["architecture"]], ident(name).lower(), len(core["peripherals"]),
            *("{%s, 0x%xu}" % (hexu(num(regions[r]["base"])), num(regions[r]["size"])) for r in ("code", "peripheral", "ppb")),
            num(core["tar_autoincr_block"])))
    out.append("};")
    return out


# --------------------------------------------------------------------------- C: part table

C_TYPES = """\
enum bj_core { BJ_CORE_M0, BJ_CORE_M0PLUS, BJ_CORE_M3, BJ_CORE_M4 };

/* ROM activation profiles (parts/validate.py PROFILES; emulator/rom/README.md explains each). */
enum bj_profile {
%(profiles)s
};

/* Reset causes by meaning; bj_part.reset_flag[] gives the part's RCC flag mask for each (0 = none). */
enum bj_reset_cause {
%(causes)s
\tBJ_RESET_CAUSE_COUNT
};

struct bj_region {
\tuint32_t base;
\tuint32_t size;
};

/* One bit of one register, by absolute address; reg == 0 means the part has no such bit. */
struct bj_bitref {
\tuint32_t reg;
\tuint32_t mask;
};

struct bj_reg_value {
\tuint32_t offset;
\tuint32_t value;
};

struct bj_periph {
\tconst char *name;
\tenum bj_ip_id ip;
\tuint32_t base;
\tint irq; /* -1: none */
\tstruct bj_bitref enable;
\tstruct bj_bitref reset;
\tconst struct bj_reg_value *reset_values; /* per-instance reset values that differ from the IP's */
\tunsigned n_reset_values;
};

enum bj_arch { BJ_ARCH_V6M, BJ_ARCH_V7M };

/* A core: its memory-mapped blocks (name, IP, base; no IRQ, clock or reset bits) and the
 * regions of its architecture's address map the emulator needs. */
struct bj_core_desc {
\tconst char *name;
\tenum bj_arch arch;
\tconst struct bj_periph *blocks;
\tunsigned n_blocks;
\tstruct bj_region code;       /* the Code region */
\tstruct bj_region peripheral; /* the Peripheral region */
\tstruct bj_region ppb;        /* the Private Peripheral Bus */
\tuint32_t tar_autoincr_block; /* how far the debug port's MEM-AP auto-increments TAR before it wraps */
};

/* An oscillator's frequency, or one per range setting (MSIRANGE) where it has ranges. */
struct bj_osc {
\tconst char *name;
\tconst uint32_t *hz;
\tunsigned n_hz;
};

struct bj_usart_pins {
\tconst char *periph;
\tconst char *tx;
\tconst char *rx;
\tuint8_t af;
};

/* A register field, by absolute address; reg == 0 means none. */
struct bj_fieldref {
\tuint32_t reg;
\tuint8_t lsb;
\tuint8_t width;
};

struct bj_part {
\tconst char *name;
\tconst char *designator;
\tconst char *family;
\tconst char *const *aliases; /* NULL-terminated */
\tuint16_t dev_id;
\tuint16_t rev_id;
\tenum bj_core core;
\tuint32_t cpuid;
\tunsigned nvic_irqs;
\tunsigned nvic_prio_bits; /* implemented bits of each interrupt priority */
\tstruct bj_region flash;
\tuint32_t page_size;
\tuint32_t program_bytes;
\tuint32_t flash_erased; /* what an erased flash word reads */
\tconst struct bj_region *banks;
\tunsigned n_banks;
\tconst uint32_t *sector_sizes; /* non-uniform erase units in address order (F4); NULL: pages */
\tunsigned n_sectors;
\tstruct bj_region sram;
\tstruct bj_region eeprom; /* size 0: none */
\tstruct bj_region system_memory;
\tstruct bj_region option_bytes;
\tuint8_t ob_rdp_level0; /* F0/F1 style option bytes: the RDP byte of level 0 and of level 2 (0: none) */
\tuint8_t ob_rdp_level2;
\tuint32_t flash_size_register;
\tuint32_t unique_id;
\tconst struct bj_periph *periphs;
\tunsigned n_periphs;
\tconst char *reset_clock;
\tuint32_t reset_hz;
\tuint32_t lsi_hz;
\tconst struct bj_osc *oscs;
\tunsigned n_oscs;
\tunsigned systick_ref_div; /* SysTick's external reference is HCLK / this */
\tconst uint32_t *backup_regs;
\tunsigned n_backup_regs;
\tunsigned backup_width;
\tconst struct bj_bitref *backup_unlock;
\tunsigned n_backup_unlock;
\tuint32_t backup_domain_reg;   /* the RCC register whose backup-domain bits only a power-on resets, */
\tuint32_t backup_domain_mask;  /* those bits, */
\tuint32_t backup_domain_reset; /* and the bit that resets the domain (BDRST, RTCRST) */
\tuint32_t reset_flags_reg;
\tuint32_t reset_flags_clear;
\tuint32_t reset_flag[BJ_RESET_CAUSE_COUNT];
\tstruct bj_fieldref remap;
\tuint8_t remap_system_memory;
\tuint8_t remap_main_flash;
\tconst char *boot0_pin;
\tconst char *boot0_gpio; /* NULL: BOOT0 is a dedicated pin the CPU cannot read */
\tuint32_t option_register;
%(option_bits)s
\tbool empty_check_at_reset;
\tstruct bj_bitref empty_flag;
\tbool has_bootloader_id; /* false: AN2606 gives this part no ID byte; id and address are 0 */
\tuint8_t bootloader_id;
\tuint32_t bootloader_id_address;
\tuint16_t bootloader_pid;
\tuint8_t bootloader_version;
\tconst struct bj_usart_pins *bootloader_usarts;
\tunsigned n_bootloader_usarts;
\tstruct bj_region bootloader_ram;
\tbool bootloader_extended_erase;
\tbool bootloader_rw_sram;
\tenum bj_profile profile;
\tunsigned pattern;
\tconst char *openocd_target;
\tconst char *openocd_flash_driver;
\tuint32_t dap_id;
\tuint32_t ap_idr;
};
"""


def bitref(part, path):
    if not path:
        return "{0, 0}"
    return "{%s, %s}" % (hexu(part.reg_addr(path)), hexu(part.bit(path)))


def domain_mask(db, p, domain):
    """The bits and fields of the backup-domain register that belong to the domain."""
    per, reg = domain["register"].split(".")
    desc = db.ip[p.raw["peripherals"][per]["ip"]]["registers"][reg]
    return reg_bits({"bits": {n: v for n, v in desc.get("bits", {}).items() if n in domain["bits"]},
                     "fields": {n: f for n, f in desc.get("fields", {}).items() if n in domain["bits"]}})


def c_part(db, p):
    r = p.raw
    lo = ident(p.name).lower()
    pre = []
    body = []
    pre.append("static const char *const bj_%s_aliases[] = {%s, NULL};"
               % (lo, ", ".join('"%s"' % a for a in p.aliases)))
    pre.append("static const struct bj_region bj_%s_banks[] = {%s};"
               % (lo, ", ".join("{%s, 0x%xu}" % (hexu(b.base), b.size) for b in p.banks)))
    if p.sectors:
        pre.append("static const uint32_t bj_%s_sectors[] = {%s};"
                   % (lo, ", ".join("0x%xu" % x.size for x in p.sectors)))
    periph_lines = []
    for name, per in r["peripherals"].items():
        rv = per.get("reset_values", {})
        rv_name = "NULL"
        if rv:
            rv_name = "bj_%s_%s_reset_values" % (lo, name.lower())
            regs = db.ip[per["ip"]]["registers"]
            pre.append("static const struct bj_reg_value %s[] = {%s};" % (
                rv_name, ", ".join("{0x%02xu, %s}" % (num(regs[k]["offset"]), hexu(num(v))) for k, v in rv.items())))
        periph_lines.append('\t{"%s", BJ_IP_%s, %s, %d, %s, %s, %s, %d},' % (
            name, ident(per["ip"]), hexu(num(per["base"])), per.get("irq", -1),
            bitref(p, per.get("enable")), bitref(p, per.get("reset")), rv_name, len(rv)))
    pre.append("static const struct bj_periph bj_%s_periphs[] = {" % lo)
    pre += periph_lines
    pre.append("};")
    backup = r["backup"]
    pre.append("static const uint32_t bj_%s_backup[] = {%s};"
               % (lo, ", ".join(hexu(p.reg_addr(x)) for x in backup["registers"]) or "0"))
    pre.append("static const struct bj_bitref bj_%s_backup_unlock[] = {%s};"
               % (lo, ", ".join(bitref(p, x) for x in backup["unlock"]) or "{0, 0}"))
    bl = r["bootloader"]
    pre.append("static const struct bj_usart_pins bj_%s_bl_usarts[] = {%s};" % (lo, ", ".join(
        '{"%s", "%s", "%s", %d}' % (u["periph"], u["tx"], u["rx"], u["af"]) for u in bl["usarts"])))
    oscs = r["clock"]["oscillators"]
    for name, hz in oscs.items():
        pre.append("static const uint32_t bj_%s_osc_%s[] = {%s};" % (
            lo, name.lower(), ", ".join("%du" % x for x in (hz if isinstance(hz, list) else [hz]))))
    pre.append("static const struct bj_osc bj_%s_oscs[] = {%s};" % (lo, ", ".join(
        '{"%s", bj_%s_osc_%s, %d}' % (name, lo, name.lower(), len(hz) if isinstance(hz, list) else 1)
        for name, hz in oscs.items())))
    rf = r["reset_flags"]
    flags = {v: k for k, v in rf["flags"].items()}
    reset_flag = ", ".join(
        "[BJ_RESET_%s] = %s" % (ident(c), hexu(p.bit("%s.%s" % (rf["register"], rf["flags"][c]))))
        for c in RESET_CAUSES if c in rf["flags"])
    del flags
    remap = r["remap"]
    if remap:
        lsb, width, values = p.field("%s.%s" % (remap["register"], remap["field"]))
        remap_c = "{%s, %d, %d}" % (hexu(p.reg_addr(remap["register"])), lsb, width)
        remap_sys, remap_main = values[remap["system_memory"]], values[remap["main_flash"]]
    else:
        remap_c, remap_sys, remap_main = "{0, 0, 0}", 0, 0
    boot = r["boot"]
    eeprom = r.get("eeprom")
    f = [
        '.name = "%s"' % p.name, '.designator = "%s"' % p.designator, '.family = "%s"' % p.family,
        ".aliases = bj_%s_aliases" % lo, ".dev_id = 0x%03xu" % p.dev_id, ".rev_id = 0x%04xu" % p.rev_id,
        ".core = %s" % CORE_ENUM[p.core], ".cpuid = %s" % hexu(num(r["cpuid"])), ".nvic_irqs = %d" % r["nvic_irqs"],
        ".nvic_prio_bits = %d" % r["nvic_prio_bits"],
        ".flash = {%s, 0x%xu}" % (hexu(p.flash.base), p.flash.size),
        ".page_size = %d" % r["flash"]["page_size"], ".program_bytes = %d" % r["flash"]["program_bytes"],
        ".flash_erased = %s" % hexu(num(r["flash"]["erased"])),
        ".banks = bj_%s_banks" % lo, ".n_banks = %d" % len(p.banks),
        ".sector_sizes = %s" % ("bj_%s_sectors" % lo if p.sectors else "NULL"), ".n_sectors = %d" % len(p.sectors),
        ".sram = {%s, 0x%xu}" % (hexu(p.sram.base), p.sram.size),
        ".eeprom = {%s, 0x%xu}" % ((hexu(num(eeprom["base"])), num(eeprom["size"])) if eeprom else ("0", 0)),
        ".system_memory = {%s, 0x%xu}" % (hexu(p.system_memory.base), p.system_memory.size),
        ".option_bytes = {%s, 0x%xu}" % (hexu(p.option_bytes.base), p.option_bytes.size),
        ".ob_rdp_level0 = 0x%02xu" % num(r["option_bytes"].get("rdp_level0", "0x0")),
        ".ob_rdp_level2 = 0x%02xu" % num(r["option_bytes"].get("rdp_level2", "0x0")),
        ".flash_size_register = %s" % hexu(num(r["flash_size_register"])),
        ".unique_id = %s" % hexu(num(r["unique_id"])),
        ".periphs = bj_%s_periphs" % lo, ".n_periphs = %d" % len(r["peripherals"]),
        '.reset_clock = "%s"' % r["clock"]["reset_source"], ".reset_hz = %du" % r["clock"]["reset_hz"],
        ".lsi_hz = %du" % r["clock"]["lsi_hz"],
        ".oscs = bj_%s_oscs" % lo, ".n_oscs = %d" % len(oscs), ".systick_ref_div = %d" % r["clock"]["systick_ref_div"],
        ".backup_regs = bj_%s_backup" % lo, ".n_backup_regs = %d" % len(backup["registers"]),
        ".backup_width = %d" % backup["width"],
        ".backup_unlock = bj_%s_backup_unlock" % lo, ".n_backup_unlock = %d" % len(backup["unlock"]),
        ".backup_domain_reg = %s" % hexu(p.reg_addr(backup["domain"]["register"])),
        ".backup_domain_mask = %s" % hexu(domain_mask(db, p, backup["domain"])),
        ".backup_domain_reset = %s" % hexu(p.bit("%s.%s" % (backup["domain"]["register"], backup["domain"]["reset"]))),
        ".reset_flags_reg = %s" % hexu(p.reg_addr(rf["register"])),
        ".reset_flags_clear = %s" % hexu(p.bit("%s.%s" % (rf["register"], rf["clear"]))),
        ".reset_flag = {%s}" % reset_flag,
        ".remap = %s" % remap_c, ".remap_system_memory = %d" % remap_sys, ".remap_main_flash = %d" % remap_main,
        '.boot0_pin = "%s"' % boot["boot0"],
        ".boot0_gpio = %s" % ('"%s"' % boot["boot0_gpio"] if boot["boot0_gpio"] else "NULL"),
        ".option_register = %s" % (hexu(p.reg_addr(boot["option_register"])) if boot["option_register"] else "0"),
    ]
    for bit in OPTION_BITS:
        name = boot["option_bits"].get(bit)
        f.append(".opt_%s = %s" % (bit.lower(), bitref(p, "%s.%s" % (boot["option_register"], name)) if name else "{0, 0}"))
    f += [
        ".empty_check_at_reset = %s" % ("true" if boot["empty_check_at_reset"] else "false"),
        ".empty_flag = %s" % bitref(p, boot["empty_flag"]),
        ".has_bootloader_id = %s" % ("false" if p.bootloader_id is None else "true"),
        ".bootloader_id = 0x%02xu" % (p.bootloader_id or 0),
        ".bootloader_id_address = %s" % hexu(p.bootloader_id_address or 0),
        ".bootloader_pid = 0x%03xu" % num(bl["pid"]), ".bootloader_version = 0x%02xu" % num(bl["version"]),
        ".bootloader_usarts = bj_%s_bl_usarts" % lo, ".n_bootloader_usarts = %d" % len(bl["usarts"]),
        ".bootloader_ram = {%s, 0x%xu}" % (hexu(num(bl["ram"]["base"])), num(bl["ram"]["size"])),
        ".bootloader_extended_erase = %s" % ("true" if bl["erase"] == "extended" else "false"),
        ".bootloader_rw_sram = %s" % ("true" if bl["rw_sram"] else "false"),
        ".profile = BJ_PROFILE_%s" % ident(p.profile), ".pattern = %d" % r["activation"]["pattern"],
        '.openocd_target = "%s"' % r["openocd"]["target"], '.openocd_flash_driver = "%s"' % r["openocd"]["flash_driver"],
        ".dap_id = %s" % hexu(num(r["openocd"]["dap_id"])), ".ap_idr = %s" % hexu(num(r["openocd"]["ap_idr"])),
    ]
    body = ["\t{"] + ["\t\t%s," % x for x in f] + ["\t},"]
    return pre, body


def c_table(db):
    from .validate import PROFILES
    out = ["/* %s */" % BANNER, "#ifndef BJ_PARTS_H", "#define BJ_PARTS_H", "",
           "#include <stdbool.h>", "#include <stddef.h>", "#include <stdint.h>", ""]
    for name, ip in db.ip.items():
        out += ip_macros(name, ip, "BJ_" + ident(name))
        out.append("")
    out += ip_tables(db)
    out.append("")
    out += core_macros(db)
    out.append("")
    out += arch_macros(db.raw["architectures"].values())
    out.append("")
    out.append(C_TYPES % {
        "profiles": "\n".join("\tBJ_PROFILE_%s," % ident(x) for x in sorted(PROFILES)),
        "causes": "\n".join("\tBJ_RESET_%s," % ident(c) for c in RESET_CAUSES),
        "option_bits": "\n".join("\tstruct bj_bitref opt_%s;" % b.lower() for b in OPTION_BITS),
    })
    out += core_table(db)
    out.append("")
    pres, bodies = [], []
    for p in db.parts:
        pre, body = c_part(db, p)
        pres += pre
        bodies += body
    out += pres
    out.append("")
    out.append("static const struct bj_part bj_parts[] = {")
    out += bodies
    out.append("};")
    out.append("#define BJ_N_PARTS %d" % len(db.parts))
    out += ["", "#endif"]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- C: one part, flat

def part_header(db, p):
    r = p.raw
    out = ["/* %s */" % BANNER, "/* %s (%s): every register as the reference manual names it. */" % (p.designator, p.name),
           "#ifndef BJ_PART_H", "#define BJ_PART_H", "", "#include <stdint.h>", "",
           "#define MMIO32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))", "",
           '#define BJ_PART_NAME "%s"' % p.name, '#define BJ_PART_DESIGNATOR "%s"' % p.designator,
           "#define BJ_DEV_ID 0x%03xu" % p.dev_id, "#define BJ_PART_CORE_%s 1" % ident(p.core),
           "#define BJ_PART_PROFILE_%s 1" % ident(p.profile), "#define BJ_NVIC_IRQS %du" % r["nvic_irqs"],
           "#define BJ_NVIC_PRIO_BITS %du" % r["nvic_prio_bits"],
           "#define BJ_FLASH_BASE %s" % hexu(p.flash.base), "#define BJ_FLASH_SIZE 0x%xu" % p.flash.size,
           "#define BJ_FLASH_PAGE_SIZE %du" % r["flash"]["page_size"],
           "#define BJ_FLASH_PROGRAM_BYTES %du" % r["flash"]["program_bytes"],
           "#define BJ_FLASH_ERASED %s" % hexu(num(r["flash"]["erased"])),
           "#define BJ_FLASH_BANKS %du" % len(p.banks)]
    if p.sectors:
        # Non-uniform erase units (sector n at BJ_FLASH_BASE + the sizes before it).
        out.append("#define BJ_FLASH_SECTORS %du" % len(p.sectors))
        out.append("#define BJ_FLASH_SECTOR_SIZES {%s}" % ", ".join("0x%xu" % x.size for x in p.sectors))
    for i, b in enumerate(p.banks):
        out.append("#define BJ_FLASH_BANK%d_BASE %s" % (i + 1, hexu(b.base)))
    out += ["#define BJ_SRAM_BASE %s" % hexu(p.sram.base), "#define BJ_SRAM_SIZE 0x%xu" % p.sram.size,
            "#define BJ_SYSMEM_BASE %s" % hexu(p.system_memory.base),
            "#define BJ_SYSMEM_SIZE 0x%xu" % p.system_memory.size,
            "#define BJ_OPTION_BYTES_BASE %s" % hexu(p.option_bytes.base),
            "#define BJ_OPTION_BYTES_SIZE 0x%xu" % p.option_bytes.size]
    # Option byte i with its complement in the half-word at base + 2 * i (F0, F1).
    for i, name in enumerate(r["option_bytes"].get("bytes", [])):
        out.append("#define BJ_OB_%s_ADDR %s" % (ident(name), hexu(p.option_bytes.base + 2 * i)))
    for key in ("rdp_level0", "rdp_level2"):
        if key in r["option_bytes"]:
            out.append("#define BJ_OB_%s 0x%02xu" % (ident(key), num(r["option_bytes"][key])))
    out += [
            # BJ_BOOTLOADER_ID and _ADDR exist only where AN2606 gives the part an ID byte.
            "#define BJ_HAS_BOOTLOADER_ID %d" % (p.bootloader_id is not None)]
    if p.bootloader_id is not None:
        out += ["#define BJ_BOOTLOADER_ID 0x%02xu" % p.bootloader_id,
                "#define BJ_BOOTLOADER_ID_ADDR %s" % hexu(p.bootloader_id_address)]
    out += ["#define BJ_BOOTLOADER_PID 0x%03xu" % num(r["bootloader"]["pid"]),
            "#define BJ_BOOTLOADER_VERSION 0x%02xu" % num(r["bootloader"]["version"]),
            "#define BJ_BOOTLOADER_EXTENDED_ERASE %d" % (r["bootloader"]["erase"] == "extended"),
            "#define BJ_BOOTLOADER_RW_SRAM %d" % bool(r["bootloader"]["rw_sram"]),
            "#define BJ_BOOTLOADER_RAM_BASE %s" % hexu(num(r["bootloader"]["ram"]["base"])),
            "#define BJ_BOOTLOADER_RAM_SIZE 0x%xu" % num(r["bootloader"]["ram"]["size"]),
            "#define BJ_RESET_HZ %du" % r["clock"]["reset_hz"], "#define BJ_LSI_HZ %du" % r["clock"]["lsi_hz"],
            '#define BJ_RESET_CLOCK_%s 1' % ident(r["clock"]["reset_source"]),
            "#define BJ_SYSTICK_REF_DIV %du" % r["clock"]["systick_ref_div"]]
    for name, hz in r["clock"]["oscillators"].items():
        if isinstance(hz, list):
            out.append("#define BJ_OSC_%s_RANGES %du" % (ident(name), len(hz)))
            out.append("#define BJ_OSC_%s_HZ {%s}" % (ident(name), ", ".join("%du" % x for x in hz)))
        else:
            out.append("#define BJ_OSC_%s_HZ %du" % (ident(name), hz))
    out.append("")
    out += arch_macros([db.raw["architectures"][db.raw["cores"][p.core]["architecture"]]])
    out.append("")
    # The part's peripherals, then its core's own blocks (SCB, SYST, NVIC), named the same way.
    periphs = dict(r["peripherals"])
    periphs.update(db.raw["cores"][p.core]["peripherals"])
    seen_ip = set()
    for name, per in periphs.items():
        ip = db.ip[per["ip"]]
        out.append("/* %s: %s at %s (%s) */" % (name, per["ip"], per["base"], ip["source"]))
        out.append("#define %s_BASE %s" % (name, hexu(num(per["base"]))))
        out.append("#define BJ_HAS_%s 1" % name)
        out.append("#define BJ_IP_%s_%s 1" % (name, ident(per["ip"])))
        if per.get("irq") is not None:
            out.append("#define %s_IRQn %d" % (name, per["irq"]))
        # The RCC bits that clock and reset this instance (RCC.APB1ENR.USART2EN ...).
        for ref, label in (("enable", "ENABLE"), ("reset", "RESET")):
            if per.get(ref):
                out.append("#define BJ_%s_%s_ADDR %s" % (name, label, hexu(p.reg_addr(per[ref]))))
                out.append("#define BJ_%s_%s_BIT %s" % (name, label, hexu(p.bit(per[ref]))))
        for reg, d in ip["registers"].items():
            out.append("#define %s_%s MMIO32(%s_BASE + 0x%02xu)" % (name, reg, name, num(d["offset"])))
            out.append("#define %s_%s_ADDR (%s_BASE + 0x%02xu)" % (name, reg, name, num(d["offset"])))
        # Bit and field names are the same for every instance of an IP block (USART2_ISR_RXNE and
        # USART1_ISR_RXNE would be one fact typed twice), so they are emitted once per IP, under
        # the IP's own prefix, plus an instance-less alias when the part has one instance.
        if per["ip"] not in seen_ip:
            seen_ip.add(per["ip"])
            out += ip_macros(per["ip"], ip, "BJ_" + ident(per["ip"]))
        out.append("")
    # Short names (RCC_CSR_SFTRSTF) for IP blocks with exactly one instance on this part; code that
    # serves several instances (both bootloader USARTs) uses the IP names (BJ_USART_V2_ISR_RXNE).
    single = {}
    for name, per in periphs.items():
        single.setdefault(per["ip"], []).append(name)
    for ipname, names in single.items():
        if len(names) != 1:
            continue
        inst = names[0]
        for reg, d in db.ip[ipname]["registers"].items():
            for bit in d.get("bits", {}):
                out.append("#define %s_%s_%s BJ_%s_%s_%s" % (inst, reg, bit, ident(ipname), reg, bit))
            for fname, f in d.get("fields", {}).items():
                out.append("#define %s_%s_%s_SHIFT BJ_%s_%s_%s_SHIFT" % (inst, reg, fname, ident(ipname), reg, fname))
                out.append("#define %s_%s_%s_MASK BJ_%s_%s_%s_MASK" % (inst, reg, fname, ident(ipname), reg, fname))
                for vname in f.get("values", {}):
                    out.append("#define %s_%s_%s_%s BJ_%s_%s_%s_%s" % (inst, reg, fname, vname, ident(ipname), reg, fname, vname))
            for kname in d.get("keys", {}):
                out.append("#define %s_%s_%s BJ_%s_%s_%s" % (inst, reg, kname, ident(ipname), reg, kname))
    out.append("")
    backup = r["backup"]
    out.append("/* Backup registers: %d x %d bit; writes need %s. */" % (len(backup["registers"]), backup["width"], ", ".join(backup["unlock"])))
    out.append("#define BJ_BACKUP_COUNT %du" % len(backup["registers"]))
    out.append("#define BJ_BACKUP_WIDTH %du" % backup["width"])
    out.append("#define BJ_BACKUP_ADDRS {%s}" % ", ".join(hexu(p.reg_addr(x)) for x in backup["registers"]))
    out.append("#define BJ_BACKUP_UNLOCK() do { %s } while (0)" % " ".join(
        "MMIO32(%s) |= %s;" % (hexu(p.reg_addr(x)), hexu(p.bit(x))) for x in backup["unlock"]))
    rf = r["reset_flags"]
    out.append("#define BJ_RESET_FLAGS_ADDR %s" % hexu(p.reg_addr(rf["register"])))
    out.append("#define BJ_RESET_FLAGS_CLEAR %s" % hexu(p.bit("%s.%s" % (rf["register"], rf["clear"]))))
    for cause in RESET_CAUSES:
        if cause in rf["flags"]:
            out.append("#define BJ_RESET_FLAG_%s %s" % (ident(cause), hexu(p.bit("%s.%s" % (rf["register"], rf["flags"][cause])))))
    remap = r["remap"]
    if remap:
        lsb, width, values = p.field("%s.%s" % (remap["register"], remap["field"]))
        out.append("#define BJ_REMAP_ADDR %s" % hexu(p.reg_addr(remap["register"])))
        out.append("#define BJ_REMAP_SHIFT %du" % lsb)
        out.append("#define BJ_REMAP_MASK 0x%xu" % ((1 << width) - 1))
        out.append("#define BJ_REMAP_SYSTEM_MEMORY %du" % values[remap["system_memory"]])
        out.append("#define BJ_REMAP_MAIN_FLASH %du" % values[remap["main_flash"]])
    boot = r["boot"]
    if boot["empty_flag"]:
        out.append("#define BJ_EMPTY_FLAG_ADDR %s" % hexu(p.reg_addr(boot["empty_flag"])))
        out.append("#define BJ_EMPTY_FLAG %s" % hexu(p.bit(boot["empty_flag"])))
    for label, name in boot["option_bits"].items():
        out.append("#define BJ_OPTION_%s %s" % (ident(label), hexu(p.bit("%s.%s" % (boot["option_register"], name)))))
    if boot["option_register"]:
        out.append("#define BJ_OPTION_REGISTER_ADDR %s" % hexu(p.reg_addr(boot["option_register"])))
    if boot["boot0_gpio"]:
        pin = boot["boot0_gpio"]
        out.append("#define BJ_BOOT0_GPIO GPIO%s" % pin[1])
        out.append("#define BJ_BOOT0_PIN %du" % int(pin[2:]))
    for i, u in enumerate(r["bootloader"]["usarts"]):
        out.append("#define BJ_BL_USART%d_BASE %s_BASE" % (i, u["periph"]))
        out.append('#define BJ_BL_USART%d_NAME "%s"' % (i, u["periph"]))
        for k in ("tx", "rx"):
            out.append("#define BJ_BL_USART%d_%s_PORT GPIO%s_BASE" % (i, k.upper(), u[k][1]))
            out.append("#define BJ_BL_USART%d_%s_PIN %du" % (i, k.upper(), int(u[k][2:])))
        out.append("#define BJ_BL_USART%d_AF %du" % (i, u["af"]))
        per = r["peripherals"][u["periph"]]
        out.append("#define BJ_BL_USART%d_IP_%s 1" % (i, ident(per["ip"])))
        if per.get("irq") is not None:
            out.append("#define BJ_BL_USART%d_IRQn %d" % (i, per["irq"]))
        for ref, label in (("enable", "ENABLE"), ("reset", "RESET")):
            if per.get(ref):
                out.append("#define BJ_BL_USART%d_%s_ADDR BJ_%s_%s_ADDR" % (i, label, u["periph"], label))
                out.append("#define BJ_BL_USART%d_%s_BIT BJ_%s_%s_BIT" % (i, label, u["periph"], label))
        for k in ("tx", "rx"):
            port = "GPIO%s" % u[k][1]
            for ref, label in (("enable", "ENABLE"), ("reset", "RESET")):
                if r["peripherals"][port].get(ref):
                    out.append("#define BJ_BL_USART%d_%s_PORT_%s_ADDR BJ_%s_%s_ADDR" % (i, k.upper(), label, port, label))
                    out.append("#define BJ_BL_USART%d_%s_PORT_%s_BIT BJ_%s_%s_BIT" % (i, k.upper(), label, port, label))
    out.append("#define BJ_BL_USART_COUNT %du" % len(r["bootloader"]["usarts"]))
    out += ["", "#endif"]
    return "\n".join(out) + "\n"


def linker(p):
    return "\n".join([
        "/* %s */" % BANNER, "/* %s (%s) */" % (p.designator, p.name), "MEMORY", "{",
        "  FLASH (rx) : ORIGIN = 0x%08x, LENGTH = 0x%x" % (p.flash.base, p.flash.size),
        "  SRAM (rwx) : ORIGIN = 0x%08x, LENGTH = 0x%x" % (p.sram.base, p.sram.size),
        "  SYSMEM (rx) : ORIGIN = 0x%08x, LENGTH = 0x%x" % (p.system_memory.base, p.system_memory.size),
        "}"] + ([] if p.bootloader_id_address is None else
                ["_bj_bootloader_id_addr = 0x%08x;" % p.bootloader_id_address]) + [""])


def tcl(db):
    out = ["# %s" % BANNER, "# bootjump_parts: dict keyed by part name; bootjump_dev_ids: DEV_ID -> list of names.",
           "set bootjump_parts [dict create]", "set bootjump_dev_ids [dict create]"]
    for p in db.parts:
        r = p.raw
        rf = r["reset_flags"]
        d = {
            "name": p.name, "designator": p.designator, "dev_id": "0x%03x" % p.dev_id, "core": p.core,
            "profile": p.profile, "family": p.family,
            "flash_base": "0x%08x" % p.flash.base, "flash_size": "0x%x" % p.flash.size,
            "sram_base": "0x%08x" % p.sram.base, "sram_size": "0x%x" % p.sram.size,
            "sysmem_base": "0x%08x" % p.system_memory.base, "sysmem_size": "0x%x" % p.system_memory.size,
            "option_bytes": "0x%08x" % p.option_bytes.base,
            "bootloader_id": "none" if p.bootloader_id is None else "0x%02x" % p.bootloader_id,
            "bootloader_id_addr": "none" if p.bootloader_id_address is None else "0x%08x" % p.bootloader_id_address,
            "dbgmcu_idcode": "0x%08x" % p.reg_addr("DBGMCU.IDCODE"),
            "backup_regs": " ".join("0x%08x" % p.reg_addr(x) for x in r["backup"]["registers"]),
            "backup_width": str(r["backup"]["width"]),
            "reset_flags_reg": "0x%08x" % p.reg_addr(rf["register"]),
        }
        for cause, bit in rf["flags"].items():
            d["reset_flag_" + cause] = "0x%08x" % p.bit("%s.%s" % (rf["register"], bit))
        boot = r["boot"]
        if boot["option_register"]:
            d["option_register"] = "0x%08x" % p.reg_addr(boot["option_register"])
            for label, bit in boot["option_bits"].items():
                d["option_" + label] = "0x%08x" % p.bit("%s.%s" % (boot["option_register"], bit))
        body = " ".join("%s {%s}" % (k, v) for k, v in d.items())
        out.append("dict set bootjump_parts %s [dict create %s]" % (p.name, body))
        out.append("dict lappend bootjump_dev_ids 0x%03x %s" % (p.dev_id, p.name))
    return "\n".join(out) + "\n"


def mk(db):
    out = ["# %s" % BANNER, "BJ_PARTS := %s" % " ".join(db.names())]
    for p in db.parts:
        out.append("BJ_MCPU_%s := %s" % (p.name, CORE_MCPU[p.core]))
        out.append("BJ_FAMILY_%s := %s" % (p.name, p.family))
    return "\n".join(out) + "\n"


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def main(argv):
    try:
        db = load()
        cmd = argv[1] if len(argv) > 1 else ""
        if cmd == "c-table" and len(argv) == 3:
            write(argv[2], c_table(db))
        elif cmd == "part-h" and len(argv) == 4:
            write(argv[3], part_header(db, db.lookup(argv[2])))
        elif cmd == "linker" and len(argv) == 4:
            write(argv[3], linker(db.lookup(argv[2])))
        elif cmd == "tcl" and len(argv) == 3:
            write(argv[2], tcl(db))
        elif cmd == "mk" and len(argv) == 3:
            write(argv[2], mk(db))
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except PartError as e:
        print("parts/gen.py: %s" % e, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
