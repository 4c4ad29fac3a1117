"""Fingerprints of deliverable content and the approval state they give each deliverable."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from .model import Approval, Content, Deliverable

STATES = ("draft", "in review", "approved", "rejected", "changed since approval")


def fingerprint(doc: Deliverable) -> str:
    """SHA-256 of the validated model as canonical JSON: key order and comments never count."""
    canonical = json.dumps(doc.model_dump(mode="json"), sort_keys=True, ensure_ascii=False,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ApproverStatus:
    person: str
    decision: str | None
    date: str | None
    current: bool
    comment: str | None


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


def signoff(content: Content, kind: str) -> Signoff:
    """The approval state of one deliverable, from approvals.yaml and its current fingerprint."""
    doc = content.deliverables[kind]
    fp = fingerprint(doc)
    latest: dict[str, Approval] = {}
    for record in content.approvals:
        if record.deliverable == kind:
            previous = latest.get(record.approver)
            if previous is None or record.date >= previous.date:
                latest[record.approver] = record
    statuses = []
    for person in doc.control.approvers:
        rec = latest.get(person)
        statuses.append(ApproverStatus(
            person=person,
            decision=rec.decision if rec else None,
            date=rec.date.isoformat() if rec else None,
            current=bool(rec and rec.fingerprint == fp),
            comment=rec.comment if rec else None,
        ))
    return Signoff(kind, fp, _state(doc.control.status, statuses), tuple(statuses))


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


def all_signoffs(content: Content) -> dict[str, Signoff]:
    return {kind: signoff(content, kind) for kind in content.deliverables}
