"""Role cards: each role's responsibilities and whether this project needs them."""

from __future__ import annotations

from .base import Id, Record, Text
from .control import Control


class Duty(Record):
    responsibility: Text
    project_need: bool


class RoleCard(Record):
    role: Id
    summary: Text
    responsibilities: list[Duty]


class RoleCards(Record):
    control: Control
    cards: list[RoleCard]
