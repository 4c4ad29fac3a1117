"""The Governance Plan: bodies, decision makers, escalation, RACI and agreements."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from .base import Id, OrganisationId, PartyId, PersonId, Positive, Record, RoleId, Side, Text, date
from .control import Control

RaciCode = Annotated[str, StringConstraints(pattern=r"^(R|A|C|I|A/R)$")]


class Body(Record):
    id: Id = Field(description="Identifier of the body.")
    name: Text = Field(description="Name of the body.")
    purpose: Text = Field(description="What it is for.")
    chair: PersonId = Field(description="The person who chairs it.")
    members: list[PersonId] = Field(description="People who are members.")
    cadence: Text = Field(description="How often it meets.")
    quorum: Positive = Field(description="Members needed for a decision.")
    decides: list[Text] = Field(description="What it decides.")


class DecisionAuthority(Record):
    """One party's part in a decision that takes several (e.g. the CFO obligates)."""

    party: PartyId = Field(description="A person, role or governance body.")
    acts: Text = Field(description="What this party does in the decision.",
                       examples=["obligates", "concurs", "approves"])


class DecisionMaker(Record):
    """Who may take a decision: one authority (with an alternate), or several acting together."""

    decision: Text = Field(description="The decision.")
    authority: PersonId | None = Field(None, description="The one person who decides; use "
                                 "`authorities` when several act together.")
    alternate: PersonId | None = Field(None, description="Who decides when the authority is absent.")
    authorities: list[DecisionAuthority] = Field([], description="Several parties and what each "
                                                 "does (e.g. CFO obligates, CHCO concurs).")
    recorded_in: Text = Field(description="Where the delegation is recorded.")


class EscalationLevel(Record):
    level: Positive = Field(description="Level number, 1 lowest.")
    name: Text = Field(description="Name of the level.")
    role: RoleId = Field(description="Role that handles issues at this level.")
    time_limit_days: Positive = Field(
        description="Business days before the issue escalates to the next level.")
    criteria: Text = Field(description="What is escalated to this level.")


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
    roles: list[RoleId] = Field(description="The matrix's columns (role ids).")
    accountability: Accountability = Field(
        "single", description="single: exactly one A (or A/R) per activity; joint: at least "
        "one, as for shared activities.")
    activities: list[RaciActivity] = Field(description="The matrix's rows.")


class Agreement(Record):
    id: Id = Field(description="Identifier of the agreement.")
    kind: Text = Field(description="Kind of agreement, from the program's agreement kinds.",
                       examples=["IAA", "MOU", "SLA"])
    title: Text = Field(description="Title of the agreement.")
    parties: list[OrganisationId] = Field(description="Organisations party to it.")
    effective: date = Field(description="Date it takes effect.")
    expires: date = Field(description="Date it expires.")
    state: Literal["in force", "being updated", "draft", "expired"] = Field(
        description="in force, being updated, draft or expired.")
    covers: Text = Field(description="What it covers.")


class Governance(Record):
    control: Control = Field(description="Document control.")
    principles: list[Text] = Field(description="Governance principles.")
    bodies: list[Body] = Field(description="Governance bodies.")
    decision_makers: list[DecisionMaker] = Field(description="Who may take which decision.")
    escalation: list[EscalationLevel] = Field(description="Escalation levels, lowest first.")
    raci: Raci = Field(description="Responsibility assignment (RACI) matrix.")
    agreements: list[Agreement] = Field(
        description="Interagency agreements, memoranda, contracts and service levels.")
