"""The Risk Management Plan: process, scales and the risk register."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Id, Level, PersonId, Record, RoleId, Text
from .control import Control


class ProcessStep(Record):
    step: Text = Field(description="Name of the step.")
    description: Text = Field(description="What happens.")
    owner: RoleId = Field(description="Role that carries it out.")


class ScaleLevel(Record):
    level: Level = Field(description="Level, 1 to 5.")
    label: Text = Field(description="Short label.")
    description: Text = Field(description="What the level means.")


class Scales(Record):
    probability: list[ScaleLevel] = Field(description="Probability levels 1 to 5.")
    impact: list[ScaleLevel] = Field(description="Impact levels 1 to 5.")


class Risk(Record):
    id: Id = Field(description="Identifier of the risk.")
    title: Text = Field(description="The risk.")
    category: Text = Field(description="Category from the program's risk categories "
                           "(vocabularies.risk_categories plus the adopted preset).")
    probability: Level = Field(description="1 (rare) to 5 (almost certain).")
    impact: Level = Field(description="1 (negligible) to 5 (severe).")
    owner: PersonId = Field(description="Person who owns the risk.")
    strategy: Literal["avoid", "mitigate", "transfer", "accept"] = Field(
        description="avoid, mitigate, transfer or accept.")
    response: Text = Field(description="What is done about it.")
    trigger: Text = Field(description="What shows it is happening.")
    state: Literal["open", "watching", "closed"] = Field(description="open, watching or closed.")

    @property
    def score(self) -> int:
        """Probability times impact, 1 to 25."""
        return self.probability * self.impact


class RiskPlan(Record):
    control: Control = Field(description="Document control.")
    process: list[ProcessStep] = Field(description="Steps of the risk management process.")
    review_cadence: Text = Field(description="How often risks are reviewed.")
    scales: Scales = Field(description="Probability and impact scales.")
    risks: list[Risk] = Field(description="The risk register.")
