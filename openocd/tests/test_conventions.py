"""The rules every TCL file of openocd/ keeps (openocd/README.md, issue 9): no address, ID or core
register mask typed in (they come from build/gen/), every raw memory write names its register in a
comment, every proc has its help and usage text; and the silicon configs (board/*.cfg), which no test
can run without an ST-Link, at least load in OpenOCD: adapter, transport, the upstream target, the
library and openocd/local.cfg."""
import glob
import os
import re
import shutil
import socket
import subprocess

import pytest

import parts
from parts.typed_facts import database_facts, typed_facts

from conftest import ROOT

TCL_FILES = sorted(glob.glob(os.path.join(ROOT, "openocd", "*.tcl")) +
                   glob.glob(os.path.join(ROOT, "openocd", "lib", "*.tcl")) +
                   glob.glob(os.path.join(ROOT, "openocd", "emu", "*")) +
                   glob.glob(os.path.join(ROOT, "openocd", "board", "*")))
BOARD_CONFIGS = sorted(glob.glob(os.path.join(ROOT, "openocd", "board", "*.cfg")))
EMU_CONFIGS = sorted(glob.glob(os.path.join(ROOT, "openocd", "emu", "*.cfg")))
# A TCL comment: a line starting with #, or the rest of a line after ;#.
COMMENT = re.compile(r"^\s*#.*$|;\s*#.*$", re.M)
# A quoted TCL string without command substitution inside: message text, not code.
STRING = re.compile(r'"[^"\[\n]*"')
RAW_WRITE = re.compile(r"(?:^|[\s\[;])(mmw|mww|mwh|mwb)\s")


def code_of(text):
    return STRING.sub(" ", COMMENT.sub(" ", text))


def test_no_typed_facts_in_the_tcl():
    regions, values = database_facts()
    offenders = []
    for path in TCL_FILES:
        with open(path) as f:
            code = code_of(f.read())
        # The Thumb decoder's numbers are encoding bit patterns (DDI0403 A5, A7), some of which
        # equal a register field's mask: only addresses are looked for there.
        known = {} if os.path.basename(path) == "thumb.tcl" else values
        offenders += ["%s: %s" % (os.path.relpath(path, ROOT), fact) for fact in typed_facts(code, regions, known)]
    assert not offenders, "facts typed instead of taken from build/gen/:\n" + "\n".join(offenders)


def test_the_scan_sees_a_typed_fact():
    regions, values = database_facts()
    samples = {"set DHCSR 0xe000edf0": "PPB", "expr {$xpsr & 0x1ff}": "mask",
               "set CPUID_PARTNO 0x0000fff0": "PARTNO mask", "bj::u32 0x40015800": "DBGMCU",
               "set lr 0xfffffff9": "EXC_RETURN"}
    for code, what in samples.items():
        found = typed_facts(code_of(code), regions, values)
        assert found and what in found[0], (code, found)
    assert not typed_facts(code_of('# DHCSR at 0xe000edf0\nerror "PC 0x08000000"\nmmw $a 1 0 ;# at 0x40021000'),
                           regions, values)


def test_every_raw_write_names_its_register():
    """`mmw ADDR SET CLEAR ;# REG |= BITS`: the comment says which register and what changes."""
    offenders = []
    for path in TCL_FILES:
        with open(path) as f:
            for n, line in enumerate(f, 1):
                code = line.split(";#", 1)[0]
                if code.lstrip().startswith("#") or not RAW_WRITE.search(code):
                    continue
                comment = line.split(";#", 1)[1].strip() if ";#" in line else ""
                if not re.search(r"[A-Z][A-Z0-9_]*\s*(\||&|=|\.)", comment):
                    offenders.append("%s:%d: %s" % (os.path.relpath(path, ROOT), n, line.strip()))
    assert not offenders, "raw memory writes without their register expression:\n" + "\n".join(offenders)


# A proc that every command of the library and of the configs must pass: help and usage registered.
CHECK_HELP = r"""
set f [open $out w]
foreach p [lsort [concat [info procs bootjump_*] [info procs bj::*]]] {
    set n [string trimleft $p :]
    puts $f [list $n [expr {[string trim [capture "help $n"]] ne ""}] [expr {[string trim [capture "usage $n"]] ne ""}]]
}
close $f
"""


def openocd_config_stage(args, scratch, script=""):
    """OpenOCD through its configuration stage only (no `init`: no adapter is opened); the file
    the script wrote to $out."""
    out = os.path.join(scratch, "out.txt")
    path = os.path.join(scratch, "check.tcl")
    with open(path, "w") as f:
        f.write("set out {%s}\n%s\n" % (out, script))
    done = subprocess.run(["openocd"] + args + ["-f", path, "-c", "shutdown"], capture_output=True, text=True,
                          timeout=60, cwd=ROOT, stdin=subprocess.DEVNULL)
    assert done.returncode == 0 and os.path.exists(out), done.stderr[-3000:]
    with open(out) as f:
        return f.read()


def help_table(text):
    rows = [line.rsplit(" ", 2) for line in text.splitlines()]
    assert len(rows) > 50, text
    return [name for name, has_help, has_usage in rows if has_help != "1" or has_usage != "1"]


def test_the_help_check_sees_a_bare_proc(scratch):
    text = openocd_config_stage(["-c", "source {%s}" % os.path.join(ROOT, "openocd", "bootjump.tcl")], scratch,
                                "proc bootjump_bare {} {}\n" + CHECK_HELP)
    assert help_table(text) == ["bootjump_bare"]


@pytest.mark.parametrize("cfg", BOARD_CONFIGS, ids=os.path.basename)
def test_board_config_loads_without_a_probe(cfg, scratch):
    """The ST-Link in DAP mode over SWD, the upstream target config the database names for the
    family (its target is created), the library with help and usage on every command."""
    family = os.path.basename(cfg)[:-4]
    target = next(p.raw["openocd"]["target"] for p in parts.load().parts if p.family == family)
    text = openocd_config_stage(["-f", cfg], scratch, """
set g [open $out.cfg w]
puts $g [list [adapter name] [transport select] [target names] $::_CHIPNAME [find %s]]
close $g
""" % target + CHECK_HELP)
    assert help_table(text) == []
    with open(os.path.join(scratch, "out.txt.cfg")) as f:
        adapter, transport, targets, chipname, found = f.read().split()
    assert (adapter, transport, targets) == ("st-link", "dapdirect_swd", chipname + ".cpu")
    # The upstream file from OpenOCD's own scripts, not a copy in openocd/.
    assert not os.path.abspath(found).startswith(ROOT), found


def test_board_config_sources_local_cfg_last(scratch):
    """openocd/local.cfg (git-ignored: probe serials, reset wiring) is sourced after the target
    config, so it may change what the target config set. Run on a copy of openocd/ so that a user's
    own local.cfg is never touched."""
    root = os.path.join(scratch, "tree")
    shutil.copytree(os.path.join(ROOT, "openocd"), os.path.join(root, "openocd"),
                    ignore=shutil.ignore_patterns("tests", "__pycache__", "local.cfg"))
    os.makedirs(os.path.join(root, "build", "gen"))
    for name in ("bj_parts.tcl", "bj_record.tcl", "bj_openocd.tcl"):
        shutil.copy(os.path.join(ROOT, "build", "gen", name), os.path.join(root, "build", "gen", name))
    with open(os.path.join(root, "openocd", "local.cfg"), "w") as f:
        f.write("set bj_local_targets [target names]\nreset_config srst_only\n")
    text = openocd_config_stage(["-f", os.path.join(root, "openocd", "board", "stm32l0.cfg")], scratch,
                                "set g [open $out w]; puts $g $bj_local_targets; close $g")
    assert text.split() == ["stm32l0.cpu"]


@pytest.mark.parametrize("cfg", EMU_CONFIGS, ids=os.path.basename)
def test_emu_config_commands_have_help(cfg, scratch):
    """The emulator configs' own procs (examine-end, reset-init) through the configuration stage;
    a socket stands in for the emulator, whose port the config checks before the driver starts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        text = openocd_config_stage(["-c", "set BOOTJUMP_EMU_PORT %d" % s.getsockname()[1], "-f", cfg], scratch,
                                    CHECK_HELP)
    assert help_table(text) == []
