"""The M&O Charter: vision, scope, plan, participants, funding and the M&O strategy."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

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
    """A request for funding beyond what is authorised (e.g. an IAPDU, a BCP, an IAA modification)."""

    vehicle: Text = Field(description="How the funding is requested, from the program's funding "
                          "vehicles (vocabularies.funding_vehicles plus the adopted preset).",
                          examples=["BCP", "IAA modification"])
    purpose: Text = Field(description="What the additional funding is for.")
    state: Literal["planned", "submitted", "approved", "denied"] = Field(
        description="Where the request stands.")


class PeriodAmount(Record):
    """What one funding source provides in one period, and what has been used of it."""

    period: Text = Field(description="Name of the period as the program says it.",
                         examples=["FY2027 Q1", "Block cycle 1"])
    start: date = Field(description="First day of the period.")
    end: date = Field(description="Last day of the period.")
    dollars: Dollars | None = Field(None, description="Dollars provided for the period; leave "
                                    "out for a source funded only in hours.")
    hours: Hours | None = Field(None, description="Hours provided for the period; leave out for "
                                "a source funded in dollars.")
    obligated: Dollars | None = Field(None, description="Dollars obligated so far in the period.")
    expended: Dollars | None = Field(None, description="Dollars spent to date in the period.")
    hours_used: Hours | None = Field(None, description="Hours used to date in the period.")


class FundingSource(Record):
    """One source of funding (an agreement, an appropriation, a contract...) with its periods."""

    id: Id = Field(description="Identifier of the source, unique in the list.")
    name: Text = Field(description="Name of the source as the documents print it.")
    vehicle: Text = Field(description="Kind of vehicle, from the program's funding vehicles.",
                          examples=["IAA", "appropriation", "contract"])
    parties: list[Id] = Field([], description="Organisations party to the source (e.g. the "
                              "customer agency and the provider of an IAA).")
    reference: Text | None = Field(None, description="Agreement, appropriation or contract "
                                   "number.")
    amounts: list[PeriodAmount] = Field(description="Amounts per period, in dollars and/or hours, "
                                        "with obligations and spending to date.")


class Funding(Record):
    """How the program is funded: by source and period, or (older shape) one authorised total."""

    model: Literal["fixed hours", "fixed dollars"] | None = Field(
        None, description="Funding model of a single-total program; leave out when funded by "
        "`sources`.")
    source: Text | None = Field(None, description="Where a single total comes from, in words.")
    period_start: date | None = Field(None, description="Start of the funded period.")
    period_end: date | None = Field(None, description="End of the funded period.")
    authorised_hours: Hours | None = Field(None, description="Contractor hours authorised for "
                                           "the period; leave out for a program funded in "
                                           "dollars only.")
    authorised_dollars: Dollars | None = Field(None, description="Dollars authorised for the "
                                               "period (single total).")
    blended_rate: Dollars | None = Field(None, description="Blended hourly rate in dollars; only "
                                         "for programs that buy hours.")
    sources: list[FundingSource] = Field([], description="Funding by source, with amounts per "
                                         "period; the authorised totals are their sums.")
    additional_requests: list[FundingRequest] = Field([], description="Requests for more "
                                                      "funding than is authorised.")

    def total(self, measure: str) -> float | None:
        """Authorised dollars or hours: the single total, else the sum over sources (None if the
        program has no such measure)."""
        single = getattr(self, f"authorised_{measure}")
        if single is not None:
            return single
        values = [getattr(a, measure) for s in self.sources for a in s.amounts]
        present = [v for v in values if v is not None]
        return sum(present) if present else None

    def used(self, field: str) -> float | None:
        """The sum of `obligated`, `expended` or `hours_used` over every period (None if unset)."""
        present = [getattr(a, field) for s in self.sources for a in s.amounts
                   if getattr(a, field) is not None]
        return sum(present) if present else None

    @property
    def measures(self) -> list[str]:
        """Which of "hours" and "dollars" this program is funded in."""
        return [m for m in ("hours", "dollars") if self.total(m) is not None]


class Responsibility(Record):
    activity: Text
    primary: Id
    supporting: list[Id]


class TransitionStep(Record):
    step: Text
    owner: Id
    by: date


class GoLive(Record):
    """When one organisation (e.g. one of several providers) takes over its part."""

    organisation: Id = Field(description="The organisation going live.")
    scope: Text = Field(description="What it takes over.")
    transition_start: date | None = Field(None, description="When its transition begins.")
    go_live: date = Field(description="Its go-live date.")


class Transition(Record):
    primary_after_go_live: Id | None = Field(None, description="The one organisation primarily "
                                             "responsible after go-live; use `go_lives` when "
                                             "several organisations go live at different dates.")
    go_lives: list[GoLive] = Field([], description="Per-organisation transition and go-live "
                                   "dates.")
    approach: Text = Field(description="How responsibility passes over.")
    steps: list[TransitionStep] = Field(description="Transition steps with owner and date.")


class UserClass(Record):
    user_class: Text
    headcount: Positive
    training: Text
    trainer: Id
    on_the_job_mentoring: bool


class TrainingRole(Record):
    """What one organisation does for training."""

    party: Id = Field(description="The organisation (or role).")
    role: Text = Field(description="Its part in training.")


class Training(Record):
    state_role: Text | None = Field(None, description="Older shape: the customer's (State's) "
                                    "training role; prefer `roles`.")
    contractor_role: Text | None = Field(None, description="Older shape: the provider's "
                                         "(contractor's) training role; prefer `roles`.")
    roles: list[TrainingRole] = Field([], description="Each organisation's part in training.")
    user_classes: list[UserClass] = Field(description="Who needs training, how many, what kind.")


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
    hours: Text = Field(description="When the help desk is open (its service hours).",
                        examples=["Weekdays 07:00-19:00 Eastern"])
    third_party: bool = Field(description="Is the desk run by a third-party vendor?")


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
