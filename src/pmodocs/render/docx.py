"""Document tree -> DOCX bytes, with python-docx and raw OXML where its API stops.

Word features a signatory relies on: real heading styles (navigation pane), a filled-in table of
contents, headers/footers with live PAGE/NUMPAGES fields on every page after the title, repeating
table header rows, landscape sections for wide tables, and document properties.
"""

from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from ..document import (
    ApprovalPage, Block, BulletList, Callout, Chart, Document, DocumentMeta, Heading, Paragraph, Table,
    column_weights, landscape_flags,
)
from .docxparts import add_custom_properties, normalise_zip
from .reference import TABLE_STYLE, reference_docx

MARGIN_IN = 1.0
PAPER_IN = {"letter": (8.5, 11.0), "a4": (210 / 25.4, 297 / 25.4)}
"""Short and long side of each paper size, in inches."""
LOGO_WIDTH_IN = 1.1
CHARS_PER_INCH = 12
"""Characters of 9 pt table text per inch, counted generously (Calibri, or its metric twin
Carlito in LibreOffice, fits about 15 in bold), so a word never breaks inside a column."""


def render_docx(doc: Document, *, reference: Path | None = None,
                body: Callable[[Any, DocumentMeta], None] | None = None) -> bytes:
    """The deliverable as a DOCX file (bytes), styled by `reference` or the built-in reference.

    `body(word, meta)`, when given, writes the body instead of `doc.blocks` (the redline writer
    uses it, so a redline has the same title page, styles, headers and footers).
    """
    import docx

    word = docx.Document(io.BytesIO(reference.read_bytes() if reference else reference_docx()))
    _clear_body(word)
    m = doc.meta
    _properties(word, m)
    _page_setup(word.sections[0], m.paper, landscape=False)
    _title_page(word, m)
    _contents(word, doc)
    if body is not None:
        body(word, m)
    else:
        writer = _BodyWriter(word, m)
        for block, wide in zip(doc.blocks, landscape_flags(doc.blocks)):
            writer.block(block, wide)
    for section in word.sections:
        _header_footer(section, m)
    _title_page_footer(word.sections[0], m)
    out = io.BytesIO()
    word.save(out)
    when = datetime(m.date.year, m.date.month, m.date.day, tzinfo=timezone.utc)
    data = add_custom_properties(out.getvalue(), {
        "DocumentNumber": m.number, "Version": m.version, "Status": m.status,
        "ApprovalState": m.approval_state, "Fingerprint": m.fingerprint, "Program": m.program,
    })
    return normalise_zip(data, when)


def _clear_body(word: Any) -> None:
    """Drop the reference document's sample content but keep its final section settings."""
    body = word.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)


def _properties(word: Any, m: DocumentMeta) -> None:
    cp = word.core_properties
    when = datetime(m.date.year, m.date.month, m.date.day)
    cp.title, cp.subject, cp.author = m.title, m.purpose[:250], m.owner
    cp.keywords = ", ".join(m.keywords)
    cp.version, cp.content_status = m.version, m.approval_state
    cp.category, cp.comments = "M&O deliverable", f"{m.number}; fingerprint {m.fingerprint}"
    cp.identifier, cp.language = m.number, m.language
    cp.last_modified_by, cp.revision = m.owner, 1
    cp.created = cp.modified = cp.last_printed = when


def text_width(paper: str, landscape: bool) -> float:
    """Inches between the margins, so tables fit Letter and A4, portrait and landscape alike."""
    short, long_ = PAPER_IN[paper]
    return (long_ if landscape else short) - 2 * MARGIN_IN


def _page_setup(section: Any, paper: str, landscape: bool) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Inches, Mm

    short, long_ = (Inches(8.5), Inches(11)) if paper == "letter" else (Mm(210), Mm(297))
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long_, short) if landscape else (short, long_)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Inches(MARGIN_IN))
    section.header_distance = section.footer_distance = Inches(0.5)


def _title_page(word: Any, m: DocumentMeta) -> None:
    from docx.enum.text import WD_BREAK
    from docx.shared import Inches

    word.sections[0].different_first_page_header_footer = True
    if m.logo:
        _logo(word, m)
    word.add_paragraph(m.program, style="Subtitle")
    word.add_paragraph(m.department, style="Subtitle")
    word.add_paragraph(m.title, style="Title")
    table = word.add_table(rows=0, cols=2)
    table.style = TABLE_STYLE
    for label, value in title_rows(m):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
        cells[0].paragraphs[0].runs[0].bold = True
    widths = [1.8, text_width(m.paper, landscape=False) - 1.8]
    for row in table.rows:
        _row_properties(row, header=False)
        for cell, width in zip(row.cells, widths):
            cell.width = Inches(width)
    _fix_grid(table, widths)
    _no_header_row(table)
    if m.is_draft:
        word.add_paragraph(draft_line(m), style="Intense Quote")
    word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def title_rows(m: DocumentMeta) -> list[tuple[str, str]]:
    """The title page's label/value rows (the redline writer diffs them too)."""
    return [("Document number", m.number), ("Version", m.version), ("Status", m.status),
            ("Approval state", m.approval_state), ("Date", m.date.isoformat()),
            ("Owner", f"{m.owner}, {m.owner_title}"), ("Fingerprint", m.short_fingerprint)]


def draft_line(m: DocumentMeta) -> str:
    return f"DRAFT: not approved for this content ({m.approval_state})."


def _logo(word: Any, m: DocumentMeta) -> None:
    """The branding logo, with alt text for screen readers (Word's "Alt Text" pane)."""
    from docx.image.exceptions import UnrecognizedImageError
    from docx.shared import Inches

    from ..errors import RenderError

    run = word.add_paragraph().add_run()
    try:
        shape = run.add_picture(io.BytesIO(m.logo), width=Inches(LOGO_WIDTH_IN))
    except UnrecognizedImageError:
        raise RenderError(f"{m.id}: the branding logo is not a PNG or JPEG image "
                          "(set program.branding.logo to a .png or .jpg file)") from None
    doc_pr = shape._inline.docPr
    doc_pr.set("descr", f"{m.program} logo")
    doc_pr.set("name", "Logo")


def _contents(word: Any, doc: Document) -> None:
    """A TOC field whose cached result already lists the headings, so it reads without updating."""
    from docx.enum.text import WD_BREAK

    from .docxparts import field_begin, field_end, field_separate

    word.add_paragraph("Contents", style="TOC Heading")
    headings = [h for h in doc.headings() if h.level <= 2]
    first = word.add_paragraph(style="TOC 1")
    field_begin(first, r'TOC \o "1-2" \h \z \u')
    field_separate(first)
    last = first
    for i, h in enumerate(headings):
        para = first if i == 0 else word.add_paragraph(style=f"TOC {h.level}")
        para.add_run(h.text)
        last = para
    field_end(last)
    word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


class _BodyWriter:
    """Writes blocks in order, opening a landscape section around each wide table."""

    def __init__(self, word: Any, meta: DocumentMeta):
        self.word, self.meta, self.tables = word, meta, 0
        self.landscape = False

    def block(self, block: Block, landscape: bool) -> None:
        self._orient(landscape)
        if isinstance(block, Table):
            self.table(block)
        elif isinstance(block, Heading):
            self.word.add_heading(block.text, level=min(block.level, 3))
        elif isinstance(block, Paragraph):
            self.word.add_paragraph(block.text)
        elif isinstance(block, BulletList):
            style = "List Number" if block.numbered else "List Bullet"
            for item in block.items:
                self.word.add_paragraph(item, style=style)
        elif isinstance(block, Callout):
            self.word.add_paragraph(f"{block.title}: {block.text}", style="Intense Quote")
        elif isinstance(block, Chart):
            self.word.add_paragraph(f"Figure: {block.caption}. {block.alt}", style="Caption")
        elif isinstance(block, ApprovalPage):
            self.approval(block)
        else:
            raise TypeError(f"no DOCX writer for {type(block).__name__}")

    def _orient(self, landscape: bool) -> None:
        from docx.enum.section import WD_SECTION

        if landscape == self.landscape:
            return
        section = self.word.add_section(WD_SECTION.NEW_PAGE)
        section.different_first_page_header_footer = False
        _page_setup(section, self.meta.paper, landscape)
        self.landscape = landscape

    def table(self, t: Table) -> None:
        from docx.shared import Inches

        self.tables += 1
        self.word.add_paragraph(f"Table {self.tables}: {t.caption}", style="Caption")
        table = self.word.add_table(rows=1, cols=len(t.columns))
        table.style = TABLE_STYLE
        table.autofit = False
        widths = _column_widths(t, text_width(self.meta.paper, self.landscape))
        for cell, text in zip(table.rows[0].cells, t.columns):
            cell.text = text
            cell.paragraphs[0].runs[0].bold = True
        for row in t.rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, row):
                cell.text = text
        for row_index, row in enumerate(table.rows):
            _row_properties(row, header=row_index == 0)
            for cell, width in zip(row.cells, widths):
                cell.width = Inches(width)
        _fix_grid(table, widths)

    def approval(self, page: ApprovalPage) -> None:
        from docx.shared import Inches

        heading = self.word.add_heading(page.title, level=1)
        heading.paragraph_format.page_break_before = True
        self.word.add_paragraph(page.statement)
        self.word.add_paragraph(f"Content fingerprint: {page.fingerprint}")
        widths = [1.6, text_width(self.meta.paper, self.landscape) - 1.6]
        for entry in page.entries:
            table = self.word.add_table(rows=0, cols=2)
            table.style = TABLE_STYLE
            for label, value in (("Name", entry.name), ("Title", entry.title),
                                 ("Organisation", entry.organisation), ("Decision", entry.decision),
                                 ("Date", entry.date or "________________"),
                                 ("Signature", "_" * 40), ("Comment", entry.comment or "")):
                cells = table.add_row().cells
                cells[0].text, cells[1].text = label, value
                cells[0].paragraphs[0].runs[0].bold = True
                cells[0].width, cells[1].width = Inches(widths[0]), Inches(widths[1])
            for row in table.rows:
                _row_properties(row, header=False)
            _fix_grid(table, widths)
            _no_header_row(table)
            self.word.add_paragraph()


def _column_widths(t: Table, total: float) -> list[float]:
    """Column widths in inches, from the shared rule every writer uses."""
    weights = column_weights(t, int(total * CHARS_PER_INCH))
    scale = total / sum(weights)
    return [w * scale for w in weights]


def _fix_grid(table: Any, widths: list[float]) -> None:
    """Write the widths into the table grid and table width too: LibreOffice lays a table out
    from `w:tblGrid` (python-docx leaves it evenly split) and Word from the cell widths."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(round(width * 1440)))
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        tbl_pr.append(tbl_w)
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(sum(round(w * 1440) for w in widths)))


def _no_header_row(table: Any) -> None:
    """Label/value tables have no header row: switch off the style's shaded first row."""
    from docx.oxml.ns import qn

    look = table._tbl.tblPr.find(qn("w:tblLook"))
    if look is not None:
        look.set(qn("w:firstRow"), "0")
        look.set(qn("w:val"), "0480")


def _row_properties(row: Any, header: bool) -> None:
    """Rows never split across pages; the header row repeats on every page."""
    from docx.oxml import OxmlElement

    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def _header_footer(section: Any, m: DocumentMeta) -> None:
    """Every section (landscape ones too) gets its own header and footer, never an empty link."""
    section.header.is_linked_to_previous = False
    section.footer.is_linked_to_previous = False
    header = section.header.paragraphs[0]
    _empty(header)
    marking = "DRAFT" if m.is_draft else "APPROVED"
    header.add_run(f"{m.number} · {m.title} · Version {m.version} · {marking}")
    header.style = "Header"
    _page_footer(section.footer.paragraphs[0], m)


def _empty(paragraph: Any) -> None:
    """Remove the reference document's runs (python-docx's `.text = ""` leaves an empty one)."""
    for run in paragraph.runs:
        paragraph._p.remove(run._r)


def _title_page_footer(section: Any, m: DocumentMeta) -> None:
    """The title page has no running header, but its footer still says "Page 1 of N"."""
    section.first_page_header.is_linked_to_previous = False
    section.first_page_footer.is_linked_to_previous = False
    _page_footer(section.first_page_footer.paragraphs[0], m)


def _page_footer(footer: Any, m: DocumentMeta) -> None:
    """Program, approval state and "Page X of Y" as live PAGE and NUMPAGES fields."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from .docxparts import add_field

    _empty(footer)
    footer.style = "Footer"
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(f"{m.program_acronym} · {m.approval_state} · Page ")
    add_field(footer, "PAGE", "1")
    footer.add_run(" of ")
    add_field(footer, "NUMPAGES", "1")
