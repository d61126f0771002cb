"""Where the PC was over the steps: runs of steps per lane, drawn as an inline SVG (no external
fonts, styles or scripts, so the HTML report stays self-contained)."""
from xml.sax.saxutils import escape

LANES = ("user flash", "ROM", "SRAM", "exception", "other")
_COLOURS = {"user flash": "#2e7d32", "ROM": "#1565c0", "SRAM": "#ef6c00", "exception": "#c62828",
            "other": "#6d6d6d"}
_WIDTH, _LEFT, _ROW, _GAP, _TOP = 880, 96, 18, 6, 40


def segments(lanes):
    """[(lane, first step, last step)] for consecutive steps in the same lane."""
    out = []
    for k, lane in enumerate(lanes):
        if out and out[-1][0] == lane:
            out[-1] = (lane, out[-1][1], k)
        else:
            out.append((lane, k, k))
    return out


def svg(segs, steps, marks):
    """The timeline of `steps` steps; marks: [(step, label)] drawn as labelled vertical lines."""
    shown = [lane for lane in LANES if lane != "other" or any(s[0] == "other" for s in segs)]
    row = {lane: n for n, lane in enumerate(shown)}
    plot = _WIDTH - _LEFT - 10
    scale = plot / max(steps, 1)
    height = _TOP + len(shown) * (_ROW + _GAP) + 22
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
           'role="img" font-family="sans-serif" font-size="11">' % (_WIDTH, height, _WIDTH, height),
           "<title>Where the PC was, step by step</title>"]
    for lane in shown:
        y = _TOP + row[lane] * (_ROW + _GAP)
        out.append('<text x="%d" y="%d" text-anchor="end">%s</text>' % (_LEFT - 6, y + 13, escape(lane)))
        out.append('<rect x="%d" y="%d" width="%d" height="%d" fill="#f2f2f2"/>' % (_LEFT, y, plot, _ROW))
    for lane, first, last in segs:
        y = _TOP + row[lane] * (_ROW + _GAP)
        width = max((last - first + 1) * scale, 1.0)
        out.append('<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"><title>%s: steps %d-%d</title></rect>'
                   % (_LEFT + first * scale, y, width, _ROW, _COLOURS[lane], escape(lane), first, last))
    bottom = _TOP + len(shown) * (_ROW + _GAP)
    for n, (step, label) in enumerate(sorted(marks)):
        x = _LEFT + (step + 0.5) * scale
        y = _TOP - 8 - 14 * (n % 2)        # alternate heights so labels of close steps stay legible
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#000" stroke-dasharray="3,2"/>'
                   % (x, y + 3, x, bottom - _GAP))
        # Labels near either end are anchored inwards so they stay inside the picture.
        anchor = "end" if x > _WIDTH - 60 else "start" if x < _LEFT + 30 else "middle"
        out.append('<text x="%.1f" y="%d" text-anchor="%s">%s</text>' % (x, y, anchor, escape(label)))
    out.append('<text x="%d" y="%d">step 0</text>' % (_LEFT, bottom + 12))
    out.append('<text x="%d" y="%d" text-anchor="end">step %d</text>' % (_LEFT + plot, bottom + 12, max(steps - 1, 0)))
    out.append("</svg>")
    return "\n".join(out)
