"""The launch-meeting agenda; start times are computed, never typed."""

from __future__ import annotations

from typing import Literal

from .base import ClockTime, Id, Positive, Progress, Record, Text, date
from .control import Control


class MeetingDetails(Record):
    date: date
    start: ClockTime
    end: ClockTime
    place: Text
    chair: Id


class AgendaItem(Record):
    topic: Text
    presenter: Id
    minutes: Positive


class Lesson(Record):
    lesson: Text
    source: Text
    action: Text


class AgendaDecision(Record):
    decision: Text
    owner: Id
    state: Literal["to decide", "decided"]


class Action(Record):
    action: Text
    owner: Id
    due: date
    state: Progress


class LaunchAgenda(Record):
    control: Control
    meeting: MeetingDetails
    attendees: list[Id]
    objectives: list[Text]
    items: list[AgendaItem]
    lessons: list[Lesson]
    decisions: list[AgendaDecision]
    actions: list[Action]
