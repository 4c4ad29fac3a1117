"""Business Continuity Plan, role cards and launch agenda -> document blocks."""

from __future__ import annotations

from datetime import datetime, timedelta

from ..document import Block, Heading, Paragraph
from ..facts import Facts
from ..model import Content, ContinuityPlan, LaunchAgenda, RoleCards
from .common import bullets, fmt_date, names, sentence, table, yes_no


def continuity_blocks(content: Content, doc: ContinuityPlan, facts: Facts) -> list[Block]:
    name = content.party_name
    blocks: list[Block] = [
        Heading(1, "Focus"), Paragraph(doc.focus),
        Heading(1, "Authority to invoke"),
        table("Who may invoke the plan", ("Person", "Title", "Authority"),
              [(name(i.person), content.person(i.person).title, i.authority) for i in doc.invocation]),
        Heading(2, "Invocation criteria"), bullets(doc.invocation_criteria),
        Heading(1, "Critical operations"),
        table("Critical operations", ("Priority", "Operation", "Maximum outage", "Workaround", "Owner"),
              [(o.priority, o.operation, o.maximum_outage, o.workaround, name(o.owner))
               for o in sorted(doc.critical_operations, key=lambda o: o.priority)],
              kind="critical-operations"),
        Heading(1, "Re-establishing operations"),
        table("Re-establishment steps", ("#", "Step", "Owner", "Target"),
              [(i, s.step, name(s.owner), s.target) for i, s in enumerate(doc.reestablishment, 1)],
              widths=(0.4, 4, 1.5, 1.5)),
        Heading(1, "Disasters and project emergencies"),
    ]
    for s in doc.situations:
        blocks += [Heading(2, s.kind.capitalize()), Paragraph(s.definition),
                   table(f"Handling a {s.kind}", ("Aspect", "Detail"),
                         [("Governed by", s.governed_by), ("Procedure", s.procedure)], widths=(1.5, 5)),
                   bullets(s.examples)]
    return blocks


def rolecard_blocks(content: Content, doc: RoleCards, facts: Facts) -> list[Block]:
    blocks: list[Block] = []
    for card in doc.cards:
        role = content.role(card.role)
        blocks += [
            Heading(1, role.name),
            Paragraph(card.summary),
            table(f"{role.name}: responsibilities", ("#", "Responsibility", "Project need?"),
                  [(i, d.responsibility, yes_no(d.project_need))
                   for i, d in enumerate(card.responsibilities, 1)],
                  widths=(0.4, 5, 1.2), kind="role-card"),
            Paragraph(f"Side: {role.side}. "
                      + sentence(f"Organisation: {names(content, role.all_organisations)}")
                      + " " + sentence(f"Held by: {names(content, role.holders)}")),
        ]
    return blocks


def agenda_times(doc: LaunchAgenda) -> list[tuple[str, str]]:
    """(start, end) as HH:MM for every agenda item, computed from the meeting start."""
    clock = datetime.strptime(doc.meeting.start, "%H:%M")
    times = []
    for item in doc.items:
        end = clock + timedelta(minutes=item.minutes)
        times.append((clock.strftime("%H:%M"), end.strftime("%H:%M")))
        clock = end
    return times


def agenda_blocks(content: Content, doc: LaunchAgenda, facts: Facts) -> list[Block]:
    name = content.party_name
    m = doc.meeting
    return [
        Heading(1, "Meeting"),
        table("Meeting details", ("Field", "Value"), [
            ("Date", fmt_date(m.date)), ("Time", f"{m.start} to {m.end}"), ("Place", m.place),
            ("Chair", name(m.chair)),
        ], widths=(1.2, 5), kind="meeting"),
        Heading(2, "Attendees"),
        table("Attendees", ("Name", "Title", "Organisation"),
              [(name(p), content.person(p).title, name(content.person(p).organisation))
               for p in doc.attendees]),
        Heading(1, "Objectives"), bullets(doc.objectives),
        Heading(1, "Agenda"),
        table("Agenda", ("Start", "End", "Topic", "Presenter", "Minutes"),
              [(s, e, i.topic, name(i.presenter), i.minutes)
               for (s, e), i in zip(agenda_times(doc), doc.items)], widths=(0.7, 0.7, 4, 1.6, 0.8),
              kind="agenda"),
        Heading(1, "Lessons learned to review"),
        table("Lessons learned", ("Lesson", "Source", "Action"),
              [(l.lesson, l.source, l.action) for l in doc.lessons], kind="lessons"),
        Heading(1, "Decisions"),
        table("Decisions", ("Decision", "Owner", "State"),
              [(d.decision, name(d.owner), d.state) for d in doc.decisions]),
        Heading(1, "Actions"),
        table("Actions", ("Action", "Owner", "Due", "State"),
              [(a.action, name(a.owner), fmt_date(a.due), a.state) for a in doc.actions]),
    ]
