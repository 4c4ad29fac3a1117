"""Charts drawn as hand-written SVG from their data: the risk heat map, budget per block cycle,
the schedule and the change requests. The one chart drawer: the site and the PDF embed its SVG,
and Word's pictures are drawn from it.

The SVG is deterministic (no ids, no clock, fixed number formatting), carries `<title>`,
`<desc>` (the chart's text alternative), `role="img"` and an `aria-label`, and every content
string in it is XML-escaped. Colour is never the only carrier: cells and bars are labelled.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from ..document import BudgetBars, Chart, ChartSpec, HeatMap, ScheduleChart, StateBars

FONT = 'font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif"'
INK = "#1f2933"
HEAT_FILLS = {"high": "#e57373", "significant": "#ffb74d", "medium": "#fff176", "low": "#aed581"}
"""The fill of each heat-map band."""
SEGMENTS = ("#3f51b5", "#009688", "#ff9800", "#8e24aa", "#607d8b", "#c0ca33", "#6d4c41")
STATE_FILLS = {
    "submitted": "#90a4ae", "in analysis": "#4fc3f7", "approved": "#7986cb",
    "in progress": "#ffb74d", "deployed": "#66bb6a", "rejected": "#e57373", "deferred": "#ba68c8",
}
MILESTONE_MARKS = (("baseline", "#ffffff", "baseline"), ("forecast", "#ff9800", "forecast"),
                   ("actual", "#43a047", "actual"))
LABEL_CHARS = 36
"""Characters of a schedule row's label that fit the chart's 270 px left margin at 12 px."""


def chart_svg(chart: Chart) -> str:
    """The chart's SVG: drawn from its data, or the SVG a snapshot kept."""
    return draw(chart.spec, chart.alt) if chart.spec is not None else chart.svg


def draw(spec: ChartSpec, desc: str) -> str:
    """A chart's data drawn as SVG, with `desc` (its text alternative) as the long description."""
    if isinstance(spec, HeatMap):
        return heat_map_svg(spec, desc)
    if isinstance(spec, BudgetBars):
        return budget_svg(spec, desc)
    if isinstance(spec, ScheduleChart):
        return schedule_svg(spec, desc)
    if isinstance(spec, StateBars):
        return state_bars_svg(spec, desc)
    raise TypeError(f"no chart drawer for {type(spec).__name__}")


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


def heat_map_svg(spec: HeatMap, desc: str) -> str:
    """Probability (rows, highest on top) × impact (columns), the risk ids in their cells."""
    cells = {(p, i): list(ids) for p, i, ids in spec.cells}
    left, top, cw, ch = 130, 30, 104, 64
    body = [text(left + 2.5 * cw, 18, "Impact →", anchor="middle", weight="bold")]
    for p in range(1, 6):
        y = top + (5 - p) * ch
        body.append(text(left - 8, y + ch / 2 + 4, f"{p} {spec.probability_labels[p - 1]}",
                         anchor="end"))
        for i in range(1, 6):
            x = left + (i - 1) * cw
            body.append(rect(x, y, cw, ch, HEAT_FILLS[spec.bands[p - 1][i - 1]]))
            body += _cell_ids(x + cw / 2, y, ch, cells.get((p, i), []))
    for i in range(1, 6):
        body.append(text(left + (i - 0.5) * cw, top + 5 * ch + 18,
                         f"{i} {spec.impact_labels[i - 1]}", anchor="middle"))
    body.append(text(14, top + 2.5 * ch, "Probability ↑", anchor="middle", weight="bold")
                .replace("<text ", f'<text transform="rotate(-90 14 {top + 2.5 * ch:.1f})" ', 1))
    return svg(left + 5 * cw + 10, top + 5 * ch + 30, spec.title, desc, body)


def _cell_ids(cx: float, y: float, ch: float, ids: list[str]) -> list[str]:
    """Up to three ids per line, two lines, then '+n more', centred in a heat-map cell."""
    lines = [", ".join(ids[k:k + 3]) for k in range(0, min(len(ids), 6), 3)]
    if len(ids) > 6:
        lines.append(f"+{len(ids) - 6} more")
    start = y + ch / 2 - (len(lines) - 1) * 7 + 4
    return [text(cx, start + n * 14, line, anchor="middle", size=11, weight="bold")
            for n, line in enumerate(lines)]


def budget_svg(spec: BudgetBars, desc: str) -> str:
    """Each block cycle by name, with a labelled bar for each measure against the authorised
    total, and the allocated totals. Narrow on purpose: a phone shows it at about its own size,
    so 13-14 px text stays at least 11 px."""
    left, width, bar, top = 10, 240, 14, 8
    scale = [width / max(m.authorised, m.allocated, 1) for m in spec.measures]
    body: list[str] = []
    y = top
    for n, cycle in enumerate(spec.cycles):
        colour = SEGMENTS[n % len(SEGMENTS)]
        for line in _wrap(cycle.name, 40):
            y += 17
            body.append(text(left, y, line, size=14, weight="bold"))
        for value, label, k in zip(cycle.values, cycle.texts, range(len(spec.measures))):
            y += 5
            body.append(rect(left, y, width, bar, "#eceff1", stroke="#eceff1"))
            body.append(rect(left, y, max(1.0, value * scale[k]), bar, colour, stroke=colour))
            body.append(text(left + width + 8, y + bar - 2, label, size=13))
            y += bar
        y += 12
    y += 8
    for m in spec.measures:
        body.append(text(left, y, m.summary, size=14, weight="bold"))
        y += 20
    if len(spec.measures) > 1:
        body.append(text(left, y, "Upper bar: hours; lower bar: dollars;", size=12))
        y += 16
    body.append(text(left, y, "full grey width = the authorised total", size=12))
    return svg(left + width + 100, y + 10, spec.title, desc, body)


def schedule_svg(spec: ScheduleChart, desc: str) -> str:
    """The IMS as a timeline: one row per milestone, a hollow diamond at the baseline, an orange
    one at the forecast and a green one at the actual date, a bar showing any slip, and a thin
    line from each predecessor."""
    ms, lo, hi = spec.rows, spec.start, spec.end
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
    now = spec.as_of
    if lo <= now <= hi:
        body.append(f'<line x1="{x(now):.1f}" y1="{top - 10}" x2="{x(now):.1f}" '
                    f'y2="{top + len(ms) * row:.1f}" stroke="{INK}" stroke-width="1.5" '
                    'stroke-dasharray="4 3"/>')
        body.append(text(x(now), top - 12, f"as of {now.isoformat()}", anchor="middle", size=12))
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
        label = m.label if len(m.label) <= room else m.label[:room - 1] + "…"
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
    height = top + len(ms) * row + 26
    return svg(left + width + 50, height, spec.title, desc, body)


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


def state_bars_svg(spec: StateBars, desc: str) -> str:
    """One bar per group, split by state, with the count written on each segment."""
    states = spec.states
    most = max([sum(counts) for _, counts in spec.groups] + [1])
    left, width, bar, top = 210, 420, 22, 44
    scale = width / most
    body = _legend(12, 18, [(s, STATE_FILLS[s]) for s in states])
    for n, (name, counts) in enumerate(spec.groups):
        y = top + n * (bar + 10)
        body.append(text(left - 8, y + bar / 2 + 4, name, anchor="end", size=11))
        x: float = left
        for s, c in zip(states, counts):
            if c:
                body.append(rect(x, y, c * scale, bar, STATE_FILLS[s]))
                body.append(text(x + c * scale / 2, y + bar / 2 + 4, str(c), anchor="middle",
                                 size=11, weight="bold"))
                x += c * scale
        body.append(text(x + 6, y + bar / 2 + 4, f"{sum(counts)}", size=11))
    height = top + len(spec.groups) * (bar + 10) + 6
    return svg(left + width + 40, height, spec.title, desc, body)
