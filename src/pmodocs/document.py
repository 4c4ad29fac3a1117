"""The format-neutral document tree: what a deliverable says, not how a format shows it.

Every writer (Markdown for the site, DOCX, typst for PDF) reads this tree and nothing else, so
the three outputs cannot disagree. Text here is plain text; each writer escapes it for its target.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal, Union


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
class HeatMap:
    """A 5 × 5 risk heat map: probability (rows) × impact (columns), levels 1 to 5.

    `bands[p - 1][i - 1]` names the band of the cell's score ("high", "medium"…); `cells` lists
    the risk ids in each occupied cell as (probability, impact, ids)."""

    title: str
    probability_labels: tuple[str, ...]
    impact_labels: tuple[str, ...]
    bands: tuple[tuple[str, ...], ...]
    cells: tuple[tuple[int, int, tuple[str, ...]], ...]


@dataclass(frozen=True)
class BudgetMeasure:
    """One measure of a budget chart (hours, dollars): what is authorised and allocated, and
    the summary line under the bars."""

    label: str
    authorised: float
    allocated: float
    summary: str


@dataclass(frozen=True)
class BudgetCycle:
    """One block cycle's bars: a value per measure, and the text written beside each bar."""

    name: str
    values: tuple[float, ...]
    texts: tuple[str, ...]


@dataclass(frozen=True)
class BudgetBars:
    """Allocation per block cycle against the authorised total, one bar per measure."""

    title: str
    measures: tuple[BudgetMeasure, ...]
    cycles: tuple[BudgetCycle, ...]


@dataclass(frozen=True)
class ScheduleRow:
    """One milestone of a schedule chart."""

    id: str
    label: str
    planned: date
    forecast: date | None
    actual: date | None
    expected: date
    depends_on: tuple[str, ...]


@dataclass(frozen=True)
class ScheduleChart:
    """Milestones on a timeline from `start` to `end`, with the status date `as_of`."""

    title: str
    start: date
    end: date
    as_of: date
    rows: tuple[ScheduleRow, ...]


@dataclass(frozen=True)
class StateBars:
    """One bar per group (change type), split into segments by state, with counts.

    `groups` holds (name, a count for each of `states`)."""

    title: str
    states: tuple[str, ...]
    groups: tuple[tuple[str, tuple[int, ...]], ...]


ChartSpec = Union[HeatMap, BudgetBars, ScheduleChart, StateBars]
"""What a chart shows, as data: the chart writer (render/charts.py) draws it."""


@dataclass(frozen=True)
class Chart:
    """A chart; `alt` is its text alternative in every format.

    Compose gives its `spec` (data, drawn by the writers through render/charts.py); a snapshot
    of an approved version holds the `svg` it was drawn as. One of the two is set."""

    caption: str
    alt: str
    svg: str = ""
    spec: ChartSpec | None = None

    def __post_init__(self) -> None:
        if (self.spec is None) == (not self.svg):
            raise ValueError(f"chart {self.caption!r}: give either its data (spec) or its SVG")


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


NavEntry = tuple[str, "str | list[NavEntry]"]
"""A site navigation entry: (title, page path) or (title, [entries]) for a section."""


@dataclass(frozen=True)
class CalendarEvent:
    """The launch meeting as a calendar event; `stamp` comes from the content, never the clock."""

    uid: str
    stamp: datetime
    start: datetime
    end: datetime
    summary: str
    location: str
    description: str
    organizer_name: str
    organizer_email: str


@dataclass(frozen=True)
class CalendarFile:
    """A downloadable .ics at `path` (under the site's sources) holding one event."""

    path: str
    product: str
    event: CalendarEvent


@dataclass(frozen=True)
class DeliverablePage:
    """A deliverable's site page at `path`: the document, and its download links in order."""

    kind: str
    path: str
    document: Document
    downloads: tuple[Link, ...]


@dataclass(frozen=True)
class Site:
    """A program's site as compose decided it: every page and where it goes, the navigation,
    the calendar files and the site's name; the site writer only serialises it."""

    name: str
    description: str
    copyright: str
    language: str
    deliverables: tuple[DeliverablePage, ...]
    pages: tuple[Page, ...]
    navigation: list[NavEntry]
    calendars: tuple[CalendarFile, ...] = ()
    tags: tuple[str, ...] = ()
    """Tags of every page (a portfolio tags each program's pages with its acronym)."""


@dataclass(frozen=True)
class Fields:
    """Label/value rows (a memo's To, From, Date…): bold labels beside their values."""

    rows: tuple[tuple[str, str], ...]


MemoBlock = Union[Heading, Paragraph, BulletList, Table, Fields]


@dataclass(frozen=True)
class Memo:
    """A short covering document (the transmittal memo): no title page or contents; a subtitle
    and title, then its blocks; a running `header` on every page and a footer of `footer`
    followed by "Page X of Y"; `properties` (title, author, category) dated `date`."""

    subtitle: str
    title: str
    header: str
    footer: str
    properties_title: str
    author: str
    category: str
    date: date
    blocks: tuple[MemoBlock, ...]


# --- the registers workbook (render/xlsx.py) ---------------------------------------------------

LISTS_SHEET = "Lists"
"""The hidden sheet holding every dropdown's choices (a list longer than 255 characters cannot
be written into the validation itself)."""

Kind = Literal["text", "int", "number", "money", "date", "bool"]


@dataclass(frozen=True)
class Column:
    field: str
    kind: Kind
    required: bool
    choices: str | None = None  # name of the list in the Lists sheet
    key: str | None = None  # for a mapping field (RACI assignments): the key of this column
    description: str = ""

    @property
    def header(self) -> str:
        return f"{self.field}: {self.key}" if self.key else self.field


@dataclass(frozen=True)
class Sheet:
    name: str
    file: str
    path: tuple[str, ...]
    key: str
    item: Any
    """The content model class of a row (a pydantic model)."""
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class RegisterBook:
    program: str  # the program's acronym: a workbook goes back to the program it came from
    sheets: tuple[Sheet, ...]
    lists: tuple[tuple[str, tuple[str, ...]], ...]  # (list name, choices), in column order


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
