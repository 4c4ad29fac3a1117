"""M&O Plan / Overall Workplan -> document blocks."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from ..document import Block, Callout, Heading, Paragraph
from ..facts import Facts
from ..model import Content, MOPlan
from .charts import budget_chart, change_request_chart, schedule_chart
from .common import fmt_date, hours, money, table, yes_no


OUTSIDE_BLOCK_CYCLES = "unallocated reserve"
"""What the change request log says of a change funded outside every block cycle."""


def moplan_blocks(content: Content, doc: MOPlan, facts: Facts) -> list[Block]:
    name = content.party_name
    labels = content.program.labels
    funding = content.deliverables["charter"].funding
    blocks: list[Block] = [
        Heading(1, "Management approach"), Paragraph(doc.management_approach),
        table("Management processes", ("Process", "Owner", "Documented",
                                       f"Agreed with {labels.provider_party.lower()}", "Reference"),
              [(m.name, name(m.owner), yes_no(m.documented), yes_no(m.agreed_with_contractor),
                m.reference) for m in doc.management_processes], kind="management-processes"),
    ]
    if doc.block_cycles:
        blocks += [Heading(1, "Overall workplan"), *workplan(content, doc, funding),
                   budget_chart(content, doc)]
    blocks += change_control_blocks(content, doc)
    blocks += [
        Heading(1, "Operational processes"),
        table("Operational processes", ("Process", "Owner", "Schedule", "State", "Evidence"),
              [(o.process, name(o.owner), o.schedule, o.state, o.evidence)
               for o in doc.operational_processes], wide=True, kind="operational-processes"),
    ]
    if doc.batch_schedule:
        blocks += [Heading(2, "Batch processing timeline"),
                   table("Batch schedule", ("Job", "Window", "Frequency", "Deadline", "Owner"),
                         [(b.job, b.window, b.frequency, b.deadline, name(b.owner))
                          for b in doc.batch_schedule])]
    blocks += [
        Heading(2, "Performance metrics"),
        table("Performance metrics", ("Metric", "Target", "Source", "Frequency"),
              [(m.metric, m.target, m.source, m.frequency) for m in doc.performance_metrics]),
        Heading(1, "Inventory and assets"),
        *inventory(content, doc),
        Heading(1, "Tracking systems"),
        table("Tracking systems", ("System", "Purpose", "Tool", "Area", "Ready"),
              [(t.system, t.purpose, t.tool, t.mo_area, yes_no(t.ready)) for t in doc.tracking_systems]),
        Heading(2, "Tools review"),
        table("Tools", ("Tool", "Purpose", "Decision", "Data conversion", "Notes"),
              [(t.tool, t.purpose, t.decision, yes_no(t.data_conversion), t.notes) for t in doc.tools]),
        Heading(2, "System documentation review"),
        table("System documentation", ("Document", "Current", "Reviewed", "Action"),
              [(s.document, yes_no(s.current), fmt_date(s.reviewed_on), s.action)
               for s in doc.system_documentation]),
        Heading(1, "Staffing and skills"),
        table("Staffing", ("Role", "Organisation", "FTE required", "FTE filled", "Skills", "Gap action"),
              [(name(s.role), name(s.organisation), hours(s.fte_required), hours(s.fte_filled),
                "; ".join(s.skills), s.gap_action) for s in doc.staffing], wide=True, kind="staffing"),
        Heading(1, labels.phase_activities),
        *preinitiation(content, doc, facts),
        Heading(1, "Phase exit criteria"),
        exit_criteria_table("Exit criteria", facts),
        Heading(1, "Activities and key decisions"),
        table("Key decisions", ("Id", "Activity", "Owner", "State", "Outcome"),
              [(k.id, k.activity, name(k.owner), k.state, k.outcome) for k in doc.key_decisions],
              kind="key-decisions"),
        Heading(1, "Integrated master schedule"),
        *schedule_blocks(content, doc, facts),
    ]
    blocks += lessons_and_log_blocks(content, doc)
    return blocks


def change_control_blocks(content: Content, doc: MOPlan) -> list[Block]:
    """Change control; columns for hours, dollars and the funding period appear only if used."""
    name = content.party_name
    unit = content.program.labels.release_unit
    types = {t.id: t.name for t in doc.change_types}
    blocks: list[Block] = [
        Heading(1, "Change Control Process"),
        Paragraph(f"Change requests are decided by the {name(doc.change_control.board)}. Approved "
                  f"requests become candidates for the next {unit}."),
        table("Change control steps", ("#", "Step", "Description", "Owner"),
              [(i, s.step, s.description, name(s.owner))
               for i, s in enumerate(doc.change_control.steps, 1)], widths=(0.4, 1.5, 4, 1.5)),
    ]
    if doc.change_types:
        blocks += [Heading(2, "Change types"),
                   table("Change types", ("Type", "Description", "Path", "Approver", "Turnaround",
                                          "Funded from"),
                         [(t.name, t.description, t.path, name(t.approver), t.turnaround,
                           t.funded_from) for t in doc.change_types], wide=True,
                         kind="change-types")]
    if doc.change_requests:
        reqs = doc.change_requests
        numeric = [(key, label, fmt) for key, label, fmt in (
            ("estimated_hours", "Est. hours", hours), ("estimated_dollars", "Est. dollars", money),
            ("actual_hours", "Actual hours", hours), ("actual_dollars", "Actual dollars", money))
            if any(getattr(r, key) is not None for r in reqs)]
        cycle = [unit.capitalize()] if doc.block_cycles else []
        rows = []
        for r in reqs:
            where = [r.block_cycle or OUTSIDE_BLOCK_CYCLES] if doc.block_cycles else []
            rows.append((r.id, r.title, types.get(r.type, r.type), *where, r.state,
                         *[fmt(getattr(r, key)) if getattr(r, key) is not None else "—"
                           for key, _, fmt in numeric]))
        blocks += [Heading(2, "Change request log"),
                   table("Change request log", ("Id", "Title", "Type", *cycle, "State",
                                                *[label for _, label, _ in numeric]),
                         rows, wide=True, kind="change-requests")]
        if doc.change_types:
            blocks.append(change_request_chart(doc))
    return blocks


def exit_criteria_table(caption: str, facts: Facts):
    """The phase exit criteria as the derived facts give them (computed or stated)."""
    return table(caption, ("Criterion", "Met", "Evidence"),
                 [(c.criterion, yes_no(c.met), c.evidence) for c in facts.criteria],
                 kind="exit-criteria")


def schedule_blocks(content: Content, doc: MOPlan, derived: Facts) -> list[Block]:
    """The IMS milestones with baseline, forecast and actual dates, and the schedule chart; a
    milestone computed from a deliverable's approval takes its state from the derived facts, and
    a paragraph below says so, and why."""
    if not doc.milestones:
        return [Paragraph("No milestones are scheduled yet.")]
    name = content.party_name
    ms = sorted(doc.milestones, key=lambda m: (m.planned or content.program.as_of, m.id))
    by_id = {f.id: f for f in derived.milestones}
    facts = {m.id: by_id[m.id] for m in ms}
    blocks: list[Block] = [
        table("IMS milestones", ("Id", "Milestone", "Baseline", "Forecast", "Actual", "Depends on",
                                 "Owner", "State"),
              [(m.id, m.milestone, fmt_date(m.planned), fmt_date(m.forecast), fmt_date(m.actual),
                ", ".join(m.depends_on) or "—", name(m.owner), facts[m.id].state) for m in ms],
              wide=True, kind="milestones"),
        schedule_chart(content, doc, derived),
    ]
    computed = [f"{f.id} is {f.state}, computed from {f.note}" for f in facts.values() if f.computed]
    if computed:
        blocks.append(Paragraph("Computed, not typed: " + " ".join(computed)))
    return blocks


def launch_entries(content: Content, doc: MOPlan):
    """(decisions, actions) of the log: the plan's own, then the launch meeting's."""
    agenda = content.deliverables.get("launch-agenda")
    meeting = agenda.control.title if agenda else ""
    decisions = [(d.id, d.decision, d.owner, fmt_date(d.date), d.state, "decision log")
                 for d in doc.decision_log]
    actions = [(a.id, a.action, a.owner, fmt_date(a.due), a.state, "action log")
               for a in doc.action_items]
    if agenda:
        decisions += [(f"launch-d{n}", d.decision, d.owner, fmt_date(agenda.meeting.date), d.state,
                       meeting) for n, d in enumerate(agenda.decisions, 1)]
        actions += [(f"launch-a{n}", a.action, a.owner, fmt_date(a.due), a.state, meeting)
                    for n, a in enumerate(agenda.actions, 1)]
    return decisions, actions


def lessons_and_log_blocks(content: Content, doc: MOPlan) -> list[Block]:
    """The program's lessons-learned register and its decisions and action-items log (which
    includes every decision and action of the launch meeting)."""
    name = content.party_name
    decisions, actions = launch_entries(content, doc)
    blocks: list[Block] = []
    if doc.lessons_learned:
        blocks += [Heading(1, "Lessons learned register"),
                   table("Lessons learned register", ("Id", "Lesson", "Source", "Action", "Owner",
                                                      "State"),
                         [(l.id, l.lesson, l.source, l.action, name(l.owner) if l.owner else "—",
                           l.state) for l in doc.lessons_learned], wide=True,
                         kind="lessons-register")]
    if decisions or actions:
        blocks.append(Heading(1, "Decisions and action items"))
    if decisions:
        blocks.append(table("Decision log", ("Id", "Decision", "Owner", "Date", "State", "From"),
                            [(i, d, name(o), when, st, src) for i, d, o, when, st, src in decisions],
                            wide=True, kind="decision-log"))
    if actions:
        blocks.append(table("Action items", ("Id", "Action", "Owner", "Due", "State", "From"),
                            [(i, a, name(o), due, st, src) for i, a, o, due, st, src in actions],
                            wide=True, kind="action-log"))
    return blocks


def workplan(content: Content, doc: MOPlan, funding) -> list[Block]:
    """Block cycles with allocated hours and/or dollars (only the measures the program is funded
    in), totals and what remains unallocated."""
    unit = content.program.labels.release_unit
    measures = funding.measures or ["hours", "dollars"]
    fmts = {"hours": hours, "dollars": money}
    heads = {"hours": "Hours", "dollars": "Dollars"}
    totals = {m: sum(getattr(b, m) for b in doc.block_cycles) for m in measures}
    rows = [(b.id, b.name, b.release, fmt_date(b.start), fmt_date(b.end),
             *[fmts[m](getattr(b, m)) for m in measures], b.state) for b in doc.block_cycles]
    rows.append(("Total", "Allocated", "", "", "", *[fmts[m](totals[m]) for m in measures], ""))
    if funding.measures:
        rows.append(("Authorised", "Charter funding", "", "", "",
                     *[fmts[m](funding.total(m)) for m in measures], ""))
        rows.append(("Unallocated", "Authorised less allocated", "", "", "",
                     *[fmts[m](funding.total(m) - totals[m]) for m in measures], ""))
    caption = f"{unit.capitalize()}s: " + " and ".join(heads[m].lower() for m in measures)
    return [table(caption, ("Id", unit.capitalize(), "Release", "Start", "End",
                            *[heads[m] for m in measures], "State"),
                  rows, wide=True, kind="workplan")]


EXPIRY_WINDOW_DAYS = 180
"""Warranties and licences ending within this many days of program.as_of need attention."""


def expiring(content: Content, doc: MOPlan) -> list[int]:
    """Indexes of inventory items whose warranty or licence ends within the window (or ended)."""
    horizon = content.program.as_of + timedelta(days=EXPIRY_WINDOW_DAYS)
    return [n for n, a in enumerate(doc.inventory)
            if any(d is not None and d <= horizon for d in (a.warranty_expires, a.licence_expires))]


def lapsed(content: Content, doc: MOPlan) -> list[int]:
    """Indexes of inventory items whose warranty or licence already ended before program.as_of."""
    as_of = content.program.as_of
    return [n for n, a in enumerate(doc.inventory)
            if any(d is not None and d < as_of for d in (a.warranty_expires, a.licence_expires))]


def inventory(content: Content, doc: MOPlan) -> list[Block]:
    """The inventory table, its expiring and expired rows highlighted and named in warnings: an
    item whose cover already ended is called expired, never "ends soon"."""
    soon, gone = expiring(content, doc), lapsed(content, doc)
    as_of = fmt_date(content.program.as_of)
    grid = table("Inventory", ("Id", "Item", "Kind", "Vendor", "Qty", "Location",
                               "Warranty expires", "Licence expires", "Owner"),
                 [(a.id, a.item, a.kind, a.vendor, a.quantity, a.location,
                   fmt_date(a.warranty_expires), fmt_date(a.licence_expires),
                   content.party_name(a.owner)) for a in doc.inventory],
                 wide=True, kind="inventory")
    blocks: list[Block] = []
    upcoming = [n for n in soon if n not in gone]
    if upcoming:
        items = "; ".join(f"{doc.inventory[n].id} ({doc.inventory[n].item}, "
                          f"{_ends(doc.inventory[n], content.program.as_of)})" for n in upcoming)
        blocks.append(Callout("warning", f"Expiring within {EXPIRY_WINDOW_DAYS} days of {as_of}",
                              f"Warranty or licence ends soon for: {items}."))
    if gone:
        items = "; ".join(f"{doc.inventory[n].id} ({doc.inventory[n].item}, "
                          f"{_ends(doc.inventory[n], content.program.as_of)})" for n in gone)
        blocks.append(Callout("warning", f"Expired before {as_of}",
                              f"Warranty or licence has already lapsed for: {items}."))
    return blocks + [replace(grid, highlight=frozenset(soon))]


def _ends(asset, as_of) -> str:
    """"licence lapsed 2026-09-30" or "warranty ends 2027-01-15": past and future told apart."""
    parts = []
    for label, day in (("warranty", asset.warranty_expires), ("licence", asset.licence_expires)):
        if day is not None:
            parts.append(f"{label} {'lapsed' if day < as_of else 'ends'} {fmt_date(day)}")
    return ", ".join(parts)


def preinitiation(content: Content, doc: MOPlan, facts: Facts) -> list[Block]:
    """The phase's activities with their checklists (and whose activity each is, if given)."""
    blocks: list[Block] = []
    from ..facts import item_state

    items = [i for a in doc.pre_initiation for i in a.items]
    done = sum(1 for i in items if item_state(content, facts.signoffs, i) == "done")
    blocks.append(Paragraph(f"{done} of {len(items)} checklist items done."))
    for a in sorted(doc.pre_initiation, key=lambda a: a.step):
        blocks.append(Heading(2, f"{a.step}. {a.activity}"))
        side = f" ({a.side} activity)" if a.side else ""
        blocks.append(Paragraph(f"Owner: {content.party_name(a.owner)}{side}; due {fmt_date(a.due)}."))
        blocks.append(table(f"Checklist for activity {a.step}", ("Item", "State"),
                            [(i.item, item_state(content, facts.signoffs, i)) for i in a.items],
                            widths=(5, 1.2), kind="checklist"))
    return blocks

