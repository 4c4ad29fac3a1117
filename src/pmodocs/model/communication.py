"""The Communication Plan: stakeholders, items, meetings and reports."""

from __future__ import annotations

from typing import Literal

from .base import Id, Record, Text
from .control import Control

Rating = Literal["high", "medium", "low"]


class Stakeholder(Record):
    role: Id
    interest: Text
    influence: Rating
    needs: Text


class CommunicationItem(Record):
    id: Id
    item: Text
    audience: list[Id]
    purpose: Text
    channel: Text
    frequency: Text
    owner: Id


class Meeting(Record):
    id: Id
    name: Text
    chair: Id
    attendees: list[Id]
    frequency: Text
    purpose: Text


class Report(Record):
    id: Id
    name: Text
    audience: list[Id]
    frequency: Text
    owner: Id
    contents: Text
    expenditure: bool


class Communication(Record):
    control: Control
    principles: list[Text]
    stakeholders: list[Stakeholder]
    items: list[CommunicationItem]
    meetings: list[Meeting]
    reports: list[Report]
