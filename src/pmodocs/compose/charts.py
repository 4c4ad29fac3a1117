"""Charts as data: the risk heat map, budget per block cycle, the schedule, change requests.

Charts are composed (not rendered) because they summarise content across documents, and every
writer shows the same `Chart` block: its data (`spec`) and text alternative are made here, and
render/charts.py draws it. The text alternative says everything the picture shows.
"""

from __future__ import annotations

from ..document import (
    BudgetBars, BudgetCycle, BudgetMeasure, Chart, HeatMap, ScheduleChart, ScheduleRow, StateBars,
)
from ..facts import Facts
from ..model import Content, MOPlan, RiskPlan
from .common import hours, money

HEAT = ((15, "high"), (10, "significant"), (5, "medium"), (0, "low"))
"""(lowest score, band) for the heat map, highest band first."""
CR_STATES = ("submitted", "in analysis", "approved", "in progress", "deployed", "rejected",
             "deferred")
"""Change-request states in the order the chart shows them."""


def heat_band(score: int) -> str:
    """The band name of a probability × impact score."""
    return next(band for low, band in HEAT if score >= low)


def risk_heat_map(plan: RiskPlan) -> Chart:
    """Probability (rows, highest on top) × impact (columns), open and watched risk ids in cells."""
    live = [r for r in plan.risks if r.state != "closed"]
    cells: dict[tuple[int, int], list[str]] = {}
    for r in sorted(live, key=lambda r: r.id):
        cells.setdefault((r.probability, r.impact), []).append(r.id)
    p_labels = {s.level: s.label for s in plan.scales.probability}
    i_labels = {s.level: s.label for s in plan.scales.impact}
    title = f"Risk heat map: {len(live)} open or watched risks by probability and impact"
    spec = HeatMap(title, tuple(p_labels.get(p, "") for p in range(1, 6)),
                   tuple(i_labels.get(i, "") for i in range(1, 6)),
                   tuple(tuple(heat_band(p * i) for i in range(1, 6)) for p in range(1, 6)),
                   tuple((p, i, tuple(ids)) for (p, i), ids in cells.items()))
    return Chart("Risk heat map (probability × impact)", heat_map_alt(cells, len(live)), spec=spec)


def heat_map_alt(cells: dict[tuple[int, int], list[str]], count: int) -> str:
    """The heat map as sentences: every occupied cell, highest score first."""
    parts = []
    for (p, i), ids in sorted(cells.items(), key=lambda kv: (-kv[0][0] * kv[0][1], -kv[0][0])):
        parts.append(f"probability {p} × impact {i} (score {p * i}, {heat_band(p * i)}): "
                     + ", ".join(ids))
    if not parts:
        return "Risk heat map: no open or watched risks."
    return f"Risk heat map of {count} open or watched risks. " + "; ".join(parts) + "."


def budget_chart(content: Content, plan: MOPlan) -> Chart:
    """Each block cycle by name, with a bar for each measure the program is funded in (hours,
    dollars) against the authorised total, and the allocated totals; every bar is labelled with
    its amount."""
    funding = content.deliverables["charter"].funding
    unit = content.program.labels.release_unit
    cycles = plan.block_cycles
    measures = [(m, label, fmt, suffix) for m, label, fmt, suffix in (
        ("hours", "Hours", hours, " h"), ("dollars", "Dollars", money, "")) if m in funding.measures]
    totals = {m: sum(getattr(b, m) for b in cycles) for m, *_ in measures}
    authorised = {m: funding.total(m) or 0.0 for m, *_ in measures}  # every measure listed is funded
    share = {m: f"{totals[m] / authorised[m]:.0%}" if authorised[m] else "n/a"
             for m, *_ in measures}
    descs = []
    for m, label, fmt, suffix in measures:
        descs.append(f"{label}: " + "; ".join(f"{b.id} {fmt(getattr(b, m))}{suffix} ({b.name})"
                                              for b in cycles)
                     + f"; allocated {fmt(totals[m])}{suffix} of {fmt(authorised[m])}{suffix} "
                       f"authorised ({share[m]}).")
    what = " and ".join(label.lower() for _, label, *_ in measures).capitalize()
    title = f"{what} per {unit} against the authorised total"
    desc = f"Budget per {unit} against the authorised total. " + " ".join(descs)
    spec = BudgetBars(title, tuple(
        BudgetMeasure(label, authorised[m], totals[m],
                      f"Allocated {fmt(totals[m])}{suffix} of {fmt(authorised[m])}{suffix} "
                      f"({share[m]})")
        for m, label, fmt, suffix in measures), tuple(
        BudgetCycle(b.name, tuple(getattr(b, m) for m, *_ in measures),
                    tuple(f"{fmt(getattr(b, m))}{suffix}" for m, _, fmt, suffix in measures))
        for b in cycles))
    return Chart(title, desc, spec=spec)


def schedule_chart(content: Content, plan: MOPlan, facts: Facts) -> Chart:
    """The IMS as a timeline: one row per milestone with its baseline, forecast and actual
    dates and its predecessors. The text alternative lists every date and dependency."""
    ms = sorted((m for m in plan.milestones if m.planned), key=lambda m: (m.planned, m.id))
    dates = [d for m in ms for d in (m.planned, m.forecast, m.actual) if d]
    lo, hi = (min(dates), max(dates)) if dates else (content.program.as_of,) * 2
    states = {f.id: f.state for f in facts.milestones}
    descs = []
    for m in ms:
        parts = [f"baseline {m.planned.isoformat()}"]
        parts += [f"{a} {getattr(m, a).isoformat()}" for a in ("forecast", "actual")
                  if getattr(m, a)]
        deps = f", after {', '.join(m.depends_on)}" if m.depends_on else ""
        state = states[m.id]  # computed ones from their approvals
        descs.append(f"{m.id} {m.milestone} ({state}): {', '.join(parts)}{deps}")
    desc = (f"Schedule of {len(ms)} milestones from {lo.isoformat()} to {hi.isoformat()}. "
            + "; ".join(descs) + ".") if ms else "Schedule: no milestones."
    title = "Integrated master schedule: baseline, forecast and actual dates"
    rows = tuple(ScheduleRow(m.id, m.milestone, m.planned, m.forecast, m.actual, m.expected,
                             tuple(m.depends_on)) for m in ms)
    return Chart(title, desc, spec=ScheduleChart(title, lo, hi, content.program.as_of, rows))


def change_request_chart(plan: MOPlan) -> Chart:
    """One bar per change type, split by state, with the count of each segment."""
    states = [s for s in CR_STATES if any(r.state == s for r in plan.change_requests)]
    counts = {(t.id, s): sum(1 for r in plan.change_requests if r.type == t.id and r.state == s)
              for t in plan.change_types for s in states}
    descs = []
    for t in plan.change_types:
        parts = [f"{counts[(t.id, s)]} {s}" for s in states if counts[(t.id, s)]]
        descs.append(f"{t.name}: " + (", ".join(parts) if parts else "none"))
    desc = (f"Change requests by type and state ({len(plan.change_requests)} in all). "
            + "; ".join(descs) + ".")
    title = "Change requests by type and state"
    return Chart(title, desc, spec=StateBars(title, tuple(states), tuple(
        (t.name, tuple(counts[(t.id, s)] for s in states)) for t in plan.change_types)))
