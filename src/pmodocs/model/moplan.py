"""The M&O Plan / Overall Workplan: block cycles, change control, operations and readiness."""

from __future__ import annotations

from typing import Literal

from datetime import date as Day

from pydantic import Field, model_validator

from .base import (
    BlockCycleId, BodyId, ChangeTypeId, DeliverableId, Dollars, Hours, Id, MilestoneId,
    OrganisationId, OrganisationOrRoleId, PartyId, PersonId, Positive, Progress, Record, RoleId,
    RoleOrBodyId, Side, Text, date,
)
from .control import Control


class ManagementProcess(Record):
    """Billing/invoice approval, change control, work order authorisation (pre-initiation step 1)."""

    name: Text = Field(description="Name of the process.")
    owner: RoleId = Field(description="Role that owns it.")
    documented: bool = Field(description="Is it documented?")
    agreed_with_contractor: bool = Field(description="Agreed with the provider (contractor or "
                                         "shared-service provider)?")
    reference: Text = Field(description="Where it is documented.")


class BlockCycle(Record):
    id: Id = Field(description="Identifier of the block cycle.")
    name: Text = Field(description="Name of the block cycle.")
    release: Text = Field(description="Release it delivers.")
    start: date = Field(description="First day.")
    end: date = Field(description="Last day.")
    hours: Hours = Field(
        description="Hours allocated (0 if the program is funded in dollars only).")
    dollars: Dollars = Field(
        description="Dollars allocated (0 if the program is funded in hours only).")
    state: Literal["planned", "in progress", "complete"] = Field(
        description="planned, in progress or complete.")


class ChangeStep(Record):
    step: Text = Field(description="Name of the step.")
    description: Text = Field(description="What happens.")
    owner: RoleId = Field(description="Role that carries it out.")


class ChangeControl(Record):
    board: BodyId = Field(description="Governance body that decides change requests.")
    steps: list[ChangeStep] = Field(description="Steps of the change control process.")


class ChangeType(Record):
    id: Id = Field(description="Identifier of the change type.")
    name: Text = Field(description="Name of the change type.")
    description: Text = Field(description="What it covers.")
    path: Text = Field(description="How such a change is handled.")
    approver: RoleOrBodyId = Field(description="Role or body that approves it.")
    turnaround: Text = Field(description="Expected turnaround.")
    funded_from: Text = Field(description="Where the money or hours come from.")


class ChangeRequest(Record):
    id: Id = Field(description="Identifier of the request.")
    title: Text = Field(description="What is asked for.")
    type: ChangeTypeId = Field(description="Its change type id.")
    block_cycle: BlockCycleId | None = Field(
        None, description="The block cycle whose hours fund the change; leave out for "
        "a change paid from the unallocated reserve or a program without block cycles.")
    """The block cycle whose hours fund the change; none for a change paid from hours authorised
    but not assigned to a cycle (an emergency fix from the unallocated reserve)."""
    requested_by: PersonId = Field(description="Person who requested it.")
    state: Literal["submitted", "in analysis", "approved", "in progress", "deployed", "rejected", "deferred"] = Field(
        description="Where the request stands.")
    estimated_hours: Hours | None = Field(None, description="Estimated hours (for hour-funded "
                                          "programs).")
    estimated_dollars: Dollars | None = Field(None, description="Estimated cost in dollars.")
    actual_hours: Hours | None = Field(None, description="Hours spent so far.")
    actual_dollars: Dollars | None = Field(None, description="Dollars spent so far.")


class OperationalProcess(Record):
    id: Id = Field(description="Identifier of the process.")
    process: Text = Field(description="The process.")
    owner: RoleId = Field(description="Role that owns it.")
    schedule: Text = Field(description="When it runs.")
    state: Literal["in place", "being verified", "not in place"] = Field(
        description="in place, being verified or not in place.")
    evidence: Text = Field(description="What shows its state.")


class BatchJob(Record):
    job: Text = Field(description="The batch job.")
    window: Text = Field(description="Time window it runs in.")
    frequency: Text = Field(description="How often.")
    deadline: Text = Field(description="When it must finish.")
    owner: RoleId = Field(description="Role that owns it.")


class PerformanceMetric(Record):
    metric: Text = Field(description="The metric.")
    target: Text = Field(description="Target value.")
    source: Text = Field(description="Where the data comes from.")
    frequency: Text = Field(description="How often it is collected.")


class Asset(Record):
    id: Id = Field(description="Identifier of the asset.")
    item: Text = Field(description="The item.")
    kind: Literal["hardware", "software", "licence", "service"] = Field(
        description="hardware, software, licence or service.")
    vendor: Text = Field(description="Vendor.")
    quantity: Positive = Field(description="How many.")
    location: Text = Field(description="Where it is.")
    warranty_expires: date | None = Field(None, description="Warranty end date, if any.")
    licence_expires: date | None = Field(None, description="Licence end date, if any.")
    owner: OrganisationId = Field(description="Organisation that owns it.")


class TrackingSystem(Record):
    system: Text = Field(description="The tracking system.")
    purpose: Text = Field(description="What it tracks.")
    tool: Text = Field(description="Tool used.")
    mo_area: Text = Field(description="The area or folder created for this phase.")
    ready: bool = Field(description="Is it set up?")


class Tool(Record):
    tool: Text = Field(description="The tool.")
    purpose: Text = Field(description="What it is for.")
    decision: Literal["keep", "replace", "add", "retire"] = Field(
        description="keep, replace, add or retire.")
    data_conversion: bool = Field(description="Is data conversion needed?")
    notes: Text = Field(description="Notes on the decision.")


class SystemDocument(Record):
    document: Text = Field(description="The document.")
    current: bool = Field(description="Is it current?")
    reviewed_on: date = Field(description="Date of the review.")
    action: Text = Field(description="What is to be done about it.")


class Staffing(Record):
    role: RoleId = Field(description="The role.")
    organisation: OrganisationId = Field(description="Organisation that staffs it.")
    fte_required: Hours = Field(description="Full-time equivalents needed.")
    fte_filled: Hours = Field(description="Full-time equivalents in post.")
    skills: list[Text] = Field(description="Skills needed.")
    gap_action: Text = Field(description="How any gap is closed.")


class Computed(Record):
    """What a criterion or milestone is computed from, instead of typed met and evidence.

    `{deliverable: ID}` (final when approved for its current content), `{staffing: all-filled}`,
    `{processes: established}` (every operational process in place) or `{roles: agreed}` (the
    role cards approved). Exactly one key."""

    deliverable: DeliverableId | None = Field(None, description="Final when this deliverable is "
                                              "approved for its current content.")
    staffing: Literal["all-filled"] | None = Field(None, description="Met when every staffing "
                                                   "line is filled.")
    processes: Literal["established"] | None = Field(None, description="Met when every "
                                                     "operational process is in place.")
    roles: Literal["agreed"] | None = Field(None, description="Met when the role cards are "
                                            "approved.")

    @model_validator(mode="after")
    def _one_source(self) -> "Computed":
        given = [k for k in ("deliverable", "staffing", "processes", "roles")
                 if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"names {len(given)} sources (expected exactly one of: deliverable, "
                             "staffing, processes, roles)")
        return self


class ChecklistItem(Record):
    item: Text = Field(description="The checklist item.")
    state: Progress | None = Field(None, description="done, in progress or not started (leave out "
                                   "when the item is computed).")
    computed: Computed | None = Field(None, description="What the item's state is computed from "
                                      "(done when the deliverable is approved, the staffing lines "
                                      "filled, the processes in place), instead of a typed state.")

    @model_validator(mode="after")
    def _state_or_computed(self) -> "ChecklistItem":
        if self.state is None and self.computed is None:
            raise ValueError("needs a state (expected state: done, in progress or not started, "
                             "or computed: {deliverable: ID})")
        return self


class PreInitiationActivity(Record):
    """One activity of the phase with its checklist (headed by the program's phase label)."""

    step: Positive = Field(description="Step number.")
    activity: Text = Field(description="The activity.")
    owner: RoleId = Field(description="Role that owns it.")
    due: date = Field(description="Due date.")
    side: Side | None = Field(None, description="Whose activity it is (provider, shared, "
                              "customer), as the M3 Playbook marks them.")
    items: list[ChecklistItem] = Field(description="Checklist items.")


class ExitCriterion(Record):
    """Computed from the content (`computed`), or stated by a person (`met` and `evidence`)."""

    criterion: Text = Field(description="The criterion.")
    computed: Computed | None = Field(None, description="What the criterion is computed from "
                                      "(e.g. {deliverable: charter}); then met and evidence come "
                                      "from the content.")
    met: bool | None = Field(None, description="Is it met? (a hand-stated criterion only)")
    evidence: Text | None = Field(None, description="What shows it (a hand-stated criterion only).")
    stated_by: PersonId | None = Field(None, description="Who states a hand-stated criterion; the "
                                       "plan's owner when left out.")

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
    id: Id = Field(description="Identifier.")
    activity: Text = Field(description="The activity or decision.")
    owner: RoleId = Field(description="Role that owns it.")
    state: Progress = Field(description="done, in progress or not started.")
    outcome: Text = Field(description="Its outcome so far.")


class Milestone(Record):
    """A schedule (IMS) milestone with baseline, forecast and actual dates."""

    id: Id = Field(description="Identifier, unique in the schedule.")
    milestone: Text = Field(description="What is reached.")
    date: Day | None = Field(None, description="Older shape: the planned date (read as the "
                              "baseline); prefer `baseline`.")
    baseline: Day | None = Field(None, description="Baselined date.")
    forecast: Day | None = Field(None, description="Currently forecast date, if it differs.")
    actual: Day | None = Field(None, description="Date actually reached.")
    depends_on: list[MilestoneId] = Field([], description="Milestones that must be reached first.")
    owner: OrganisationOrRoleId = Field(description="Organisation (or role) that owns the milestone.")
    state: Literal["not started", "on track", "at risk", "late", "complete"] | None = Field(
        None, description="Where the milestone stands (leave out when it is computed).")
    computed: Computed | None = Field(None, description="`{deliverable: ID}`: complete when that "
                                      "deliverable is approved for its current content.")

    @model_validator(mode="after")
    def _state_or_computed(self) -> "Milestone":
        if self.state is None and self.computed is None:
            raise ValueError("needs a state (expected state: not started, on track, at risk, late "
                             "or complete, or computed: {deliverable: ID})")
        if self.computed is not None and self.computed.deliverable is None:
            raise ValueError("can only be computed from a deliverable (expected computed: "
                             "{deliverable: ID})")
        return self

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
    owner: PartyId | None = Field(None, description="Who carries the action.")
    state: Progress = Field(description="done, in progress or not started.")


class LoggedDecision(Record):
    """A decision recorded in the program's log."""

    id: Id = Field(description="Identifier, unique in the log.")
    decision: Text = Field(description="What was decided (or is to be decided).")
    owner: PartyId = Field(description="Who decides.")
    date: Day | None = Field(None, description="When it was decided.")
    state: Literal["to decide", "decided"] = Field(description="to decide or decided.")


class ActionItem(Record):
    """An action item recorded in the program's log."""

    id: Id = Field(description="Identifier, unique in the log.")
    action: Text = Field(description="What is to be done.")
    owner: PartyId = Field(description="Who does it.")
    due: Day = Field(description="When it is due.")
    state: Progress = Field(description="done, in progress or not started.")


class MOPlan(Record):
    control: Control = Field(description="Document control.")
    management_approach: Text = Field(
        description="How the work is managed, tracked and controlled.")
    management_processes: list[ManagementProcess] = Field(
        description="Billing/invoice approval, change control, work "
        "authorisation and similar processes.")
    block_cycles: list[BlockCycle] = Field([], description="Funded release periods with hours "
                                           "and dollars; leave out if the program has none.")
    change_control: ChangeControl = Field(description="The change control board and steps.")
    change_types: list[ChangeType] = Field(description="Kinds of change and how each is handled.")
    change_requests: list[ChangeRequest] = Field(description="The change request log.")
    operational_processes: list[OperationalProcess] = Field(
        description="Operational processes and whether each is in place.")
    batch_schedule: list[BatchJob] = Field(
        description="Batch jobs and their windows (leave empty if none).")
    performance_metrics: list[PerformanceMetric] = Field(
        description="Performance metrics collected.")
    inventory: list[Asset] = Field(
        description="Inventory and assets, with warranty and licence dates.")
    tracking_systems: list[TrackingSystem] = Field(
        description="Issue, risk and document tracking set up for this phase.")
    tools: list[Tool] = Field(description="Tools reviewed and what is decided for each.")
    system_documentation: list[SystemDocument] = Field(description="System documents reviewed.")
    staffing: list[Staffing] = Field(description="Staffing needs, filled and open.")
    pre_initiation: list[PreInitiationActivity] = Field(
        description="The phase's activities with their checklists.")
    exit_criteria: list[ExitCriterion] = Field(
        description="Criteria that must be met to exit the phase.")
    key_decisions: list[KeyDecision] = Field(
        description="Activities and key decisions of the phase.")
    milestones: list[Milestone] = Field(description="Integrated master schedule milestones.")
    lessons_learned: list[LessonLearned] = Field([], description="The program's lessons-learned "
                                                 "register.")
    decision_log: list[LoggedDecision] = Field([], description="Decisions log; the launch "
                                               "meeting's decisions are added to it.")
    action_items: list[ActionItem] = Field([], description="Action items log; the launch "
                                           "meeting's actions are added to it.")
