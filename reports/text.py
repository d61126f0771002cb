"""Rich text shared by the Markdown and HTML renderers: a paragraph is a list of spans, each a
plain str, a Code span or a Strong span."""


class Code(str):
    """Machine text: an instruction, an address, a register value."""


class Strong(str):
    """Emphasis for what a reader must not miss (a contradiction, the outcome)."""


def h(value, width=8):
    """An address or a 32-bit value as the reports write it."""
    return "0x%0*x" % (width, value)


def plain(spans):
    """A paragraph as one line of text for a terminal, with `code` in backticks."""
    return "".join("`%s`" % s if isinstance(s, Code) else str(s) for s in spans)


def addr_name(analysis, addr):
    """Spans for an address with its ELF symbol, if any: 0x080000c0 (Reset_Handler)."""
    name = analysis.symbol(addr)
    return [Code(h(addr))] + ([" (", Code(name), ")"] if name else [])
