"""The Business Continuity Plan: authority, critical operations, re-establishment, emergencies."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Id, PersonId, Positive, Record, RoleId, Text
from .control import Control


class Invoker(Record):
    person: PersonId = Field(description="Person who may invoke the plan.")
    authority: Text = Field(description="Their authority to do so.")


class CriticalOperation(Record):
    id: Id = Field(description="Identifier.")
    operation: Text = Field(description="The operation.")
    priority: Positive = Field(description="Priority, 1 highest.")
    maximum_outage: Text = Field(description="Longest tolerable outage.")
    workaround: Text = Field(description="Workaround while it is down.")
    owner: RoleId = Field(description="Role that owns it.")


class RecoveryStep(Record):
    step: Text = Field(description="The step.")
    owner: RoleId = Field(description="Role that carries it out.")
    target: Text = Field(description="Target time.")


class Situation(Record):
    kind: Literal["disaster", "project emergency"] = Field(
        description="disaster or project emergency.")
    definition: Text = Field(description="What counts as this situation.")
    governed_by: Text = Field(description="Laws, regulations or plans that apply.")
    procedure: Text = Field(description="How it is handled.")
    examples: list[Text] = Field(description="Examples.")


class ContinuityPlan(Record):
    control: Control = Field(description="Document control.")
    focus: Text = Field(description="What the plan protects.")
    invocation: list[Invoker] = Field(description="Who may invoke the plan.")
    invocation_criteria: list[Text] = Field(description="When the plan is invoked.")
    critical_operations: list[CriticalOperation] = Field(
        description="Operations to keep going, by priority.")
    reestablishment: list[RecoveryStep] = Field(description="Steps to re-establish operations.")
    situations: list[Situation] = Field(
        description="Disasters and program emergencies and how each is handled.")
