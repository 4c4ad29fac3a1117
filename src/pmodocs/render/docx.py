"""Document tree -> DOCX bytes, with python-docx and raw OXML where its API stops.

Word features a signatory relies on: real heading styles (navigation pane), a filled-in table of
contents, headers/footers with live PAGE/NUMPAGES fields on every page after the title, repeating
table header rows, landscape sections for wide tables, and document properties.

python-docx opens the reference document, makes sections, headers, footers, the logo and the
document properties; body paragraphs and tables are built as raw OXML (docxparts), the same
elements python-docx would write, because its per-call style lookups and per-cell element
plumbing made it many times slower.
"""

from __future__ import annotations

import io
from datetime import datetime, timezone
from typing import Any, Callable, Mapping

from ..document import (
    ApprovalPage, Block, BulletList, Callout, Chart, Document, DocumentMeta, Fields, Heading, Memo,
    MemoBlock, Paragraph, Table, column_weights, landscape_flags,
)
from .docxparts import (
    SECTPR, Grid, StyleIds, add_bookmark, add_field, add_page_break, add_row, add_run,
    ask_fields_update, docx_bytes, field_begin, field_end, field_separate, insert_block,
    keep_with_next, new_paragraph, new_table, open_reference, package_parts, page_footer,
    set_row_height,
)
from ..errors import RenderError
from .reference import TABLE_STYLE, reference_docx

MARGIN_IN = 1.0
PAPER_IN = {"letter": (8.5, 11.0), "a4": (210 / 25.4, 297 / 25.4)}
"""Short and long side of each paper size, in inches."""
LOGO_WIDTH_IN = 1.1
CHARS_PER_INCH = 12
"""Characters of 9 pt table text per inch, counted generously (Calibri, or its metric twin
Carlito in LibreOffice, fits about 15 in bold), so a word never breaks inside a column."""


ChartMedia = Mapping[tuple[str, float], bytes]
"""The pictures of a document's charts (pandoc's "media bag"): (the chart's SVG, its width in
inches) -> PNG bytes. The build draws them (it runs the engines) and passes them in."""


def chart_pictures(doc: Document) -> list[tuple[str, float]]:
    """The keys of the chart pictures `render_docx` will ask its media for: (the chart's SVG,
    its width in inches), so they can be drawn ahead of it."""
    from .charts import chart_svg
    from .typst import chart_width_in

    keys = []
    for block, wide in zip(doc.blocks, landscape_flags(doc.blocks)):
        if isinstance(block, Chart):
            svg = chart_svg(block)
            keys.append((svg, chart_width_in(svg, text_width(doc.meta.paper, wide))))
    return keys


def render_docx(doc: Document, *, reference: bytes | None = None,
                body: Callable[[WordBody, DocumentMeta], None] | None = None,
                media: ChartMedia | None = None) -> bytes:
    """The deliverable as a DOCX file (bytes), styled by `reference` (the bytes of a reference
    document) or the built-in reference.

    `body(out, meta)`, when given, writes the body instead of `doc.blocks` (the redline writer
    uses it, so a redline has the same title page, styles, headers and footers). `media` holds
    the chart pictures; a chart without one is a RenderError.
    """
    word, ids, shared = open_reference(reference if reference is not None else reference_docx())
    out = WordBody(word, ids)
    m = doc.meta
    _properties(word, m)
    _page_setup(word.sections[0], m.paper, landscape=False)
    _title_page(out, m)
    _contents(out, doc, page_numbers=body is None)
    ask_fields_update(word.settings.element)
    if body is not None:
        body(out, m)
    else:
        writer = BodyWriter(out, m, media)
        for block, wide in zip(doc.blocks, landscape_flags(doc.blocks)):
            writer.block(block, wide)
    for section in word.sections:
        _header_footer(section, m, ids)
    _title_page_footer(word.sections[0], m, ids)
    when = datetime(m.date.year, m.date.month, m.date.day, tzinfo=timezone.utc)
    return docx_bytes(package_parts(word, shared), when, {
        "DocumentNumber": m.number, "Version": m.version, "Status": m.status,
        "ApprovalState": m.approval_state, "Fingerprint": m.fingerprint, "Program": m.program,
    })


def render_memo(memo: Memo, *, reference: bytes | None = None) -> bytes:
    """A memo (no title page or contents) as a DOCX file, styled by `reference` like the
    documents it accompanies: label/value fields and tables split the text width evenly."""
    word, ids, shared = open_reference(reference if reference is not None else reference_docx())
    out = WordBody(word, ids)
    out.paragraph(memo.subtitle, "Subtitle")
    out.paragraph(memo.title, "Title")
    for block in memo.blocks:
        _memo_block(out, block)
    for section in word.sections:
        section.header.is_linked_to_previous = False
        section.footer.is_linked_to_previous = False
        header = section.header.paragraphs[0]._p
        _empty(header)
        header.style = ids.paragraph("Header")
        add_run(header, memo.header)
        page_footer(section.footer.paragraphs[0]._p, ids.paragraph("Footer"), memo.footer)
    cp = word.core_properties
    when = datetime(memo.date.year, memo.date.month, memo.date.day)
    cp.title, cp.author, cp.last_modified_by = memo.properties_title, memo.author, "pmodocs"
    cp.category, cp.revision = memo.category, 1
    cp.created = cp.modified = cp.last_printed = when
    return docx_bytes(package_parts(word, shared), when)


def _memo_block(out: WordBody, block: MemoBlock) -> None:
    if isinstance(block, Fields):
        grid = out.even_grid(2)
        table = out.table(grid)
        for label, value in block.rows:
            cells = add_row(table, grid.cells, keep_together=False)
            add_run(cells[0], label, bold=True)
            add_run(cells[1], value)
    elif isinstance(block, Table):
        out.paragraph(block.caption, "Caption")
        grid = out.even_grid(len(block.columns))
        table = out.table(grid)
        for index, texts in enumerate((block.columns, *block.rows)):
            for p, text in zip(add_row(table, grid.cells, keep_together=False), texts):
                add_run(p, text, bold=index == 0)
    elif isinstance(block, Heading):
        out.heading(block.text, block.level)
    elif isinstance(block, Paragraph):
        out.paragraph(block.text)
    elif isinstance(block, BulletList):
        for item in block.items:
            out.paragraph(item, "List Number" if block.numbered else "List Bullet")
    else:
        raise TypeError(f"no memo writer for {type(block).__name__}")


class WordBody:
    """The body being written: styled paragraphs and tables appended as raw OXML, with style
    names resolved once per reference document."""

    def __init__(self, word: Any, ids: StyleIds):
        self.word, self.ids, self.element = word, ids, word.element.body

    def paragraph(self, text: str = "", style: str | None = None) -> Any:
        """A `w:p` (python-docx's `add_paragraph(text, style)`); returns the element."""
        styled = style is not None
        p = new_paragraph(self.ids.paragraph(style) if style is not None else None, styled=styled)
        if text:
            add_run(p, text)
        return insert_block(self.element, p)

    def heading(self, text: str, level: int) -> Any:
        """A paragraph in Word's own heading style, so it shows in the navigation pane; it stays
        on the page of what follows it."""
        return keep_with_next(self.paragraph(text, "Title" if level == 0 else f"Heading {level}"))

    def page_break(self) -> None:
        add_page_break(self.paragraph())

    def grid(self, count: int, widths: list[float]) -> Grid:
        """The table grid for `count` columns with the given widths in inches."""
        return Grid.inches(count, widths, self._even_width(count))

    def even_grid(self, count: int) -> Grid:
        """python-docx's grid: the text width of the last section shared evenly."""
        return Grid.even(count, self._even_width(count))

    def _even_width(self, count: int) -> int:
        """python-docx's even column width (twips) between the margins of the last section, which
        cells keep when the writer gives them no width of their own."""
        from docx.section import Section
        from docx.shared import Emu, Inches

        sect_pr = self.element.find(SECTPR)
        section = self.word.sections[-1] if sect_pr is None else Section(sect_pr, self.word.part)
        width = ((section.page_width or Inches(8.5)) - (section.left_margin or Inches(1))
                 - (section.right_margin or Inches(1)))
        return Emu(width // count).twips if count > 0 else 0

    def table(self, grid: Grid, *, fixed: bool = False, header_row: bool = True) -> Any:
        """An empty `w:tbl` in the reference's table style; rows are added with `add_row`."""
        return insert_block(self.element, new_table(self.ids.table(TABLE_STYLE), grid, fixed=fixed,
                                                    header_row=header_row))

    def label_value_table(self, rows: list[tuple[str, str]], widths: list[float],
                          header: tuple[str, str] | None = None) -> Any:
        """Bold labels beside their values, rows kept together; with `header`, a marked header
        row (`w:tblHeader`, read out by screen readers) names the two columns."""
        grid = self.grid(2, widths)
        tbl = self.table(grid, header_row=header is not None)
        if header is not None:
            for p, text in zip(add_row(tbl, grid.cells, header=True), header):
                add_run(p, text, bold=True)
        for label, value in rows:
            cells = add_row(tbl, grid.cells)
            add_run(cells[0], label, bold=True)
            add_run(cells[1], value)
        return tbl


def _properties(word: Any, m: DocumentMeta) -> None:
    cp = word.core_properties
    when = datetime(m.date.year, m.date.month, m.date.day)
    cp.title, cp.subject, cp.author = m.title, subject(m.purpose), m.owner
    cp.keywords = ", ".join(m.keywords)
    cp.version, cp.content_status = m.version, m.approval_state
    cp.category, cp.comments = "Program deliverable", f"{m.number}; fingerprint {m.fingerprint}"
    cp.identifier, cp.language = m.number, m.language
    cp.last_modified_by, cp.revision = m.owner, 1
    cp.created = cp.modified = cp.last_printed = when


def subject(purpose: str, limit: int = 255) -> str:
    """The Subject property: the purpose, shortened at a word (Word keeps 255 characters)."""
    import textwrap

    text = " ".join(purpose.split())
    return text if len(text) <= limit else textwrap.shorten(text, limit, placeholder=" …")


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


def _title_page(out: WordBody, m: DocumentMeta) -> None:
    out.word.sections[0].different_first_page_header_footer = True
    if m.logo:
        _logo(out.word, m)
    out.paragraph(m.program, "Subtitle")
    out.paragraph(m.department, "Subtitle")
    out.paragraph(m.title, "Title")
    out.label_value_table(title_rows(m), [1.8, text_width(m.paper, landscape=False) - 1.8],
                          header=("Item", "Entry"))
    if m.is_draft:
        out.paragraph(draft_line(m), "Intense Quote")
    out.page_break()


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

    assert m.logo is not None, "called only for a document with a logo"
    run = word.add_paragraph().add_run()
    try:
        shape = run.add_picture(io.BytesIO(m.logo), width=Inches(LOGO_WIDTH_IN))
    except UnrecognizedImageError:
        raise RenderError(f"{m.id}: the branding logo is not a PNG or JPEG image "
                          "(set program.branding.logo to a .png or .jpg file)") from None
    doc_pr = shape._inline.docPr
    doc_pr.set("descr", f"{m.program} logo")
    doc_pr.set("name", "Logo")


CHART_PPI = 200
"""Resolution of chart pictures in Word: sharp in print, about 40 kB a chart."""


CHART_FONT = 'font-family="Carlito, Calibri, sans-serif"'
"""Word's charts are set in the document's font (Carlito has Calibri's metrics; fonts.py)."""


def word_font_svg(svg: str) -> str:
    """The chart's SVG with its text in the DOCX body font."""
    import re

    return re.sub(r'font-family="[^"]*"', CHART_FONT, svg)


def chart_png_source(svg: str, width_in: float) -> str:
    """The typst source that draws a chart's SVG as Word's picture, `width_in` inches wide and
    in the document's font (the build compiles it to a PNG at CHART_PPI)."""
    from .typst import typst_str

    return ("#set page(width: auto, height: auto, margin: 0pt, fill: white)\n"
            f'#image(bytes({typst_str(word_font_svg(svg))}), format: "svg", '
            f"width: {width_in:.3f}in)")


def toc_bookmark(index: int) -> str:
    """The bookmark around the `index`-th contents heading (Word's own `_Toc` prefix)."""
    return f"_Toc{index:08d}"


def _contents(out: WordBody, doc: Document, *, page_numbers: bool = True) -> None:
    """The contents: every level-1 and level-2 heading.

    With `page_numbers` (deliverables), each entry ends in a dot leader and a PAGEREF field to a
    bookmark around its heading: LibreOffice lays the numbers out itself, and Word, asked by
    `w:updateFields`, fills them in when the file is opened. (Inside a TOC field both would show
    the field's cached text instead, and the right numbers are only known after layout.)
    Without (redlines), a TOC field whose cached result already lists the headings."""
    out.paragraph("Contents", "TOC Heading")
    headings = [h for h in doc.headings() if h.level <= 2]
    if page_numbers:
        right = round(text_width(doc.meta.paper, landscape=False) * 1440)
        for i, h in enumerate(headings):
            para = out.paragraph(h.text, f"TOC {h.level}")
            _dot_leader_tab(para, right)
            add_run(para, "\t")
            add_field(para, f"PAGEREF {toc_bookmark(i + 1)} \\h", "")
        out.page_break()
        return
    first = out.paragraph(style="TOC 1")
    field_begin(first, r'TOC \o "1-2" \h \z \u')
    field_separate(first)
    last = first
    for i, h in enumerate(headings):
        para = first if i == 0 else out.paragraph(style=f"TOC {h.level}")
        add_run(para, h.text)
        last = para
    field_end(last)
    out.page_break()


def _dot_leader_tab(p: Any, position: int) -> None:
    from .docxparts import PPR, new_element, w

    ppr = p.find(PPR)
    if ppr is None:
        ppr = new_element(PPR)
        p.insert(0, ppr)
    tabs = new_element(w("tabs"))
    tab = new_element(w("tab"))
    for key, value in (("val", "right"), ("leader", "dot"), ("pos", str(position))):
        tab.set(w(key), value)
    tabs.append(tab)
    ppr.append(tabs)


class BodyWriter:
    """Writes blocks in order, opening a landscape section around each wide table (the redline
    writer extends it)."""

    def __init__(self, out: WordBody, meta: DocumentMeta, media: ChartMedia | None = None):
        self.out, self.word, self.meta, self.tables, self.figures = out, out.word, meta, 0, 0
        self.media: ChartMedia = media if media is not None else {}
        self.landscape = False
        self.contents = 0  # headings written that the contents lists (levels 1 and 2)

    def _bookmark(self, p: Any, level: int) -> Any:
        if level <= 2:
            self.contents += 1
            add_bookmark(p, toc_bookmark(self.contents), self.contents)
        return p

    def block(self, block: Block, landscape: bool) -> None:
        self._orient(landscape)
        if isinstance(block, Table):
            self.table(block)
        elif isinstance(block, Heading):
            self._bookmark(self.out.heading(block.text, min(block.level, 3)), block.level)
        elif isinstance(block, Paragraph):
            self.out.paragraph(block.text)
        elif isinstance(block, BulletList):
            style = "List Number" if block.numbered else "List Bullet"
            for item in block.items:
                self.out.paragraph(item, style)
        elif isinstance(block, Callout):
            self.out.paragraph(f"{block.title}: {block.text}", "Intense Quote")
        elif isinstance(block, Chart):
            self.chart(block)
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

    def chart(self, c: Chart, number: int | None = None) -> None:
        """The chart as a picture across the text width, drawn from the same SVG as the site and
        the PDF; its alt text goes to Word's Alt Text pane, and a numbered caption follows
        (the next figure number unless `number` is given)."""
        from docx.shared import Inches

        if number is None:
            self.figures += 1
            number = self.figures
        from docx.enum.text import WD_LINE_SPACING

        from .typst import chart_width_in

        from .charts import chart_svg

        svg = chart_svg(c)
        width = chart_width_in(svg, text_width(self.meta.paper, self.landscape))
        picture = self.word.add_paragraph()
        # inline, single-spaced (an exact line height would let it overlap the text above),
        # and on the page of its caption
        picture.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        picture.paragraph_format.keep_with_next = True
        picture.paragraph_format.space_before = Inches(0.08)
        run = picture.add_run()
        try:
            png = self.media[(svg, width)]
        except KeyError:
            raise RenderError(f"{self.meta.id}: no picture of the chart {c.caption!r} at "
                              f"{width:.3f} in was passed to the DOCX writer") from None
        shape = run.add_picture(io.BytesIO(png), width=Inches(width))
        shape._inline.docPr.set("descr", c.alt)
        shape._inline.docPr.set("name", f"Figure {number}")
        self.out.paragraph(f"Figure {number}: {c.caption}", "Caption")

    def table_grid(self, t: Table) -> Grid:
        """Column widths from the shared rule, fitted to the current page orientation (the RACI:
        a wide activity column, narrow letter columns)."""
        if t.kind == "raci":
            return self.out.grid(len(t.columns), self.table_grid_raci(t))
        return self.out.grid(len(t.columns), _column_widths(t, text_width(self.meta.paper,
                                                                          self.landscape)))

    def table(self, t: Table) -> None:
        """Caption, then a fixed-layout table whose bold header row repeats on every page."""
        self.tables += 1
        keep_with_next(self.out.paragraph(f"Table {self.tables}: {t.caption}", "Caption"))
        columns = t.columns
        if t.kind == "raci":
            columns = self.raci_legend(t)
        grid = self.table_grid(t)
        tbl = self.out.table(grid, fixed=True)
        for index, texts in enumerate((columns, *t.rows)):
            for p, text in zip(add_row(tbl, grid.cells, header=index == 0), texts):
                add_run(p, text, bold=index == 0)

    def raci_legend(self, t: Table) -> tuple[str, ...]:
        """The RACI's role columns as short codes, with a legend paragraph naming each role in
        full (full names would break inside the narrow letter columns)."""
        codes = role_codes(t.columns[2:])
        legend = "; ".join(f"{code} = {name}" for code, name in zip(codes, t.columns[2:]))
        keep_with_next(self.out.paragraph(f"Roles: {legend}.", "Caption"))
        return (*t.columns[:2], *codes)

    def table_grid_raci(self, t: Table) -> list[float]:
        total = text_width(self.meta.paper, self.landscape)
        roles = len(t.columns) - 2
        side = 0.9
        letter = min(0.55, (total - side - 2.8) / max(roles, 1))
        if letter < 0.4:  # many roles: the activity column keeps at least 1.5 in
            letter = max(0.1, (total - side - 1.5) / max(roles, 1))
        return [max(1.5, total - side - letter * roles), side, *([letter] * roles)]

    def approval(self, page: ApprovalPage) -> None:
        """The approval page on a new page: statement, fingerprint, one table per signatory,
        with a signature row tall enough to sign in and boxes to tick for the decision."""
        self._bookmark(page_break_before(self.out.heading(page.title, 1)), 1)
        self.out.paragraph(page.statement)
        self.out.paragraph(f"Content fingerprint: {page.fingerprint}")
        widths = [1.6, text_width(self.meta.paper, self.landscape) - 1.6]
        for entry in page.entries:
            decision = DECISION_BOXES if entry.decision == "pending" else entry.decision
            tbl = self.out.label_value_table([
                ("Name", entry.name), ("Title", entry.title), ("Organisation", entry.organisation),
                ("Decision", decision), ("Date", entry.date or ""),
                ("Signature", ""), ("Comment", entry.comment or "")], widths,
                header=("Field", "Entry"))
            rows = tbl.findall(_W_TR)
            set_row_height(rows[6], SIGNATURE_ROW_TWIPS)
            for row in rows[:-1]:  # one signatory's table never splits across pages
                for p in row.iter(_W_P):
                    keep_with_next(p)
            self.out.paragraph()


from .typst import role_codes  # noqa: E402  (shared with the PDF's RACI)


def page_break_before(p: Any) -> Any:
    """Start the paragraph on a new page (`paragraph_format.page_break_before = True`)."""
    p.get_or_add_pPr().pageBreakBefore_val = True
    return p


DECISION_BOXES = "☐ Approve    ☐ Reject"
"""An undecided approval: the signatory ticks one box."""
SIGNATURE_ROW_TWIPS = 864  # 0.6 in: room for a handwritten signature
_W_TR = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tr"
_W_P = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"


def _column_widths(t: Table, total: float) -> list[float]:
    """Column widths in inches, from the shared rule every writer uses."""
    weights = column_weights(t, int(total * CHARS_PER_INCH))
    scale = total / sum(weights)
    return [w * scale for w in weights]


def _header_footer(section: Any, m: DocumentMeta, ids: StyleIds) -> None:
    """Every section (landscape ones too) gets its own header and footer, never an empty link."""
    section.header.is_linked_to_previous = False
    section.footer.is_linked_to_previous = False
    header = section.header.paragraphs[0]._p
    _empty(header)
    marking = "DRAFT" if m.is_draft else "APPROVED"
    add_run(header, f"{m.number} · {m.title} · Version {m.version} · {marking}")
    header.style = ids.paragraph("Header")
    _page_footer(section.footer.paragraphs[0]._p, m, ids)


def _empty(p: Any) -> None:
    """Remove the reference document's runs (python-docx's `.text = ""` leaves an empty one)."""
    for run in p.r_lst:
        p.remove(run)


def _title_page_footer(section: Any, m: DocumentMeta, ids: StyleIds) -> None:
    """The title page has no running header, but its footer still says "Page 1 of N"."""
    section.first_page_header.is_linked_to_previous = False
    section.first_page_footer.is_linked_to_previous = False
    _page_footer(section.first_page_footer.paragraphs[0]._p, m, ids)


def _page_footer(footer: Any, m: DocumentMeta, ids: StyleIds) -> None:
    """Program, approval state and "Page X of Y" as live PAGE and NUMPAGES fields."""
    page_footer(footer, ids.paragraph("Footer"), f"{m.program_acronym} · {m.approval_state} · ")
