"""build/bin/bootjump-usart, the AN3155 checker (tools/README.md): does a ROM bootloader answer on
a serial port? Used by `bootjump check-usart` and by the demo."""
import json
import os
import subprocess

from . import CliError, procs
from .paths import BUILD

USART = os.path.join(BUILD, "bin", "bootjump-usart")
# Its exit statuses (tools/README.md).
STATUS = {0: "answered", 1: "no answer", 2: "NACK or a bad reply", 3: "cannot open the port", 64: "bad command line"}


def run(args, capture=False):
    """Run bootjump-usart with `args`; (exit status, stdout, stderr), the outputs None unless captured.
    Its own --timeout bounds it; a margin on top stops it by pid if it ever hangs."""
    if not os.path.exists(USART):
        raise CliError("%s not found: run `make`" % os.path.relpath(USART))
    timeout_ms = int(args[args.index("--timeout") + 1]) if "--timeout" in args[:-1] else 1000
    pipe = subprocess.PIPE if capture else None
    proc = procs.start([USART] + list(args), stdout=pipe, stderr=pipe, stdin=subprocess.DEVNULL, text=True)
    try:
        out, err = proc.communicate(timeout=timeout_ms / 1000.0 + 10)
    except subprocess.TimeoutExpired:
        raise CliError("bootjump-usart did not finish within its timeout + 10 s") from None
    finally:
        procs.stop(proc)
    return proc.returncode, out, err


def check_json(port, timeout_ms=2000, framing_8n1=True):
    """The checker's JSON report for `port` (a pty: 8N1)."""
    args = [port, "--json", "--timeout", str(timeout_ms)] + (["--8n1"] if framing_8n1 else [])
    status, out, err = run(args, capture=True)
    try:
        return status, json.loads(out)
    except ValueError:
        raise CliError("bootjump-usart %s gave no JSON (exit %d: %s)" % (port, status, (err or "").strip())) from None
