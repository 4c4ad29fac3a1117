"""What changed since approval: the approved and current document trees, diffed once.

The approved content is kept as a snapshot (`content/snapshots/<id>/<fingerprint>.json`, the
canonical JSON of the document tree the fingerprint hashes), so history travels with the
content and needs no git. The snapshot is read back as a document tree, given the sign-off its
records gave it, and the two document trees are compared by `pmodocs.diff` (the pure tree
diff every writer renders: DOCX tracked changes, the site's "Changes since approval" section,
`pmodocs diff`).
"""

from __future__ import annotations

from pathlib import Path

from .diff import Redline, diff_blocks, reader_view
from .document import Document
from .errors import ContentError, Problem, UsageError
from .model import Content
from .facts import Signoff, signoff_for
from .signoff import content_bytes, signoff

SNAPSHOTS = "snapshots"
"""The folder under content/ holding approved snapshots, one sub-folder per deliverable."""

# --- snapshots --------------------------------------------------------------------------------

def snapshot_path(root: Path, kind: str, fp: str) -> Path:
    return root / SNAPSHOTS / kind / f"{fp}.json"


def load_snapshot(content: Content, kind: str, fp: str) -> Document:
    """The approved document tree kept for `fp` (without its sign-off; see contenttree.dress);
    a snapshot that is not that content is a content error."""
    import hashlib

    from .contenttree import tree_from_bytes

    path = snapshot_path(content.root, kind, fp)
    display = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ContentError([Problem(display, 0, "", f"cannot be read ({exc.strerror}); restore "
                                    "it from version control")]) from None
    found = hashlib.sha256(data).hexdigest()
    if found != fp:
        raise ContentError([Problem(display, 0, "", f"holds content with fingerprint {found[:12]}, "
                                    f"not the {fp[:12]} its name says (the snapshot was edited, or "
                                    "predates document-tree fingerprints: run `pmodocs migrate`); "
                                    "restore it from version control")])
    from .branding import logo

    try:
        return tree_from_bytes(data, logo(content))
    except (UnicodeDecodeError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise ContentError([Problem(display, 0, "", f"cannot be read as a {kind} document tree "
                                    f"({type(exc).__name__}: {exc}); restore it from version "
                                    "control")]) from None


def snapshot_fingerprints(content: Content, kind: str) -> list[str]:
    folder = content.root / SNAPSHOTS / kind
    return sorted(p.stem for p in folder.glob("*.json")) if folder.is_dir() else []


def snapshot_bytes(content: Content, kind: str) -> bytes:
    """Exactly the bytes the fingerprint hashes, so `sha256sum` of the file is its name."""
    return content_bytes(content, kind)


# --- which approved version -------------------------------------------------------------------

def approved_fingerprint(content: Content, so: Signoff) -> str | None:
    """The fingerprint of the most recent approval that no longer counts (None if there is none)."""
    stale = [r for r in content.approvals
             if r.deliverable == so.deliverable and r.fingerprint != so.fingerprint]
    approved = [r for r in stale if r.decision == "approved"] or stale
    return max(approved, key=lambda r: r.date).fingerprint if approved else None


def all_redlines(content: Content, docs: dict[str, Document],
                 signoffs: dict[str, Signoff]) -> dict[str, Redline]:
    """A redline for every deliverable changed since approval whose approved snapshot is kept."""
    out = {}
    for kind, so in signoffs.items():
        fp = approved_fingerprint(content, so) if so.state == "changed since approval" else None
        if fp and snapshot_path(content.root, kind, fp).is_file():
            out[kind] = redline(content, kind, docs[kind], fp)
    return out


def redline(content: Content, kind: str, current: Document, fp: str) -> Redline:
    """The snapshot for `fp`, with the sign-off its records gave it, diffed against `current`."""
    from .contenttree import approver_ids, dress, drawn

    current = drawn(current)  # charts as SVG, as the snapshot keeps them
    kept = load_snapshot(content, kind, fp)
    then = signoff_for(content, kind, fp, approver_ids(kept), kept.meta.status)
    from .dates import build_time

    old = reader_view(dress(kept, then), current)
    last = content.by_kind[kind].control.revisions[-1]
    approvals = tuple(f"{content.person(r.approver).name} ({r.decision} {r.date.isoformat()})"
                      for r in content.approvals if r.deliverable == kind and r.fingerprint == fp)
    # Dated by the build (SOURCE_DATE_EPOCH or program.as_of): the changes are shown as of now,
    # never before the approval they follow.
    return Redline(kind, old, current, diff_blocks(old.blocks, current.blocks), fp, approvals,
                   content.person(last.author).name, build_time(content).date())


def resolve_from(content: Content, kind: str, given: str | None) -> str | None:
    """`pmodocs diff --from`: a full fingerprint or an unambiguous prefix of a kept snapshot."""
    from .signoff import known_deliverable

    known_deliverable(content, kind)
    kept = snapshot_fingerprints(content, kind)
    if given is None:
        fp = approved_fingerprint(content, signoff(content, kind))
        if fp and fp not in kept:
            raise UsageError(f"{kind}: no snapshot of the approved content {fp[:12]} is kept in "
                             f"{content.root / SNAPSHOTS / kind} (approvals recorded by `pmodocs "
                             "approve` keep one); pass --from FINGERPRINT to compare with another")
        return fp
    matches = [f for f in kept if f.startswith(given.lower())] if len(given) >= 6 else []
    if len(matches) != 1:
        listed = ", ".join(f[:12] for f in kept) or "none"
        raise UsageError(f"{kind}: no single snapshot matches --from {given!r} (kept: {listed}; "
                         "give at least 6 characters of a fingerprint)")
    return matches[0]
