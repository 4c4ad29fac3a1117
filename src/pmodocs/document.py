"""The format-neutral document tree: what a deliverable says, not how a format shows it.

Every writer (Markdown for the site, DOCX, typst for PDF) reads this tree and nothing else, so
the three outputs cannot disagree. Text here is plain text; each writer escapes it for its target.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal, Union


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class BulletList:
    items: tuple[str, ...]
    numbered: bool = False


@dataclass(frozen=True)
class Table:
    """A table with a header row; `wide` tables go on landscape pages in DOCX and PDF."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] | None = None
    wide: bool = False
    kind: str = ""
    highlight: frozenset[int] = frozenset()
    """Indexes of rows that need attention (e.g. expiring soon); writers may show or ignore it."""


@dataclass(frozen=True)
class Callout:
    kind: Literal["note", "warning"]
    title: str
    text: str


@dataclass(frozen=True)
class Chart:
    """An SVG chart made at build time; `alt` is its text alternative in every format."""

    caption: str
    alt: str
    svg: str


@dataclass(frozen=True)
class SignatureLine:
    name: str
    title: str
    organisation: str
    decision: str
    date: str
    comment: str
    person: str = ""
    """The approver's person id (names their signature field in the PDF); never shown as text."""


@dataclass(frozen=True)
class ApprovalPage:
    """The page a signatory signs (its own page, headed `title`): one entry per required approver."""

    title: str
    statement: str
    fingerprint: str
    entries: tuple[SignatureLine, ...]


Block = Union[Heading, Paragraph, BulletList, Table, Callout, Chart, ApprovalPage]


@dataclass(frozen=True)
class DocumentMeta:
    """Document control data shown on title pages, headers, footers and properties."""

    id: str
    title: str
    number: str
    version: str
    status: str
    approval_state: str
    date: date
    owner: str
    owner_title: str
    program: str
    program_acronym: str
    department: str
    purpose: str
    language: str
    paper: str
    fingerprint: str
    keywords: tuple[str, ...] = ()
    logo: bytes | None = None
    """The branding logo (PNG or JPEG bytes, read by compose) so writers never touch files."""

    @property
    def is_draft(self) -> bool:
        """Everything not approved for its current content carries a DRAFT marking."""
        return self.approval_state != "approved"

    @property
    def short_fingerprint(self) -> str:
        return self.fingerprint[:12]


@dataclass(frozen=True)
class Document:
    meta: DocumentMeta
    blocks: tuple[Block, ...] = field(default_factory=tuple)

    def headings(self) -> list[Heading]:
        """Every heading a reader navigates by, including the approval page's."""
        return [Heading(1, b.title) if isinstance(b, ApprovalPage) else b
                for b in self.blocks if isinstance(b, (Heading, ApprovalPage))]

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


@dataclass(frozen=True)
class Link:
    text: str
    href: str


@dataclass(frozen=True)
class Card:
    """A site tile linking to a page: a few lines of text and an optional approval-state badge."""

    title: str
    href: str
    lines: tuple[str, ...] = ()
    state: str = ""


@dataclass(frozen=True)
class CardGrid:
    """Site-only: tiles in a grid (dashboard, role index); never part of a deliverable."""

    cards: tuple[Card, ...]


@dataclass(frozen=True)
class Meter:
    """Site-only: progress of `done` out of `total`, shown as a bar with the numbers as text."""

    label: str
    done: float
    total: float
    text: str


SiteBlock = Union[Block, CardGrid, Meter]


@dataclass(frozen=True)
class Page:
    """A site page that is not a deliverable (home, directory): a title, links and blocks."""

    path: str
    title: str
    blocks: tuple[SiteBlock, ...]
    links: tuple[Link, ...] = ()


def landscape_flags(blocks: tuple[Block, ...]) -> list[bool]:
    """Which blocks go on landscape pages: wide tables, and the whole section around them when
    every table in that section (a heading and what follows up to the next heading) is wide,
    so a heading is never stranded on a portrait page above its landscape table."""
    flags = [isinstance(b, Table) and b.wide for b in blocks]
    start = 0
    for end in range(1, len(blocks) + 1):
        if end == len(blocks) or isinstance(blocks[end], (Heading, ApprovalPage)):
            group = blocks[start:end]
            tables = [b for b in group if isinstance(b, Table)]
            if tables and all(t.wide for t in tables):
                flags[start:end] = [True] * (end - start)
            start = end
    return flags


def column_weights(table: Table, line_chars: int) -> list[float]:
    """Relative column widths for a page `line_chars` characters wide: explicit widths when given;
    otherwise every column at least as wide as its longest word (so ids never break), and the
    rest shared by how much more text each column holds."""
    columns = list(zip(table.columns, *table.rows)) if table.rows else [(c,) for c in table.columns]
    floor = [min(28, max(len(w) for cell in col for w in (cell.split() or [""]))) + 2 for col in columns]
    floor = [max(f, 4) for f in floor]
    if table.widths:
        scaled = [w / sum(table.widths) * line_chars for w in table.widths]
        return [max(s, f) for s, f in zip(scaled, floor)]
    want = [min(60, max(len(cell) for cell in col)) + 2 for col in columns]
    if sum(want) <= line_chars:
        return [float(w) for w in want]
    spare = line_chars - sum(floor)
    if spare <= 0:
        return [float(f) for f in floor]
    extra = [w - f for w, f in zip(want, floor)]
    total_extra = sum(extra) or 1
    return [f + spare * e / total_extra for f, e in zip(floor, extra)]
