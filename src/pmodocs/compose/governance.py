"""Governance Plan -> document blocks."""

from __future__ import annotations

from ..document import Block, Heading, Paragraph
from ..facts import Facts
from ..model import Content, Governance
from .common import bullets, fmt_date, names, table

RACI_LEGEND = ("R = Responsible (does the work); A = Accountable (approves); "
               "C = Consulted (before); I = Informed (after); A/R = accountable and does the work.")


def raci_rule(raci) -> str:
    """The matrix's accountability rule in words, as the program declared it."""
    joint = [a.activity for a in raci.activities if (a.accountability or raci.accountability) == "joint"]
    if raci.accountability == "single" and not joint:
        return "Each activity has exactly one accountable role."
    if len(joint) == len(raci.activities):
        return "Accountability is joint: an activity may have several accountable roles."
    return ("Each activity has exactly one accountable role, except these jointly accountable "
            "ones: " + "; ".join(joint) + ".")


def decision_authority(content: Content, d) -> tuple[str, str]:
    """(who decides, alternate) for one decision: a single authority or several acting together."""
    name = content.party_name
    parties = ([name(d.authority)] if d.authority else []) + [
        f"{name(a.party)} {a.acts}" for a in d.authorities]
    return "; ".join(parties), name(d.alternate) if d.alternate else "—"


def governance_blocks(content: Content, doc: Governance, facts: Facts) -> list[Block]:
    name = content.party_name
    raci = doc.raci
    return [
        Heading(1, "Governance principles"), bullets(doc.principles),
        Heading(1, "Governance bodies"),
        table("Governance bodies", ("Body", "Purpose", "Chair", "Members", "Cadence", "Quorum"),
              [(b.name, b.purpose, name(b.chair), names(content, b.members), b.cadence, b.quorum)
               for b in doc.bodies], wide=True, kind="bodies"),
        *[blk for b in doc.bodies for blk in (Heading(2, b.name), bullets(b.decides))],
        Heading(1, "Authorised decision makers"),
        table("Authorised decision makers", ("Decision", "Authority", "Alternate", "Recorded in"),
              [(d.decision, *decision_authority(content, d), d.recorded_in)
               for d in doc.decision_makers], kind="decision-makers"),
        Heading(1, "Escalation path"),
        table("Escalation path", ("Level", "Name", "Who", "Time limit", "Criteria"),
              [(e.level, e.name, name(e.role), f"{e.time_limit_days} business days", e.criteria)
               for e in sorted(doc.escalation, key=lambda e: e.level)], kind="escalation"),
        Heading(1, "Roles and responsibilities (RACI)"),
        Paragraph(f"{RACI_LEGEND} {raci_rule(raci)}"),
        table("RACI matrix", ("Activity", "Side", *[name(r) for r in raci.roles]),
              [(a.activity, a.side, *[a.assignments.get(r, "") for r in raci.roles])
               for a in raci.activities], wide=True, kind="raci"),
        Heading(1, "Agreements"),
        table("Agreements", ("Agreement", "Kind", "Parties", "Effective", "Expires", "State", "Covers"),
              [(a.title, a.kind, names(content, a.parties), fmt_date(a.effective),
                fmt_date(a.expires), a.state, a.covers) for a in doc.agreements],
              wide=True, kind="agreements"),
    ]
