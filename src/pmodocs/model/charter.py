"""The M&O Charter: vision, scope, plan, participants, funding and the M&O strategy."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import (
    Dollars, HelpDeskId, Hours, Id, OrganisationId, OrganisationOrRoleId, Positive, Record,
    RoleId, RoleOrBodyId, Text, date,
)
from .control import Control


class Scope(Record):
    in_scope: list[Text] = Field(description="What the program covers.")
    out_of_scope: list[Text] = Field(description="What it does not cover.")


class Objective(Record):
    id: Id = Field(description="Identifier, unique in the list.")
    objective: Text = Field(description="The objective.")
    measure: Text = Field(description="How it is measured.")


class PlanItem(Record):
    item: Text = Field(description="What is to be done.")
    by: date = Field(description="Target date.")


class Plan(Record):
    short_term: list[PlanItem] = Field(description="Items of the short-term plan.")
    long_term: list[PlanItem] = Field(description="Items of the long-term plan.")


class Participant(Record):
    organisation: OrganisationId = Field(description="The participating organisation.")
    role: RoleId = Field(description="The role it plays.")
    participation: Text = Field(description="How it takes part.")


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
    parties: list[OrganisationId] = Field([], description="Organisations party to the source (e.g. the "
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
    activity: Text = Field(description="The activity.")
    primary: OrganisationId = Field(description="The organisation primarily responsible.")
    supporting: list[OrganisationId] = Field(description="Organisations that support it.")


class TransitionStep(Record):
    step: Text = Field(description="The step.")
    owner: OrganisationId = Field(description="Organisation that carries it out.")
    by: date = Field(description="Target date.")


class GoLive(Record):
    """When one organisation (e.g. one of several providers) takes over its part."""

    organisation: OrganisationId = Field(description="The organisation going live.")
    scope: Text = Field(description="What it takes over.")
    transition_start: date | None = Field(None, description="When its transition begins.")
    go_live: date = Field(description="Its go-live date.")


class Transition(Record):
    primary_after_go_live: OrganisationId | None = Field(None, description="The one organisation primarily "
                                             "responsible after go-live; use `go_lives` when "
                                             "several organisations go live at different dates.")
    go_lives: list[GoLive] = Field([], description="Per-organisation transition and go-live "
                                   "dates.")
    approach: Text = Field(description="How responsibility passes over.")
    steps: list[TransitionStep] = Field(description="Transition steps with owner and date.")


class UserClass(Record):
    user_class: Text = Field(description="A group of users with the same training needs.")
    headcount: Positive = Field(description="How many people.")
    training: Text = Field(description="What training they get.")
    trainer: OrganisationId = Field(description="Organisation that trains them.")
    on_the_job_mentoring: bool = Field(description="Is on-the-job mentoring included?")


class TrainingRole(Record):
    """What one organisation does for training."""

    party: OrganisationOrRoleId = Field(description="The organisation (or role).")
    role: Text = Field(description="Its part in training.")


class Training(Record):
    state_role: Text | None = Field(None, description="Older shape: the customer's (State's) "
                                    "training role; prefer `roles`.")
    contractor_role: Text | None = Field(None, description="Older shape: the provider's "
                                         "(contractor's) training role; prefer `roles`.")
    roles: list[TrainingRole] = Field([], description="Each organisation's part in training.")
    user_classes: list[UserClass] = Field(description="Who needs training, how many, what kind.")


class KnowledgeTransfer(Record):
    start: date = Field(description="First day of knowledge transfer.")
    end: date = Field(description="Last day of knowledge transfer.")
    covers_year_end: bool = Field(
        description="Does it span year-end processing? (6-12 months is advised)")
    activities: list[Text] = Field(description="What is done to transfer knowledge.")


class ChangeControlSummary(Record):
    summary: Text = Field(description="How changes are handled, in a few sentences.")
    analysis_by: RoleId = Field(description="Role that analyses changes.")
    approval_by: RoleOrBodyId = Field(description="Role or governance body that approves changes.")


class Operations(Record):
    owner: OrganisationId = Field(description="Organisation that runs day-to-day operations.")
    process: Text = Field(description="How operations are run.")
    problem_resolution_by: RoleId = Field(description="Role responsible for resolving problems.")


class Maintenance(Record):
    owner: OrganisationId = Field(description="Organisation that maintains the system or service.")
    process: Text = Field(description="How maintenance is done.")
    scheduling_by: RoleId = Field(description="Role that schedules maintenance.")
    notification: Text = Field(description="How and when users are told.")


class HelpDesk(Record):
    id: Id = Field(description="Identifier of the desk.")
    name: Text = Field(description="Name of the desk.")
    operator: OrganisationId = Field(description="Organisation that runs it.")
    tier: Positive = Field(description="Support tier (1 = first contact).")
    hours: Text = Field(description="When the help desk is open (its service hours).",
                        examples=["Weekdays 07:00-19:00 Eastern"])
    third_party: bool = Field(description="Is the desk run by a third-party vendor?")


class ResponseTime(Record):
    priority: Text = Field(description="Priority name.")
    example: Text = Field(description="An example of a problem of this priority.")
    response: Text = Field(description="Time to first response.")
    resolution: Text = Field(description="Time to resolution.")


class HelpDeskEscalation(Record):
    from_desk: HelpDeskId = Field(description="Help desk id the ticket leaves.")
    to_desk: HelpDeskId = Field(description="Help desk id the ticket goes to.")
    when: Text = Field(description="When it is passed on.")


class HelpDeskProcedures(Record):
    desks: list[HelpDesk] = Field(description="The help desks, by tier.")
    response_times: list[ResponseTime] = Field(
        description="Response and resolution times by priority.")
    escalation: list[HelpDeskEscalation] = Field(
        description="When a ticket passes from one desk to another.")
    closure: Text = Field(description="How a problem is closed.")


class Strategy(Record):
    responsibilities: list[Responsibility] = Field(
        description="Who is primarily responsible for which activity, and who supports.")
    transition: Transition = Field(description="How responsibility passes at go-live.")
    training: Training = Field(description="Training roles and user classes.")
    knowledge_transfer: KnowledgeTransfer = Field(
        description="How staff learn the system or service before taking it over.")
    change_control: ChangeControlSummary = Field(
        description="How changes are analysed and approved.")
    day_to_day_operations: Operations = Field(description="Who runs day-to-day operations.")
    maintenance: Maintenance = Field(description="Who maintains the system or service.")
    help_desk: HelpDeskProcedures = Field(description="Help desks, response times and escalation.")


class Charter(Record):
    control: Control = Field(
        description="Document control: id, title, version, owners, approvers and revisions.")
    vision: Text = Field(description="The program's vision in a few sentences.")
    scope: Scope = Field(description="What is in and out of scope.")
    objectives: list[Objective] = Field(description="Objectives, each with how it is measured.")
    plan: Plan = Field(description="Short-term and long-term plan.")
    key_participants: list[Participant] = Field(
        description="The organisations taking part and the role each plays.")
    funding: Funding = Field(description="How the program is funded.")
    strategy: Strategy = Field(
        description="How work is divided and run once the system or service is live.")
    assumptions: list[Text] = Field(description="Assumptions the plan rests on.")
    constraints: list[Text] = Field(description="Constraints the plan must respect.")
