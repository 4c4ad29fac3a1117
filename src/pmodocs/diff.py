"""The pure tree diff: two document trees compared block by block, with no files or content.

Paragraphs are compared by words, tables cell by cell with added and removed rows, list items as
rows of one cell, the approval page entry by entry. Every writer (DOCX tracked changes, the
site's "Changes since approval" section, `pmodocs diff`) renders the one change list made here;
`pmodocs.redline` finds the approved snapshot and calls it.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, Sequence

from .document import ApprovalPage, Block, BulletList, Callout, Chart, Document, Heading, Paragraph, Table

Mark = Literal["same", "ins", "del"]
Op = Literal["same", "ins", "del", "changed"]


@dataclass(frozen=True)
class Span:
    """A run of text that is unchanged, inserted or deleted."""

    op: Mark
    text: str


Spans = tuple[Span, ...]


@dataclass(frozen=True)
class RowChange:
    """A table row (or list item, or approval entry line): its fate and each cell's spans."""

    op: Op
    cells: tuple[Spans, ...]


@dataclass(frozen=True)
class EntryChange:
    """One signatory's block on the approval page, as label/value rows."""

    op: Op
    rows: tuple[RowChange, ...]


@dataclass(frozen=True)
class BlockChange:
    """One block of the merged document: kept, inserted, deleted or changed inside.

    `old` and `new` are the blocks on each side (one is None when inserted or deleted). A
    changed heading or paragraph has `text`; a changed list has `rows` (one cell per item); a
    changed table has `caption` and `rows`; a changed approval page has `text` (statement),
    `caption` (fingerprint line) and `entries`.
    """

    op: Op
    old: Block | None
    new: Block | None
    text: Spans = ()
    caption: Spans = ()
    rows: tuple[RowChange, ...] = ()
    entries: tuple[EntryChange, ...] = ()

    @property
    def block(self) -> Block:
        """The block that stands for this change: the current one, else the deleted one."""
        return self.new if self.new is not None else self.old  # type: ignore[return-value]


@dataclass(frozen=True)
class Redline:
    """The current document against the approved one, with who changed it and when."""

    kind: str
    old: Document
    new: Document
    changes: tuple[BlockChange, ...]
    approved_fingerprint: str
    approvals: tuple[str, ...]
    """"Name (decision date)" of each decision recorded for the approved fingerprint."""
    author: str
    date: date

    @property
    def changed(self) -> list[BlockChange]:
        return [c for c in self.changes if c.op != "same"]


BOOKKEEPING_ROWS = ("Approval state", "Content fingerprint")
"""Rows of the document-control table the approval records produce, not the author's text."""

BOOKKEEPING_COLUMNS = ("Decision", "For current content")
"""Columns of the approvers table that record decisions rather than who must decide."""


def reader_view(old: Document, current: Document) -> Document:
    """The approved document with the bookkeeping (approval state, fingerprint, each approver's
    decision, date and comment) taken from the current one, so a redline shows only what a
    reader sees change in the text; rejecting every change gives this document."""
    meta = dataclasses.replace(old.meta, approval_state=current.meta.approval_state,
                               fingerprint=current.meta.fingerprint)
    now_tables = {b.kind: b for b in current.blocks if isinstance(b, Table) and b.kind}
    now_page = next((b for b in current.blocks if isinstance(b, ApprovalPage)), None)
    blocks = []
    for block in old.blocks:
        if isinstance(block, Table) and block.kind in ("control", "approvers") \
                and block.kind in now_tables:
            block = _bookkept_table(block, now_tables[block.kind])
        elif isinstance(block, ApprovalPage) and now_page is not None:
            block = _bookkept_page(block, now_page)
        blocks.append(block)
    return dataclasses.replace(old, meta=meta, blocks=tuple(blocks))


def _bookkept_table(old: Table, now: Table) -> Table:
    """Control rows or approver columns that are bookkeeping, as the current table has them."""
    if old.kind == "control":
        values = {r[0]: r for r in now.rows if r[0] in BOOKKEEPING_ROWS}
        return dataclasses.replace(old, rows=tuple(values.get(r[0], r) for r in old.rows))
    cols = [i for i, c in enumerate(old.columns) if c in BOOKKEEPING_COLUMNS]
    if old.columns != now.columns or not cols:
        return old
    now_rows = {r[0]: r for r in now.rows}
    rows = []
    for row in old.rows:
        match = now_rows.get(row[0])
        rows.append(tuple(match[i] if match and i in cols else c for i, c in enumerate(row)))
    return dataclasses.replace(old, rows=tuple(rows))


_STATE_SENTENCE = re.compile(r" Approval state: [^.]*\.$")


def _bookkept_page(old: ApprovalPage, now: ApprovalPage) -> ApprovalPage:
    """The approval page's state sentence, fingerprint and recorded decisions as they are now."""
    state = _STATE_SENTENCE.search(now.statement)
    statement = _STATE_SENTENCE.sub(state.group(0), old.statement) if state else old.statement
    by_name = {e.name: e for e in now.entries}
    entries = tuple(dataclasses.replace(e, decision=by_name[e.name].decision,
                                        date=by_name[e.name].date,
                                        comment=by_name[e.name].comment)
                    if e.name in by_name else e for e in old.entries)
    return dataclasses.replace(old, statement=statement, fingerprint=now.fingerprint,
                               entries=entries)


# --- the diff ---------------------------------------------------------------------------------

def diff_blocks(old: tuple[Block, ...], new: tuple[Block, ...]) -> tuple[BlockChange, ...]:
    """The merged block sequence: equal runs kept, differing runs paired by block type."""
    out: list[BlockChange] = []
    for tag, i1, i2, j1, j2 in _opcodes(old, new):
        if tag == "equal":
            out += [BlockChange("same", b, b) for b in new[j1:j2]]
        else:
            out += _pair_blocks(old[i1:i2], new[j1:j2])
    return tuple(out)


def _opcodes(a: Sequence[Any], b: Sequence[Any]) -> list[tuple[str, int, int, int, int]]:
    return list(difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes())


def _block_key(block: Block) -> tuple:
    """Blocks of the same key are one block edited, not one removed and another added."""
    if isinstance(block, Table):
        return ("table", block.kind or block.caption, block.columns)
    if isinstance(block, Heading):
        return ("heading", block.level)
    return (type(block).__name__,)


def _pair_blocks(old: tuple[Block, ...], new: tuple[Block, ...]) -> list[BlockChange]:
    out: list[BlockChange] = []
    for tag, i1, i2, j1, j2 in _opcodes([_block_key(b) for b in old], [_block_key(b) for b in new]):
        if tag == "equal":
            for a, b in zip(old[i1:i2], new[j1:j2]):
                out += _changed(a, b)
        else:
            out += [BlockChange("del", b, None) for b in old[i1:i2]]
            out += [BlockChange("ins", None, b) for b in new[j1:j2]]
    return out


def _changed(a: Block, b: Block) -> list[BlockChange]:
    """Two blocks of one kind: diffed inside when the writers can show that; otherwise (a
    callout, a chart) the old block is shown removed and the new one added."""
    if a == b:
        return [BlockChange("same", a, b)]
    if isinstance(a, (Heading, Paragraph)) and isinstance(b, type(a)):
        return [BlockChange("changed", a, b, text=words(a.text, b.text))]
    if isinstance(a, BulletList) and isinstance(b, BulletList) and a.numbered == b.numbered:
        return [BlockChange("changed", a, b, rows=diff_rows([(i,) for i in a.items],
                                                            [(i,) for i in b.items]))]
    if isinstance(a, Table) and isinstance(b, Table):
        return [BlockChange("changed", a, b, caption=words(a.caption, b.caption),
                            rows=diff_rows(list(a.rows), list(b.rows)))]
    if isinstance(a, ApprovalPage) and isinstance(b, ApprovalPage) and a.title == b.title:
        return [BlockChange("changed", a, b, text=words(a.statement, b.statement),
                            caption=words(a.fingerprint, b.fingerprint), entries=_entries(a, b))]
    return [BlockChange("del", a, None), BlockChange("ins", None, b)]


def entry_rows(line) -> list[tuple[str, str]]:
    """The label/value rows of one signatory block, in the order every writer shows them."""
    return [("Name", line.name), ("Title", line.title), ("Organisation", line.organisation),
            ("Decision", line.decision), ("Date", line.date), ("Comment", line.comment)]


def _entries(a: ApprovalPage, b: ApprovalPage) -> tuple[EntryChange, ...]:
    out: list[EntryChange] = []
    names_a, names_b = [e.name for e in a.entries], [e.name for e in b.entries]
    for tag, i1, i2, j1, j2 in _opcodes(names_a, names_b):
        if tag == "equal":
            out += [EntryChange("same" if x == y else "changed",
                                diff_rows(entry_rows(x), entry_rows(y)))
                    for x, y in zip(a.entries[i1:i2], b.entries[j1:j2])]
        else:
            out += [EntryChange("del", tuple(_whole("del", entry_rows(e)))) for e in a.entries[i1:i2]]
            out += [EntryChange("ins", tuple(_whole("ins", entry_rows(e)))) for e in b.entries[j1:j2]]
    return tuple(out)


def diff_rows(old: Sequence[tuple[str, ...]], new: Sequence[tuple[str, ...]]) -> tuple[RowChange, ...]:
    """Rows kept, added, removed or changed cell by cell (rows keep their place in the table)."""
    out: list[RowChange] = []
    for tag, i1, i2, j1, j2 in _opcodes(old, new):
        if tag == "equal":
            out += _whole("same", new[j1:j2])
        else:
            out += _pair_rows(old[i1:i2], new[j1:j2])
    return tuple(out)


def _pair_rows(old: Sequence[tuple[str, ...]], new: Sequence[tuple[str, ...]]) -> list[RowChange]:
    """Rows with the same first cell (an id, a label) are one row edited; the rest, by position
    when they are alike, else one removed and one added."""
    out: list[RowChange] = []
    for tag, i1, i2, j1, j2 in _opcodes([r[:1] for r in old], [r[:1] for r in new]):
        pairs = list(zip(old[i1:i2], new[j1:j2]))
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1
                              and all(_alike(a, b) for a, b in pairs)):
            out += [_row_change(a, b) for a, b in pairs]
        else:
            out += _whole("del", old[i1:i2]) + _whole("ins", new[j1:j2])
    return out


def _alike(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    if len(a) != len(b):
        return False
    if len(a) > 1:
        return sum(x == y for x, y in zip(a, b)) * 2 >= len(a)
    return difflib.SequenceMatcher(None, a[0], b[0], autojunk=False).ratio() >= 0.6


def _row_change(a: tuple[str, ...], b: tuple[str, ...]) -> RowChange:
    return RowChange("same" if a == b else "changed", tuple(words(x, y) for x, y in zip(a, b)))


def _whole(op: Op, rows) -> list[RowChange]:
    mark: Mark = "same" if op == "same" else op  # type: ignore[assignment]
    return [RowChange(op, tuple((Span(mark, c),) if c else () for c in row)) for row in rows]


_TOKEN = re.compile(r"\s*\S+|\s+")
"""A word with the spaces before it: a changed phrase reads as one removal and one addition."""


def words(old: str, new: str) -> Spans:
    """`old` -> `new` as spans of whole words (and the spaces between them)."""
    if old == new:
        return (Span("same", new),) if new else ()
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    spans: list[Span] = []
    for tag, i1, i2, j1, j2 in _opcodes(a, b):
        if tag == "equal":
            spans.append(Span("same", "".join(b[j1:j2])))
            continue
        if i2 > i1:
            spans.append(Span("del", "".join(a[i1:i2])))
        if j2 > j1:
            spans.append(Span("ins", "".join(b[j1:j2])))
    return _merge(spans)


def _merge(spans: list[Span]) -> Spans:
    out: list[Span] = []
    for s in spans:
        if out and out[-1].op == s.op:
            out[-1] = Span(s.op, out[-1].text + s.text)
        elif s.text:
            out.append(s)
    return tuple(out)


def side(spans: Spans, which: Literal["old", "new"]) -> str:
    """The text of one side: what rejecting (old) or accepting (new) every change leaves."""
    drop = "ins" if which == "old" else "del"
    return "".join(s.text for s in spans if s.op != drop)


def block_lines(block: Block) -> list[str]:
    """A block as plain lines (what an added or removed block says), for the site and terminal."""
    if isinstance(block, (Heading, Paragraph)):
        return [block.text]
    if isinstance(block, BulletList):
        return list(block.items)
    if isinstance(block, Table):
        return [f"Table: {block.caption}", " | ".join(block.columns)] + [" | ".join(r) for r in block.rows]
    if isinstance(block, Callout):
        return [f"{block.title}: {block.text}"]
    if isinstance(block, Chart):
        return [f"Figure: {block.caption}. {block.alt}"]
    if isinstance(block, ApprovalPage):
        return [block.title, block.statement, f"Content fingerprint: {block.fingerprint}"] + [
            " | ".join(v for _, v in entry_rows(e)) for e in block.entries]
    return [type(block).__name__]


def block_label(block: Block) -> str:
    """What a reader calls the block: "paragraph", "table Meetings", "heading Reports"…"""
    if isinstance(block, Table):
        return f"table “{block.caption}”"
    if isinstance(block, Heading):
        return "heading"
    if isinstance(block, BulletList):
        return "list"
    if isinstance(block, ApprovalPage):
        return "approval page"
    return type(block).__name__.lower()


def sections(red: Redline) -> list[tuple[str, BlockChange]]:
    """(the heading a change sits under, the change) for every change, in document order."""
    out, where = [], "Title"
    for change in red.changes:
        if isinstance(change.block, Heading):
            where = change.block.text
        elif isinstance(change.block, ApprovalPage):
            where = change.block.title
        if change.op != "same":
            out.append((where, change))
    return out
