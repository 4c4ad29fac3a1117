"""Contradictions between what people typed and what the build can compute.

Each rule returns warnings with file and line; a program with `checks: {strict: true}` in
program.yaml gets them as errors. The facts come from signoff's approval states and the kept
snapshots, the same sources the published pages use, so `check` warns exactly where a page
would otherwise disagree with another.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Iterator

from .errors import Problem
from .facts import Facts
from .model import Content, Source

CLAIM_IN_REVISION = re.compile(r"\b(approved|signed off)\s+(by|on|for|at)\b", re.IGNORECASE)
"""A revision summary claims an approval of that version ("Approved by the ESC on …")."""

CLAIM_IN_MILESTONE = re.compile(r"\b(approved|signed off)\b", re.IGNORECASE)


def consistency_problems(content: Content, facts: Facts | None) -> list[Problem]:
    """Every contradiction in the content (warnings, or errors in strict mode).

    While the content has errors (no `facts`, or an unknown id here), only those are reported:
    the facts cannot be trusted until they are fixed.
    """
    references = list(_references(content))
    if references or facts is None:
        return references
    signoffs = facts.signoffs
    found: list[Problem] = []
    for rule in (_revision_claims, _final_with_pending, _changed_without_new_version,
                 _revision_dates, _approval_before_document, _milestones, _checklist,
                 _agenda_due):
        found += rule(content, signoffs)
    if content.program.checks.strict:
        return [Problem(p.file, p.line, p.field, p.message, "error") for p in found]
    return found


def _at(content: Content, rel: str, path: tuple, message: str,
        severity: str = "warning") -> Problem:
    from .yamlsafe import format_path

    src: Source = content.sources[rel]
    return Problem(src.display, src.line_of(path), format_path(path), message, severity)


def _deliverable_file(kind: str) -> str:
    return f"deliverables/{kind}.yaml"


def _references(content: Content) -> Iterator[Problem]:
    """computed: {deliverable: ID} and stated_by must name what exists (errors)."""
    plan = content.deliverables["mo-plan"]
    rel = _deliverable_file("mo-plan")
    kinds, people = set(content.deliverables), {p.id for p in content.people}
    for key, rows in (("exit_criteria", plan.exit_criteria), ("milestones", plan.milestones)):
        for i, row in enumerate(rows):
            computed = getattr(row, "computed", None)
            ref = computed.deliverable if computed else None
            if ref is not None and ref not in kinds:
                yield _at(content, rel, (key, i, "computed", "deliverable"), f"'{ref}' is not a "
                          f"deliverable (expected one of: {', '.join(content.deliverables)})",
                          "error")
    for n, activity in enumerate(plan.pre_initiation):
        for i, item in enumerate(activity.items):
            ref = item.computed.deliverable if item.computed else None
            if ref is not None and ref not in kinds:
                yield _at(content, rel, ("pre_initiation", n, "items", i, "computed",
                                         "deliverable"), f"'{ref}' is not a deliverable (expected "
                          f"one of: {', '.join(content.deliverables)})", "error")
    for i, e in enumerate(plan.exit_criteria):
        if e.stated_by is not None and e.stated_by not in people:
            yield _at(content, rel, ("exit_criteria", i, "stated_by"), f"'{e.stated_by}' is not "
                      "a person in people.yaml (expected the id of who states the criterion)",
                      "error")


def _names(content: Content, ids: list[str]) -> str:
    return ", ".join(content.party_name(i) for i in ids)


def _revision_claims(content: Content, signoffs: dict) -> list[Problem]:
    """A revision that says its version was approved, with no approval record behind it."""
    out = []
    for kind, doc in content.by_kind.items():
        revs = doc.control.revisions
        for i, rev in enumerate(revs):
            if not CLAIM_IN_REVISION.search(rev.summary):
                continue
            if i == len(revs) - 1:
                so = signoffs[kind]
                if so.state == "approved":
                    continue
                why = (f"{kind} is '{so.state}' (waiting for {_names(content, so.waiting_for)})")
            else:
                until = revs[i + 1].date
                if any(r.deliverable == kind and r.decision == "approved"
                       and rev.date <= r.date <= until for r in content.approvals):
                    continue
                why = (f"approvals.yaml has no approval of {kind} between {rev.date} and {until}")
            out.append(_at(content, _deliverable_file(kind),
                           ("control", "revisions", i, "summary"),
                           f"version {rev.version} claims an approval, but {why} (record it with "
                           "`pmodocs approve`, or say what happened instead)"))
    return out


def _final_with_pending(content: Content, signoffs: dict) -> list[Problem]:
    out = []
    for kind, doc in content.by_kind.items():
        so = signoffs[kind]
        if doc.control.status == "final" and so.state != "approved":
            out.append(_at(content, _deliverable_file(kind), ("control", "status"),
                           f"says final, but {kind} is '{so.state}' and still waits for "
                           f"{_names(content, so.waiting_for)} (expected 'for review' until "
                           "every required approver approved the current content)"))
    return out


def next_version(version: str) -> str:
    """The next minor version: "2.0" -> "2.1", "1.9" -> "1.10", "3" -> "3.1"."""
    parts = version.split(".")
    if len(parts) == 1:
        return f"{version}.1"
    return ".".join(parts[:-1] + [str(int(parts[-1]) + 1)])


def _changed_without_new_version(content: Content, signoffs: dict) -> list[Problem]:
    """Content changed after a decision while keeping the version that was decided on."""
    out = []
    for kind, doc in content.by_kind.items():
        so, c = signoffs[kind], doc.control
        stale = [r for r in content.approvals if r.deliverable == kind
                 and r.fingerprint != so.fingerprint
                 and any(a.person == r.approver and a.decision and not a.current
                         for a in so.approvers)]
        if not stale:
            continue
        record = max(stale, key=lambda r: r.date)
        then = _snapshot_version(content, kind, record.fingerprint)
        same = then == c.version if then is not None else c.revisions[-1].date <= record.date
        if same:
            out.append(_at(content, _deliverable_file(kind), ("control", "version"),
                           f"{kind} changed since {content.party_name(record.approver)}'s decision "
                           f"of {record.date} on version {c.version}, but kept that version "
                           f"(expected a new version and revision: {c.version} -> "
                           f"{next_version(c.version)})"))
    return out


def _snapshot_version(content: Content, kind: str, fp: str) -> str | None:
    """The version the kept snapshot of `fp` carried, or None when no usable snapshot is kept."""
    from .errors import ContentError
    from .redline import load_snapshot, snapshot_path

    if not snapshot_path(content.root, kind, fp).is_file():
        return None
    try:
        return load_snapshot(content, kind, fp).meta.version
    except ContentError:  # reported where the redline is built
        return None


def _revision_dates(content: Content, signoffs: dict) -> list[Problem]:
    """A revision dated after the document it belongs to."""
    out = []
    for kind, doc in content.by_kind.items():
        c = doc.control
        for i, rev in enumerate(c.revisions):
            if rev.date > c.date:
                out.append(_at(content, _deliverable_file(kind),
                               ("control", "revisions", i, "date"),
                               f"{rev.date} is after the document's date {c.date} (expected the "
                               "document date to be the date of its latest revision)"))
    return out


def _approval_before_document(content: Content, signoffs: dict) -> list[Problem]:
    """An approval of the current content dated before that content's version existed."""
    out = []
    for i, r in enumerate(content.approvals):
        doc = content.by_kind.get(r.deliverable)
        if doc is None or r.fingerprint != signoffs[r.deliverable].fingerprint:
            continue
        if r.date < doc.control.date:
            out.append(_at(content, "approvals.yaml", ("approvals", i, "date"),
                           f"{r.date} is before {r.deliverable} version {doc.control.version} is "
                           f"dated ({doc.control.date}), yet the decision is for that content "
                           "(expected the decision on or after the document date)"))
    return out


def _milestones(content: Content, signoffs: dict) -> list[Problem]:
    from .facts import derived_milestone_state

    plan, rel = content.deliverables["mo-plan"], _deliverable_file("mo-plan")
    as_of: date = content.program.as_of
    out = []
    for i, m in enumerate(plan.milestones):
        if m.computed is not None and m.computed.deliverable is not None:
            derived = derived_milestone_state(content, signoffs[m.computed.deliverable], m)
            if m.state is not None and m.state != derived:
                out.append(_at(content, rel, ("milestones", i, "state"), f"says '{m.state}', but "
                               f"it is computed from {m.computed.deliverable} as '{derived}' (its "
                               f"state is '{signoffs[m.computed.deliverable].state}'; leave the "
                               "state out, the build derives it)"))
            continue
        if m.state == "complete" and CLAIM_IN_MILESTONE.search(m.milestone):
            out.append(_at(content, rel, ("milestones", i, "state"), "says complete and claims "
                           "an approval that no record backs (expected computed: {deliverable: "
                           "ID} instead of a typed state)"))
        elif m.state in ("on track", "at risk") and m.expected is not None and m.expected < as_of:
            out.append(_at(content, rel, ("milestones", i, "state"), f"says '{m.state}', but its "
                           f"date {m.expected} passed before the as-of date {as_of} (expected "
                           "complete or late)"))
    return out


def _checklist(content: Content, signoffs: dict) -> list[Problem]:
    """A checklist item typed with a state its computed source contradicts."""
    from .facts import computed_progress

    plan, rel = content.deliverables["mo-plan"], _deliverable_file("mo-plan")
    out = []
    for n, activity in enumerate(plan.pre_initiation):
        for i, item in enumerate(activity.items):
            if item.computed is None or item.state is None:
                continue
            derived = computed_progress(content, signoffs, item.computed)
            if derived != item.state:
                out.append(_at(content, rel, ("pre_initiation", n, "items", i, "state"),
                               f"says '{item.state}', but it is computed as '{derived}' (leave the "
                               "state out, the build derives it)"))
    return out


def _agenda_due(content: Content, signoffs: dict) -> list[Problem]:
    """The launch agenda's approval must be due before the meeting it is the agenda of."""
    from .dates import build_time
    from .facts import awaiting, respond_by

    agenda = content.deliverables.get("launch-agenda")
    if agenda is None:
        return []
    waiting = [p for p, kinds in awaiting(content, signoffs).items() if "launch-agenda" in kinds]
    due = respond_by(build_time(content).date())
    if not waiting or due <= agenda.meeting.date:
        return []
    return [_at(content, _deliverable_file("launch-agenda"), ("meeting", "date"),
                f"the meeting is on {agenda.meeting.date}, but the agenda's approval by "
                f"{_names(content, waiting)} is due {due}, after it (expected the meeting after "
                "the decision is due, or the agenda approved first)")]
