"""M&O Plan / Overall Workplan -> document blocks."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from ..document import Block, Callout, Heading, Paragraph
from ..model import Content, MOPlan
from .charts import budget_chart, change_request_chart
from .common import fmt_date, hours, money, table, yes_no


OUTSIDE_BLOCK_CYCLES = "unallocated reserve"
"""What the change request log says of a change funded outside every block cycle."""


def moplan_blocks(content: Content, doc: MOPlan) -> list[Block]:
    name = content.party_name
    funding = content.deliverables["charter"].funding
    types = {t.id: t.name for t in doc.change_types}
    return [
        Heading(1, "Management approach"), Paragraph(doc.management_approach),
        table("Management processes", ("Process", "Owner", "Documented", "Agreed with contractor",
                                       "Reference"),
              [(m.name, name(m.owner), yes_no(m.documented), yes_no(m.agreed_with_contractor),
                m.reference) for m in doc.management_processes], kind="management-processes"),
        Heading(1, "Overall workplan"),
        *workplan(doc, funding.authorised_hours, funding.authorised_dollars),
        budget_chart(content, doc),
        Heading(1, "Change Control Process"),
        Paragraph(f"Change requests are decided by the {name(doc.change_control.board)}. Approved "
                  "requests become candidates for the next block cycle or system release."),
        table("Change control steps", ("#", "Step", "Description", "Owner"),
              [(i, s.step, s.description, name(s.owner))
               for i, s in enumerate(doc.change_control.steps, 1)], widths=(0.4, 1.5, 4, 1.5)),
        Heading(2, "Change types"),
        table("Change types", ("Type", "Description", "Path", "Approver", "Turnaround", "Funded from"),
              [(t.name, t.description, t.path, name(t.approver), t.turnaround, t.funded_from)
               for t in doc.change_types], wide=True, kind="change-types"),
        Heading(2, "Change request log"),
        table("Change request log", ("Id", "Title", "Type", "Block cycle", "State", "Est. hours",
                                     "Est. dollars", "Actual hours", "Actual dollars"),
              [(r.id, r.title, types[r.type], r.block_cycle or OUTSIDE_BLOCK_CYCLES, r.state,
                hours(r.estimated_hours),
                money(r.estimated_dollars), hours(r.actual_hours), money(r.actual_dollars))
               for r in doc.change_requests], wide=True, kind="change-requests"),
        change_request_chart(doc),
        Heading(1, "Operational processes"),
        table("Operational processes", ("Process", "Owner", "Schedule", "State", "Evidence"),
              [(o.process, name(o.owner), o.schedule, o.state, o.evidence)
               for o in doc.operational_processes], wide=True, kind="operational-processes"),
        Heading(2, "Batch processing timeline"),
        table("Batch schedule", ("Job", "Window", "Frequency", "Deadline", "Owner"),
              [(b.job, b.window, b.frequency, b.deadline, name(b.owner)) for b in doc.batch_schedule]),
        Heading(2, "Performance metrics"),
        table("Performance metrics", ("Metric", "Target", "Source", "Frequency"),
              [(m.metric, m.target, m.source, m.frequency) for m in doc.performance_metrics]),
        Heading(1, "Inventory and assets"),
        *inventory(content, doc),
        Heading(1, "Tracking systems"),
        table("Tracking systems", ("System", "Purpose", "Tool", "M&O area", "Ready"),
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
        Heading(1, "Pre-initiation activities"),
        *preinitiation(content, doc),
        Heading(1, "Phase exit criteria"),
        exit_criteria_table("Exit criteria", content, doc),
        Heading(1, "Activities and key decisions"),
        table("Key decisions", ("Id", "Activity", "Owner", "State", "Outcome"),
              [(k.id, k.activity, name(k.owner), k.state, k.outcome) for k in doc.key_decisions],
              kind="key-decisions"),
        Heading(1, "Integrated master schedule milestones"),
        *milestones_blocks(content, doc),
    ]


def exit_criteria_table(caption: str, content: Content, doc: MOPlan):
    """The phase exit criteria as the derived facts give them (computed or stated)."""
    from ..facts import criterion_fact, of

    facts = of(content)
    rows = [criterion_fact(content, facts.signoffs, e, doc.control.owner)
            for e in doc.exit_criteria]
    return table(caption, ("Criterion", "Met", "Evidence"),
                 [(c.criterion, yes_no(c.met), c.evidence) for c in rows], kind="exit-criteria")


def milestones_blocks(content: Content, doc: MOPlan) -> list[Block]:
    """IMS milestones; those computed from a deliverable's approval say so, and why, below."""
    from ..facts import milestone_fact, of

    signoffs = of(content).signoffs
    rows = sorted((milestone_fact(content, signoffs, m) for m in doc.milestones),
                  key=lambda m: m.date)
    blocks: list[Block] = [table("IMS milestones", ("Id", "Milestone", "Date", "Owner", "State"),
                                 [(m.id, m.milestone, fmt_date(m.date), m.owner, m.state)
                                  for m in rows], kind="milestones")]
    computed = [f"{m.id} is {m.state}, computed from {m.note}"
                for m in rows if m.computed]
    if computed:
        blocks.append(Paragraph("Computed, not typed: " + " ".join(computed)))
    return blocks


def workplan(doc: MOPlan, authorised_hours: float, authorised_dollars: float) -> list[Block]:
    """Block cycles with allocated hours and dollars, totals and what remains unallocated."""
    total_h = sum(b.hours for b in doc.block_cycles)
    total_d = sum(b.dollars for b in doc.block_cycles)
    rows = [(b.id, b.name, b.release, fmt_date(b.start), fmt_date(b.end), hours(b.hours),
             money(b.dollars), b.state) for b in doc.block_cycles]
    rows.append(("Total", "Allocated", "", "", "", hours(total_h), money(total_d), ""))
    rows.append(("Authorised", "Charter funding", "", "", "", hours(authorised_hours),
                 money(authorised_dollars), ""))
    rows.append(("Unallocated", "Authorised less allocated", "", "", "",
                 hours(authorised_hours - total_h), money(authorised_dollars - total_d), ""))
    return [table("Block cycles: hours and dollars", ("Id", "Block cycle", "Release", "Start",
                                                      "End", "Hours", "Dollars", "State"),
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


def preinitiation(content: Content, doc: MOPlan) -> list[Block]:
    blocks: list[Block] = []
    from ..facts import item_state

    items = [i for a in doc.pre_initiation for i in a.items]
    done = sum(1 for i in items if item_state(content, i) == "done")
    blocks.append(Paragraph(f"{done} of {len(items)} checklist items done."))
    for a in sorted(doc.pre_initiation, key=lambda a: a.step):
        blocks.append(Heading(2, f"{a.step}. {a.activity}"))
        blocks.append(Paragraph(f"Owner: {content.party_name(a.owner)}; due {fmt_date(a.due)}."))
        blocks.append(table(f"Checklist for activity {a.step}", ("Item", "State"),
                            [(i.item, item_state(content, i)) for i in a.items],
                            widths=(5, 1.2), kind="checklist"))
    return blocks

