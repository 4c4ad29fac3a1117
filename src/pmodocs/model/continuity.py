"""The Business Continuity Plan: authority, critical operations, re-establishment, emergencies."""

from __future__ import annotations

from typing import Literal

from .base import Id, Positive, Record, Text
from .control import Control


class Invoker(Record):
    person: Id
    authority: Text


class CriticalOperation(Record):
    id: Id
    operation: Text
    priority: Positive
    maximum_outage: Text
    workaround: Text
    owner: Id


class RecoveryStep(Record):
    step: Text
    owner: Id
    target: Text


class Situation(Record):
    kind: Literal["disaster", "project emergency"]
    definition: Text
    governed_by: Text
    procedure: Text
    examples: list[Text]


class ContinuityPlan(Record):
    control: Control
    focus: Text
    invocation: list[Invoker]
    invocation_criteria: list[Text]
    critical_operations: list[CriticalOperation]
    reestablishment: list[RecoveryStep]
    situations: list[Situation]
