"""Checks that an HTML report is well formed and self-contained (test helper)."""
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

VOID = {"meta", "br", "hr", "img", "input", "link", "col", "area", "base", "wbr", "source"}


class _Nesting(HTMLParser):
    """Fails on a closing tag that does not close the innermost open element."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.tags = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("</%s> closes %s at %s" % (tag, self.stack[-1:] or "nothing", self.getpos()))
        else:
            self.stack.pop()


def check(text):
    """Returns the inline SVG elements (parsed); raises AssertionError on any problem."""
    p = _Nesting()
    p.feed(text)
    p.close()
    assert not p.errors, p.errors
    assert not p.stack, "unclosed: %s" % p.stack
    for tag, attrs in p.tags:
        assert tag not in ("script", "link", "iframe", "img", "object"), tag
        for name, value in attrs.items():
            assert name not in ("src", "href"), (tag, name, value)
    assert "url(" not in text and "@import" not in text
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg\")", text), "a network reference"
    svgs = [ET.fromstring(m) for m in re.findall(r"<svg\b.*?</svg>", text, re.S)]
    return svgs
