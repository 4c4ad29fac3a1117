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

from pathlib import Path
from typing import Any

from ..document import ApprovalPage, BulletList, DocumentMeta, Heading, Paragraph, Table, landscape_flags
from ..redline import BlockChange, EntryChange, Redline, RowChange, Span, Spans, entry_rows, side, words
from .docx import _BodyWriter, _column_widths, _fix_grid, _no_header_row, _row_properties, text_width
from .reference import TABLE_STYLE

SIGNATURE = "_" * 40
DATE_BLANK = "_" * 16
"""What the approval page shows on a signatory's empty signature and date lines."""


def render_redline_docx(red: Redline, *, reference: Path | None = None) -> bytes:
    """The current document with tracked changes against the approved one (DOCX bytes)."""
    from .docx import render_docx

    marks = Revisions(red.author, f"{red.date.isoformat()}T00:00:00Z")

    def body(word: Any, meta: DocumentMeta) -> None:
        _title_page_changes(word, red.old.meta, meta, marks)
        _RedlineWriter(word, meta, marks).write(red.changes)

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


def add_spans(paragraph: Any, spans: Spans, marks: Revisions, bold: bool = False) -> None:
    """One run per span; added and removed spans wrapped as revisions."""
    for span in spans:
        run = paragraph.add_run(span.text)
        run.bold = bold or None
        if span.op != "same":
            marks.wrap_run(run._r, span.op)


def _title_page_changes(word: Any, old: DocumentMeta, new: DocumentMeta, marks: Revisions) -> None:
    """Mark the title page's control data (state, fingerprint, version…) and DRAFT line changes.

    The contents list stays the current one: it is a field Word rebuilds on request.
    """
    from .docx import draft_line, title_rows

    table = word.tables[0]
    for tr, (_, before), (_, after) in zip(table.rows, title_rows(old), title_rows(new)):
        if before != after:
            para = tr.cells[1].paragraphs[0]
            for run in list(para._p.r_lst):
                para._p.remove(run)
            add_spans(para, words(before, after), marks)
    quote = next((p for p in word.paragraphs if p.style.name == "Intense Quote"), None)
    if old.is_draft and quote is None:
        quote = _paragraph_after(table, draft_line(old), "Intense Quote")
        marks.mark_all([quote._p], "del")
    elif quote is not None and not old.is_draft:
        marks.mark_all([quote._p], "ins")
    elif quote is not None and draft_line(old) != draft_line(new):
        for run in list(quote._p.r_lst):
            quote._p.remove(run)
        add_spans(quote, words(draft_line(old), draft_line(new)), marks)


def _paragraph_after(table: Any, text: str, style: str) -> Any:
    from docx.oxml import OxmlElement
    from docx.text.paragraph import Paragraph as DocxParagraph

    p = OxmlElement("w:p")
    table._tbl.addnext(p)
    para = DocxParagraph(p, table._parent)
    para.style = style
    para.add_run(text)
    return para


class _RedlineWriter(_BodyWriter):
    """The body writer, fed changes instead of blocks; tables are numbered on each side."""

    def __init__(self, word: Any, meta: DocumentMeta, marks: Revisions):
        super().__init__(word, meta)
        self.marks, self.old_tables = marks, 0

    def write(self, changes: tuple[BlockChange, ...]) -> None:
        flags = landscape_flags(tuple(c.block for c in changes))
        for change, wide in zip(changes, flags):
            self._orient(wide)
            self.change(change)

    def change(self, c: BlockChange) -> None:
        if isinstance(c.block, Table):
            self.table_change(c)
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

    def whole(self, c: BlockChange) -> None:
        start = len(self.word.element.body) - 1
        self.block(c.block, self.landscape)
        self.marks.mark_all(self._new_elements(start), c.op)

    def text_change(self, c: BlockChange) -> None:
        if isinstance(c.new, Heading):
            para = self.word.add_heading("", level=min(c.new.level, 3))
        else:
            para = self.word.add_paragraph()
        add_spans(para, c.text, self.marks)

    def list_change(self, c: BlockChange) -> None:
        style = "List Number" if c.new.numbered else "List Bullet"  # type: ignore[union-attr]
        for row in c.rows:
            para = self.word.add_paragraph(style=style)
            add_spans(para, row.cells[0] if row.cells else (), self.marks)
            if row.op in ("ins", "del"):
                self.marks.mark_paragraph(para._p, row.op)

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
        caption = self.word.add_paragraph(style="Caption")
        add_spans(caption, words(before, after), self.marks)
        if c.op in ("ins", "del"):
            self.marks.mark_paragraph(caption._p, c.op)
        self._table_rows(t, rows, c.op)

    def _table_rows(self, t: Table, rows: tuple[RowChange, ...], op: str) -> None:
        from docx.shared import Inches

        table = self.word.add_table(rows=0, cols=len(t.columns))
        table.style = TABLE_STYLE
        table.autofit = False
        mark = op if op in ("ins", "del") else "same"
        header = RowChange(mark, tuple((Span(mark, x),) for x in t.columns))  # type: ignore[arg-type]
        widths = _column_widths(t, text_width(self.meta.paper, self.landscape))
        for index, row in enumerate((header, *rows)):
            tr = table.add_row()
            for cell, spans, width in zip(tr.cells, row.cells, widths):
                add_spans(cell.paragraphs[0], spans, self.marks, bold=index == 0)
                cell.width = Inches(width)
            _row_properties(tr, header=index == 0)
            if row.op in ("ins", "del"):
                self.marks.mark_row(tr._tr, row.op)
        _fix_grid(table, widths)

    def approval_change(self, c: BlockChange) -> None:
        """The approval page with its statement, fingerprint and signatory tables diffed."""
        page: ApprovalPage = c.new  # type: ignore[assignment]
        heading = self.word.add_heading(page.title, level=1)
        heading.paragraph_format.page_break_before = True
        add_spans(self.word.add_paragraph(), c.text, self.marks)
        add_spans(self.word.add_paragraph(), (Span("same", "Content fingerprint: "), *c.caption),
                  self.marks)
        for entry in c.entries:
            self._entry(entry)

    def _entry(self, entry: EntryChange) -> None:
        from docx.shared import Inches

        widths = [1.6, text_width(self.meta.paper, self.landscape) - 1.6]
        table = self.word.add_table(rows=0, cols=2)
        table.style = TABLE_STYLE
        for label, value, op in _entry_lines(entry):
            tr = table.add_row()
            add_spans(tr.cells[0].paragraphs[0], label, self.marks, bold=True)
            add_spans(tr.cells[1].paragraphs[0], value, self.marks)
            tr.cells[0].width, tr.cells[1].width = Inches(widths[0]), Inches(widths[1])
            _row_properties(tr, header=False)
            if op in ("ins", "del"):
                self.marks.mark_row(tr._tr, op)
        _fix_grid(table, widths)
        _no_header_row(table)
        spacer = self.word.add_paragraph()
        if entry.op in ("ins", "del"):
            self.marks.mark_paragraph(spacer._p, entry.op)


def _entry_lines(entry: EntryChange) -> list[tuple[Spans, Spans, str]]:
    """(label, value, op) lines of a signatory table, as the DOCX approval page shows them: the
    blank date and signature lines included."""
    labels = [label for label, _ in entry_rows_template()]
    lines: list[tuple[Spans, Spans, str]] = []
    mark = entry.op if entry.op in ("ins", "del") else "same"
    for label, row in zip(labels, entry.rows):
        value = row.cells[1] if len(row.cells) > 1 else ()
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


def redline_files(content: Any, redlines: dict[str, Redline]) -> dict[str, bytes]:
    """dist/redline/<id>.docx for every deliverable changed since approval (with a snapshot)."""
    from ..pipeline import _reference_docx

    reference = _reference_docx(content)
    return {f"dist/redline/{kind}.docx": render_redline_docx(red, reference=reference)
            for kind, red in redlines.items()}
