"""The report as Markdown, to paste into a support ticket (GitHub-flavoured tables)."""
from .doc import Figure, Heading, Para, Quote, Table
from .text import Code, Strong


def _code(text):
    fence = "``" if "`" in text else "`"
    return "%s%s%s" % (fence, text, fence)


def spans(items):
    if isinstance(items, str):
        return items
    out = []
    for s in items:
        if isinstance(s, Code):
            out.append(_code(s))
        elif isinstance(s, Strong):
            out.append("**%s**" % s)
        else:
            out.append(s)
    return "".join(out)


def _cell(items):
    return spans(items).replace("|", "\\|").replace("\n", " ")


def _block(b):
    if isinstance(b, Heading):
        return "%s %s" % ("#" * b.level, b.text)
    if isinstance(b, Para):
        text = spans(b.spans)
        return "> " + text if b.role == "warning" else text
    if isinstance(b, Quote):
        return '> "%s"\n>\n> (%s)' % (b.text, b.source)
    if isinstance(b, Table):
        lines = ["| " + " | ".join(_cell(c) for c in b.header) + " |",
                 "|" + "|".join("---" for _ in b.header) + "|"]
        for n, row in enumerate(b.rows):
            cells = [_cell(c) for c in row]
            if n in b.marked:
                cells = ["**>** " + cells[0]] + cells[1:]
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines)
    if isinstance(b, Figure):
        return "\n\n".join(_block(f) for f in b.fallback)
    raise TypeError("no Markdown for %r" % b)


def render(doc):
    return "# %s\n\n%s\n" % (doc.title, "\n\n".join(_block(b) for b in doc.blocks))
