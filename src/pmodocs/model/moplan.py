"""The M&O Plan / Overall Workplan: block cycles, change control, operations and readiness."""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from .base import Dollars, Hours, Id, Positive, Progress, Record, Text, date
from .control import Control


class ManagementProcess(Record):
    """Billing/invoice approval, change control, work order authorisation (pre-initiation step 1)."""

    name: Text
    owner: Id
    documented: bool
    agreed_with_contractor: bool
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
    estimated_hours: Hours
    estimated_dollars: Dollars
    actual_hours: Hours
    actual_dollars: Dollars


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
    mo_area: Text
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


class Computed(Record):
    """What a criterion or milestone is computed from, instead of typed met and evidence.

    `{deliverable: ID}` (final when approved for its current content), `{staffing: all-filled}`,
    `{processes: established}` (every operational process in place) or `{roles: agreed}` (the
    role cards approved). Exactly one key."""

    deliverable: Id | None = None
    staffing: Literal["all-filled"] | None = None
    processes: Literal["established"] | None = None
    roles: Literal["agreed"] | None = None

    @model_validator(mode="after")
    def _one_source(self) -> "Computed":
        given = [k for k in ("deliverable", "staffing", "processes", "roles")
                 if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"names {len(given)} sources (expected exactly one of: deliverable, "
                             "staffing, processes, roles)")
        return self


class ChecklistItem(Record):
    item: Text
    state: Progress | None = None
    computed: Computed | None = None
    """What the item's state is computed from (done when the deliverable is approved, the
    staffing lines filled, the processes in place), instead of a typed state."""

    @model_validator(mode="after")
    def _state_or_computed(self) -> "ChecklistItem":
        if self.state is None and self.computed is None:
            raise ValueError("needs a state (expected state: done, in progress or not started, "
                             "or computed: {deliverable: ID})")
        return self


class PreInitiationActivity(Record):
    step: Positive
    activity: Text
    owner: Id
    due: date
    items: list[ChecklistItem]


class ExitCriterion(Record):
    """Computed from the content (`computed`), or stated by a person (`met` and `evidence`)."""

    criterion: Text
    computed: Computed | None = None
    met: bool | None = None
    evidence: Text | None = None
    stated_by: Id | None = None
    """Who states a hand-stated criterion (a person id); the M&O Plan's owner when left out."""

    @model_validator(mode="after")
    def _computed_or_stated(self) -> "ExitCriterion":
        if self.computed is not None and (self.met is not None or self.evidence is not None
                                          or self.stated_by is not None):
            raise ValueError("is computed, so met, evidence and stated_by come from the content "
                             "(expected either computed, or met and evidence)")
        if self.computed is None and (self.met is None or self.evidence is None):
            raise ValueError("needs met and evidence when it is not computed (expected computed: "
                             "{deliverable: ID} or met: true/false with evidence)")
        return self


class KeyDecision(Record):
    id: Id
    activity: Text
    owner: Id
    state: Progress
    outcome: Text


class Milestone(Record):
    id: Id
    milestone: Text
    date: date
    owner: Id
    state: Literal["complete", "on track", "at risk", "late"] | None = None
    computed: Computed | None = None
    """`{deliverable: ID}`: complete when that deliverable is approved for its current content."""

    @model_validator(mode="after")
    def _state_or_computed(self) -> "Milestone":
        if self.state is None and self.computed is None:
            raise ValueError("needs a state (expected state: complete, on track, at risk or late, "
                             "or computed: {deliverable: ID})")
        if self.computed is not None and self.computed.deliverable is None:
            raise ValueError("can only be computed from a deliverable (expected computed: "
                             "{deliverable: ID})")
        return self


class MOPlan(Record):
    control: Control
    management_approach: Text
    management_processes: list[ManagementProcess]
    block_cycles: list[BlockCycle]
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
    milestones: list[Milestone]
