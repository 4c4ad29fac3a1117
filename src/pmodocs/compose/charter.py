"""M&O Charter -> document blocks."""

from __future__ import annotations

from ..document import Block, Heading, Paragraph
from ..model import Charter, Content
from .common import bullets, fmt_date, hours, money, names, sentence, table, yes_no


def charter_blocks(content: Content, doc: Charter) -> list[Block]:
    org = content.party_name
    f, s = doc.funding, doc.strategy
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
        table("Funding model", ("Field", "Value"), [
            ("Model", f.model), ("Source", f.source),
            ("Period", f"{fmt_date(f.period_start)} to {fmt_date(f.period_end)}"),
            ("Authorised hours", hours(f.authorised_hours)),
            ("Authorised dollars", money(f.authorised_dollars)),
            ("Blended hourly rate", money(f.blended_rate)),
        ], widths=(1.5, 4), kind="funding"),
        Heading(2, "Additional funding requests"),
        table("Additional funding requests (IAPD/IAPDU/BCP)", ("Vehicle", "Purpose", "State"),
              [(r.vehicle, r.purpose, r.state) for r in f.additional_requests], widths=(1, 5, 1.2)),
        Heading(1, "M&O strategy"),
        Heading(2, "Responsibilities"),
        table("Division of M&O responsibilities", ("Activity", "Primary", "Supporting"),
              [(r.activity, org(r.primary), names(content, r.supporting) or "—")
               for r in s.responsibilities], kind="responsibilities"),
        Heading(2, "Transition"),
        Paragraph(sentence(f"Primary responsibility after go-live: "
                           f"{org(s.transition.primary_after_go_live)}") + " "
                  + sentence(s.transition.approach)),
        table("Transition steps", ("Step", "Owner", "By"),
              [(t.step, org(t.owner), fmt_date(t.by)) for t in s.transition.steps]),
        Heading(2, "Training"),
        table("Training roles", ("Party", "Role"),
              [("State", s.training.state_role), ("Contractor", s.training.contractor_role)],
              widths=(1, 5)),
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
        table("Help desks", ("Tier", "Help desk", "Operated by", "Hours", "Third party"),
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


def _desk(doc: Charter, desk_id: str) -> str:
    return next(d.name for d in doc.strategy.help_desk.desks if d.id == desk_id)


def _pad(left: list[str], right: list[str]) -> list[tuple[str, str]]:
    n = max(len(left), len(right))
    return [(left[i] if i < len(left) else "", right[i] if i < len(right) else "") for i in range(n)]
