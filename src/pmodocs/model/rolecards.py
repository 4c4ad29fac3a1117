"""Role cards: each role's responsibilities and whether this project needs them."""

from __future__ import annotations

from pydantic import Field

from .base import Id, Record, RoleId, Text
from .control import Control


class Duty(Record):
    responsibility: Text = Field(description="The responsibility.")
    project_need: bool = Field(description="Does this program need it?")


class RoleCard(Record):
    role: RoleId = Field(description="The role.")
    summary: Text = Field(description="What the role is for.")
    responsibilities: list[Duty] = Field(description="Its responsibilities.")


class RoleCards(Record):
    control: Control = Field(description="Document control.")
    cards: list[RoleCard] = Field(description="One card per role.")
