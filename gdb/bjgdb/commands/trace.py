"""bootjump trace: single-step through the ROM bootloader and write a JSON Lines trace."""
import os

import capstone
import gdb

from traces import schema

from ..lib import header, preflight, stops, tracer
from ..lib.decode import Decoder
from ..lib.remote import RemoteError
from ..registry import CommandError, Parser, command
from ..rom_entry import run_to_rom_entry
from ..target import Target
from . import checkpoints as checkpoints_cmd
from .. import __version__

parser = Parser(
    "trace", "Single-step from the ROM bootloader's entry (or from here) and write a trace: every "
    "instruction with the registers it changed and its memory reads and writes with their values "
    "(format: traces/README.md).",
    epilog="""start:
  --from rom-entry  put a hardware breakpoint on the ROM's reset vector (read from system memory),
                    continue, and trace from there: works on any firmware, no probe, no symbols.
                    A jump that faults or resets before it reaches the ROM never gets there: the
                    command then says where the target stopped instead.
  --from here       trace from the current PC, e.g. stopped at your jump function, so that what
                    happens before the ROM (a fault on a bad address, a reset) is in the trace.
stops (--until chooses among the first four; the step limit and Ctrl-C always apply):
  user-flash  the PC is in user flash (or the boot alias showing it) after running in the ROM
  idle        the same short loop repeats polling the same peripheral values (bootloader waits)
  fault       an exception is taken, or the core locks up (the end record has PC and IPSR)
  reset       the core restarted at the reset vector
On bootjump-emu the steps are taken inside the emulator (monitor bj-step), with the same result as
the plain path any GDB remote target gets (--plain forces that).""")
parser.add_argument("--from", dest="start", choices=("rom-entry", "here"), default="rom-entry",
                    help="where the trace starts (default: rom-entry)")
parser.add_argument("--until", default=",".join(stops.UNTIL), metavar="LIST",
                    help="comma-separated stop conditions from %s (default: all)" % ",".join(stops.UNTIL))
parser.add_argument("--max-steps", type=int, default=100000, metavar="N",
                    help="step limit (default: 100000)")
parser.add_argument("--out", default="bootjump-trace.jsonl", metavar="FILE",
                    help="trace file to write (default: bootjump-trace.jsonl)")
parser.add_argument("--part", metavar="NAME", help="the part, instead of identifying it")
parser.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS",
                    help="how long --from rom-entry waits for the ROM entry (default: 30)")
parser.add_argument("--plain", action="store_true",
                    help="use the plain remote-protocol path even where a fast path exists")
parser.add_argument("--no-preflight", action="store_true",
                    help="leave preflight out of the header (it reads SYST_CSR, clearing COUNTFLAG)")

READABLE = ("flash", "flash-alias", "sram", "system_memory", "option_bytes", "eeprom")


def _until(text):
    chosen = [u.strip() for u in text.split(",") if u.strip()]
    unknown = [u for u in chosen if u not in stops.UNTIL]
    if unknown:
        raise CommandError("bootjump trace: unknown --until condition %s; choose from %s"
                           % (", ".join(unknown), ",".join(stops.UNTIL)))
    return chosen


def _target_kind(target, emu):
    """(kind, version text) of the stub, from what it answers to harmless monitor commands."""
    if emu:
        return "emu", "bootjump-emu"
    try:
        text = target.monitor("version")
    except RemoteError:
        return "remote", "unknown"
    if text.startswith("Open On-Chip Debugger"):
        return "openocd", text.splitlines()[0]
    return "remote", "unknown"


def _has_fast_path(target):
    try:
        return any(line.startswith("bj-step") for line in target.monitor("help").splitlines())
    except RemoteError:
        return False


def _firmware():
    path = gdb.current_progspace().filename
    if not path:
        return None
    try:
        with open(path, "rb") as f:
            return os.path.relpath(path), f.read()
    except OSError:
        return path, None


def _checkpoints(target, part):
    from c_probe import record
    try:
        found = checkpoints_cmd.read_record(target, part)
    except CommandError:
        return None
    if found["record"]["magic"] != record.load().magic:
        return None
    return dict(found, facts=dict(record.facts(found["record"])))


def _alias_is_flash(target, part):
    """Whether the boot alias at 0 shows user flash at pc: the bytes there equal flash's and not
    system memory's (no peripheral register read needed)."""
    def check(pc):
        here = target.read(pc, 16)
        return here is not None and here == target.read(part.flash.base + pc, 16) and \
            here != target.read(part.system_memory.base + pc, 16)
    return check


@command(parser)
def trace(args):
    until = _until(args.until)
    if args.max_steps < 1:
        raise CommandError("bootjump trace: --max-steps must be at least 1")
    target = Target()
    db, ident = target.identify(args.part)
    part = ident.part
    if args.start == "rom-entry":
        run_to_rom_entry(target, part, args.timeout)
    rom = target.read_or_fail(part.system_memory.base, part.system_memory.size, "system memory")
    has_fast_path = _has_fast_path(target)
    fast = has_fast_path and not args.plain
    kind, version = _target_kind(target, has_fast_path)

    def readable(addr):
        return part.region_of(addr) in READABLE

    try:
        engine = tracer.Engine(target.link, Decoder(), readable, target.monitor if fast else None,
                               rom=(part.system_memory.base, rom))
    except RemoteError as e:
        raise CommandError("cannot read the registers: %s" % e) from None
    word0 = target.read(part.flash.base, 4)
    options = target.read(part.option_bytes.base, part.option_bytes.size)
    findings = None if args.no_preflight else preflight.run(
        preflight.gather(db, part, engine.regs, target.read))
    head = header.build(
        ident, {"kind": kind, "address": target.address},
        {"bootjump": __version__, "gdb": gdb.VERSION, "capstone": capstone.__version__, "target": version},
        args.start, engine.regs, rom, _firmware(), word0 and int.from_bytes(word0, "little"),
        options and [int.from_bytes(options[i:i + 4], "little") for i in range(0, len(options) - 3, 4)],
        _checkpoints(target, part), findings)
    rules = stops.StopRules(part, until, args.max_steps, target.read, _alias_is_flash(target, part))
    try:
        writer = schema.Writer(args.out, head)
    except (OSError, schema.TraceError) as e:
        raise CommandError("bootjump trace: cannot write %s: %s" % (args.out, e)) from None

    def emit(step):
        writer.step(step.record(part.region_of(step.pc)))

    def progress(steps, pc):
        gdb.write("bootjump trace: %d steps, PC 0x%08x (%s)\n" % (steps, pc, part.region_of(pc)))
        gdb.flush()

    interrupted = "interrupted by the user (Ctrl-C) after %d steps"
    failure = None
    try:
        stop = tracer.run(engine, rules, part, emit, fast=fast, progress=progress)
    except KeyboardInterrupt:
        stop = stops.Stop("interrupted", interrupted % rules.steps)
    except gdb.error as e:
        if str(e) == "Quit":
            stop = stops.Stop("interrupted", interrupted % rules.steps)
        else:
            failure = str(e)
    except (tracer.TraceError, RemoteError) as e:
        failure = str(e)
    except Exception as e:  # a bug: the trace still gets its end record, the user one line
        failure = "internal error (%s: %s)" % (type(e).__name__, e)
    try:
        if failure is None:
            fault = stop.fault and dict(stop.fault, pc=header.hex32(stop.fault["pc"]))
            writer.end(stop.exit, stop.reason, pc=header.hex32(engine.regs["pc"]),
                       registers={n: header.hex32(v) for n, v in engine.regs.items()}, fault=fault)
        else:
            # Where the target is, is not known for sure after a failure: no pc or registers.
            writer.end("error", "the tracer stopped after %d steps: %s" % (rules.steps, failure))
    finally:
        writer.close()
        target.resync()
    if failure:
        raise CommandError("bootjump trace stopped after %d steps: %s; %s holds the steps so far and ends "
                           "with exit \"error\"" % (rules.steps, failure, args.out))
    gdb.write("bootjump trace: %s after %d steps: %s\ntrace written to %s (%s path)\n"
              % (stop.exit, rules.steps, stop.reason, args.out, "fast" if fast else "plain"))
