"""The one reader, validator and writer of `bootjump-trace/1` (the format is traces/README.md).

Stdlib only: the GDB tracer imports this inside gdb-multiarch's embedded Python. The writer flushes
every line, so a trace cut short by a crash, a kill or Ctrl-C is a valid prefix; the reader reports
such a prefix as truncated after its last complete record instead of failing.
"""
import json
import os
import re

SCHEMA = "bootjump-trace/1"
EXITS = ("user-flash", "bootloader-idle", "fault", "reset", "limit", "interrupted", "error")
# A step's `insn` when capstone cannot decode its bytes (the core raises UNDEFINED on most of these).
UNDECODABLE = "(undecodable)"
TARGET_KINDS = ("emu", "openocd", "remote", "openocd-tcl")
START_FROM = ("rom-entry", "here")
PREFLIGHT_STATUS = ("pass", "warn", "fail")

_HEX = re.compile(r"0x[0-9a-f]{1,16}\Z")
_SHA256 = re.compile(r"[0-9a-f]{64}\Z")
# Thumb instructions are 2 or 4 bytes; the bytes are hex in memory order without "0x".
_INSN_BYTES = re.compile(r"([0-9a-f]{4}|[0-9a-f]{8})\Z")
_REG_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")
# How a header line starts (without JSON's optional spaces): tells a half-written header from a
# file that is not a trace at all.
_HEADER_START = b'{"type":"header"'
_SPACE = re.compile(rb"\s+")


class TraceError(Exception):
    """A file is not a valid trace. The message names the file, the line and the problem."""


class Truncation:
    """Where a trace that has no end record stops."""
    __slots__ = ("line", "steps", "partial_line")

    def __init__(self, line, steps, partial_line):
        self.line = line                  # number of the last complete line
        self.steps = steps                # complete step records before the cut
        self.partial_line = partial_line  # True when a half-written line follows it

    def __str__(self):
        what = "a half-written line %d" % (self.line + 1) if self.partial_line else "the end of the file"
        last = "step %d" % (self.steps - 1) if self.steps else "the header"
        return ("the trace stops after line %d (%s): %s instead of an end record; "
                "the tracer was stopped before it finished" % (self.line, last, what))


def hexnum(value, width=8):
    """Format an integer the way the trace stores numbers: lower-case, zero-padded hex."""
    return "0x%0*x" % (width, value)


def num(text):
    """The integer of a trace hex string."""
    return int(text, 16)


# ---- validation: each checker returns an error text or None --------------------------------------

def _is_hex(v):
    return isinstance(v, str) and bool(_HEX.match(v))


def _hex_field(rec, key, nullable=False):
    v = rec.get(key)
    if v is None and nullable:
        return None
    if not _is_hex(v):
        return "'%s' must be a lower-case hex string such as \"0x08000000\", got %s" % (key, _show(v))
    return None


def _show(v):
    text = json.dumps(v)
    return text if len(text) <= 40 else text[:37] + "..."


def _keys(what, rec, required, optional=()):
    missing = [k for k in required if k not in rec]
    if missing:
        return "%s lacks %s" % (what, ", ".join("'%s'" % k for k in missing))
    unknown = sorted(set(rec) - set(required) - set(optional))
    if unknown:
        return ("%s has unknown key %s (the format is traces/README.md)"
                % (what, ", ".join("'%s'" % k for k in unknown)))
    return None


def _registers(what, regs):
    if not isinstance(regs, dict):
        return "%s must be an object of register name -> hex value" % what
    for name, v in regs.items():
        if not _REG_NAME.match(name):
            return "%s has a bad register name %s" % (what, _show(name))
        if not _is_hex(v):
            return "%s register %s must be a hex string, got %s" % (what, name, _show(v))
    return None


def _first(*errors):
    for e in errors:
        if e:
            return e
    return None


def check_header(rec):
    err = _keys("the header", rec,
                ("type", "schema", "part", "target", "tools", "start", "registers"),
                ("dev_id", "rev_id", "rom", "firmware", "flash_word0", "option_bytes",
                 "checkpoints", "preflight", "created"))
    if err:
        return err
    if not isinstance(rec["part"], str) or not rec["part"]:
        return "'part' must be the part's name, got %s" % _show(rec["part"])
    err = _first(_hex_field(rec, "dev_id", True), _hex_field(rec, "rev_id", True),
                 _hex_field(rec, "flash_word0", True), _target(rec["target"]), _tools(rec["tools"]),
                 _start(rec["start"]), _registers("'registers'", rec["registers"]),
                 _rom(rec.get("rom")), _firmware(rec.get("firmware")),
                 _option_bytes(rec.get("option_bytes")), _preflight(rec.get("preflight")))
    if err:
        return err
    if rec.get("checkpoints") is not None and not isinstance(rec["checkpoints"], dict):
        return "'checkpoints' must be the probe's decoded record (an object) or null"
    if rec.get("created") is not None and not isinstance(rec["created"], str):
        return "'created' must be an ISO 8601 time string"
    return None


def _target(t):
    if not isinstance(t, dict):
        return "'target' must be an object"
    err = _keys("'target'", t, ("kind",), ("address",))
    if err:
        return err
    if t["kind"] not in TARGET_KINDS:
        return "target kind %s is not one of %s" % (_show(t["kind"]), ", ".join(TARGET_KINDS))
    if t.get("address") is not None and not isinstance(t["address"], str):
        return "target address must be a string such as \"127.0.0.1:40211\""
    return None


def _tools(t):
    if not isinstance(t, dict) or not all(isinstance(v, str) for v in t.values()):
        return "'tools' must be an object of tool name -> version string"
    return None


def _start(s):
    if not isinstance(s, dict):
        return "'start' must be an object"
    err = _keys("'start'", s, ("from", "pc"))
    if err:
        return err
    if s["from"] not in START_FROM:
        return "start 'from' %s is not one of %s" % (_show(s["from"]), ", ".join(START_FROM))
    return _hex_field(s, "pc")


def _rom(r):
    if r is None:
        return None
    if not isinstance(r, dict):
        return "'rom' must be an object or null"
    err = _keys("'rom'", r, ("base", "size"), ("sha256",))
    if err:
        return err
    if not isinstance(r["size"], int) or r["size"] < 0:
        return "rom 'size' must be a byte count"
    return _first(_hex_field(r, "base"), _sha(r, "rom"))


def _sha(rec, what):
    v = rec.get("sha256")
    if v is not None and not (isinstance(v, str) and _SHA256.match(v)):
        return "%s 'sha256' must be 64 lower-case hex digits, got %s" % (what, _show(v))
    return None


def _firmware(f):
    if f is None:
        return None
    if not isinstance(f, dict):
        return "'firmware' must be an object or null"
    err = _keys("'firmware'", f, ("path",), ("sha256",))
    if err:
        return err
    if not isinstance(f["path"], str):
        return "firmware 'path' must be a string"
    return _sha(f, "firmware")


def _option_bytes(o):
    if o is None:
        return None
    if not isinstance(o, dict):
        return "'option_bytes' must be an object or null"
    err = _keys("'option_bytes'", o, ("base", "words"))
    if err:
        return err
    if not isinstance(o["words"], list) or not all(_is_hex(w) for w in o["words"]):
        return "option_bytes 'words' must be a list of hex strings"
    return _hex_field(o, "base")


def _preflight(p):
    if p is None:
        return None
    if not isinstance(p, list):
        return "'preflight' must be a list of findings or null"
    for n, f in enumerate(p):
        if not isinstance(f, dict):
            return "preflight finding %d must be an object" % n
        err = _keys("preflight finding %d" % n, f, ("check", "status", "message"), ("source",))
        if err:
            return err
        if f["status"] not in PREFLIGHT_STATUS:
            return "preflight finding %d status %s is not one of %s" % (
                n, _show(f["status"]), ", ".join(PREFLIGHT_STATUS))
        for key in ("check", "message", "source"):
            if key in f and not isinstance(f[key], str) and not (key == "source" and f[key] is None):
                return "preflight finding %d '%s' must be text, got %s" % (n, key, _show(f[key]))
    return None


def check_step(rec, expected_i):
    err = _keys("the step", rec, ("type", "i", "pc", "region", "bytes", "insn", "regs", "mem"))
    if err:
        return err
    if not isinstance(rec["i"], int) or isinstance(rec["i"], bool):
        return "step 'i' must be an integer, got %s" % _show(rec["i"])
    if rec["i"] != expected_i:
        return "step 'i' is %d, expected %d" % (rec["i"], expected_i)
    err = _hex_field(rec, "pc")
    if err:
        return err
    if not isinstance(rec["region"], str):
        return "step 'region' must be a region name"
    if not isinstance(rec["bytes"], str) or not _INSN_BYTES.match(rec["bytes"]):
        return "step 'bytes' must be 2 or 4 instruction bytes in hex, got %s" % _show(rec["bytes"])
    if not isinstance(rec["insn"], str):
        return "step 'insn' must be the instruction's text"
    return _first(_registers("step 'regs'", rec["regs"]), _mem(rec["mem"]))


def _mem(mem):
    if not isinstance(mem, list):
        return "step 'mem' must be a list of accesses"
    for n, a in enumerate(mem):
        if not isinstance(a, dict):
            return "memory access %d must be an object" % n
        err = _keys("memory access %d" % n, a, ("op", "addr", "size", "value"))
        if err:
            return err
        if a["op"] not in ("r", "w"):
            return "memory access %d 'op' must be \"r\" or \"w\", got %s" % (n, _show(a["op"]))
        if a["size"] not in (1, 2, 4, 8):
            return "memory access %d 'size' must be 1, 2, 4 or 8, got %s" % (n, _show(a["size"]))
        err = _first(_hex_field(a, "addr"), _hex_field(a, "value"))
        if err:
            return "memory access %d: %s" % (n, err)
    return None


def check_end(rec, steps):
    err = _keys("the end record", rec, ("type", "exit", "steps", "reason"),
                ("pc", "registers", "fault"))
    if err:
        return err
    if rec["exit"] not in EXITS:
        return "end 'exit' %s is not one of %s" % (_show(rec["exit"]), ", ".join(EXITS))
    if rec["steps"] != steps:
        return "end 'steps' is %s but the trace has %d steps" % (_show(rec["steps"]), steps)
    if not isinstance(rec["reason"], str):
        return "end 'reason' must be a sentence"
    err = _hex_field(rec, "pc", True)
    if err:
        return err
    if rec.get("registers") is not None:
        err = _registers("end 'registers'", rec["registers"])
        if err:
            return err
    fault = rec.get("fault")
    if rec["exit"] == "fault" and fault is None:
        return "an end record with exit \"fault\" needs 'fault': {\"pc\", \"ipsr\", \"lockup\"}"
    if fault is not None:
        if not isinstance(fault, dict):
            return "end 'fault' must be an object"
        err = _keys("end 'fault'", fault, ("pc", "ipsr", "lockup"))
        if err:
            return err
        if not isinstance(fault["ipsr"], int) or not isinstance(fault["lockup"], bool):
            return "end 'fault' needs an integer 'ipsr' and a true/false 'lockup'"
        return _hex_field(fault, "pc")
    return None


# ---- reading ------------------------------------------------------------------------------------

class Reader:
    """Iterate over a trace's records (header, steps, end), each validated.

    Raises TraceError on the first problem. When the trace has no end record, iteration simply
    ends and `truncation` says where the trace stops."""

    def __init__(self, path):
        self.path = str(path)
        self.header = None
        self.end = None
        self.truncation = None
        self.lines = 0

    def _fail(self, line, problem):
        raise TraceError("%s line %d: %s" % (self.path, line, problem))

    def __iter__(self):
        try:
            f = open(self.path, "rb")
        except OSError as e:
            raise TraceError("%s: cannot read it: %s" % (self.path, e.strerror or e)) from None
        with f:
            steps = 0
            for number, raw in enumerate(f, 1):
                complete = raw.endswith(b"\n")
                rec = self._parse(number, raw, complete)
                if rec is None:                   # a half-written last line
                    self.truncation = Truncation(number - 1, steps, True)
                    return
                self.lines = number
                if number == 1:
                    self._check(number, check_header(rec))
                    self.header = rec
                elif self.end is not None:
                    self._fail(number, "a record follows the end record (line %d)" % (number - 1))
                elif rec.get("type") == "step":
                    self._check(number, check_step(rec, steps))
                    steps += 1
                elif rec.get("type") == "end":
                    self._check(number, check_end(rec, steps))
                    self.end = rec
                else:
                    self._fail(number, "record type %s is not \"step\" or \"end\"" % _show(rec.get("type")))
                yield rec
            if self.header is None:
                raise TraceError("%s: the file is empty, not a bootjump trace" % self.path)
            if self.end is None:
                self.truncation = Truncation(self.lines, steps, False)

    def _check(self, line, err):
        if err:
            self._fail(line, err)

    def _parse(self, number, raw, complete):
        try:
            rec = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            rec = None
        if number == 1:
            return self._first_record(rec, raw, complete)
        if rec is None:
            if not complete:
                return None
            self._fail(number, "not a JSON object (a damaged line inside the trace)")
        if not isinstance(rec, dict):
            self._fail(number, "not a JSON object")
        return rec

    def _first_record(self, rec, raw, complete):
        squeezed = _SPACE.sub(b"", raw)
        if rec is None and not complete and squeezed and (
                squeezed.startswith(_HEADER_START) or _HEADER_START.startswith(squeezed)):
            raise TraceError("%s line 1: the trace stops inside its header (the tracer was stopped "
                             "before it recorded anything); trace again" % self.path)
        if not isinstance(rec, dict) or rec.get("type") != "header" or "schema" not in rec:
            raise TraceError("%s: not a bootjump trace (line 1 is not a header with \"schema\": \"%s\")"
                             % (self.path, SCHEMA))
        if rec["schema"] != SCHEMA:
            self._fail(1, "schema %s is not supported; this reader knows %s"
                       % (_show(rec["schema"]), SCHEMA))
        return rec


class Trace:
    """A whole trace in memory: header, steps, end (None when truncated), truncation."""

    def __init__(self, path, header, steps, end, truncation, lines):
        self.path, self.header, self.steps, self.end = path, header, steps, end
        self.truncation, self.lines = truncation, lines

    @property
    def name(self):
        return os.path.basename(self.path)


def load(path):
    """Read and validate a whole trace; raises TraceError with a one-line message."""
    reader = Reader(path)
    steps = [rec for rec in reader if rec["type"] == "step"]
    return Trace(reader.path, reader.header, steps, reader.end, reader.truncation, reader.lines)


# ---- writing ------------------------------------------------------------------------------------

class Writer:
    """Write a trace line by line, flushing each, validating each record before it is written.

        with Writer(path, header) as w:      # header: the fields of README's header, no "type"/"schema"
            w.step({"pc": ..., "region": ..., "bytes": ..., "insn": ..., "regs": {...}, "mem": [...]})
            w.end("user-flash", "PC 0x080000c0 is in user flash", pc="0x080000c0")

    Closing without end() leaves a valid truncated trace, which is what an interrupted tracer
    should leave when it cannot write an end record itself."""

    def __init__(self, path, header):
        rec = {"type": "header", "schema": SCHEMA}
        rec.update((k, v) for k, v in header.items() if k not in rec)
        err = check_header(rec)
        if err:
            raise TraceError("%s: cannot write the header: %s" % (path, err))
        self.path = str(path)
        self.steps = 0
        self.ended = False
        self._f = open(self.path, "w", encoding="utf-8")
        self._write(rec)

    def _write(self, rec):
        # One write per line, then flush: a kill can only ever cut the line being written.
        self._f.write(json.dumps(rec) + "\n")
        self._f.flush()

    def step(self, fields):
        """Append a step; `fields` has pc, region, bytes, insn, regs, mem. Returns its index."""
        if self.ended:
            raise TraceError("%s: step after the end record" % self.path)
        rec = {"type": "step", "i": self.steps}
        rec.update((k, v) for k, v in fields.items() if k not in rec)
        err = check_step(rec, self.steps)
        if err:
            raise TraceError("%s: cannot write step %d: %s" % (self.path, self.steps, err))
        self._write(rec)
        self.steps += 1
        return rec["i"]

    def end(self, exit, reason, pc=None, registers=None, fault=None):
        rec = {"type": "end", "exit": exit, "steps": self.steps, "reason": reason, "pc": pc}
        if registers is not None:
            rec["registers"] = registers
        if fault is not None:
            rec["fault"] = fault
        err = check_end(rec, self.steps)
        if err:
            raise TraceError("%s: cannot write the end record: %s" % (self.path, err))
        self._write(rec)
        self.ended = True

    def close(self):
        if not self._f.closed:
            self._f.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
