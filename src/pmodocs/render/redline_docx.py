"""A redline -> DOCX with native Word tracked changes (`w:ins` / `w:del`).

The file is the current document, written by the DOCX writer's own machinery (same title page,
styles, headers and footers), with everything that differs from the approved version marked as
a revision by the author and date of the current version: Word's Review pane lists each change,
"Accept all" leaves the current document and "Reject all" the approved text. Removed text is
kept in `w:delText`, added and removed table rows carry a row-level mark (`w:trPr/w:ins|w:del`)
as well as marks on their runs, and whole added or removed paragraphs mark their paragraph mark
so that accepting or rejecting leaves no empty paragraph behind.
"""

from __future__ import annotations

from typing import Any

from ..document import (
    ApprovalPage, BulletList, Chart, DocumentMeta, Heading, Paragraph, Table, landscape_flags,
)
from ..diff import BlockChange, EntryChange, Redline, RowChange, Span, Spans, entry_rows, side, words
from .docx import DECISION_BOXES, BodyWriter, ChartMedia, WordBody, page_break_before, text_width
from .docxparts import (
    P, PPR, PSTYLE, R, TBL, TC, TR, VAL, add_row, add_run, new_paragraph, set_bold,
)

SIGNATURE = ""
DATE_BLANK = ""
"""What the approval page shows in a signatory's empty signature and date rows (the signature
row is 0.6 in high, room to sign, as in the DOCX)."""


def render_redline_docx(red: Redline, *, reference: bytes | None = None,
                        media: ChartMedia | None = None) -> bytes:
    """The current document with tracked changes against the approved one (DOCX bytes), styled
    by `reference` (reference document bytes; default the built-in one), with the pictures of
    its charts from `media` (as for `render_docx`)."""
    from .docx import render_docx

    marks = Revisions(red.author, f"{red.date.isoformat()}T00:00:00Z")

    def body(out: WordBody, meta: DocumentMeta) -> None:
        _title_page_changes(out, red.old.meta, meta, marks)
        _RedlineWriter(out, meta, marks, media).write(red.changes)

    return render_docx(red.new, reference=reference, body=body)


class Revisions:
    """Makes `w:ins`/`w:del` elements: one author and date, ids unique in the document."""

    def __init__(self, author: str, when: str):
        self.author, self.when, self.next_id = author, when, 1

    def element(self, kind: str) -> Any:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        el = OxmlElement(f"w:{kind}")
        el.set(qn("w:id"), str(self.next_id))
        el.set(qn("w:author"), self.author)
        el.set(qn("w:date"), self.when)
        self.next_id += 1
        return el

    def wrap_run(self, run: Any, kind: str) -> None:
        """Move a `w:r` into a new `w:ins`/`w:del` in its place; deleted text becomes delText."""
        from docx.oxml.ns import qn

        if kind == "del":
            for t in run.findall(qn("w:t")):
                t.tag = qn("w:delText")
        mark = self.element(kind)
        run.addprevious(mark)
        mark.append(run)

    def mark_paragraph(self, p: Any, kind: str) -> None:
        """Mark the paragraph mark itself, so the whole paragraph is added or removed."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        p_pr = p.get_or_add_pPr()
        r_pr = p_pr.find(qn("w:rPr"))
        if r_pr is None:
            r_pr = OxmlElement("w:rPr")
            after = p_pr.find(qn("w:sectPr"))
            after = after if after is not None else p_pr.find(qn("w:pPrChange"))
            if after is not None:
                after.addprevious(r_pr)
            else:
                p_pr.append(r_pr)
        r_pr.append(self.element(kind))

    def mark_row(self, tr: Any, kind: str) -> None:
        tr.get_or_add_trPr().append(self.element(kind))

    def mark_all(self, elements: list[Any], kind: str) -> None:
        """A whole block added or removed: every run, every top-level paragraph, every row."""
        from docx.oxml.ns import qn

        for el in elements:
            for run in list(el.iter(qn("w:r"))):
                if run.getparent().tag not in (qn("w:ins"), qn("w:del")):
                    self.wrap_run(run, kind)
            if el.tag == qn("w:p"):
                self.mark_paragraph(el, kind)
            for tr in el.iter(qn("w:tr")):
                self.mark_row(tr, kind)


def add_spans(p: Any, spans: Spans, marks: Revisions, bold: bool = False) -> None:
    """One run per span in paragraph element `p`; added and removed spans wrapped as revisions."""
    for span in spans:
        run = add_run(p, span.text)
        set_bold(run, bold or None)
        if span.op != "same":
            marks.wrap_run(run, span.op)


def _title_page_changes(out: WordBody, old: DocumentMeta, new: DocumentMeta,
                        marks: Revisions) -> None:
    """Mark the title page's control data (state, fingerprint, version…) and DRAFT line changes.

    The contents list stays the current one: it is a field Word rebuilds on request.
    """
    from .docx import draft_line, title_rows

    table = out.element.find(TBL)
    rows = list(table.iterchildren(TR))[1:]  # after the header row (Item, Entry)
    for tr, (_, before), (_, after) in zip(rows, title_rows(old), title_rows(new)):
        if before != after:
            para = tr.findall(TC)[1].find(P)
            for run in para.findall(R):
                para.remove(run)
            add_spans(para, words(before, after), marks)
    quote_id = out.ids.paragraph("Intense Quote")
    quote = next((p for p in out.element.iterchildren(P) if _style_id(p) == quote_id), None)
    if old.is_draft and quote is None:
        quote = _paragraph_after(out, table, draft_line(old), "Intense Quote")
        marks.mark_all([quote], "del")
    elif quote is not None and not old.is_draft:
        marks.mark_all([quote], "ins")
    elif quote is not None and draft_line(old) != draft_line(new):
        for run in quote.findall(R):
            quote.remove(run)
        add_spans(quote, words(draft_line(old), draft_line(new)), marks)


def _style_id(p: Any) -> str | None:
    """The paragraph's `w:pStyle` id (None when it has none, i.e. the default style)."""
    style = p.find(f"{PPR}/{PSTYLE}")
    return None if style is None else style.get(VAL)


def _paragraph_after(out: WordBody, table: Any, text: str, style: str) -> Any:
    p = new_paragraph(out.ids.paragraph(style), styled=True)
    add_run(p, text)
    table.addnext(p)
    return p


class _RedlineWriter(BodyWriter):
    """The body writer, fed changes instead of blocks; tables and figures are numbered on each
    side (a removed figure keeps its old number, so accepting or rejecting every change leaves
    the figures numbered 1, 2, 3…)."""

    def __init__(self, out: WordBody, meta: DocumentMeta, marks: Revisions,
                 media: ChartMedia | None = None):
        super().__init__(out, meta, media)
        self.marks, self.old_tables, self.old_figures = marks, 0, 0

    def write(self, changes: tuple[BlockChange, ...]) -> None:
        flags = landscape_flags(tuple(c.block for c in changes))
        for change, wide in zip(changes, flags):
            self._orient(wide)
            self.change(change)

    def change(self, c: BlockChange) -> None:
        if isinstance(c.block, Table):
            self.table_change(c)
        elif isinstance(c.block, Chart):
            self.chart_change(c)
        elif c.op == "same":
            self.block(c.block, self.landscape)
        elif c.op in ("ins", "del"):
            self.whole(c)
        elif isinstance(c.new, (Heading, Paragraph)):
            self.text_change(c)
        elif isinstance(c.new, BulletList):
            self.list_change(c)
        elif isinstance(c.new, ApprovalPage):
            self.approval_change(c)
        else:
            raise TypeError(f"no redline writer for a changed {type(c.new).__name__}")

    def _new_elements(self, start: int) -> list[Any]:
        """Body children written since `start` (the final section properties excluded)."""
        return list(self.word.element.body)[start:-1]

    def chart_change(self, c: BlockChange) -> None:
        """A chart is kept, added or removed whole (a changed one is removed, then added)."""
        start = len(self.word.element.body) - 1
        self.old_figures += c.op != "ins"
        self.figures += c.op != "del"
        assert isinstance(c.block, Chart)
        self.chart(c.block, self.old_figures if c.op == "del" else self.figures)
        if c.op in ("ins", "del"):
            self.marks.mark_all(self._new_elements(start), c.op)

    def whole(self, c: BlockChange) -> None:
        start = len(self.word.element.body) - 1
        self.block(c.block, self.landscape)
        self.marks.mark_all(self._new_elements(start), c.op)

    def text_change(self, c: BlockChange) -> None:
        if isinstance(c.new, Heading):
            para = self.out.heading("", min(c.new.level, 3))
        else:
            para = self.out.paragraph()
        add_spans(para, c.text, self.marks)

    def list_change(self, c: BlockChange) -> None:
        style = "List Number" if c.new.numbered else "List Bullet"  # type: ignore[union-attr]
        for row in c.rows:
            para = self.out.paragraph(style=style)
            add_spans(para, row.cells[0] if row.cells else (), self.marks)
            if row.op in ("ins", "del"):
                self.marks.mark_paragraph(para, row.op)

    def table_change(self, c: BlockChange) -> None:
        """Every table goes through here, so its caption's number is diffed too."""
        old, new = c.old, c.new
        self.old_tables += old is not None
        self.tables += new is not None
        before = f"Table {self.old_tables}: {old.caption}" if isinstance(old, Table) else ""
        after = f"Table {self.tables}: {new.caption}" if isinstance(new, Table) else ""
        t: Table = new if isinstance(new, Table) else old  # type: ignore[assignment]
        if c.op in ("ins", "del"):
            rows = tuple(RowChange(c.op, tuple((Span(c.op, x),) for x in r)) for r in t.rows)
        elif c.op == "same":
            rows = tuple(RowChange("same", tuple((Span("same", x),) for x in r)) for r in t.rows)
        else:
            rows = c.rows
        caption = self.out.paragraph(style="Caption")
        add_spans(caption, words(before, after), self.marks)
        if c.op in ("ins", "del"):
            self.marks.mark_paragraph(caption, c.op)
        self._table_rows(t, rows, c.op)

    def _table_rows(self, t: Table, rows: tuple[RowChange, ...], op: str) -> None:
        """The header row and every row, each cell's spans marked, added/removed rows marked."""
        grid = self.table_grid(t)
        tbl = self.out.table(grid, fixed=True)
        mark = op if op in ("ins", "del") else "same"
        header = RowChange(mark, tuple((Span(mark, x),) for x in t.columns))  # type: ignore[arg-type]
        for index, row in enumerate((header, *rows)):
            cells = add_row(tbl, grid.row_cells(len(row.cells)), header=index == 0)
            for p, spans in zip(cells, row.cells):
                add_spans(p, spans, self.marks, bold=index == 0)
            if row.op in ("ins", "del"):
                self.marks.mark_row(tbl[-1], row.op)

    def approval_change(self, c: BlockChange) -> None:
        """The approval page with its statement, fingerprint and signatory tables diffed."""
        page: ApprovalPage = c.new  # type: ignore[assignment]
        page_break_before(self.out.heading(page.title, 1))
        add_spans(self.out.paragraph(), c.text, self.marks)
        add_spans(self.out.paragraph(), (Span("same", "Content fingerprint: "), *c.caption),
                  self.marks)
        for entry in c.entries:
            self._entry(entry)

    def _entry(self, entry: EntryChange) -> None:
        """One signatory's label/value table, its lines and the whole table marked as changed."""
        from .docx import SIGNATURE_ROW_TWIPS
        from .docxparts import set_row_height

        grid = self.out.grid(2, [1.6, text_width(self.meta.paper, self.landscape) - 1.6])
        tbl = self.out.table(grid, header_row=True)
        mark = entry.op if entry.op in ("ins", "del") else "same"
        for p, text in zip(add_row(tbl, grid.cells, header=True), ("Field", "Entry")):
            add_spans(p, (Span(mark, text),), self.marks, bold=True)
        if mark != "same":
            self.marks.mark_row(tbl[-1], mark)
        for label, value, op in _entry_lines(entry):
            cells = add_row(tbl, grid.cells)
            add_spans(cells[0], label, self.marks, bold=True)
            add_spans(cells[1], value, self.marks)
            if label and label[0].text == "Signature":
                set_row_height(tbl[-1], SIGNATURE_ROW_TWIPS)
            if op in ("ins", "del"):
                self.marks.mark_row(tbl[-1], op)
        spacer = self.out.paragraph()
        if entry.op in ("ins", "del"):
            self.marks.mark_paragraph(spacer, entry.op)


def _entry_lines(entry: EntryChange) -> list[tuple[Spans, Spans, str]]:
    """(label, value, op) lines of a signatory table, as the DOCX approval page shows them: the
    blank date and signature lines included."""
    labels = [label for label, _ in entry_rows_template()]
    lines: list[tuple[Spans, Spans, str]] = []
    mark = entry.op if entry.op in ("ins", "del") else "same"
    for label, row in zip(labels, entry.rows):
        value = row.cells[1] if len(row.cells) > 1 else ()
        if label == "Decision":
            value = tuple(Span(s.op, DECISION_BOXES if s.text == "pending" else s.text)
                          for s in value)
        if label == "Date":
            value = words(side(value, "old") or DATE_BLANK, side(value, "new") or DATE_BLANK)
            value = tuple(Span(mark, s.text) for s in value) if mark != "same" else value
        lines.append(((Span(mark, label),), value, row.op))
        if label == "Date":
            lines.append(((Span(mark, "Signature"),), (Span(mark, SIGNATURE),), entry.op))
    return lines


def entry_rows_template() -> list[tuple[str, str]]:
    """The labels of a signatory block, in order (from the shared rule in redline.py)."""
    from ..document import SignatureLine

    return entry_rows(SignatureLine("", "", "", "", "", ""))


def redline_files(redlines: dict[str, Redline], reference: bytes | None = None,
                  media: ChartMedia | None = None) -> dict[str, bytes]:
    """dist/redline/<id>.docx for every deliverable changed since approval (with a snapshot)."""
    return {f"dist/redline/{kind}.docx": render_redline_docx(red, reference=reference, media=media)
            for kind, red in redlines.items()}
