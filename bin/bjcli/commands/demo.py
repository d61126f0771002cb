"""bootjump demo (what `make demo` runs): the story bootjump exists for, measured on the emulator.

1. STM32L011, probe recipe classic: the jump runs, the ROM reads user flash word 0, finds code
   there and branches back to it (AN2606's empty check).
2. STM32L031, the same recipe: the bootloader holds; GDB detaches, the chip runs on, and the
   AN3155 checker gets ACK and the PID over the emulated USART2.

Every verdict printed is reports' analysis of the trace just taken. The exit status is 0 only when
both traces agree with the parts' documented profiles and the L031's bootloader answered.
"""
import os
import time

from .. import command, session, show, usart
from ..paths import BUILD
from ..progress import Progress

OUT = os.path.join(BUILD, "demo")


def _bootloader_usart(part):
    """The emulator's name for the part's first bootloader USART (parts/stm32.json)."""
    return part.raw["bootloader"]["usarts"][0]["periph"].lower()


def _usart_words(name, port, status, report):
    if status != 0:
        return "%s (%s): the bootloader did not answer: %s (bootjump-usart exit %d: %s)" % (
            name.upper(), port, report.get("error") or report.get("verdict"), status, usart.STATUS.get(status, "?"))
    found = ", ".join(p["designator"] for p in report.get("parts") or []) or "no part of the database"
    return ("%s (%s, %s): 0x7F drew ACK after %s ms; bootloader version %s, PID %s (%s)  [bootjump-usart]"
            % (name.upper(), port, report["framing"], report["sync"]["time_to_ack_ms"],
               report["bootloader_version"], report["pid"], found))


def _step(title, request, progress):
    print("\n" + title)
    try:
        out = session.run(request, progress=progress.update)
    finally:
        progress.clear()
    if out.status != "traced":
        print("  " + (out.refused or show.stuck_sentence(out)))
        return out, False
    print("\n".join(show.verdict(out.verdict, out.after, out.trace_error)))
    print("\n".join("  " + line for line in show.paths(out.trace, out.md, out.html)))
    return out, out.verdict.agrees is True


@command("demo", help="the STM32L011 empty check and an STM32L031 that stays, traced and analysed "
                      "on the emulator (what `make demo` runs)")
def setup(parser):
    parser.add_argument("--out", default=OUT, metavar="DIR",
                        help="where the traces and reports go (default: build/demo/)")

    def run(args):
        started = time.monotonic()
        progress = Progress()
        print("bootjump demo: an STM32 jumps from user code into its ROM bootloader, on bootjump-emu "
              "(emulated chip, behavioural ROM model), traced step by step with gdb-multiarch.")
        _, l011_ok = _step("[1/2] STM32L011, probe recipe classic",
                           session.Request("stm32l011", recipe="classic", out_dir=args.out), progress)

        name = _bootloader_usart(session.lookup_part("stm32l031"))

        def check(target):
            port = target.emulator.uart(name)
            progress.update("asking the ROM's %s for ACK and its ID (bootjump-usart)" % name.upper())
            status, report = usart.check_json(port)
            return port, status, report

        out, l031_ok = _step("[2/2] STM32L031, the same recipe; then the host asks its USART for the bootloader",
                             session.Request("stm32l031", recipe="classic", out_dir=args.out,
                                             uarts=(name,), while_running=check), progress)
        answered = False
        if out.extra:
            port, status, report = out.extra
            answered = status == 0
            print("  " + _usart_words(name, port, status, report))
        ok = l011_ok and l031_ok and answered
        print("\ndemo %s in %.1f s" % ("done" if ok else "FAILED: see above", time.monotonic() - started))
        return 0 if ok else 1
    return run
