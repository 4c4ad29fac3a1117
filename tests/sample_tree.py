"""A small document tree for writer golden tests, with hostile text in every kind of block."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from pmodocs.document import (
    ApprovalPage, BulletList, Callout, Chart, Document, DocumentMeta, Heading, Paragraph,
    SignatureLine, Table,
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


CHART_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="120" viewBox="0 0 320 120">'
    '<rect x="10" y="60" width="60" height="50" fill="#1f4e79"/>'
    '<rect x="90" y="30" width="60" height="80" fill="#1f4e79"/>'
    '<rect x="170" y="10" width="60" height="100" fill="#1f4e79"/>'
    '<line x1="0" y1="110" x2="320" y2="110" stroke="#000"/></svg>')
CHART_ALT = "Bar chart: hours per block cycle rise from 500 in B1 to 1,000 in B3."


def chart_document(*, paper: str = "letter", logo: bytes | None = None) -> Document:
    """The sample document with a chart after the overview, on `paper`, with an optional logo."""
    doc = sample_document()
    chart = Chart("Hours per block cycle", CHART_ALT, CHART_SVG)
    meta = replace(doc.meta, paper=paper, logo=logo)
    return Document(meta, (*doc.blocks[:2], chart, *doc.blocks[2:]))
