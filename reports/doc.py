"""The report as a small document model, built once (sections.py) and rendered twice (render_md.py,
render_html.py), so the Markdown and the HTML never say different things."""


class Heading:
    def __init__(self, level, text):
        self.level, self.text = level, text


class Para:
    """A paragraph of spans (see text.py); `role` lets HTML style the verdict and warnings."""

    def __init__(self, spans, role=None):
        self.spans, self.role = list(spans), role


class Quote:
    def __init__(self, text, source):
        self.text, self.source = text, source


class Table:
    """Cells are spans lists or plain strings; `mark` rows are highlighted (the decision point)."""

    def __init__(self, header, rows, marked=()):
        self.header, self.rows, self.marked = header, rows, set(marked)


class Figure:
    """An SVG for the HTML report; `fallback` blocks stand in for it in Markdown."""

    def __init__(self, svg, fallback):
        self.svg, self.fallback = svg, fallback


class Doc:
    def __init__(self, title):
        self.title = title
        self.blocks = []

    def add(self, *blocks):
        self.blocks.extend(blocks)
