"""Word deliverables fit for signature: each feature read back from the built DOCX files with
python-docx, then every file opened by LibreOffice (converted to PDF) and read back by pandoc."""

from __future__ import annotations

import re

import io
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import EXAMPLE, pdf_pages, require_tool
from pmodocs.outputs import compose_program
from pmodocs.document import Table, landscape_flags
from pmodocs.load import load_content
from pmodocs.model import DELIVERABLE_KINDS
from pmodocs.media import ChartPictures
from pmodocs.render.docx import render_docx, text_width
from sample_tree import CHART_ALT, chart_document, sample_document

MEDIA = ChartPictures()
"""Word's chart pictures, drawn by typst as the build draws them (shared by the tests here)."""

KINDS = list(DELIVERABLE_KINDS)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TWIPS = 1440


@pytest.fixture(scope="module")
def documents():
    docs, _ = compose_program(load_content(EXAMPLE))
    return docs


def open_docx(built: Path, kind: str):
    import docx

    return docx.Document(str(built / "dist/docx" / f"{kind}.docx"))


def style_names(word) -> set[str]:
    return {p.style.name for p in word.paragraphs}


def instructions(element) -> str:
    """Every field instruction inside an element (header, footer, body), joined."""
    return " ".join(t.text for t in element.iter(f"{W}instrText"))


def body_tables_by_section(word) -> list[tuple[object, list]]:
    """(section, its tables) in document order: a section ends at a paragraph holding a sectPr."""
    sections, current = list(word.sections), []
    grouped, index = [], 0
    for child in word.element.body.iterchildren():
        if child.tag == f"{W}tbl":
            current.append(child)
        elif child.tag == f"{W}p" and child.find(f"{W}pPr/{W}sectPr") is not None:
            grouped.append((sections[index], current))
            current, index = [], index + 1
    grouped.append((sections[index], current))
    return grouped


def has_wide_table(doc) -> bool:
    return any(isinstance(b, Table) and b.wide for b in doc.blocks)


# --- styles and structure -------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_every_docx_uses_real_word_styles(built_example, documents, kind):
    word = open_docx(built_example, kind)
    used = style_names(word)
    assert {"Title", "Subtitle", "TOC Heading", "Heading 1", "Heading 2", "Caption"} <= used
    blocks = documents[kind].blocks
    if any(getattr(b, "numbered", None) is False for b in blocks):
        assert "List Bullet" in used
    if any(getattr(b, "numbered", None) is True for b in blocks):
        assert "List Number" in used
    assert {t.style.name for t in word.tables} == {"PMO Table"}


def test_the_reference_document_defines_the_named_table_style_and_heading_colours():
    import docx

    from pmodocs.paths import templates_dir
    from pmodocs.render.reference import HEADING_COLOUR, TABLE_STYLE

    word = docx.Document(str(templates_dir() / "reference.docx"))
    assert TABLE_STYLE in [s.name for s in word.styles]
    assert str(word.styles["Heading 1"].font.color.rgb) == HEADING_COLOUR


@pytest.mark.parametrize("kind", KINDS)
def test_the_title_page_shows_program_title_number_version_status_date_and_logo(
        built_example, documents, kind):
    word = open_docx(built_example, kind)
    m = documents[kind].meta
    first = [p for p in word.paragraphs[:6] if p.text]
    assert [p.text for p in first[:3]] == [m.program, m.department, m.title]
    cells = [c.text for row in word.tables[0].rows for c in row.cells]
    for value in (m.number, m.version, m.status, m.approval_state, m.date.isoformat()):
        assert value in cells
    logo = word.inline_shapes[0]
    assert logo._inline.docPr.get("descr") == f"{m.program} logo"
    assert (EXAMPLE / "branding/logo.png").read_bytes() in _media(built_example, kind)


def _media(built: Path, kind: str) -> list[bytes]:
    with zipfile.ZipFile(built / "dist/docx" / f"{kind}.docx") as zf:
        return [zf.read(n) for n in zf.namelist() if n.startswith("word/media/")]


@pytest.mark.parametrize("kind", KINDS)
def test_document_control_lists_revisions_distribution_and_approvers(built_example, documents, kind):
    word = open_docx(built_example, kind)
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:5] == ["Document control", "Revision history", "Distribution", "Approvers",
                            headings[4]]
    captions = [p.text for p in word.paragraphs if p.style.name == "Caption"]
    assert {"Table 1: Document control", "Table 2: Revision history", "Table 3: Distribution list",
            "Table 4: Required approvers"} <= set(captions)
    cells = {c.text for t in word.tables for row in t.rows for c in row.cells}
    distribution = next(t for t in documents[kind].tables() if t.kind == "distribution")
    assert {row[0] for row in distribution.rows} <= cells


@pytest.mark.parametrize("kind", KINDS)
def test_the_contents_lists_the_headings_with_live_page_numbers(built_example, documents, kind):
    word = open_docx(built_example, kind)
    entries = [p for p in word.paragraphs if p.style.name in ("TOC 1", "TOC 2")]
    expected = [(f"TOC {h.level}", h.text) for h in documents[kind].headings() if h.level <= 2]
    assert [(p.style.name, p.text.split("\t")[0]) for p in entries] == expected
    # each entry's page number is a PAGEREF to a bookmark around its heading, and Word is asked
    # to update the fields when it opens the file
    marks = {b.get(f"{W}name"): b.getparent() for b in word.element.body.iter(f"{W}bookmarkStart")}
    headings = [p for p in word.paragraphs if p.style.name in ("Heading 1", "Heading 2")]
    for n, entry in enumerate(entries, start=1):
        ref = re.search(r"PAGEREF (\S+) \\h", instructions(entry._p)).group(1)
        assert "".join(t.text or "" for t in marks[ref].iter(f"{W}t")) == entry.text.split("\t")[0]
        assert marks[ref] in [h._p for h in headings]
    settings = word.settings.element
    assert settings.find(f"{W}updateFields").get(f"{W}val") == "true"


# --- headers, footers, sections -------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_every_section_has_its_own_header_and_footer_with_page_fields(built_example, documents, kind):
    word = open_docx(built_example, kind)
    m = documents[kind].meta
    marking = "DRAFT" if m.is_draft else "APPROVED"
    for section in word.sections:
        assert not section.header.is_linked_to_previous and not section.footer.is_linked_to_previous
        header = section.header.paragraphs[0].text
        assert all(part in header for part in (m.number, m.title, f"Version {m.version}", marking))
        footer = section.footer._element
        assert "PAGE" in instructions(footer) and "NUMPAGES" in instructions(footer)
        assert "Page 1 of 1" in section.footer.paragraphs[0].text  # cached field results


def test_the_title_page_has_no_running_header_but_a_page_footer(built_example):
    section = open_docx(built_example, "charter").sections[0]
    assert section.different_first_page_header_footer
    assert section.first_page_header.paragraphs[0].text == ""
    assert instructions(section.first_page_footer._element).split() == ["PAGE", "NUMPAGES"]


@pytest.mark.parametrize("kind", [k for k in KINDS if k in ("governance", "risk", "mo-plan")])
def test_wide_tables_sit_in_landscape_sections_that_keep_header_and_footer(
        built_example, documents, kind):
    from docx.enum.section import WD_ORIENT

    doc = documents[kind]
    assert has_wide_table(doc)
    word = open_docx(built_example, kind)
    landscape = [s for s in word.sections if s.orientation == WD_ORIENT.LANDSCAPE]
    assert landscape
    for section in landscape:
        assert section.page_width > section.page_height
        assert doc.meta.number in section.header.paragraphs[0].text
        assert "NUMPAGES" in instructions(section.footer._element)
    wide_captions = {f"{t.caption}" for t in doc.tables() if t.wide}
    for section, tables in body_tables_by_section(word):
        for tbl in tables:
            caption = tbl.getprevious()
            text = "".join(caption.itertext()).split(": ", 1)[-1]
            if text in wide_captions:
                assert section.orientation == WD_ORIENT.LANDSCAPE, text


@pytest.mark.parametrize("kind", KINDS)
def test_header_rows_repeat_rows_never_split_and_columns_fit(built_example, kind):
    word = open_docx(built_example, kind)
    for section, tables in body_tables_by_section(word):
        room = (section.page_width - section.left_margin - section.right_margin) / 914400 * TWIPS
        for tbl in tables:
            rows = tbl.findall(f"{W}tr")
            assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)
            widths = [int(c.get(f"{W}w")) for c in tbl.find(f"{W}tblGrid")]
            assert sum(widths) <= room + 2, (kind, sum(widths), room)
            look = tbl.find(f"{W}tblPr/{W}tblLook")
            if look.get(f"{W}firstRow") == "1":
                assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None


@pytest.mark.parametrize("kind", KINDS)
def test_the_approval_page_ends_the_document_with_a_signature_line_per_approver(
        built_example, documents, kind):
    word = open_docx(built_example, kind)
    heading = [p for p in word.paragraphs if p.style.name == "Heading 1"][-1]
    assert heading.text == "Approval" and heading.paragraph_format.page_break_before
    page = next(b for b in documents[kind].blocks if type(b).__name__ == "ApprovalPage")
    signature_tables = word.tables[-len(page.entries):]
    for entry, table in zip(page.entries, signature_tables):
        fields = {row.cells[0].text: row.cells[1].text for row in table.rows}
        assert (table.rows[0].cells[0].text, table.rows[0].cells[1].text) == ("Field", "Entry")
        assert table.rows[0]._tr.trPr.find(f"{W}tblHeader") is not None
        decision = "☐ Approve    ☐ Reject" if entry.decision == "pending" else entry.decision
        assert fields["Name"] == entry.name and fields["Decision"] == decision
        assert fields["Organisation"] == entry.organisation and fields["Signature"] == ""
        signature = next(r for r in table.rows if r.cells[0].text == "Signature")
        height = signature._tr.trPr.find(f"{W}trHeight")
        assert int(height.get(f"{W}val")) >= 0.6 * 1440 and height.get(f"{W}hRule") == "atLeast"


def test_the_title_page_table_has_a_marked_header_row(built_example):
    table = open_docx(built_example, "charter").tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Item", "Entry"]
    assert table.rows[0]._tr.trPr.find(f"{W}tblHeader") is not None
    assert table.rows[1].cells[0].text == "Document number"


def test_headings_captions_and_pictures_keep_with_what_follows(built_example):
    word = open_docx(built_example, "mo-plan")
    paragraphs = word.paragraphs
    for i, p in enumerate(paragraphs):
        if p.style.name.startswith("Heading") or (p.style.name == "Caption"
                                                  and p.text.startswith("Table")):
            assert p.paragraph_format.keep_with_next, p.text
        if p._p.findall(".//" + f"{W}drawing") and i + 1 < len(paragraphs) \
                and paragraphs[i + 1].text.startswith("Figure"):
            assert p.paragraph_format.keep_with_next
            assert p.paragraph_format.line_spacing_rule is not None  # single, never exact


def test_the_raci_uses_role_codes_with_a_legend_and_narrow_letter_columns(built_example, documents):
    from pmodocs.render.docx import role_codes

    raci = next(t for t in documents["governance"].tables() if t.kind == "raci")
    roles = raci.columns[2:]
    codes = role_codes(roles)
    assert len(set(codes)) == len(codes) and all(len(c) <= 6 for c in codes)
    word = open_docx(built_example, "governance")
    table = next(t for t in word.tables if [c.text for c in t.rows[0].cells][2:] == codes)
    legend = " ".join(p.text for p in word.paragraphs if p.text.startswith("Roles: "))
    for code, role in zip(codes, roles):
        assert f"{code} = {role}" in legend
    widths = [int(g.get(f"{W}w")) for g in table._tbl.tblGrid.findall(f"{W}gridCol")]
    assert widths[0] >= 2.5 * 1440 and max(widths[2:]) <= 0.55 * 1440


def test_the_subject_property_is_never_cut_mid_word():
    from pmodocs.render.docx import subject

    long = "Plan the maintenance and operations phase " * 12
    cut = subject(long)
    assert len(cut) <= 255 and cut.endswith(" …")
    assert long.startswith(cut[:-2]) and long[len(cut) - 2] == " "
    assert subject("Short purpose.") == "Short purpose."


# --- properties -----------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_core_and_custom_properties_describe_the_deliverable(built_example, documents, kind):
    from xml.etree import ElementTree

    m = documents[kind].meta
    cp = open_docx(built_example, kind).core_properties
    assert (cp.title, cp.author, cp.version, cp.content_status) == (
        m.title, m.owner, m.version, m.approval_state)
    from pmodocs.render.docx import subject

    assert cp.subject == subject(m.purpose) and cp.keywords == ", ".join(m.keywords)
    with zipfile.ZipFile(built_example / "dist/docx" / f"{kind}.docx") as zf:
        custom = ElementTree.fromstring(zf.read("docProps/custom.xml"))
    props = {p.get("name"): "".join(p.itertext()) for p in custom}
    assert props["DocumentNumber"] == m.number and props["Fingerprint"] == m.fingerprint
    assert props["Version"] == m.version and props["Status"] == m.status


def test_a4_paper_gives_a4_sections_and_tables_that_fit_it():
    from dataclasses import replace

    import docx

    doc = sample_document()
    a4 = type(doc)(replace(doc.meta, paper="a4"), doc.blocks)
    word = docx.Document(io.BytesIO(render_docx(a4, media=MEDIA)))
    portrait, landscape = word.sections[0], word.sections[1]
    def mm(section) -> tuple[int, int]:
        return round(section.page_width.mm), round(section.page_height.mm)

    assert (mm(portrait), mm(landscape)) == ((210, 297), (297, 210))
    narrow = [int(c.get(f"{W}w")) for c in word.tables[1]._tbl.find(f"{W}tblGrid")]
    assert sum(narrow) <= text_width("a4", landscape=False) * TWIPS + 2


def test_a_chart_is_a_picture_with_its_alt_text_and_a_numbered_caption_in_word():
    import docx

    word = docx.Document(io.BytesIO(render_docx(chart_document(), media=MEDIA)))
    [shape] = word.inline_shapes
    assert shape._inline.docPr.get("descr") == CHART_ALT
    # a 320 px wide chart is drawn at its own size, 80 px an inch (never wider than the text)
    assert abs(shape.width.inches - 320 / 80) < 0.01 < text_width("letter", landscape=False) - 4
    blob = word.part.related_parts[shape._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
    assert blob.startswith(b"\x89PNG")
    assert int.from_bytes(blob[16:20], "big") == 4 * 200, "drawn 200 pixels an inch"
    captions = [p.text for p in word.paragraphs if p.style.name == "Caption"]
    assert captions[0] == "Figure 1: Hours per block cycle"
    picture = next(i for i, p in enumerate(word.paragraphs) if p._p.xpath(".//w:drawing"))
    assert word.paragraphs[picture + 1].text == captions[0]


def test_the_example_charts_reach_word_as_pictures(built_example):
    word = open_docx(built_example, "mo-plan")
    figures = [s for s in word.inline_shapes if s._inline.docPr.get("name").startswith("Figure")]
    assert [s._inline.docPr.get("name") for s in figures] == ["Figure 1", "Figure 2", "Figure 3"]
    assert all(len(s._inline.docPr.get("descr")) > 40 for s in figures)


def test_the_logo_is_optional_and_equal_content_gives_equal_bytes():
    import docx

    logo = (EXAMPLE / "branding/logo.png").read_bytes()
    assert render_docx(chart_document(logo=logo), media=MEDIA) == render_docx(chart_document(logo=logo), media=MEDIA)
    shapes = docx.Document(io.BytesIO(render_docx(chart_document(), media=MEDIA))).inline_shapes
    assert [s._inline.docPr.get("name") for s in shapes] == ["Figure 1"]


def test_the_example_logo_is_made_by_code_in_the_repository():
    from pmodocs.render.logo import logo_png

    assert (EXAMPLE / "branding/logo.png").read_bytes() == logo_png()


def test_landscape_flags_keep_a_heading_with_its_wide_table():
    doc = sample_document()
    flags = dict(zip([type(b).__name__ + getattr(b, "text", "") for b in doc.blocks],
                     landscape_flags(doc.blocks)))
    assert flags["HeadingWide"] and not flags["HeadingOverview"]


# --- LibreOffice and pandoc read every file -------------------------------------------------

@pytest.fixture(scope="module")
def libreoffice_pdfs(built_example, tmp_path_factory) -> dict[str, Path]:
    """Every built DOCX converted to PDF by LibreOffice headless, in one soffice call."""
    soffice = require_tool("soffice", "LibreOffice must open every DOCX; Debian package "
                           "libreoffice-writer-nogui")
    out = tmp_path_factory.mktemp("libreoffice")
    profile = (out / "profile").as_uri()
    docx_files = sorted(str(p) for p in (built_example / "dist/docx").glob("*.docx"))
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(out), *docx_files],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return {kind: out / f"{kind}.pdf" for kind in KINDS}


@pytest.mark.slow  # LibreOffice converts every DOCX
@pytest.mark.parametrize("kind", KINDS)
def test_libreoffice_opens_every_docx_with_page_x_of_y_on_every_page(
        libreoffice_pdfs, documents, kind):
    pages = pdf_pages(libreoffice_pdfs[kind])
    m = documents[kind].meta
    assert len(pages) >= 4
    assert m.title in " ".join(pages[0].split())
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text, (kind, number)
        if number > 1:
            assert m.number in text, (kind, number)
    # the approval page (its signature rows are 0.6 in high) may run onto a second page, and
    # nothing else follows it
    start = next(i for i, p in enumerate(pages) if "By signing" in p)
    assert "Approval" in pages[start] and start >= len(pages) - 2
    assert all("Signature" in p for p in pages[start:])


@pytest.mark.parametrize("kind", KINDS)
def test_pandoc_reads_every_docx_back(built_example, documents, kind):
    import pypandoc

    text = pypandoc.convert_file(str(built_example / "dist/docx" / f"{kind}.docx"), "plain",
                                 extra_args=["--wrap=none"])
    flat = " ".join(text.split())
    for heading in documents[kind].headings():
        assert " ".join(heading.text.split()) in flat


def test_the_fast_package_writer_writes_what_python_docx_save_writes(documents):
    """The DOCX writer follows python-docx's own (private) package writer for speed, and falls
    back to the public `save` if a later python-docx moves it: both roads, the same parts."""
    import docx

    from pmodocs.render.docxparts import package_parts, saved_parts

    for kind in ("risk", "mo-plan"):
        word = docx.Document(io.BytesIO(render_docx(documents[kind], media=MEDIA)))
        assert package_parts(word) == saved_parts(word), kind


def test_word_charts_are_drawn_in_the_documents_font():
    """The PNG Word shows is drawn from the SVG with its text set in Carlito (Calibri's metrics),
    not in the site's sans-serif: the pictures differ, and the SVG typst reads names Carlito."""
    from pmodocs.engines import typst_to_png
    from pmodocs.fonts import CHART_FILES, font_files
    from pmodocs.media import chart_png
    from pmodocs.render.docx import CHART_PPI, word_font_svg
    from pmodocs.render.typst import typst_str

    if len(font_files(CHART_FILES)) < len(CHART_FILES):
        pytest.skip("Carlito is not installed (Debian fonts-crosextra-carlito)")
    from pmodocs.compose.charts import budget_chart
    from pmodocs.load import load_content

    content = load_content(EXAMPLE)
    from pmodocs.render.charts import chart_svg

    svg = chart_svg(budget_chart(content, content.deliverables["mo-plan"]))
    assert 'font-family="Carlito' in word_font_svg(svg)
    assert "Carlito" not in svg
    plain = typst_to_png("#set page(width: auto, height: auto, margin: 0pt, fill: white)\n"
                         f'#image(bytes({typst_str(svg)}), format: "svg", width: 6.000in)',
                         ppi=CHART_PPI, what="test")
    assert chart_png(svg, 6.0) != plain


def test_a_chart_without_a_picture_in_the_media_is_a_render_error():
    """The DOCX writer draws nothing itself: the build passes every chart picture in."""
    from pmodocs.errors import RenderError

    with pytest.raises(RenderError, match="Hours per block cycle"):
        render_docx(chart_document(), media={})
    assert b"<svg" not in render_docx(sample_document(), media=MEDIA)


def test_deliverables_redlines_and_memos_share_one_reference_document(tmp_path):
    """branding.reference_docx when set, else templates/reference.docx: the bytes every DOCX
    writer is given, including the transmittal memo's."""
    import shutil

    from pmodocs import packets
    from pmodocs.branding import reference_document
    from pmodocs.paths import templates_dir

    content = load_content(EXAMPLE)
    assert reference_document(content) == (templates_dir() / "reference.docx").read_bytes()
    assert packets._reference(content) == reference_document(content)
    folder = tmp_path / "content"
    shutil.copytree(EXAMPLE, folder)
    (folder / "branding" / "mine.docx").write_bytes(b"PK\x03\x04 not checked here")
    program = folder / "program.yaml"
    text = program.read_text(encoding="utf-8")
    program.write_text(text.replace("  branding:\n", "  branding:\n    reference_docx: branding/mine.docx\n", 1),
                       encoding="utf-8")
    assert reference_document(load_content(folder)) == b"PK\x03\x04 not checked here"


@pytest.mark.slow  # LibreOffice converts every DOCX
@pytest.mark.parametrize("kind", ["governance", "mo-plan"])
def test_libreoffice_shows_the_right_page_number_for_every_contents_entry(
        libreoffice_pdfs, documents, kind):
    pages = pdf_pages(libreoffice_pdfs[kind])
    headings = [h.text for h in documents[kind].headings() if h.level <= 2]
    contents = next(i for i, p in enumerate(pages) if "Contents" in p)
    listing = " ".join(pages[contents].split())
    for heading in headings:
        found = re.search(re.escape(" ".join(heading.split())) + r" ?\.{3,} ?(\d+)", listing)
        assert found, heading
        shown = " ".join(pages[int(found.group(1)) - 1].split())
        assert " ".join(heading.split()) in shown, (heading, found.group(1))


def test_the_branding_files_are_written_by_one_command_outside_the_writers(tmp_path):
    """`make reference` and the example's logo: `python -m pmodocs.branding` prints exactly the
    committed files' bytes (the writers in render/ only return bytes)."""
    import sys

    from conftest import ROOT

    for what, committed in (("reference", ROOT / "templates" / "reference.docx"),
                            ("logo", EXAMPLE / "branding" / "logo.png")):
        made = subprocess.run([sys.executable, "-m", "pmodocs.branding", what], check=True,
                              capture_output=True).stdout
        assert made == committed.read_bytes(), what
    wrong = subprocess.run([sys.executable, "-m", "pmodocs.branding", "nothing"],
                           capture_output=True, text=True)
    assert wrong.returncode == 2 and "reference|logo" in wrong.stderr


def test_a_memo_tree_is_written_with_the_documents_styles():
    """The transmittal memo is a document tree (compose/memo.py) written by render_memo: fields,
    a captioned table with a bold header, headings, lists, a running header and footer."""
    from datetime import date

    import docx

    from pmodocs.document import BulletList, Fields, Heading, Memo, Paragraph, Table
    from pmodocs.render.docx import render_memo

    memo = Memo("Program (P)", "Transmittal", "P · to A · sign by 2026-01-09", "P · ",
                "Transmittal to A", "B, Owner", "Transmittal memorandum", date(2026, 1, 2), (
                    Fields((("To", "A"), ("Date", "Friday 2 January 2026"))),
                    Paragraph("Please sign."),
                    Table("Documents for decision", ("Number", "Title"), (("P-1", "Charter"),)),
                    Heading(2, "What to read"),
                    BulletList(("charter.docx",)),
                    BulletList(("Insert your card.",), numbered=True)))
    data = render_memo(memo)
    assert data == render_memo(memo)
    word = docx.Document(io.BytesIO(data))
    styled = [(p.style.name, p.text) for p in word.paragraphs]
    assert styled == [("Subtitle", "Program (P)"), ("Title", "Transmittal"),
                      ("Normal", "Please sign."), ("Caption", "Documents for decision"),
                      ("Heading 2", "What to read"), ("List Bullet", "charter.docx"),
                      ("List Number", "Insert your card.")]
    fields, documents = word.tables
    assert [[c.text for c in r.cells] for r in fields.rows] == [["To", "A"],
                                                                ["Date", "Friday 2 January 2026"]]
    assert all(run.bold for run in documents.rows[0].cells[0].paragraphs[0].runs)
    assert word.sections[0].header.paragraphs[0].text == "P · to A · sign by 2026-01-09"
    assert word.sections[0].footer.paragraphs[0].text.startswith("P · ")
    cp = word.core_properties
    assert (cp.title, cp.author, cp.category) == ("Transmittal to A", "B, Owner",
                                                  "Transmittal memorandum")
