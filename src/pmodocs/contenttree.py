"""What an approver reads, as canonical bytes: the composed document tree without sign-off bookkeeping.

The fingerprint hashes the deliverable *as composed* (every resolved name, title, role,
organisation, program field and chart), so an approval no longer covers content its signer never
saw. The approval state itself is not part of it, or approving would change what was approved:
the tree is composed from the content with no approvals and a neutral sign-off (every approver
pending, the state and fingerprint left as markers), and `dress` puts a real sign-off back on a
stored tree (for the redline of an approved version).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import date
from typing import TYPE_CHECKING, Any

from . import document as D

if TYPE_CHECKING:
    from .facts import Facts, Signoff
    from .model import Content

NEUTRAL_STATE = "(approval state)"
"""What the neutral tree shows where the approval state goes; `dress` replaces it."""

_BOOKKEEPING_META = ("approval_state", "fingerprint")


def neutral_facts(content: Content) -> Facts:
    """The derived facts the neutral trees are composed with: no decision recorded anywhere."""
    from .branding import logo
    from .facts import derive, unfingerprinted

    bare = dataclasses.replace(content, approvals=())
    return derive(bare, unfingerprinted(bare), logo(content))


def neutral_tree(content: Content, kind: str, neutral: Facts | None = None) -> D.Document:
    """The deliverable as every reader sees it, with no decision recorded on it (`neutral` is
    `neutral_facts(content)`, when already at hand)."""
    from .compose import compose_document
    from .facts import ApproverStatus, Signoff

    bare = dataclasses.replace(content, approvals=())
    doc = content.by_kind[kind]
    so = Signoff(kind, "", NEUTRAL_STATE, tuple(
        ApproverStatus(person=p, decision=None, date=None, current=False, comment=None)
        for p in doc.control.approvers))
    return compose_document(bare, kind, so, neutral if neutral is not None else neutral_facts(content))


def tree_bytes(tree: D.Document) -> bytes:
    """Canonical JSON of a document tree: sorted keys, no spaces, defaults left out, images by
    hash, charts as the SVG they are drawn as (what a snapshot keeps)."""
    return json.dumps(_plain(tree), sort_keys=True, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def _plain(value: Any) -> Any:
    if isinstance(value, D.Chart) and value.spec is not None:
        from .render.charts import chart_svg

        value = dataclasses.replace(value, svg=chart_svg(value), spec=None)  # charts as drawn
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {"type": type(value).__name__}
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            if isinstance(value, D.DocumentMeta) and f.name in _BOOKKEEPING_META:
                continue
            if _is_default(f, item):
                continue  # a new optional field must not void every approval already given
            out[f.name] = _plain(item)
        return out
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(_plain(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return {"sha256": hashlib.sha256(value).hexdigest()}
    return value


def _is_default(f: dataclasses.Field, item: Any) -> bool:
    if f.default is not dataclasses.MISSING:
        return item == f.default
    if f.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
        return item == f.default_factory()  # type: ignore[misc]
    return False


def tree_from_bytes(data: bytes, logo: bytes | None = None) -> D.Document:
    """A stored tree back as a Document (the logo, kept only by hash, is `logo` when it matches)."""
    return _build(json.loads(data.decode("utf-8")), logo)


def _build(value: Any, logo: bytes | None) -> Any:
    if isinstance(value, dict) and "type" in value:
        cls = getattr(D, value["type"], None)
        if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
            raise ValueError(f"unknown block type {value['type']!r}")
        kwargs: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            if f.name not in value:
                continue
            kwargs[f.name] = _field(f, value[f.name], logo)
        if cls is D.DocumentMeta:
            kwargs.setdefault("approval_state", NEUTRAL_STATE)
            kwargs.setdefault("fingerprint", "")
        return cls(**kwargs)
    if isinstance(value, list):
        return tuple(_build(v, logo) for v in value)
    return value


def _field(f: dataclasses.Field, raw: Any, logo: bytes | None) -> Any:
    kind = str(f.type)
    if kind.startswith("frozenset"):
        return frozenset(raw)
    if kind == "date":
        return date.fromisoformat(raw)
    if kind.startswith("bytes"):
        if raw and logo is not None and hashlib.sha256(logo).hexdigest() == raw.get("sha256"):
            return logo
        return None
    return _build(raw, logo)


def drawn(tree: D.Document) -> D.Document:
    """The tree with every chart as the SVG it is drawn as, as a snapshot holds it (so a chart
    compares equal to the snapshot's when it looks the same)."""
    from .render.charts import chart_svg

    if not any(isinstance(b, D.Chart) and b.spec is not None for b in tree.blocks):
        return tree
    return dataclasses.replace(tree, blocks=tuple(
        dataclasses.replace(b, svg=chart_svg(b), spec=None) if isinstance(b, D.Chart) else b
        for b in tree.blocks))


def approver_ids(tree: D.Document) -> list[str]:
    """The person ids of the approval page's entries, in their order."""
    return [e.person for b in tree.blocks if isinstance(b, D.ApprovalPage) for e in b.entries]


def dress(tree: D.Document, so: Signoff) -> D.Document:
    """The neutral tree with `so`'s state, fingerprint and decisions, exactly as compose shows them."""
    from .compose.common import yes_no

    by_person = {a.person: a for a in so.approvers}
    order = approver_ids(tree)

    def row(label_value: tuple[str, ...]) -> tuple[str, ...]:
        label = label_value[0]
        if label == "Approval state":
            return (label, so.state)
        if label == "Content fingerprint":
            return (label, so.fingerprint[:12])
        return label_value

    blocks: list[D.Block] = []
    for b in tree.blocks:
        if isinstance(b, D.Table) and b.kind == "control":
            b = dataclasses.replace(b, rows=tuple(row(r) for r in b.rows))
        elif isinstance(b, D.Table) and b.kind == "approvers" and len(b.rows) == len(order):
            b = dataclasses.replace(b, rows=tuple(
                (*r[:2], *_table_cells(by_person.get(p), yes_no), *r[4:])
                for r, p in zip(b.rows, order)))
        elif isinstance(b, D.ApprovalPage):
            b = dataclasses.replace(
                b, statement=b.statement.replace(NEUTRAL_STATE, so.state), fingerprint=so.fingerprint,
                entries=tuple(_entry(e, by_person.get(e.person)) for e in b.entries))
        blocks.append(b)
    meta = dataclasses.replace(tree.meta, approval_state=so.state, fingerprint=so.fingerprint)
    return D.Document(meta, tuple(blocks))


def _table_cells(a: Any, yes_no: Any) -> tuple[str, str]:
    if a is None or not a.decision:
        return ("pending", "—")
    return (a.decision, yes_no(a.current))


def _entry(e: D.SignatureLine, a: Any) -> D.SignatureLine:
    if a is None or not a.decision:
        return dataclasses.replace(e, decision="pending", date="", comment="")
    decision = a.decision if a.current else f"{a.decision} (earlier version, no longer counts)"
    return dataclasses.replace(e, decision=decision, date=a.date if a.current else "",
                               comment=(a.comment or "") if a.current else "")
