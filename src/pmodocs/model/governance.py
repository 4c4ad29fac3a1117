"""The Governance Plan: bodies, decision makers, escalation, RACI and agreements."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import StringConstraints

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


class DecisionMaker(Record):
    decision: Text
    authority: Id
    alternate: Id
    recorded_in: Text


class EscalationLevel(Record):
    level: Positive
    name: Text
    role: Id
    time_limit_days: Positive
    criteria: Text


class RaciActivity(Record):
    activity: Text
    side: Side
    assignments: dict[Id, RaciCode]


class Raci(Record):
    roles: list[Id]
    activities: list[RaciActivity]


class Agreement(Record):
    id: Id
    kind: Literal["IAA", "MOU", "contract", "SLA"]
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
