"""Pieces every deliverable shares: metadata, document control, approval page, formatting."""

from __future__ import annotations

from datetime import date
from typing import Iterable

from ..document import (
    ApprovalPage, Block, BulletList, DocumentMeta, Heading, Paragraph, SignatureLine, Table,
)
from ..model import Content, Deliverable
from ..facts import Signoff


def fmt_date(value: date | None) -> str:
    return value.isoformat() if value else "—"


def money(value: float) -> str:
    return f"${value:,.0f}" if value == int(value) else f"${value:,.2f}"


def hours(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def sentence(text: str) -> str:
    """`text` ending in one full stop: "Meridian Systems Integration, Inc." gets no second one."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def table(caption: str, columns: Iterable[str], rows: Iterable[Iterable[object]], *,
          widths: Iterable[float] | None = None, wide: bool = False, kind: str = "") -> Table:
    """A Table whose cells are all strings (numbers are formatted by the caller)."""
    return Table(caption, tuple(columns), tuple(tuple(str(c) for c in r) for r in rows),
                 tuple(widths) if widths else None, wide, kind)


def section(title: str, *blocks: Block, level: int = 1) -> list[Block]:
    return [Heading(level, title), *blocks]


def bullets(items: Iterable[str], numbered: bool = False) -> BulletList:
    return BulletList(tuple(items), numbered)


def names(content: Content, ids: Iterable[str]) -> str:
    return ", ".join(content.party_name(i) for i in ids)


def document_number(content: Content, doc: Deliverable) -> str:
    return f"{content.program.numbering.prefix}-{doc.control.code}"


def meta(content: Content, doc: Deliverable, so: Signoff, logo: bytes | None) -> DocumentMeta:
    """The document's metadata; `logo` is the branding logo's bytes (from the derived facts)."""
    c, p = doc.control, content.program
    owner = content.person(c.owner)
    return DocumentMeta(
        id=c.id, title=c.title, number=document_number(content, doc), version=c.version,
        status=c.status, approval_state=so.state, date=c.date, owner=owner.name,
        owner_title=owner.title, program=p.name, program_acronym=p.acronym,
        department=p.department or "", purpose=c.purpose, language=p.language, paper=p.paper,
        fingerprint=so.fingerprint,
        keywords=p.document_keywords(c.title),
        logo=logo,
    )


def document_control(content: Content, doc: Deliverable, so: Signoff) -> list[Block]:
    """Document control, revision history, distribution and approvers: the same in every format."""
    c = doc.control
    owner = content.person(c.owner)
    control = table("Document control", ("Field", "Value"), [
        ("Document number", document_number(content, doc)),
        ("Version", c.version),
        ("Author status", c.status),
        ("Approval state", so.state),
        ("Date", fmt_date(c.date)),
        ("Owner", f"{owner.name}, {owner.title}"),
        ("Content fingerprint", so.fingerprint[:12]),
    ], widths=(1, 2.5), kind="control")
    revisions = table("Revision history", ("Version", "Date", "Author", "Summary"), [
        (r.version, fmt_date(r.date), content.person(r.author).name, r.summary)
        for r in c.revisions
    ], widths=(0.8, 1.1, 1.6, 4), kind="revisions")
    distribution = table("Distribution list", ("Name", "Title", "Organisation"), [
        (content.person(pid).name, content.person(pid).title,
         content.organisation(content.person(pid).organisation).name) for pid in c.distribution
    ], kind="distribution")
    approvers = table("Required approvers", ("Name", "Title", "Decision", "For current content"), [
        (content.person(a.person).name, content.person(a.person).title, a.decision or "pending",
         yes_no(a.current) if a.decision else "—") for a in so.approvers
    ], kind="approvers")
    return [Heading(1, "Document control"), control, Paragraph(c.purpose),
            Heading(2, "Revision history"), revisions,
            Heading(2, "Distribution"), distribution,
            Heading(2, "Approvers"), approvers]


def approval_page(content: Content, doc: Deliverable, so: Signoff) -> list[Block]:
    c = doc.control
    entries = []
    for a in so.approvers:
        person = content.person(a.person)
        decision = a.decision if a.current and a.decision else (
            f"{a.decision} (earlier version, no longer counts)" if a.decision else "pending")
        entries.append(SignatureLine(
            name=person.name, title=person.title,
            organisation=content.organisation(person.organisation).name,
            decision=decision, date=(a.date or "") if a.decision and a.current else "",
            comment=(a.comment or "") if a.current else "", person=a.person,
        ))
    statement = (f"By signing, each approver accepts {c.title} version {c.version} "
                 f"({document_number(content, doc)}) exactly as identified by its content "
                 f"fingerprint. Approval state: {so.state}.")
    return [ApprovalPage("Approval", statement, so.fingerprint, tuple(entries))]

