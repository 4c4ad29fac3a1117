"""The launch-meeting agenda; start times are computed, never typed."""

from __future__ import annotations

from datetime import date as Day

from typing import Literal

from pydantic import Field

from .base import ClockTime, Id, PersonId, Positive, Progress, Record, Text, date
from .control import Control


class MeetingDetails(Record):
    date: Day = Field(description="Date of the meeting.")
    start: ClockTime = Field(description="Start time as \"HH:MM\" (quoted).")
    end: ClockTime = Field(description="End time as \"HH:MM\" (quoted).")
    place: Text = Field(description="Where it is held.")
    chair: PersonId = Field(description="Person who chairs it.")


class AgendaItem(Record):
    topic: Text = Field(description="The topic.")
    presenter: PersonId = Field(description="Person who presents it.")
    minutes: Positive = Field(description="Length in minutes.")


class Lesson(Record):
    lesson: Text = Field(description="The lesson.")
    source: Text = Field(description="Where it comes from.")
    action: Text = Field(description="What is done about it.")


class AgendaDecision(Record):
    decision: Text = Field(description="The decision.")
    owner: PersonId = Field(description="Person who decides.")
    state: Literal["to decide", "decided"] = Field(description="to decide or decided.")


class Action(Record):
    action: Text = Field(description="The action.")
    owner: PersonId = Field(description="Person who does it.")
    due: date = Field(description="Due date.")
    state: Progress = Field(description="done, in progress or not started.")


class LaunchAgenda(Record):
    control: Control = Field(description="Document control.")
    meeting: MeetingDetails = Field(description="Date, time, place and chair.")
    attendees: list[PersonId] = Field(description="People invited.")
    objectives: list[Text] = Field(description="Objectives of the meeting.")
    items: list[AgendaItem] = Field(description="Agenda items; start times are computed.")
    lessons: list[Lesson] = Field(description="Lessons learned to review.")
    decisions: list[AgendaDecision] = Field(
        description="Decisions taken or to take (also shown in the plan's decision log).")
    actions: list[Action] = Field(
        description="Actions agreed (also shown in the plan's action items).")
