"""bootjump reports: analyse a `bootjump-trace/1` file and write Markdown and HTML reports.

The API the CLI (bin/bootjump) and the tests call; reports/README.md documents it:

    analyse(trace_path, elf=None) -> Analysis        # .verdict, .exit, .decision, .reads, ...
    render(trace_path, out_dir, elf=None) -> (md_path, html_path, verdict)
    diff(trace_a, trace_b, elf=None) -> str          # Markdown

Every failure the user can cause (a file that is not a trace, an unknown part, an unreadable ELF,
an unwritable directory) raises ReportError with a one-line message.
"""
import os

from . import divergence, render_html, render_md, sections
from .analysis import Analysis, ReportError
from .analysis import analyse as _analyse
from .symbols import NONE, SymbolError, Symbols

__all__ = ["Analysis", "ReportError", "analyse", "render", "diff"]


def _symbols(elf):
    if not elf:
        return NONE
    try:
        return Symbols.load(elf)
    except SymbolError as e:
        raise ReportError(str(e)) from None


def analyse(trace_path, elf=None):
    """Read, validate and analyse a trace; `elf` names the user's code (never the ROM)."""
    return _analyse(trace_path, _symbols(elf))


def render(trace_path, out_dir, elf=None):
    """Write <out_dir>/<trace name>.md and .html; returns (md_path, html_path, verdict)."""
    a = analyse(trace_path, elf)
    doc = sections.build(a)
    stem = os.path.splitext(os.path.basename(str(trace_path)))[0]
    paths = (os.path.join(out_dir, stem + ".md"), os.path.join(out_dir, stem + ".html"))
    try:
        os.makedirs(out_dir, exist_ok=True)
        for path, text in zip(paths, (render_md.render(doc), render_html.render(doc))):
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
    except OSError as e:
        raise ReportError("cannot write the report into %s: %s" % (out_dir, e.strerror or e)) from None
    return paths[0], paths[1], a.verdict


def diff(trace_a, trace_b, elf=None):
    """The first divergence of two traces and the loaded values that explain it, as Markdown."""
    return divergence.text(analyse(trace_a, elf), analyse(trace_b, elf))
