"""The report as one self-contained HTML file: inline style and SVG, no scripts, no network."""
from html import escape

from .doc import Figure, Heading, Para, Quote, Table
from .text import Code, Strong

_STYLE = """
body { font-family: sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; color: #1a1a1a; }
code { font-family: monospace; background: #f3f3f3; padding: 0 0.2em; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 90%; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.5em; text-align: left; vertical-align: top; }
tr.mark { background: #fff3c4; font-weight: bold; }
p.verdict { font-size: 120%; }
p.warning { border-left: 4px solid #c62828; padding-left: 0.6em; }
blockquote { border-left: 4px solid #1565c0; margin-left: 0; padding-left: 0.8em; color: #333; }
"""


def spans(items):
    if isinstance(items, str):
        return escape(items)
    out = []
    for s in items:
        if isinstance(s, Code):
            out.append("<code>%s</code>" % escape(s))
        elif isinstance(s, Strong):
            out.append("<strong>%s</strong>" % escape(s))
        else:
            out.append(escape(s))
    return "".join(out)


def _block(b):
    if isinstance(b, Heading):
        return "<h%d>%s</h%d>" % (b.level, escape(b.text), b.level)
    if isinstance(b, Para):
        cls = ' class="%s"' % b.role if b.role else ""
        return "<p%s>%s</p>" % (cls, spans(b.spans))
    if isinstance(b, Quote):
        return "<blockquote><p>&ldquo;%s&rdquo;</p><p>(%s)</p></blockquote>" % (escape(b.text), escape(b.source))
    if isinstance(b, Table):
        head = "".join("<th>%s</th>" % spans(c) for c in b.header)
        rows = []
        for n, row in enumerate(b.rows):
            cls = ' class="mark"' if n in b.marked else ""
            rows.append("<tr%s>%s</tr>" % (cls, "".join("<td>%s</td>" % spans(c) for c in row)))
        return "<table>\n<tr>%s</tr>\n%s\n</table>" % (head, "\n".join(rows))
    if isinstance(b, Figure):
        return "<figure>\n%s\n</figure>" % b.svg
    raise TypeError("no HTML for %r" % b)


def render(doc):
    body = "\n".join(_block(b) for b in doc.blocks)
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>%s</title>\n"
            "<style>%s</style>\n</head>\n<body>\n<h1>%s</h1>\n%s\n</body>\n</html>\n"
            % (escape(doc.title), _STYLE, escape(doc.title), body))
