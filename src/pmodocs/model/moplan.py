"""The M&O Plan / Overall Workplan: block cycles, change control, operations and readiness."""

from __future__ import annotations

from typing import Literal

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


class ChecklistItem(Record):
    item: Text
    state: Progress


class PreInitiationActivity(Record):
    step: Positive
    activity: Text
    owner: Id
    due: date
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
    id: Id
    milestone: Text
    date: date
    owner: Id
    state: Literal["complete", "on track", "at risk", "late"]


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
