"""Charts as hand-written SVG: the risk heat map, budget per block cycle, change requests.

Charts are composed (not rendered) because they summarise content across documents, and every
writer shows the same `Chart` block. The SVG is deterministic (no ids, no clock, fixed number
formatting), carries `<title>`, `<desc>`, `role="img"` and an `aria-label`, and every content
string in it is XML-escaped. Colour is never the only carrier: cells and bars are labelled.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from ..document import Chart
from ..facts import Facts
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
    """Each block cycle by name, with a bar for each measure the program is funded in (hours,
    dollars) against the authorised total, and the allocated totals; every bar is labelled with
    its amount. Narrow on purpose: a phone shows it at about its own size, so 13-14 px text stays
    at least 11 px."""
    funding = content.deliverables["charter"].funding
    unit = content.program.labels.release_unit
    cycles = plan.block_cycles
    measures = [(m, label, fmt, suffix) for m, label, fmt, suffix in (
        ("hours", "Hours", hours, " h"), ("dollars", "Dollars", money, "")) if m in funding.measures]
    totals = {m: sum(getattr(b, m) for b in cycles) for m, *_ in measures}
    authorised = {m: funding.total(m) or 0.0 for m, *_ in measures}  # every measure listed is funded
    left, width, bar, top = 10, 240, 14, 8
    scale = {m: width / max(authorised[m], totals[m], 1) for m, *_ in measures}
    body: list[str] = []
    y = top
    for n, b in enumerate(cycles):
        colour = SEGMENTS[n % len(SEGMENTS)]
        for line in _wrap(b.name, 40):
            y += 17
            body.append(text(left, y, line, size=14, weight="bold"))
        for m, _, fmt, suffix in measures:
            value = getattr(b, m)
            y += 5
            body.append(rect(left, y, width, bar, "#eceff1", stroke="#eceff1"))
            body.append(rect(left, y, max(1.0, value * scale[m]), bar, colour, stroke=colour))
            body.append(text(left + width + 8, y + bar - 2, f"{fmt(value)}{suffix}", size=13))
            y += bar
        y += 12
    share = {m: f"{totals[m] / authorised[m]:.0%}" if authorised[m] else "n/a"
             for m, *_ in measures}
    y += 8
    for m, _, fmt, suffix in measures:
        body.append(text(left, y, f"Allocated {fmt(totals[m])}{suffix} of "
                         f"{fmt(authorised[m])}{suffix} ({share[m]})", size=14, weight="bold"))
        y += 20
    if len(measures) > 1:
        body.append(text(left, y, "Upper bar: hours; lower bar: dollars;", size=12))
        y += 16
    body.append(text(left, y, "full grey width = the authorised total", size=12))
    descs = []
    for m, label, fmt, suffix in measures:
        descs.append(f"{label}: " + "; ".join(f"{b.id} {fmt(getattr(b, m))}{suffix} ({b.name})"
                                              for b in cycles)
                     + f"; allocated {fmt(totals[m])}{suffix} of {fmt(authorised[m])}{suffix} "
                       f"authorised ({share[m]}).")
    what = " and ".join(label.lower() for _, label, *_ in measures).capitalize()
    title = f"{what} per {unit} against the authorised total"
    desc = f"Budget per {unit} against the authorised total. " + " ".join(descs)
    return Chart(title, desc, svg(left + width + 100, y + 10, title, desc, body))


MILESTONE_MARKS = (("baseline", "#ffffff", "baseline"), ("forecast", "#ff9800", "forecast"),
                   ("actual", "#43a047", "actual"))


LABEL_CHARS = 36
"""Characters of a schedule row's label that fit the chart's 270 px left margin at 12 px."""


def schedule_chart(content: Content, plan: MOPlan, facts: Facts) -> Chart:
    """The IMS as a timeline: one row per milestone, a hollow diamond at the baseline, an orange
    one at the forecast and a green one at the actual date, a bar showing any slip, and a thin
    line from each predecessor. The text alternative lists every date and dependency."""
    ms = sorted((m for m in plan.milestones if m.planned), key=lambda m: (m.planned, m.id))
    dates = [d for m in ms for d in (m.planned, m.forecast, m.actual) if d]
    lo, hi = (min(dates), max(dates)) if dates else (content.program.as_of,) * 2
    span = max((hi - lo).days, 1)
    left, width, row, top = 270, 440, 26, 44

    def x(day) -> float:
        return left + (day - lo).days / span * width

    body = _legend(12, 18, [(label, fill) for _, fill, label in MILESTONE_MARKS])
    body[0] = rect(12, 8, 12, 12, "#ffffff", stroke=INK)  # the hollow baseline marker
    for k in range(5):
        day = lo + (hi - lo) * k / 4
        gx = left + width * k / 4
        body.append(f'<line x1="{gx:.1f}" y1="{top - 6}" x2="{gx:.1f}" '
                    f'y2="{top + len(ms) * row:.1f}" stroke="#cfd8dc" stroke-width="1"/>')
        body.append(text(gx, top + len(ms) * row + 16, day.isoformat(), anchor="middle", size=12))
    now = content.program.as_of
    if lo <= now <= hi:
        body.append(f'<line x1="{x(now):.1f}" y1="{top - 10}" x2="{x(now):.1f}" '
                    f'y2="{top + len(ms) * row:.1f}" stroke="{INK}" stroke-width="1.5" '
                    'stroke-dasharray="4 3"/>')
        body.append(text(x(now), top - 12, f"as of {now.isoformat()}", anchor="middle", size=12))
    states = {f.id: f.state for f in facts.milestones}
    descs = []
    where = {m.id: (x(m.expected), top + n * row + row / 2) for n, m in enumerate(ms)}
    for n, m in enumerate(ms):  # dependencies: a thin elbow from each predecessor
        y = top + n * row + row / 2
        for dep in m.depends_on:
            if dep in where:
                px, py = where[dep]
                body.append(f'<polyline points="{px:.1f},{py + 7:.1f} {px:.1f},{y:.1f} '
                            f'{x(m.planned) - 7:.1f},{y:.1f}" fill="none" stroke="#90a4ae" '
                            'stroke-width="1"/>')
    for n, m in enumerate(ms):
        y = top + n * row + row / 2
        room = max(LABEL_CHARS - len(m.id) - 2, 8)  # "id: label" fits the left margin at 12 px
        label = m.milestone if len(m.milestone) <= room else m.milestone[:room - 1] + "…"
        body.append(text(left - 8, y + 4, f"{m.id}: {label}", anchor="end", size=12))
        end = m.actual or m.forecast
        if end and end != m.planned:
            x1, x2 = sorted((x(m.planned), x(end)))
            body.append(rect(x1, y - 3, max(x2 - x1, 1), 6, "#ffcc80", stroke="#ffcc80"))
        for attr, fill, _ in MILESTONE_MARKS:
            day = getattr(m, "planned" if attr == "baseline" else attr)
            if day:
                cx = x(day)
                body.append(f'<polygon points="{cx:.1f},{y - 7:.1f} {cx + 7:.1f},{y:.1f} '
                            f'{cx:.1f},{y + 7:.1f} {cx - 7:.1f},{y:.1f}" fill="{fill}" '
                            f'stroke="{INK}" stroke-width="1"/>')
        parts = [f"baseline {m.planned.isoformat()}"]
        parts += [f"{a} {getattr(m, a).isoformat()}" for a in ("forecast", "actual")
                  if getattr(m, a)]
        deps = f", after {', '.join(m.depends_on)}" if m.depends_on else ""
        state = states[m.id]  # computed ones from their approvals
        descs.append(f"{m.id} {m.milestone} ({state}): {', '.join(parts)}{deps}")
    desc = (f"Schedule of {len(ms)} milestones from {lo.isoformat()} to {hi.isoformat()}. "
            + "; ".join(descs) + ".") if ms else "Schedule: no milestones."
    height = top + len(ms) * row + 26
    title = "Integrated master schedule: baseline, forecast and actual dates"
    return Chart(title, desc, svg(left + width + 50, height, title, desc, body))


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
        x: float = left
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
