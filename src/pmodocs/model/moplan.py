"""The M&O Plan / Overall Workplan: block cycles, change control, operations and readiness."""

from __future__ import annotations

from typing import Literal

from datetime import date as Day

from pydantic import Field

from .base import Dollars, Hours, Id, Positive, Progress, Record, Side, Text, date
from .control import Control


class ManagementProcess(Record):
    """Billing/invoice approval, change control, work order authorisation (pre-initiation step 1)."""

    name: Text
    owner: Id
    documented: bool
    agreed_with_contractor: bool = Field(description="Agreed with the provider (contractor or "
                                         "shared-service provider)?")
    reference: Text


class BlockCycle(Record):
    id: Id
    name: Text
    release: Text
    start: date
    end: date
    hours: Hours
    dollars: Dollars
    state: Literal["planned", "in progress", "complete"]


class ChangeStep(Record):
    step: Text
    description: Text
    owner: Id


class ChangeControl(Record):
    board: Id
    steps: list[ChangeStep]


class ChangeType(Record):
    id: Id
    name: Text
    description: Text
    path: Text
    approver: Id
    turnaround: Text
    funded_from: Text


class ChangeRequest(Record):
    id: Id
    title: Text
    type: Id
    block_cycle: Id | None = None
    """The block cycle whose hours fund the change; none for a change paid from hours authorised
    but not assigned to a cycle (an emergency fix from the unallocated reserve)."""
    requested_by: Id
    state: Literal["submitted", "in analysis", "approved", "in progress", "deployed", "rejected", "deferred"]
    estimated_hours: Hours | None = Field(None, description="Estimated hours (for hour-funded "
                                          "programs).")
    estimated_dollars: Dollars | None = Field(None, description="Estimated cost in dollars.")
    actual_hours: Hours | None = Field(None, description="Hours spent so far.")
    actual_dollars: Dollars | None = Field(None, description="Dollars spent so far.")


class OperationalProcess(Record):
    id: Id
    process: Text
    owner: Id
    schedule: Text
    state: Literal["in place", "being verified", "not in place"]
    evidence: Text


class BatchJob(Record):
    job: Text
    window: Text
    frequency: Text
    deadline: Text
    owner: Id


class PerformanceMetric(Record):
    metric: Text
    target: Text
    source: Text
    frequency: Text


class Asset(Record):
    id: Id
    item: Text
    kind: Literal["hardware", "software", "licence", "service"]
    vendor: Text
    quantity: Positive
    location: Text
    warranty_expires: date | None = None
    licence_expires: date | None = None
    owner: Id


class TrackingSystem(Record):
    system: Text
    purpose: Text
    tool: Text
    mo_area: Text = Field(description="The area or folder created for this phase.")
    ready: bool


class Tool(Record):
    tool: Text
    purpose: Text
    decision: Literal["keep", "replace", "add", "retire"]
    data_conversion: bool
    notes: Text


class SystemDocument(Record):
    document: Text
    current: bool
    reviewed_on: date
    action: Text


class Staffing(Record):
    role: Id
    organisation: Id
    fte_required: Hours
    fte_filled: Hours
    skills: list[Text]
    gap_action: Text


class ChecklistItem(Record):
    item: Text
    state: Progress


class PreInitiationActivity(Record):
    """One activity of the phase with its checklist (headed by the program's phase label)."""

    step: Positive
    activity: Text
    owner: Id
    due: date
    side: Side | None = Field(None, description="Whose activity it is (provider, shared, "
                              "customer), as the M3 Playbook marks them.")
    items: list[ChecklistItem]


class ExitCriterion(Record):
    criterion: Text
    met: bool
    evidence: Text


class KeyDecision(Record):
    id: Id
    activity: Text
    owner: Id
    state: Progress
    outcome: Text


class Milestone(Record):
    """A schedule (IMS) milestone with baseline, forecast and actual dates."""

    id: Id = Field(description="Identifier, unique in the schedule.")
    milestone: Text = Field(description="What is reached.")
    date: Day | None = Field(None, description="Older shape: the planned date (read as the "
                              "baseline); prefer `baseline`.")
    baseline: Day | None = Field(None, description="Baselined date.")
    forecast: Day | None = Field(None, description="Currently forecast date, if it differs.")
    actual: Day | None = Field(None, description="Date actually reached.")
    depends_on: list[Id] = Field([], description="Milestones that must be reached first.")
    owner: Id = Field(description="Organisation (or role) that owns the milestone.")
    state: Literal["not started", "on track", "at risk", "late", "complete"] = Field(
        description="Where the milestone stands.")

    @property
    def planned(self):
        """The baseline date (or the older single `date`)."""
        return self.baseline or self.date

    @property
    def expected(self):
        """Actual if reached, else forecast, else baseline."""
        return self.actual or self.forecast or self.planned


class LessonLearned(Record):
    """A lesson for the program's register."""

    id: Id = Field(description="Identifier, unique in the register.")
    lesson: Text = Field(description="The lesson.")
    source: Text = Field(description="Where it comes from (a phase, a playbook, a review).")
    action: Text = Field(description="What the program does about it.")
    owner: Id | None = Field(None, description="Who carries the action.")
    state: Progress = Field(description="done, in progress or not started.")


class LoggedDecision(Record):
    """A decision recorded in the program's log."""

    id: Id = Field(description="Identifier, unique in the log.")
    decision: Text = Field(description="What was decided (or is to be decided).")
    owner: Id = Field(description="Who decides.")
    date: Day | None = Field(None, description="When it was decided.")
    state: Literal["to decide", "decided"] = Field(description="to decide or decided.")


class ActionItem(Record):
    """An action item recorded in the program's log."""

    id: Id = Field(description="Identifier, unique in the log.")
    action: Text = Field(description="What is to be done.")
    owner: Id = Field(description="Who does it.")
    due: Day = Field(description="When it is due.")
    state: Progress = Field(description="done, in progress or not started.")


class MOPlan(Record):
    control: Control
    management_approach: Text
    management_processes: list[ManagementProcess]
    block_cycles: list[BlockCycle] = Field([], description="Funded release periods with hours "
                                           "and dollars; leave out if the program has none.")
    change_control: ChangeControl
    change_types: list[ChangeType]
    change_requests: list[ChangeRequest]
    operational_processes: list[OperationalProcess]
    batch_schedule: list[BatchJob]
    performance_metrics: list[PerformanceMetric]
    inventory: list[Asset]
    tracking_systems: list[TrackingSystem]
    tools: list[Tool]
    system_documentation: list[SystemDocument]
    staffing: list[Staffing]
    pre_initiation: list[PreInitiationActivity]
    exit_criteria: list[ExitCriterion]
    key_decisions: list[KeyDecision]
    milestones: list[Milestone] = Field(description="Integrated master schedule milestones.")
    lessons_learned: list[LessonLearned] = Field([], description="The program's lessons-learned "
                                                 "register.")
    decision_log: list[LoggedDecision] = Field([], description="Decisions log; the launch "
                                               "meeting's decisions are added to it.")
    action_items: list[ActionItem] = Field([], description="Action items log; the launch "
                                           "meeting's actions are added to it.")
