"""The Governance Plan: bodies, decision makers, escalation, RACI and agreements."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from .base import Id, Positive, Record, Side, Text, date
from .control import Control

RaciCode = Annotated[str, StringConstraints(pattern=r"^(R|A|C|I|A/R)$")]


class Body(Record):
    id: Id
    name: Text
    purpose: Text
    chair: Id
    members: list[Id]
    cadence: Text
    quorum: Positive
    decides: list[Text]


class DecisionAuthority(Record):
    """One party's part in a decision that takes several (e.g. the CFO obligates)."""

    party: Id = Field(description="A person, role or governance body.")
    acts: Text = Field(description="What this party does in the decision.",
                       examples=["obligates", "concurs", "approves"])


class DecisionMaker(Record):
    """Who may take a decision: one authority (with an alternate), or several acting together."""

    decision: Text = Field(description="The decision.")
    authority: Id | None = Field(None, description="The one person who decides; use "
                                 "`authorities` when several act together.")
    alternate: Id | None = Field(None, description="Who decides when the authority is absent.")
    authorities: list[DecisionAuthority] = Field([], description="Several parties and what each "
                                                 "does (e.g. CFO obligates, CHCO concurs).")
    recorded_in: Text = Field(description="Where the delegation is recorded.")


class EscalationLevel(Record):
    level: Positive
    name: Text
    role: Id
    time_limit_days: Positive
    criteria: Text


Accountability = Literal["single", "joint"]


class RaciActivity(Record):
    activity: Text = Field(description="The activity.")
    side: Side = Field(description="Whose activity it is: customer, provider, shared or "
                       "independent.")
    accountability: Accountability | None = Field(
        None, description="Overrides the matrix's rule for this activity: joint lets several "
        "roles be accountable (A).")
    assignments: dict[Id, RaciCode] = Field(description="Role id: R, A, C, I or A/R.")


class Raci(Record):
    roles: list[Id] = Field(description="The matrix's columns (role ids).")
    accountability: Accountability = Field(
        "single", description="single: exactly one A (or A/R) per activity; joint: at least "
        "one, as for shared activities.")
    activities: list[RaciActivity] = Field(description="The matrix's rows.")


class Agreement(Record):
    id: Id
    kind: Text = Field(description="Kind of agreement, from the program's agreement kinds.",
                       examples=["IAA", "MOU", "SLA"])
    title: Text
    parties: list[Id]
    effective: date
    expires: date
    state: Literal["in force", "being updated", "draft", "expired"]
    covers: Text


class Governance(Record):
    control: Control
    principles: list[Text]
    bodies: list[Body]
    decision_makers: list[DecisionMaker]
    escalation: list[EscalationLevel]
    raci: Raci
    agreements: list[Agreement]
