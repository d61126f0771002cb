"""The verdict: what the trace shows, what the part's documented activation profile predicts for a
jump from user code, and whether the two agree, citing the part database's sources and caveats.

What each profile predicts is the reading the ROM model documents (emulator/rom/activation_*.c)
of AN2606 Table 2 and the part notes; the part's own facts (profile, pattern, erased value, banks,
SRAM, quotes and their sources) come from parts/stm32.json through `import parts`.
"""
import parts

from .exits import exception_name
from .regions import describe, lane, register_name
from .text import Code, Strong, addr_name, h, plain

OUTCOME_WORDS = {
    "returned": "returned to user flash by a branch",
    "stayed": "stayed in the bootloader (idle in its command loop)",
    "fault": "ended in a fault",
    "reset": "ended in a reset",
    "unknown": "had not left the ROM when the trace ended",
    "not-in-rom": "never reached the ROM in this trace",
}


class Verdict:
    """outcome: returned | stayed | fault | reset | unknown; expected: returned | stayed | None;
    agrees: True (as documented), False (the trace contradicts the documentation) or None."""

    def __init__(self, outcome, expected, agrees, headline, how, documented, quote, notes):
        self.outcome, self.expected, self.agrees = outcome, expected, agrees
        self.headline = headline       # one line
        self.how = how                 # spans: how control left the ROM and what decided it
        self.documented = documented   # spans: what the documentation predicts, and the match
        self.quote = quote             # (text, source) of the AN2606 note, or None
        self.notes = notes             # list of span lists: disagreements inside the trace

    def text(self):
        lines = [self.headline, plain(self.how), plain(self.documented)]
        if self.quote:
            lines.append('AN2606: "%s" (%s)' % self.quote)
        lines += [plain(n) for n in self.notes]
        return "\n".join(lines)

    def __str__(self):
        return self.headline


# ---- what each profile predicts: (expected outcome or None, spans saying why) -------------------

def _erased(part):
    return parts.num(part.raw["flash"]["erased"])


def _word0_spans(a, word, step):
    seen = "as the ROM read it at step %d" % step if step is not None else "as the trace header records it"
    return ["user flash word 0 (", Code(h(a.part.flash.base)), ") is ", Code(h(word)), ", " + seen]


def _plain(a):
    return "stayed", ["a ROM without an empty check runs the bootloader when user code jumps to it"]


def _stays_anyway(a):
    return "stayed", ["the ROM checks for empty flash only at reset, so a jump from user code is "
                      "expected to run the bootloader (AN2606 gives no \"not possible to jump\" note)"]


def _empty_check(a):
    word, step = a.flash_word0()
    if word is None:
        return None, ["the trace does not show user flash word 0, which the empty check tests"]
    why = _word0_spans(a, word, step)
    if word == _erased(a.part):
        return "stayed", why + [": erased, so the empty check lets the bootloader run"]
    return "returned", why + [": not erased (this part erases to ", Code(h(_erased(a.part))),
                              "), so the empty check sends the jump back to user flash"]


def _empty_check_f04x(a):
    # AN2606 STM32F04xxx: the jump stays if any of three conditions holds. Each is judged from what
    # the ROM read (word 0 also from the header), so a condition the ROM did not read stays open,
    # and the verdict is decided only when one holds or all three are known not to.
    why, undecided = [], False
    for condition in (_f04x_word0, _f04x_boot_sel, _f04x_boot0_pin):
        holds, spans = condition(a)
        why += (["; "] if why else []) + spans
        if holds:
            return "stayed", why + [", so the bootloader runs"]
        undecided = undecided or holds is None
    if undecided:
        return None, why
    return "returned", why + ["; none of the three conditions for staying holds, so the jump goes "
                              "back to user flash"]


def _f04x_word0(a):
    word, step = a.flash_word0()
    if word is None:
        return None, ["the trace does not show user flash word 0 (", Code(h(a.part.flash.base)),
                      "), the first condition"]
    erased = word == _erased(a.part)
    return erased, _word0_spans(a, word, step) + [": %s" % ("erased" if erased else "not erased")]


def _f04x_boot_sel(a):
    boot = a.part.raw["boot"]
    register = boot["option_register"]
    bit = a.part.bit("%s.%s" % (register, boot["option_bits"]["BOOT_SEL"]))
    found = _rom_bit(a, a.part.reg_addr(register), bit)
    if found is None:
        return None, ["the ROM did not read %s (" % register, Code(h(a.part.reg_addr(register))),
                      "), whose BOOT_SEL bit is the second condition"]
    value, read = found
    return value == 0, ["the ROM read "] + _load_spans(a, read) + [": BOOT_SEL = %d" % value]


def _f04x_boot0_pin(a):
    pin = a.part.raw["boot"]["boot0_gpio"]             # "PB8": port B, pin 8 (parts/validate.py)
    register = "GPIO%s.IDR" % pin[1]
    found = _rom_bit(a, a.part.reg_addr(register), 1 << int(pin[2:]))
    if found is None:
        return None, ["the ROM did not read %s (" % register, Code(h(a.part.reg_addr(register))),
                      "), where the BOOT0 pin %s is the third condition" % pin]
    value, read = found
    return value == 1, ["the ROM read "] + _load_spans(a, read) + [": the BOOT0 pin %s is %s" % (
        pin, "high" if value else "low")]


def _rom_bit(a, register, mask):
    """(bit, Read) of the bit `mask` of a 32-bit register as the ROM first read it, or None."""
    position = mask.bit_length() - 1
    found = a.rom_read(register + position // 8, 1)
    if found is None:
        return None
    return found[0] >> position % 8 & 1, found[1]


def _dual_bank(a):
    sram = a.part.sram
    why = []
    for bank in reversed(a.part.banks):          # bank 2 is tested first
        found = a.rom_read(bank.base)
        word, step = (found[0], found[1].step) if found else (None, None)
        if word is None and bank.base == a.part.flash.base:
            word, step = a.flash_word0()
        if word is None:
            return None, why + ["the ROM did not read the initial stack pointer of %s (" % bank.name,
                                Code(h(bank.base)), "), which the dual-bank check tests"]
        valid = sram.base <= word <= sram.end
        seen = "as the ROM read it at step %d" % step if step is not None else "as the trace header records it"
        why += ["%s's initial SP (" % bank.name, Code(h(bank.base)), ") is ", Code(h(word)), ", %s: %s; " % (
            seen, "in SRAM (valid code)" if valid else "not in SRAM")]
        if valid:
            return "returned", why + ["so the ROM starts %s" % bank.name]
    return "stayed", why + ["so neither bank holds valid code and the bootloader runs"]


PROFILES = {
    "plain": _plain,
    "empty-check": _empty_check,
    "empty-check-f04x": _empty_check_f04x,
    "dual-bank": _dual_bank,
    "g0-empty-flag": _stays_anyway,
    "boot-empty-check": _stays_anyway,
}


# ---- the verdict ---------------------------------------------------------------------------------

def _outcome(ex):
    return {"branch": "returned", "idle": "stayed", "fault": "fault", "reset": "reset",
            "not-in-rom": "not-in-rom"}.get(ex.kind, "unknown")


def _jump_caveat(part):
    """The part's AN2606 note about jumping to the bootloader, if it has one."""
    for c in part.raw.get("caveats", []):
        if "jump" in c["quote"].lower():
            return c["quote"], c["source"]
    return None


def verdict(a):
    part = a.part
    outcome = _outcome(a.exit)
    expected, why = PROFILES[part.profile](a)
    agrees = None
    if expected and outcome in ("returned", "stayed"):
        agrees = outcome == expected
    documented = _documented(part, expected, why, outcome, agrees, a.exit.landed is not None)
    if a.exit.landed is not None:
        headline = "%s: %s." % (part.designator, plain(_arrival_headline(a)))
    else:
        headline = "%s %s" % (part.designator, OUTCOME_WORDS[outcome])
        headline += {True: ", as documented (%s)." % part.profile,
                     False: ": this CONTRADICTS the documented %s profile." % part.profile,
                     None: "."}[agrees]
    return Verdict(outcome, expected, agrees, headline, how(a), documented, _jump_caveat(part),
                   _notes(a))


def _documented(part, expected, why, outcome, agrees, never_ran):
    act = part.raw["activation"]
    src = part.raw["sources"].get("activation", "parts/stm32.json")
    spans = ["Documented: %s uses activation pattern %s, profile " % (part.designator, act["pattern"]),
             Code(part.profile), " (%s). " % src]
    spans += ["Here "] + why
    if expected:
        spans.append("; expected: %s. " % OUTCOME_WORDS[expected])
    else:
        spans.append(". Without that the trace cannot be checked against the documentation. ")
    if agrees is True:
        spans.append("The trace agrees.")
    elif agrees is False:
        spans.append(Strong("The trace contradicts the documentation: the ROM %s." % OUTCOME_WORDS[outcome]))
    elif never_ran:
        spans.append("The jump itself faulted before the ROM ran, so the trace neither confirms nor "
                     "contradicts it.")
    elif outcome in ("fault", "reset", "unknown", "not-in-rom"):
        spans.append("The trace %s, so it neither confirms nor contradicts it." % OUTCOME_WORDS[outcome])
    return spans


def _notes(a):
    notes = []
    dev_id = a.trace.header.get("dev_id")
    if dev_id is not None and parts.num(dev_id) != a.part.dev_id:
        notes.append(["The trace header's DEV_ID ", Code(dev_id), " is not %s's (" % a.part.name,
                      Code(h(a.part.dev_id, 3)), "): the trace may name the wrong part."])
    if a.exit.disagrees:
        notes.append(["Inside the trace: " + a.exit.disagrees + "."])
    word, step = a.flash_word0()
    header = a.trace.header.get("flash_word0")
    if step is not None and header is not None and parts.num(header) != word:
        notes.append(["The header records flash word 0 as ", Code(header), " but the ROM read ",
                      Code(h(word)), " at step %d." % step])
    return notes


# ---- how control left the ROM ------------------------------------------------------------------

def how(a):
    ex = a.exit
    if ex.landed is not None:
        return _arrival_spans(a)
    spans = _spaced(_passed_reset_spans(a)) + _spaced(_entry_spans(a))
    if ex.kind == "branch":
        spans += _spaced(_decision_spans(a))
        spans += _stack_spans(a)
        spans += ["The ROM branched with "] + _step_insn(a, ex.step) + [" to "] + addr_name(a, ex.target)
        spans += _from_loads(a, ex.target_slice) + ["."]
    elif ex.kind == "idle":
        spans += _loop_spans(a)
        if a.decision:
            spans += [" "] + _decision_spans(a)
        else:
            spans += [" No conditional instruction on the ROM's path depended on user flash, the "
                      "option bytes or data EEPROM: nothing in the trace shows the ROM choosing "
                      "between your code and its command loop."]
    elif ex.kind in ("fault", "reset"):
        spans += _spaced(_decision_spans(a))
        spans += _fault_spans(a) if ex.kind == "fault" else _reset_spans(a)
    elif ex.kind == "not-in-rom":
        spans += ["The PC never reached the ROM (system memory ", Code(h(a.part.system_memory.base)),
                  "-", Code(h(a.part.system_memory.end - 1)), ") in this trace."]
    else:
        spans += _stopped_spans(a)
    return spans


def _spaced(spans):
    return spans + [" "] if spans else spans


def _passed_reset_spans(a):
    spans = []
    for n, k in enumerate(a.resets):
        spans += ([" "] if n else []) + ["The target reset after "] + _step_insn(a, k) + _writes_spans(a, k)
        spans += ["; the trace goes on at "] + addr_name(a, parts.num(a.trace.steps[k + 1]["pc"]))
        spans += [" with LR = ", Code(h(a.flow.regs_before(k + 1)["lr"])), ", as a reset leaves it."]
    return spans


def _entry_spans(a):
    k = a.exit.entry
    if not k:
        return []
    if k - 1 in a.resets:
        return ["Control entered the ROM at step %d (" % k, Code(a.trace.steps[k]["pc"]), ") out of that reset."]
    st = a.trace.steps[k - 1]
    return ["Control entered the ROM at step %d (" % k, Code(a.trace.steps[k]["pc"]), ") from ",
            Code(a.flow.insns[k - 1].text if a.flow.insns[k - 1] else st["insn"]),
            " at step %d, address " % (k - 1)] + addr_name(a, int(st["pc"], 16)) + ["."]


def _step_insn(a, k):
    insn = a.flow.insns[k]
    st = a.trace.steps[k]
    return [Code(insn.text if insn else st["insn"]), " at step %d (" % k, Code(st["pc"]), ")"]


def _load_spans(a, ld):
    return [Code(h(ld.addr)), " (%s) = " % describe(a.part, ld.addr), Code(h(ld.value, 2 * ld.size)),
            " at step %d" % ld.step]


def _from_loads(a, sl):
    loads = sl.data_inputs if sl is not None else []
    if not loads:
        return []
    spans = [", the value read from "]
    for n, ld in enumerate(loads):
        spans += ([", " if n < len(loads) - 1 else " and "] if n else []) + _load_spans(a, ld)
    return spans


def _decision_spans(a):
    d = a.decision
    if d is None:
        return []
    spans = []
    if d.inputs:
        first = True
        for ld, _ in d.inputs:
            spans += (["At step %d (" % ld.step] if first else [", and at step %d (" % ld.step])
            spans += [Code(a.trace.steps[ld.step]["pc"]), ", ", Code(a.flow.insns[ld.step].text),
                      ") the ROM read ", Code(h(ld.addr)), " = ", Code(h(ld.value, 2 * ld.size)),
                      " (%s)" % describe(a.part, ld.addr)]
            first = False
        spans.append("; ")
    if d.setter is not None and d.setter != d.step:
        spans += _step_insn(a, d.setter) + [" set the flags and "]
    spans += _step_insn(a, d.step) + [" was %s" % d.outcome]
    if d.insn.is_branch and d.insn.target is not None:
        spans += [" (condition %s, target " % d.condition, Code(h(d.insn.target)), ")"]
    else:
        spans += [" (condition %s)" % d.condition]
    if d.slice.undecoded:
        spans += ["; capstone could not decode step %s, so the inputs before it are unknown"
                  % ", ".join(str(k) for k in d.slice.undecoded)]
    return spans + [": this is the decision point."]


def _stack_spans(a):
    s = a.exit.stack
    if s is None:
        return ["The ROM did not set a stack pointer before leaving. "]
    spans = ["It set %s = " % s.register.upper(), Code(h(s.value)) if s.value is not None else "?"]
    spans += [" with "] + _step_insn(a, s.step)
    spans += _from_loads(a, s.slice)
    return spans + [". "]


def _loop_spans(a):
    loop = a.exit.loop
    st = a.trace.steps[loop.first]
    spans = ["The ROM settled from step %d in a %d-instruction loop at " % (loop.first, loop.period),
             Code(st["pc"])]
    if loop.polled:
        spans.append(" polling ")
        seen = []
        for addr, value in loop.polled:
            if addr not in seen:
                seen.append(addr)
                spans += ([", "] if len(seen) > 1 else []) + [Code(h(addr)), " (%s) = " % describe(a.part, addr),
                                                               Code(h(value))]
    bootloader_usarts = {u["periph"] for u in a.part.raw["bootloader"].get("usarts", [])}
    polled = {(register_name(a.part, addr) or "").split(".")[0] for addr, _ in loop.polled}
    if polled & bootloader_usarts:
        # AN3155: the host starts a session by sending 0x7F on one of the bootloader's USARTs.
        return spans + [": the bootloader is waiting for a host to send 0x7F on %s."
                        % ", ".join(sorted(polled & bootloader_usarts))]
    return spans + [": the ROM waits there for that register to change."]


def _fault_spans(a):
    ex = a.exit
    f = ex.fault or {}
    spans = []
    if ex.target_slice is not None:
        spans += ["The ROM branched with "] + _step_insn(a, ex.step) + [" to "] + addr_name(a, ex.target)
        spans += _from_loads(a, ex.target_slice)
        values = [ld.value for ld in ex.target_slice.data_inputs]
        if len(values) == 1 and not values[0] & 1:
            # ARMv6-M/ARMv7-M: BX/BLX/POP/LDR to PC with bit 0 clear faults (INVSTATE).
            spans.append(" (bit 0, the Thumb bit, is clear)")
        spans.append("; then ")
    else:
        spans += ["After "] + _step_insn(a, ex.step) + [" "]
    number = f.get("ipsr")
    spans += ["the core took %s (exception %s)" % (exception_name(number), number) if number else
              "the core faulted"]
    if f.get("pc"):
        spans += [" at "] + addr_name(a, int(f["pc"], 16))
    if f.get("lockup"):
        spans.append(" and locked up")
    return spans + [". Tracer: %s." % a.trace.end["reason"].rstrip(".")]


# ---- a jump that faulted where it landed in system memory ----------------------------------------

def _arrival_headline(a):
    ex = a.exit
    jump = "%s at step %d" % (_insn_text(a, ex.jump), ex.jump) if ex.jump is not None else "the trace"
    return ["the jump itself faulted, so the ROM never ran: %s landed at %s, inside system memory"
            % (jump, h(ex.landed)), _entry_point(a)[0], ", and the core took %s there: " % _exception(ex),
            _cause(a)[0]]


def _arrival_spans(a):
    ex = a.exit
    sm = a.part.system_memory
    spans = (_step_insn(a, ex.jump) + [" jumped to "] if ex.jump is not None else ["The trace starts at "])
    spans += [Code(h(ex.landed)), ", inside system memory (", Code(h(sm.base)), "-", Code(h(sm.end - 1)), ")"]
    spans += _entry_point(a)[1]
    spans += [". The core took %s (exception %d) there before the ROM executed anything" % (
        _exception(ex), ex.fault["ipsr"])]
    if ex.fault["lockup"]:
        spans.append(" and locked up")
    spans += [": "] + _cause(a)[1]
    return spans + [". Tracer: %s." % a.trace.end["reason"].rstrip(".")]


def _exception(ex):
    return exception_name(ex.fault["ipsr"]) if ex.fault["ipsr"] else "a fault"


def _insn_text(a, k):
    insn = a.flow.insns[k]
    return insn.text if insn else a.trace.steps[k]["insn"]


def _entry_point(a):
    """(headline clause, spans): whether the jump landed at the ROM's entry point, as far as the
    trace (a read of the reset vector) or the database (the bootloader ID byte's address) shows."""
    ex = a.exit
    vector_addr = a.part.system_memory.base + 4
    vector = a.first_load(vector_addr)
    if vector is not None:
        value, read = vector
        at = "at" if ex.landed == value & ~1 else "but not at"
        return (" %s the ROM's entry point (reset vector %s)" % (at, h(value)),
                [", %s the ROM's entry point: the reset vector at " % at, Code(h(vector_addr)),
                 " holds ", Code(h(value)), " (read at step %d)" % read.step])
    if ex.landed == a.part.bootloader_id_address:
        return (" but not at the ROM's entry point (it is the bootloader ID byte's address)",
                [", but not at the ROM's entry point (the reset vector at ", Code(h(vector_addr)),
                 "): it is where AN2606 puts the bootloader ID byte (", Code(h(a.part.bootloader_id, 2)), ")"])
    return ("", ["; the trace does not show the ROM's reset vector (the word at ", Code(h(vector_addr)),
                 "), so whether that is the ROM's entry point is not recorded"])


def _cause(a):
    """(headline clause, spans): why the first instruction at the landing address faulted."""
    ex = a.exit
    regs = a.flow.regs_before(ex.jump + 1) if ex.jump is not None else a.flow.initial
    xpsr = regs.get("xpsr")
    if xpsr is not None and not xpsr & parts.load().arch_bit("XPSR.T"):
        # ARMv6-M/ARMv7-M: executing with EPSR.T = 0 faults (INVSTATE); BX/BLX/POP/LDR to the PC
        # take T from bit 0 of the target.
        return ("INVSTATE (the jump cleared the Thumb bit)",
                ["the jump left the Thumb bit clear (xPSR = ", Code(h(xpsr)), " after it: T is 0, "
                 "because bit 0 of the branch target was 0), and the core faults on any instruction "
                 "it executes outside Thumb state (INVSTATE)"])
    if ex.entry is not None and a.flow.insns[ex.entry] is None:
        code = a.trace.steps[ex.entry]["bytes"]
        return ("undefined instruction (%s)" % code,
                ["its bytes ", Code(code), " are no Thumb instruction (capstone cannot decode them): "
                 "an undefined instruction"])
    if ex.landed == a.part.bootloader_id_address:
        return ("the ID byte is data, not an instruction",
                ["the core tried to execute the bootloader ID byte, which is data, not an instruction "
                 "(the trace does not record the bytes it fetched)"])
    return ("the trace does not show why", ["the trace does not show why"])


def _reset_spans(a):
    ex = a.exit
    spans = ["The target reset after "] + _step_insn(a, ex.step)
    if ex.step is not None:
        spans += _writes_spans(a, ex.step)
    return spans + [". Tracer: %s." % a.trace.end["reason"].rstrip(".")]


def _writes_spans(a, k):
    """What step k stored, with the register names (a write to SCB.AIRCR explains a reset)."""
    spans = []
    for m in a.trace.steps[k]["mem"]:
        if m["op"] == "w":
            spans += [", which wrote ", Code(m["value"]), " to ", Code(m["addr"]),
                      " (%s)" % describe(a.part, int(m["addr"], 16))]
    return spans


def _stopped_spans(a):
    ex = a.exit
    t = a.trace
    if not t.steps:
        return ["The trace has no steps."]
    last = t.steps[-1]
    if ex.kind == "truncated":
        spans = ["The trace stops early (it has no end record). "]
    else:
        spans = ["The tracer stopped (%s: %s). " % (ex.end_exit, t.end["reason"].rstrip("."))]
    spans += ["The last step, %d, ran " % (len(t.steps) - 1), Code(last["insn"]), " at ", Code(last["pc"]),
              " (%s); the trace does not show where control went from there." % lane(a.part, int(last["pc"], 16), 0)]
    if a.decision:
        spans += [" So far: "] + _decision_spans(a)
    return spans
