"""The Communication Plan: stakeholders, items, meetings and reports."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Id, PersonId, Record, RoleId, Text
from .control import Control

Rating = Literal["high", "medium", "low"]


class Stakeholder(Record):
    role: RoleId = Field(description="The stakeholder's role.")
    interest: Text = Field(description="What they care about.")
    influence: Rating = Field(description="high, medium or low.")
    needs: Text = Field(description="What they need to hear.")


class CommunicationItem(Record):
    id: Id = Field(description="Identifier.")
    item: Text = Field(description="The communication.")
    audience: list[RoleId] = Field(description="Roles it goes to.")
    purpose: Text = Field(description="What it is for.")
    channel: Text = Field(description="How it is sent.")
    frequency: Text = Field(description="How often.")
    owner: PersonId = Field(description="Person who sends it.")


class Meeting(Record):
    id: Id = Field(description="Identifier.")
    name: Text = Field(description="Name of the meeting.")
    chair: PersonId = Field(description="Person who chairs it.")
    attendees: list[RoleId] = Field(description="Roles that attend.")
    frequency: Text = Field(description="How often.")
    purpose: Text = Field(description="What it is for.")


class Report(Record):
    id: Id = Field(description="Identifier.")
    name: Text = Field(description="Name of the report.")
    audience: list[RoleId] = Field(description="Roles it goes to.")
    frequency: Text = Field(description="How often.")
    owner: PersonId = Field(description="Person who writes it.")
    contents: Text = Field(description="What it contains.")
    expenditure: bool = Field(description="Does it report expenditure to date?")


class Communication(Record):
    control: Control = Field(description="Document control.")
    principles: list[Text] = Field(description="Communication principles.")
    stakeholders: list[Stakeholder] = Field(description="Stakeholders and their needs.")
    items: list[CommunicationItem] = Field(description="Communication items.")
    meetings: list[Meeting] = Field(description="Regular meetings.")
    reports: list[Report] = Field(description="Regular reports.")
