"""The M&O Charter: vision, scope, plan, participants, funding and the M&O strategy."""

from __future__ import annotations

from typing import Literal

from .base import Dollars, Hours, Id, Positive, Record, Text, date
from .control import Control


class Scope(Record):
    in_scope: list[Text]
    out_of_scope: list[Text]


class Objective(Record):
    id: Id
    objective: Text
    measure: Text


class PlanItem(Record):
    item: Text
    by: date


class Plan(Record):
    short_term: list[PlanItem]
    long_term: list[PlanItem]


class Participant(Record):
    organisation: Id
    role: Id
    participation: Text


class FundingRequest(Record):
    vehicle: Literal["IAPD", "IAPDU", "BCP"]
    purpose: Text
    state: Literal["planned", "submitted", "approved", "denied"]


class Funding(Record):
    model: Literal["fixed hours", "fixed dollars"]
    source: Text
    period_start: date
    period_end: date
    authorised_hours: Hours
    authorised_dollars: Dollars
    blended_rate: Dollars
    additional_requests: list[FundingRequest]


class Responsibility(Record):
    activity: Text
    primary: Id
    supporting: list[Id]


class TransitionStep(Record):
    step: Text
    owner: Id
    by: date


class Transition(Record):
    primary_after_go_live: Id
    approach: Text
    steps: list[TransitionStep]


class UserClass(Record):
    user_class: Text
    headcount: Positive
    training: Text
    trainer: Id
    on_the_job_mentoring: bool


class Training(Record):
    state_role: Text
    contractor_role: Text
    user_classes: list[UserClass]


class KnowledgeTransfer(Record):
    start: date
    end: date
    covers_year_end: bool
    activities: list[Text]


class ChangeControlSummary(Record):
    summary: Text
    analysis_by: Id
    approval_by: Id


class Operations(Record):
    owner: Id
    process: Text
    problem_resolution_by: Id


class Maintenance(Record):
    owner: Id
    process: Text
    scheduling_by: Id
    notification: Text


class HelpDesk(Record):
    id: Id
    name: Text
    operator: Id
    tier: Positive
    hours: Text
    third_party: bool


class ResponseTime(Record):
    priority: Text
    example: Text
    response: Text
    resolution: Text


class HelpDeskEscalation(Record):
    from_desk: Id
    to_desk: Id
    when: Text


class HelpDeskProcedures(Record):
    desks: list[HelpDesk]
    response_times: list[ResponseTime]
    escalation: list[HelpDeskEscalation]
    closure: Text


class Strategy(Record):
    responsibilities: list[Responsibility]
    transition: Transition
    training: Training
    knowledge_transfer: KnowledgeTransfer
    change_control: ChangeControlSummary
    day_to_day_operations: Operations
    maintenance: Maintenance
    help_desk: HelpDeskProcedures


class Charter(Record):
    control: Control
    vision: Text
    scope: Scope
    objectives: list[Objective]
    plan: Plan
    key_participants: list[Participant]
    funding: Funding
    strategy: Strategy
    assumptions: list[Text]
    constraints: list[Text]
