"""M&O Charter -> document blocks."""

from __future__ import annotations

from ..document import Block, Heading, Paragraph
from ..facts import Facts
from ..model import Charter, Content
from .common import bullets, fmt_date, hours, money, names, sentence, table, yes_no


def charter_blocks(content: Content, doc: Charter, facts: Facts) -> list[Block]:
    org = content.party_name
    f, s = doc.funding, doc.strategy
    labels = content.program.labels
    blocks: list[Block] = [
        Heading(1, "Vision"), Paragraph(doc.vision),
        Heading(1, "Scope"),
        table("Scope", ("In scope", "Out of scope"), _pad(doc.scope.in_scope, doc.scope.out_of_scope),
              kind="scope"),
        Heading(1, "Objectives"),
        table("Objectives", ("Id", "Objective", "Measure"),
              [(o.id, o.objective, o.measure) for o in doc.objectives], widths=(0.6, 3, 3)),
        Heading(1, "Plan"),
        Heading(2, "Short term"),
        table("Short-term plan", ("Item", "By"), [(i.item, fmt_date(i.by)) for i in doc.plan.short_term],
              widths=(5, 1.2)),
        Heading(2, "Long term"),
        table("Long-term plan", ("Item", "By"), [(i.item, fmt_date(i.by)) for i in doc.plan.long_term],
              widths=(5, 1.2)),
        Heading(1, "Key participants"),
        table("Key participants", ("Organisation", "Role", "Participation"),
              [(org(p.organisation), org(p.role), p.participation) for p in doc.key_participants]),
        Heading(1, "Funding"),
        *funding_blocks(content, f),
        Heading(1, labels.strategy),
        Heading(2, "Responsibilities"),
        table(labels.responsibilities, ("Activity", "Primary", "Supporting"),
              [(r.activity, org(r.primary), names(content, r.supporting) or "—")
               for r in s.responsibilities], kind="responsibilities"),
        Heading(2, "Transition"),
        *transition_blocks(content, doc),
        table("Transition steps", ("Step", "Owner", "By"),
              [(t.step, org(t.owner), fmt_date(t.by)) for t in s.transition.steps]),
        Heading(2, "Training"),
        table("Training roles", ("Party", "Role"), training_roles(content, doc), widths=(1, 5)),
        table("User classes", ("User class", "Head count", "Training", "Trainer", "Mentoring"),
              [(u.user_class, u.headcount, u.training, org(u.trainer), yes_no(u.on_the_job_mentoring))
               for u in s.training.user_classes], kind="user-classes"),
        Heading(2, "Knowledge transfer"),
        Paragraph(f"From {fmt_date(s.knowledge_transfer.start)} to "
                  f"{fmt_date(s.knowledge_transfer.end)}; covers year-end processing: "
                  f"{yes_no(s.knowledge_transfer.covers_year_end)}."),
        bullets(s.knowledge_transfer.activities),
        Heading(2, "Change control"),
        Paragraph(s.change_control.summary),
        table("Change control responsibilities", ("Responsibility", "Who"), [
            ("Analysis", org(s.change_control.analysis_by)),
            ("Approval", org(s.change_control.approval_by)),
        ], widths=(1.5, 4)),
        Heading(2, "Day-to-day operations"),
        Paragraph(s.day_to_day_operations.process),
        table("Day-to-day operations", ("Responsibility", "Who"), [
            ("Operations", org(s.day_to_day_operations.owner)),
            ("Problem resolution", org(s.day_to_day_operations.problem_resolution_by)),
        ], widths=(1.5, 4)),
        Heading(2, "Maintenance"),
        Paragraph(s.maintenance.process),
        table("Maintenance", ("Responsibility", "Who"), [
            ("Maintenance", org(s.maintenance.owner)),
            ("Scheduling", org(s.maintenance.scheduling_by)),
            ("Notification", s.maintenance.notification),
        ], widths=(1.5, 4)),
        Heading(2, "Help desk"),
        table("Help desks", ("Tier", "Help desk", "Operated by", "Available", "Third party"),
              [(h.tier, h.name, org(h.operator), h.hours, yes_no(h.third_party))
               for h in sorted(s.help_desk.desks, key=lambda h: h.tier)], kind="help-desk-tiers"),
        table("Response times", ("Priority", "Example", "Response", "Resolution"),
              [(r.priority, r.example, r.response, r.resolution) for r in s.help_desk.response_times],
              kind="response-times"),
        table("Escalation between help desks", ("From", "To", "When"),
              [(_desk(doc, e.from_desk), _desk(doc, e.to_desk), e.when) for e in s.help_desk.escalation]),
        Paragraph(f"Problem closure: {s.help_desk.closure}"),
        Heading(1, "Assumptions"), bullets(doc.assumptions),
        Heading(1, "Constraints"), bullets(doc.constraints),
    ]
    return blocks


def funding_blocks(content: Content, f) -> list[Block]:
    """The funding section with rows and columns only for what the program has: a single
    authorised total (hours and/or dollars), or sources with amounts per period."""
    rows = [(label, value) for label, value in (
        ("Model", f.model), ("Source", f.source),
        ("Period", f"{fmt_date(f.period_start)} to {fmt_date(f.period_end)}"
         if f.period_start and f.period_end else None),
        ("Authorised hours", hours(f.total("hours")) if "hours" in f.measures else None),
        ("Authorised dollars", money(f.total("dollars")) if "dollars" in f.measures else None),
        ("Blended hourly rate", money(f.blended_rate) if f.blended_rate else None),
        ("Obligated to date", money(f.used("obligated")) if f.used("obligated") is not None
         else None),
        ("Expended to date", money(f.used("expended")) if f.used("expended") is not None
         else None),
        ("Hours used to date", hours(f.used("hours_used")) if f.used("hours_used") is not None
         else None),
    ) if value]
    blocks: list[Block] = [table("Funding model", ("Field", "Value"), rows, widths=(1.5, 4),
                                 kind="funding")]
    if f.sources:
        blocks.append(table("Funding sources", ("Source", "Vehicle", "Reference", "Parties"),
                            [(s.name, s.vehicle, s.reference or "—", names(content, s.parties) or "—")
                             for s in f.sources], kind="funding-sources"))
        blocks.append(funding_periods_table(content, f))
    if f.additional_requests:
        vehicles = "/".join(dict.fromkeys(r.vehicle for r in f.additional_requests))
        blocks += [Heading(2, "Additional funding requests"),
                   table(f"Additional funding requests ({vehicles})", ("Vehicle", "Purpose", "State"),
                         [(r.vehicle, r.purpose, r.state) for r in f.additional_requests],
                         widths=(1, 5, 1.2))]
    return blocks


PERIOD_COLUMNS = (("dollars", "Dollars", money), ("obligated", "Obligated", money),
                  ("expended", "Expended to date", money), ("hours", "Hours", hours),
                  ("hours_used", "Hours used", hours))


def funding_periods_table(content: Content, f):
    """Amounts per source and period; a column appears only if some period has a value."""
    amounts = [(s, a) for s in f.sources for a in s.amounts]
    cols = [c for c in PERIOD_COLUMNS if any(getattr(a, c[0]) is not None for _, a in amounts)]
    rows = [(s.name, a.period, f"{fmt_date(a.start)} to {fmt_date(a.end)}",
             *[fmt(getattr(a, key)) if getattr(a, key) is not None else "—" for key, _, fmt in cols])
            for s, a in amounts]
    totals = []
    for key, _, fmt in cols:
        values = [getattr(a, key) for _, a in amounts if getattr(a, key) is not None]
        totals.append(fmt(sum(values)))
    rows.append(("Total", "", "", *totals))
    return table("Funding by source and period", ("Source", "Period", "Dates",
                                                   *[label for _, label, _ in cols]),
                 rows, wide=True, kind="funding-periods")


def transition_blocks(content: Content, doc: Charter) -> list[Block]:
    t = doc.strategy.transition
    org = content.party_name
    blocks: list[Block] = []
    if t.primary_after_go_live:
        blocks.append(Paragraph(sentence(f"Primary responsibility after go-live: "
                                         f"{org(t.primary_after_go_live)}") + " "
                                + sentence(t.approach)))
    else:
        blocks.append(Paragraph(sentence(t.approach)))
    if t.go_lives:
        blocks.append(table("Transition and go-live by organisation",
                            ("Organisation", "Takes over", "Transition starts", "Go-live"),
                            [(org(g.organisation), g.scope, fmt_date(g.transition_start),
                              fmt_date(g.go_live)) for g in sorted(t.go_lives, key=lambda g: g.go_live)],
                            kind="go-lives"))
    return blocks


def training_roles(content: Content, doc: Charter) -> list[tuple[str, str]]:
    """Each party's part in training: the `roles` list, or the older two fields under the
    program's words for its customer and provider sides."""
    t, labels = doc.strategy.training, content.program.labels
    rows = [(content.party_name(r.party), r.role) for r in t.roles]
    if t.state_role:
        rows.append((labels.customer_party, t.state_role))
    if t.contractor_role:
        rows.append((labels.provider_party, t.contractor_role))
    return rows


def _desk(doc: Charter, desk_id: str) -> str:
    return next(d.name for d in doc.strategy.help_desk.desks if d.id == desk_id)


def _pad(left: list[str], right: list[str]) -> list[tuple[str, str]]:
    n = max(len(left), len(right))
    return [(left[i] if i < len(left) else "", right[i] if i < len(right) else "") for i in range(n)]
