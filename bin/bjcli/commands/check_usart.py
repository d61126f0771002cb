"""bootjump check-usart: build/bin/bootjump-usart, the AN3155 checker."""
from .. import command, usart


@command("check-usart", help="does a ROM bootloader answer on this serial port? (sync 0x7F, GET, GET "
                             "VERSION, GET ID; build/bin/bootjump-usart, tools/README.md)")
def setup(parser):
    parser.add_argument("port", metavar="PORT", help="the serial port (a USB-UART adapter's tty, or "
                                                     "the emulator's pty)")
    parser.add_argument("--8n1", dest="eight_n_one", action="store_true",
                        help="no parity (a pty cannot carry it); the default is 8E1 as AN3155 wants")
    parser.add_argument("--baud", type=int, metavar="N", help="line speed (default 57600)")
    parser.add_argument("--timeout", type=int, metavar="MS", help="the whole check ends within MS ms (default 1000)")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")

    def run(args):
        argv = [args.port] + (["--8n1"] if args.eight_n_one else [])
        if args.baud is not None:
            argv += ["--baud", str(args.baud)]
        if args.timeout is not None:
            argv += ["--timeout", str(args.timeout)]
        if args.json:
            argv.append("--json")
        # Its words, JSON and exit status (0 answered, 1 no answer, 2 NACK/bad reply, 3 cannot
        # open) pass through unchanged: scripts rely on them.
        return usart.run(argv)[0]
    return run
