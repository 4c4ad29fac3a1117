"""Fingerprints of deliverable content and the approval state they give each deliverable."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal, cast

from .errors import UsageError
from .files import write_atomically
from .hints import did_you_mean
from .model import Approval, Content, Deliverable

STATES = ("draft", "in review", "approved", "rejected", "changed since approval")


def fingerprint(content: Content, kind: str) -> str:
    """SHA-256 of what a reader of the deliverable sees: its composed document tree, serialised
    canonically, without the sign-off bookkeeping (see contenttree.py).

    A renamed role, a person's new title or a changed program field changes every deliverable
    that shows it; key order, comments and fields left at their default never count.
    """
    return hashlib.sha256(content_bytes(content, kind)).hexdigest()


def content_bytes(content: Content, kind: str) -> bytes:
    """The bytes the fingerprint hashes; approve keeps them as the approved snapshot."""
    from .contenttree import neutral_tree, tree_bytes

    return tree_bytes(neutral_tree(content, kind))


def model_fingerprint(doc: Deliverable) -> str:
    """The fingerprint used before document-tree fingerprints (the deliverable's own model only);
    migrate_approvals.py reads it to carry old approvals over."""
    return hashlib.sha256(canonical_json(doc).encode("utf-8")).hexdigest()


def canonical_json(doc: Deliverable) -> str:
    """The deliverable's validated model as canonical JSON (the old fingerprint's input)."""
    data = doc.model_dump(mode="json", exclude_defaults=True)
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


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


def signoff(content: Content, kind: str) -> Signoff:
    """The approval state of one deliverable, from approvals.yaml and its current fingerprint."""
    doc = content.by_kind[kind]
    return signoff_for(content, kind, fingerprint(content, kind), doc.control.approvers,
                       doc.control.status)


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


def all_signoffs(content: Content) -> dict[str, Signoff]:
    return {kind: signoff(content, kind) for kind in content.deliverables}


def status_rows(content: Content, signoffs: dict[str, Signoff] | None = None) -> list[dict[str, Any]]:
    """`pmodocs status --json`: each deliverable, its state and every required approver's decision
    (from `signoffs` when the caller has them already)."""
    from .checks import todo_count

    rows = []
    for kind, so in (all_signoffs(content) if signoffs is None else signoffs).items():
        rows.append({
            "id": kind,
            "title": content.by_kind[kind].control.title,
            "state": so.state,
            "todo": todo_count(content, kind),
            "fingerprint": so.fingerprint,
            "approvers": [{"person": a.person, "decision": a.decision, "date": a.date,
                           "current": a.current, "evidence": a.evidence,
                           **({"certificate": a.certificate} if a.certificate else {})}
                          for a in so.approvers],
        })
    return rows


def stale_approvals(content: Content, kind: str) -> list[str]:
    """Why a deliverable's recorded approvals no longer bind its content (empty when they do)."""
    so = signoff(content, kind)
    decided = [a for a in so.approvers if a.decision]
    if not decided:
        return [f"{kind}: no decision is recorded in approvals.yaml, so there is no approved "
                "fingerprint to check"]
    return [f"{kind}: {a.person}'s decision ({a.decision}, {a.date}) was given for other content "
            f"than the current fingerprint {so.fingerprint[:12]}; it no longer counts (ask for a "
            "new decision)" for a in decided if not a.current]


def approval_date(given: str | None) -> date:
    """--date if given, else SOURCE_DATE_EPOCH's day, else today: the day the decision is recorded."""
    if given:
        try:
            return date.fromisoformat(given)
        except ValueError:
            raise UsageError(f"--date {given!r} is not a date (expected a date such as "
                             "2026-11-02)") from None
    from .pipeline import today

    return today()


def record_approval(content_dir: Path, kind: str, person: str, decision: str, when: date,
                    comment: str | None = None) -> Approval:
    """Append one decision, bound to the current fingerprint, to approvals.yaml (layout kept)."""
    from .pipeline import load_and_check

    content, _ = load_and_check(content_dir)
    _refuse_unknown(content, kind, person)
    record = _new_record(kind, person, decision, when, fingerprint(content, kind), comment)
    current = signoff(content, kind)
    mine = next(a for a in current.approvers if a.person == person)
    if mine.current and mine.decision == decision:
        raise UsageError(f"{person} already {decision} {kind} for its current content on "
                         f"{mine.date}; nothing was written")
    _keep_snapshot(content_dir, content, kind, record.fingerprint)
    _append_record(content_dir / "approvals.yaml", record)
    return record


def _keep_snapshot(content_dir: Path, content: Content, kind: str, fp: str) -> None:
    """content/snapshots/<kind>/<fingerprint>.json, written before the record that needs it, so
    a later build can show the approver what changed since this decision."""
    from .redline import snapshot_bytes, snapshot_path

    path = snapshot_path(content_dir, kind, fp)
    data = snapshot_bytes(content, kind)
    if path.is_file() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, data)


def _refuse_unknown(content: Content, kind: str, person: str) -> Deliverable:
    """The deliverable, after checking that `person` is one of its required approvers."""
    known_deliverable(content, kind)
    ids = [p.id for p in content.people]
    if person not in ids:
        hint = did_you_mean(person, ids, expected="expected a person id from people.yaml")
        raise UsageError(f"'{person}' is not a person in people.yaml ({hint})")
    doc = content.by_kind[kind]
    if person not in doc.control.approvers:
        raise UsageError(f"{person} is not a required approver of {kind} (its approvers are: "
                         f"{', '.join(doc.control.approvers)}; see control.approvers in "
                         f"deliverables/{kind}.yaml)")
    return doc


def known_deliverable(content: Content, kind: str) -> Deliverable:
    """The deliverable `kind`; a usage error with a suggestion when there is none."""
    if kind not in content.deliverables:
        raise UsageError(f"'{kind}' is not a deliverable ({did_you_mean(kind, content.deliverables)})")
    return content.by_kind[kind]


def _new_record(kind: str, person: str, decision: str, when: date, fp: str,
                comment: str | None) -> Approval:
    """The record as the model validates it, so approve never writes what check would refuse."""
    from pydantic import ValidationError

    try:
        return Approval(deliverable=kind, approver=person, date=when,
                        decision=cast(Literal["approved", "rejected"], decision),
                        fingerprint=fp, comment=comment)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        raise UsageError(f"--{field}: {err['msg']}") from None


def _append_record(path: Path, record: Approval) -> None:
    """ruamel round-trip: comments, key order and quoting of existing records survive."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100
    yaml.preserve_quotes = True
    data = yaml.load(path.read_text(encoding="utf-8"))
    records = data.get("approvals")
    if not isinstance(records, CommentedSeq):
        records = CommentedSeq(records or [])
        data["approvals"] = records
    records.fa.set_block_style()
    item = CommentedMap()
    for key in ("deliverable", "approver", "decision", "date", "fingerprint", "comment"):
        value = getattr(record, key)
        if value is not None:
            item[key] = value
    if record.signature is not None:
        item["signature"] = CommentedMap(record.signature.model_dump())
    records.append(item)
    out = io.StringIO()
    yaml.dump(data, out)
    write_atomically(path, out.getvalue())
