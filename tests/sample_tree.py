"""A small document tree for writer golden tests, with hostile text in every kind of block."""

from __future__ import annotations

from datetime import date

from pmodocs.document import (
    ApprovalPage, BulletList, Callout, Document, DocumentMeta, Heading, Paragraph, SignatureLine,
    Table,
)

HOSTILE = '<script>alert(1)</script> {{ 7*7 }} {% if %} #read("/etc/passwd") [x](javascript:alert(1)) *$_@'


def sample_document(draft: bool = True) -> Document:
    meta = DocumentMeta(
        id="sample", title="Sample Plan", number="TST-MO-SMP", version="1.2", status="for review",
        approval_state="in review" if draft else "approved", date=date(2026, 11, 2),
        owner="José Núñez", owner_title="PMO Lead", program="Test Program", program_acronym="TST",
        department="Department of Tests", purpose="Shows every block.", language="en-US",
        paper="letter", fingerprint="0123456789abcdef" * 4, keywords=("TST", "M&O"),
    )
    return Document(meta, (
        Heading(1, "Overview"),
        Paragraph("Plain text. " + HOSTILE),
        Heading(2, "Details"),
        BulletList(("first item", "second " + HOSTILE)),
        BulletList(("one", "two"), numbered=True),
        Table("Narrow table", ("Name", "Value"), (("a", "1"), ("b | c", HOSTILE))),
        Callout("warning", "Heads up", "Mind the gap."),
        Heading(1, "Wide"),
        Table("Wide table", tuple(f"Col {i}" for i in range(8)),
              (tuple(f"r{i}" for i in range(8)),), wide=True, kind="raci"),
        ApprovalPage("Approval", "By signing, each approver accepts Sample Plan.",
                     "0123456789abcdef" * 4,
                     (SignatureLine("Zoë Brontë", "Sponsor", "Dept", "pending", "", ""),)),
    ))
