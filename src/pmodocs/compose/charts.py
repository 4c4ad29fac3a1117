"""Charts as hand-written SVG: the risk heat map, budget per block cycle, change requests.

Charts are composed (not rendered) because they summarise content across documents, and every
writer shows the same `Chart` block. The SVG is deterministic (no ids, no clock, fixed number
formatting), carries `<title>`, `<desc>`, `role="img"` and an `aria-label`, and every content
string in it is XML-escaped. Colour is never the only carrier: cells and bars are labelled.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from ..document import Chart
from ..model import Content, MOPlan, RiskPlan
from .common import hours, money

FONT = 'font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif"'
INK = "#1f2933"
HEAT = ((15, "#e57373", "high"), (10, "#ffb74d", "significant"), (5, "#fff176", "medium"),
        (0, "#aed581", "low"))
"""(lowest score, fill, band) for the heat map, highest band first."""
SEGMENTS = ("#3f51b5", "#009688", "#ff9800", "#8e24aa", "#607d8b", "#c0ca33", "#6d4c41")
CR_STATES = {
    "submitted": "#90a4ae", "in analysis": "#4fc3f7", "approved": "#7986cb",
    "in progress": "#ffb74d", "deployed": "#66bb6a", "rejected": "#e57373", "deferred": "#ba68c8",
}


def svg(width: int, height: int, title: str, desc: str, body: list[str]) -> str:
    """An accessible SVG document; `title` doubles as the aria-label, `desc` is the long text."""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="img" aria-label={quoteattr(title)} '
            f'class="pm-svg">'
            f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>"
            + "".join(body) + "</svg>")


def text(x: float, y: float, value: str, *, anchor: str = "start", size: int = 12,
         weight: str = "normal", fill: str = INK) -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
            f'font-weight="{weight}" fill="{fill}" {FONT}>{escape(value)}</text>')


def rect(x: float, y: float, w: float, h: float, fill: str, stroke: str = "#ffffff") -> str:
    return (f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="1"/>')


def heat_colour(score: int) -> tuple[str, str]:
    """(fill, band name) for a probability × impact score."""
    return next((fill, band) for low, fill, band in HEAT if score >= low)


def risk_heat_map(plan: RiskPlan) -> Chart:
    """Probability (rows, highest on top) × impact (columns), open and watched risk ids in cells."""
    live = [r for r in plan.risks if r.state != "closed"]
    cells: dict[tuple[int, int], list[str]] = {}
    for r in sorted(live, key=lambda r: r.id):
        cells.setdefault((r.probability, r.impact), []).append(r.id)
    p_labels = {s.level: s.label for s in plan.scales.probability}
    i_labels = {s.level: s.label for s in plan.scales.impact}
    left, top, cw, ch = 130, 30, 104, 64
    body = [text(left + 2.5 * cw, 18, "Impact →", anchor="middle", weight="bold")]
    for p in range(1, 6):
        y = top + (5 - p) * ch
        body.append(text(left - 8, y + ch / 2 + 4, f"{p} {p_labels.get(p, '')}", anchor="end"))
        for i in range(1, 6):
            x = left + (i - 1) * cw
            fill, _ = heat_colour(p * i)
            body.append(rect(x, y, cw, ch, fill))
            body += _cell_ids(x + cw / 2, y, ch, cells.get((p, i), []))
    for i in range(1, 6):
        body.append(text(left + (i - 0.5) * cw, top + 5 * ch + 18, f"{i} {i_labels.get(i, '')}",
                         anchor="middle"))
    body.append(text(14, top + 2.5 * ch, "Probability ↑", anchor="middle", weight="bold")
                .replace("<text ", f'<text transform="rotate(-90 14 {top + 2.5 * ch:.1f})" ', 1))
    title = f"Risk heat map: {len(live)} open or watched risks by probability and impact"
    return Chart("Risk heat map (probability × impact)", heat_map_alt(cells, len(live)),
                 svg(left + 5 * cw + 10, top + 5 * ch + 30, title, heat_map_alt(cells, len(live)),
                     body))


def _cell_ids(cx: float, y: float, ch: float, ids: list[str]) -> list[str]:
    """Up to three ids per line, two lines, then '+n more', centred in a heat-map cell."""
    lines = [", ".join(ids[k:k + 3]) for k in range(0, min(len(ids), 6), 3)]
    if len(ids) > 6:
        lines.append(f"+{len(ids) - 6} more")
    start = y + ch / 2 - (len(lines) - 1) * 7 + 4
    return [text(cx, start + n * 14, line, anchor="middle", size=11, weight="bold")
            for n, line in enumerate(lines)]


def heat_map_alt(cells: dict[tuple[int, int], list[str]], count: int) -> str:
    """The heat map as sentences: every occupied cell, highest score first."""
    parts = []
    for (p, i), ids in sorted(cells.items(), key=lambda kv: (-kv[0][0] * kv[0][1], -kv[0][0])):
        parts.append(f"probability {p} × impact {i} (score {p * i}, {heat_colour(p * i)[1]}): "
                     + ", ".join(ids))
    if not parts:
        return "Risk heat map: no open or watched risks."
    return f"Risk heat map of {count} open or watched risks. " + "; ".join(parts) + "."


def budget_chart(content: Content, plan: MOPlan) -> Chart:
    """Each block cycle by name, with its hours and dollars as bars against the authorised totals,
    and the allocated totals; every bar is labelled with its amount."""
    funding = content.deliverables["charter"].funding
    cycles = plan.block_cycles
    total_h, total_d = sum(b.hours for b in cycles), sum(b.dollars for b in cycles)
    auth_h, auth_d = funding.authorised_hours, funding.authorised_dollars
    # Narrow on purpose (a phone shows it at about its own size, so 13-14 px text stays >= 11 px)
    left, width, bar, top = 10, 240, 14, 8
    scale_h = width / max(auth_h, total_h, 1)
    scale_d = width / max(auth_d, total_d, 1)
    body: list[str] = []
    y = top
    for n, b in enumerate(cycles):
        colour = SEGMENTS[n % len(SEGMENTS)]
        for line in _wrap(b.name, 40):
            y += 17
            body.append(text(left, y, line, size=14, weight="bold"))
        for value, scale, shown in ((b.hours, scale_h, f"{hours(b.hours)} h"),
                                    (b.dollars, scale_d, money(b.dollars))):
            y += 5
            body.append(rect(left, y, width, bar, "#eceff1", stroke="#eceff1"))
            body.append(rect(left, y, max(1.0, value * scale), bar, colour, stroke=colour))
            body.append(text(left + width + 8, y + bar - 2, shown, size=13))
            y += bar
        y += 12
    share_h = f"{total_h / auth_h:.0%}" if auth_h else "n/a"
    share_d = f"{total_d / auth_d:.0%}" if auth_d else "n/a"
    y += 8
    body.append(text(left, y, f"Allocated {hours(total_h)} h of {hours(auth_h)} h ({share_h})",
                     size=14, weight="bold"))
    body.append(text(left, y + 20, f"Allocated {money(total_d)} of {money(auth_d)} ({share_d})",
                     size=14, weight="bold"))
    body.append(text(left, y + 40, "Upper bar: hours; lower bar: dollars;", size=12))
    body.append(text(left, y + 56, "full grey width = the authorised total", size=12))
    descs = []
    for label, values, authorised, fmt, unit, share in (
            ("Hours", [b.hours for b in cycles], auth_h, hours, " h", share_h),
            ("Dollars", [b.dollars for b in cycles], auth_d, money, "", share_d)):
        descs.append(f"{label}: " + "; ".join(f"{b.id} {fmt(v)}{unit} ({b.name})"
                                              for b, v in zip(cycles, values))
                     + f"; allocated {fmt(sum(values))}{unit} of {fmt(authorised)}{unit} "
                       f"authorised ({share}).")
    desc = "Budget per block cycle against the authorised total. " + " ".join(descs)
    return Chart("Hours and dollars per block cycle against the authorised total", desc,
                 svg(left + width + 100, y + 66, "Hours and dollars per block cycle "
                     "against the authorised total", desc, body))


def _wrap(words: str, width: int) -> list[str]:
    """Lines of at most about `width` characters, broken between words (SVG text does not wrap)."""
    import textwrap

    return textwrap.wrap(words, width, break_long_words=False) or [""]


def _legend(x: float, y: float, entries: list[tuple[str, str]]) -> list[str]:
    out = []
    for label, colour in entries:
        out += [rect(x, y - 10, 12, 12, colour, stroke=colour), text(x + 16, y, label, size=11)]
        x += 16 + 7 * len(label) + 18
    return out


def change_request_chart(plan: MOPlan) -> Chart:
    """One bar per change type, split by state, with the count written on each segment."""
    states = [s for s in CR_STATES if any(r.state == s for r in plan.change_requests)]
    counts = {(t.id, s): sum(1 for r in plan.change_requests if r.type == t.id and r.state == s)
              for t in plan.change_types for s in states}
    most = max([sum(counts[(t.id, s)] for s in states) for t in plan.change_types] + [1])
    left, width, bar, top = 210, 420, 22, 44
    scale = width / most
    body = _legend(12, 18, [(s, CR_STATES[s]) for s in states])
    descs = []
    for n, t in enumerate(plan.change_types):
        y = top + n * (bar + 10)
        body.append(text(left - 8, y + bar / 2 + 4, t.name, anchor="end", size=11))
        x = left
        parts = []
        for s in states:
            c = counts[(t.id, s)]
            if c:
                body.append(rect(x, y, c * scale, bar, CR_STATES[s]))
                body.append(text(x + c * scale / 2, y + bar / 2 + 4, str(c), anchor="middle",
                                 size=11, weight="bold"))
                parts.append(f"{c} {s}")
                x += c * scale
        total = sum(counts[(t.id, s)] for s in states)
        body.append(text(x + 6, y + bar / 2 + 4, f"{total}", size=11))
        descs.append(f"{t.name}: " + (", ".join(parts) if parts else "none"))
    desc = (f"Change requests by type and state ({len(plan.change_requests)} in all). "
            + "; ".join(descs) + ".")
    height = top + len(plan.change_types) * (bar + 10) + 6
    return Chart("Change requests by type and state", desc,
                 svg(left + width + 40, height, "Change requests by type and state", desc, body))
