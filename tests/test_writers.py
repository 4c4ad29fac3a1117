"""Writers, golden-tested from a document tree (never from YAML), and their escaping."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from sample_tree import HOSTILE, sample_document
from pmodocs.render.markdown import md_text, render_document
from pmodocs.media import ChartPictures
from pmodocs.render.typst import typst_str

MEDIA = ChartPictures()
"""Word's chart pictures, drawn by typst as the build draws them (shared by the tests here)."""

GOLDEN = Path(__file__).parent / "golden"


def check_golden(name: str, actual: str, update: bool) -> None:
    path = GOLDEN / name
    if update:
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"no golden file {path}; run pytest --update-golden and review it"
    assert actual == path.read_text(encoding="utf-8")


def canonical_xml(data: bytes) -> str:
    tree = ElementTree.fromstring(data)
    ElementTree.indent(tree)
    return ElementTree.canonicalize(ElementTree.tostring(tree, encoding="unicode")) + "\n"


def typst_source(doc) -> str:
    from pmodocs.media import typst_source as source

    return source(doc)


def test_markdown_writer_matches_its_golden_file(update_golden):
    check_golden("sample.md", render_document(sample_document(), {"PDF": "downloads/s.pdf"}),
                 update_golden)


def test_typst_writer_matches_its_golden_file(update_golden):
    check_golden("sample.typ", typst_source(sample_document()), update_golden)


def test_docx_writer_matches_its_golden_xml(update_golden):
    from pmodocs.render.docx import render_docx

    data = render_docx(sample_document(), media=MEDIA)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        check_golden("sample.document.xml", canonical_xml(zf.read("word/document.xml")), update_golden)
        check_golden("sample.custom.xml", canonical_xml(zf.read("docProps/custom.xml")), update_golden)
        furniture = sorted(n for n in zf.namelist() if re.fullmatch(r"word/(header|footer)\d+\.xml", n))
        check_golden("sample.headers-footers.xml",
                     "".join(f"<!-- {n} -->\n{canonical_xml(zf.read(n))}" for n in furniture),
                     update_golden)


def test_markdown_escapes_html_and_markdown_syntax():
    out = md_text(HOSTILE)
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "\\[x\\]\\(javascript:alert\\(1\\)\\)" in out


def test_typst_string_literals_cannot_break_out():
    assert typst_str('a"b\\c\n#read("/x")') == '"a\\"b\\\\c\\n#read(\\"/x\\")"'


def test_hostile_text_is_literal_in_typst_output():
    """Content reaches typst only inside string literals: the hostile text is one literal, and
    no unescaped call of it is left in the source."""
    source = typst_source(sample_document())
    assert '#read("/etc/passwd")' not in source
    assert "#" + typst_str("Plain text. " + HOSTILE) in source


def test_the_docx_writer_is_deterministic():
    from pmodocs.render.docx import render_docx

    assert render_docx(sample_document(), media=MEDIA) == render_docx(sample_document(), media=MEDIA)


def test_the_pdf_of_the_sample_is_tagged_and_keeps_the_hostile_text_literal():
    from pypdf import PdfReader

    from pmodocs.engines import typst_to_pdf
    from datetime import datetime

    pdf = typst_to_pdf(typst_source(sample_document()), when=datetime(2026, 11, 2), template="test")
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "#read(" in text and "<script>alert(1)</script>" in text
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert "Page 1 of" in text


@pytest.mark.parametrize("draft, marking", [(True, "DRAFT"), (False, "APPROVED")])
def test_docx_header_carries_number_version_and_marking(draft, marking):
    import docx

    from pmodocs.render.docx import render_docx

    word = docx.Document(io.BytesIO(render_docx(sample_document(draft), media=MEDIA)))
    header = word.sections[-1].header.paragraphs[0].text
    assert "TST-MO-SMP" in header and "Version 1.2" in header and marking in header


def test_chart_pictures_drawn_ahead_are_the_ones_the_docx_writer_asks_for(monkeypatch):
    """The build has typst draw Word's chart pictures on its thread pool before the DOCX writer
    needs them: the keys named ahead are exactly the writer's, and each is drawn once."""
    from concurrent.futures import ThreadPoolExecutor

    from pmodocs import media as media_module
    from pmodocs.render.docx import chart_pictures, render_docx
    from sample_tree import chart_document

    drawn: list[tuple[str, float]] = []
    real = media_module.chart_png
    monkeypatch.setattr(media_module, "chart_png",
                        lambda svg, width: (drawn.append((svg, width)), real(svg, width))[1])
    doc = chart_document()
    pictures = ChartPictures()
    with ThreadPoolExecutor(2) as pool:
        pictures.draw_ahead(chart_pictures(doc), pool.submit)
        pictures.draw_ahead(chart_pictures(doc), pool.submit)  # asked twice, drawn once
        data = render_docx(doc, media=pictures)
    assert len(drawn) == len(chart_pictures(doc)) == 1
    assert list(pictures) == chart_pictures(doc) and not pictures.ahead
    assert render_docx(doc, media=ChartPictures()) == data
