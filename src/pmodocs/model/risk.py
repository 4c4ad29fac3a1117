"""The Risk Management Plan: process, scales and the risk register."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Id, Level, Record, Text
from .control import Control


class ProcessStep(Record):
    step: Text
    description: Text
    owner: Id


class ScaleLevel(Record):
    level: Level
    label: Text
    description: Text


class Scales(Record):
    probability: list[ScaleLevel]
    impact: list[ScaleLevel]


class Risk(Record):
    id: Id
    title: Text
    category: Text = Field(description="Category from the program's risk categories "
                           "(vocabularies.risk_categories plus the adopted preset).")
    probability: Level
    impact: Level
    owner: Id
    strategy: Literal["avoid", "mitigate", "transfer", "accept"]
    response: Text
    trigger: Text
    state: Literal["open", "watching", "closed"]

    @property
    def score(self) -> int:
        """Probability times impact, 1 to 25."""
        return self.probability * self.impact


class RiskPlan(Record):
    control: Control
    process: list[ProcessStep]
    review_cadence: Text
    scales: Scales
    risks: list[Risk]
