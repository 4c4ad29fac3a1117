"""Facts the build derives from the content and its sign-offs, computed once before compose.

Where the content can prove a claim (a deliverable is final, staff are in place, operational
processes are established, roles are agreed, a milestone's approval happened), the claim is
computed here from the approval records and the tables that hold the facts, never retyped.
Every page that shows such a claim (the dashboard, the M&O Plan, the "Who signs what" page)
reads this one result, so the published outputs cannot disagree with each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .model import Approval, Content
from .model.moplan import ChecklistItem, Computed, ExitCriterion, Milestone

REVIEW_BUSINESS_DAYS = 10

STATES = ("draft", "in review", "approved", "rejected", "changed since approval")


@dataclass(frozen=True)
class ApproverStatus:
    person: str
    decision: str | None
    date: str | None
    current: bool
    comment: str | None
    evidence: str | None = None
    """How the latest decision is proven: "signature" (a checked signed PDF) or "recorded"."""
    certificate: str | None = None
    """The signer's certificate subject, when a signature proves the decision."""


@dataclass(frozen=True)
class Signoff:
    deliverable: str
    fingerprint: str
    state: str
    approvers: tuple[ApproverStatus, ...]

    @property
    def waiting_for(self) -> list[str]:
        """Required approvers whose decision on the current content is still missing."""
        return [a.person for a in self.approvers if not (a.current and a.decision)]


def signoff_for(content: Content, kind: str, fp: str, approvers: Any,
                author_status: str) -> Signoff:
    """The sign-off the records of approvals.yaml give content `fp` with these approvers."""
    latest: dict[str, Approval] = {}
    signed_only = content.program.signoff.require_signatures
    for record in content.approvals:
        if record.deliverable == kind and (_kept(content, record) or not signed_only):
            previous = latest.get(record.approver)
            if previous is None or record.date >= previous.date:
                latest[record.approver] = record
    statuses = []
    for person in approvers:
        rec = latest.get(person)
        statuses.append(ApproverStatus(
            person=person,
            decision=rec.decision if rec else None,
            date=rec.date.isoformat() if rec else None,
            current=bool(rec and rec.fingerprint == fp),
            comment=rec.comment if rec else None,
            evidence=("signature" if _kept(content, rec) else "recorded") if rec else None,
            certificate=rec.signature.subject if rec and rec.signature and _kept(content, rec)
            else None,
        ))
    return Signoff(kind, fp, _state(author_status, statuses), tuple(statuses))


def _kept(content: Content, record: Approval) -> bool:
    """A record names a signature whose signed file is kept in the content folder (`pmodocs
    verify DELIVERABLE` checks the signature in it again)."""
    if not record.signature:
        return False
    path = (content.root / record.signature.file).resolve()
    return content.root.resolve() in path.parents and path.is_file()


def _state(author_status: str, statuses: list[ApproverStatus]) -> str:
    current = [s for s in statuses if s.current]
    if any(s.decision == "rejected" for s in current):
        return "rejected"
    if statuses and all(s.current and s.decision == "approved" for s in statuses):
        return "approved"
    if any(s.decision and not s.current for s in statuses):
        return "changed since approval"
    if current or author_status != "draft":
        return "in review"
    return "draft"



def awaiting(content: Content, signoffs: dict[str, Signoff]) -> dict[str, list[str]]:
    """Person -> deliverables submitted for review that still need their decision on this content.

    Author drafts are not sent (not ready for decision) and rejected ones wait for a revision.
    """
    out: dict[str, list[str]] = {}
    for kind, so in signoffs.items():
        if content.by_kind[kind].control.status == "draft" or so.state == "rejected":
            continue
        for person in so.waiting_for:
            out.setdefault(person, []).append(kind)
    return dict(sorted(out.items()))


def respond_by(sent: date, business_days: int = REVIEW_BUSINESS_DAYS) -> date:
    """The packet's date plus the review period, counting Monday to Friday only."""
    day, left = sent, business_days
    while left:
        day += timedelta(days=1)
        left -= day.weekday() < 5
    return day




@dataclass(frozen=True)
class CriterionFact:
    """One phase exit criterion as published: computed from the content, or stated by someone."""

    criterion: str
    met: bool
    evidence: str
    computed: bool
    source: str
    """What it is computed from ("deliverable charter", "staffing") or who stated it."""


@dataclass(frozen=True)
class MilestoneFact:
    id: str
    milestone: str
    date: date | None
    owner: str
    state: str
    computed: bool
    note: str
    """For a computed milestone, why it has its state (who approved, or what is awaited)."""


@dataclass(frozen=True)
class Awaiting:
    """A deliverable submitted for decision that still needs one person's decision."""

    person: str
    kind: str
    state: str
    due: date
    redline: bool
    """The person decided on earlier content: their packet carries what changed since."""


@dataclass(frozen=True)
class Facts:
    signoffs: dict[str, Signoff]
    criteria: tuple[CriterionFact, ...]
    milestones: tuple[MilestoneFact, ...]
    awaiting: dict[str, tuple[Awaiting, ...]]
    sent: date
    """The packets' date (SOURCE_DATE_EPOCH's day or program.as_of): decisions are due from it."""
    logo: bytes | None = None
    """The branding logo's bytes, read once the checks vouched for its path (compose reads no file)."""

    @property
    def approved(self) -> int:
        return sum(s.state == "approved" for s in self.signoffs.values())

    @property
    def met(self) -> int:
        return sum(c.met for c in self.criteria)


def derive(content: Content, signoffs: dict[str, Signoff], logo: bytes | None = None) -> Facts:
    """Every derived fact of one program, from its content, its deliverables' sign-offs and its
    logo's bytes."""
    from .dates import build_time

    plan = content.deliverables["mo-plan"]
    sent = build_time(content).date()
    due = respond_by(sent)
    waiting: dict[str, tuple[Awaiting, ...]] = {}
    for person, kinds in awaiting(content, signoffs).items():
        waiting[person] = tuple(Awaiting(person, k, signoffs[k].state, due,
                                         _decided_before(signoffs[k], person)) for k in kinds)
    return Facts(
        signoffs=signoffs,
        criteria=tuple(criterion_fact(content, signoffs, e, plan.control.owner)
                       for e in plan.exit_criteria),
        milestones=tuple(milestone_fact(content, signoffs, m) for m in plan.milestones),
        awaiting=waiting, sent=sent, logo=logo)


def unfingerprinted(content: Content) -> dict[str, Signoff]:
    """Every deliverable's sign-off when no decision is recorded: the states follow from the
    authors' status alone, so no fingerprint is needed. That is how the fingerprint's own neutral
    tree is composed (contenttree.py), which must not depend on fingerprints in turn: derived
    facts are never part of what an approver's fingerprint covers; they are bookkeeping, like
    the approval state."""
    return {kind: signoff_for(content, kind, "", doc.control.approvers, doc.control.status)
            for kind, doc in content.by_kind.items()}


def _decided_before(so: Signoff, person: str) -> bool:
    """This person decided on earlier content of the deliverable: they sign again."""
    mine = next(a for a in so.approvers if a.person == person)
    return bool(mine.decision and not mine.current)


# --- exit criteria -----------------------------------------------------------------------------

def criterion_fact(content: Content, signoffs: dict[str, Signoff], e: ExitCriterion,
                   default_owner: str) -> CriterionFact:
    if e.computed is None:
        who = content.party_name(e.stated_by or default_owner)
        return CriterionFact(e.criterion, bool(e.met), f"Stated by {who}, not computed: "
                             f"{e.evidence}", False, f"stated by {who}")
    met, evidence, source = computed_fact(content, signoffs, e.computed)
    return CriterionFact(e.criterion, met, f"Computed from {source}: {evidence}", True, source)


def computed_fact(content: Content, signoffs: dict[str, Signoff],
                  c: Computed) -> tuple[bool, str, str]:
    """(met, evidence, source) of one computed claim."""
    if c.deliverable is not None:
        so = signoffs[c.deliverable]
        return (so.state == "approved", deliverable_evidence(content, so),
                f"the approvals of {content.by_kind[c.deliverable].control.title}")
    if c.roles is not None:
        so = signoffs["role-cards"]
        return (so.state == "approved", deliverable_evidence(content, so),
                f"the approvals of {content.by_kind['role-cards'].control.title}")
    if c.staffing is not None:
        return staffing_fact(content)
    return processes_fact(content)


def deliverable_evidence(content: Content, so: Signoff) -> str:
    """Who approved which version when, or what is still awaited: generated, never typed."""
    c = content.by_kind[so.deliverable].control
    head = f"Version {c.version}"
    if so.state == "approved":
        return f"{head} approved by {_decisions(content, so, 'approved')} (approvals.yaml)."
    if so.state == "rejected":
        return f"{head} rejected by {_decisions(content, so, 'rejected')}."
    waiting = _people(content, so.waiting_for)
    if so.state == "changed since approval":
        old = [a for a in so.approvers if a.decision and not a.current]
        earlier = "; ".join(f"{content.party_name(a.person)}'s decision of {a.date}" for a in old)
        return (f"{head} changed since approval: {earlier} was for earlier content and no "
                f"longer counts; awaiting {waiting}.")
    if so.state == "in review":
        given = _decisions(content, so, "approved")
        so_far = f"; approved so far by {given}" if given else ""
        return f"{head} is in review, awaiting {waiting}{so_far}."
    return f"{head} is a draft (not yet submitted for approval)."


def _decisions(content: Content, so: Signoff, decision: str) -> str:
    return _join([f"{content.party_name(a.person)} on {a.date}" for a in so.approvers
                  if a.current and a.decision == decision])


def _people(content: Content, ids: list[str]) -> str:
    return _join([content.party_name(p) for p in ids])


def _join(items: list[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def staffing_fact(content: Content) -> tuple[bool, str, str]:
    rows = content.deliverables["mo-plan"].staffing
    short = [s for s in rows if s.fte_filled < s.fte_required]
    need = sum(s.fte_required for s in rows)
    have = sum(min(s.fte_filled, s.fte_required) for s in rows)
    if not short:
        return (True, f"All {len(rows)} staffing lines are filled ({_n(need)} FTE).",
                "the staffing table")
    gaps = "; ".join(f"{content.party_name(s.role)} {_n(s.fte_filled)} of {_n(s.fte_required)}"
                     for s in short)
    return (False, f"{len(rows) - len(short)} of {len(rows)} staffing lines filled "
            f"({_n(have)} of {_n(need)} FTE); short: {gaps}.", "the staffing table")


def processes_fact(content: Content) -> tuple[bool, str, str]:
    rows = content.deliverables["mo-plan"].operational_processes
    by_state: dict[str, list[str]] = {}
    for o in rows:
        by_state.setdefault(o.state, []).append(o.process)
    placed = len(by_state.get("in place", []))
    if placed == len(rows):
        return (True, f"All {len(rows)} operational processes are in place.",
                "the operational processes")
    rest = "; ".join(f"{state}: {', '.join(names)}" for state, names in sorted(by_state.items())
                     if state != "in place")
    return (False, f"{placed} of {len(rows)} operational processes in place; {rest}.",
            "the operational processes")


def _n(value: float) -> str:
    return f"{value:g}"


# --- milestones --------------------------------------------------------------------------------

def milestone_fact(content: Content, signoffs: dict[str, Signoff], m: Milestone) -> MilestoneFact:
    name = content.party_name(m.owner)
    if m.computed is None:
        return MilestoneFact(m.id, m.milestone, m.expected, name, m.state or "", False, "")
    so = signoffs[m.computed.deliverable or ""]
    state = derived_milestone_state(content, so, m)
    title = content.by_kind[so.deliverable].control.title
    return MilestoneFact(m.id, m.milestone, m.expected, name, state, True,
                         f"the approvals of {title}: {deliverable_evidence(content, so)}")


def derived_milestone_state(content: Content, so: Signoff, m: Milestone) -> str:
    """complete when the deliverable is approved; else late once its date has passed."""
    if so.state == "approved":
        return "complete"
    due = m.expected
    return "late" if due is not None and due < content.program.as_of else "on track"


# --- checklist items ---------------------------------------------------------------------------

def item_state(content: Content, signoffs: dict[str, Signoff], item: ChecklistItem) -> str:
    """A checklist item's state: typed, or computed (done when its source is met; in progress
    while a deliverable is being reviewed or some lines or processes are there; else not
    started)."""
    if item.computed is None:
        return item.state or ""
    return computed_progress(content, signoffs, item.computed)


def computed_progress(content: Content, signoffs: dict[str, Signoff], c: Computed) -> str:
    met, _, _ = computed_fact(content, signoffs, c)
    if met:
        return "done"
    plan = content.deliverables["mo-plan"]
    if c.staffing is not None:
        started = any(s.fte_filled > 0 for s in plan.staffing)
    elif c.processes is not None:
        started = any(o.state != "not in place" for o in plan.operational_processes)
    else:
        started = True  # the deliverable exists: a draft or a version under review
    return "in progress" if started else "not started"
