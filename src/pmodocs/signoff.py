"""Fingerprints of deliverable content, the approval state they give each deliverable, and
the derived facts of a program (computed once, then read by every composer)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .errors import UsageError
from .hints import did_you_mean
from .facts import Facts, Signoff, derive, signoff_for, unfingerprinted
from .model import Content, Deliverable

def fingerprint(content: Content, kind: str, neutral: Facts | None = None) -> str:
    """SHA-256 of what a reader of the deliverable sees: its composed document tree, serialised
    canonically, without the sign-off bookkeeping (see contenttree.py).

    A renamed role, a person's new title or a changed program field changes every deliverable
    that shows it; key order, comments and fields left at their default never count.
    """
    return hashlib.sha256(content_bytes(content, kind, neutral)).hexdigest()


def content_bytes(content: Content, kind: str, neutral: Facts | None = None) -> bytes:
    """The bytes the fingerprint hashes; approve keeps them as the approved snapshot.
    `neutral` is `contenttree.neutral_facts(content)`, when already at hand."""
    from .contenttree import neutral_tree, tree_bytes

    return tree_bytes(neutral_tree(content, kind, neutral))


def model_fingerprint(doc: Deliverable) -> str:
    """The fingerprint used before document-tree fingerprints (the deliverable's own model only);
    migrate_approvals.py reads it to carry old approvals over."""
    return hashlib.sha256(canonical_json(doc).encode("utf-8")).hexdigest()


def canonical_json(doc: Deliverable) -> str:
    """The deliverable's validated model as canonical JSON (the old fingerprint's input)."""
    data = doc.model_dump(mode="json", exclude_defaults=True)
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def signoff(content: Content, kind: str, neutral: Facts | None = None) -> Signoff:
    """The approval state of one deliverable, from approvals.yaml and its current fingerprint."""
    doc = content.by_kind[kind]
    return signoff_for(content, kind, fingerprint(content, kind, neutral), doc.control.approvers,
                       doc.control.status)


def all_signoffs(content: Content) -> dict[str, Signoff]:
    """Every deliverable's sign-off; the neutral facts behind the fingerprints are derived once."""
    from .contenttree import neutral_facts

    neutral = neutral_facts(content)
    return {kind: signoff(content, kind, neutral) for kind in content.deliverables}


def derive_facts(content: Content) -> Facts:
    """The program's derived facts, sign-offs included: what compose reads. With no decision
    recorded anywhere, no state depends on a fingerprint (`facts.unfingerprinted`)."""
    from .branding import logo

    signoffs = all_signoffs(content) if content.approvals else unfingerprinted(content)
    return derive(content, signoffs, logo(content))


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


def known_deliverable(content: Content, kind: str) -> Deliverable:
    """The deliverable `kind`; a usage error with a suggestion when there is none."""
    if kind not in content.deliverables:
        raise UsageError(f"'{kind}' is not a deliverable ({did_you_mean(kind, content.deliverables)})")
    return content.by_kind[kind]



