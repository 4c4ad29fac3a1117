"""End to end: the example program built into site, DOCX and PDF that agree with each other."""

from __future__ import annotations

import subprocess

import pytest

from conftest import EPOCH, EXAMPLE, edit_yaml, pdf_text, require_tool, tree_digest
from pmodocs.outputs import compose_program
from pmodocs.errors import ContentError
from pmodocs.load import load_content
from pmodocs.model import DELIVERABLE_KINDS

KINDS = list(DELIVERABLE_KINDS)


@pytest.fixture(scope="module")
def documents():
    docs, _ = compose_program(load_content(EXAMPLE))
    return docs


def squash(text: str) -> str:
    return " ".join(text.split())


def test_every_deliverable_is_published_in_all_three_formats(built_example):
    for kind in KINDS:
        assert (built_example / "dist/docx" / f"{kind}.docx").stat().st_size > 10_000
        assert (built_example / "dist/pdf" / f"{kind}.pdf").read_bytes().startswith(b"%PDF-")
        assert (built_example / "site" / _site_html(kind)).is_file()
    assert (built_example / "site/index.html").is_file()
    assert (built_example / "mkdocs.yml").is_file()


def _site_html(kind: str) -> str:
    from pmodocs.compose.site import page_path

    return page_path(kind).replace(".md", ".html")


@pytest.mark.parametrize("kind", KINDS)
def test_the_docx_holds_every_heading_and_table_of_the_document(built_example, documents, kind):
    import docx

    word = docx.Document(str(built_example / "dist/docx" / f"{kind}.docx"))
    headings = [(p.style.name, p.text) for p in word.paragraphs if p.style.name.startswith("Heading")]
    for h in documents[kind].headings():
        assert (f"Heading {min(h.level, 3)}", h.text) in headings
    cells = {cell.text for table in word.tables for row in table.rows for cell in row.cells}
    legend = " ".join(p.text for p in word.paragraphs if p.text.startswith("Roles: "))
    for table in documents[kind].tables():
        if table.kind == "raci":  # role codes head the letter columns; a legend names the roles
            from pmodocs.render.docx import role_codes

            codes = role_codes(table.columns[2:])
            assert set(table.columns[:2]) | set(codes) <= cells
            assert all(f"{c} = {r}" in legend for c, r in zip(codes, table.columns[2:]))
        else:
            assert set(table.columns) <= cells
        for row in table.rows:
            assert set(c for c in row if c) <= cells, (table.caption, row)
    assert word.core_properties.title == documents[kind].meta.title


@pytest.mark.parametrize("kind", KINDS)
def test_the_pdf_holds_the_headings_and_table_text_of_the_document(built_example, documents, kind):
    text = squash(pdf_text(built_example / "dist/pdf" / f"{kind}.pdf"))
    doc = documents[kind]
    assert doc.meta.title in text and doc.meta.number in text
    assert "Page 1 of" in text and "Approval" in text
    for h in doc.headings():
        assert squash(h.text) in text
    first_cells = [row[0] for t in doc.tables() for row in t.rows if row and len(row[0]) < 25]
    missing = [c for c in first_cells if squash(c) not in text]
    assert not missing, missing[:5]


def test_the_pdf_is_tagged_accessible_and_archival(built_example):
    import pikepdf

    with pikepdf.open(built_example / "dist/pdf/charter.pdf") as pdf:
        assert "/StructTreeRoot" in pdf.Root and pdf.Root.MarkInfo.Marked
        assert str(pdf.Root.Lang).startswith("en")
        xmp = pdf.open_metadata()
        assert xmp.get("pdfaid:part") == "2" and xmp.get("pdfaid:conformance") == "A"
        assert xmp.get("pdfuaid:part") == "1"


def test_the_site_pages_show_state_and_link_their_downloads(built_example):
    html = (built_example / "site" / _site_html("risk")).read_text(encoding="utf-8")
    assert "Risk register" in html and "pm-badge" in html
    assert 'href="../downloads/risk.docx"' in html and 'href="../downloads/risk.pdf"' in html
    assert (built_example / "site/downloads/risk.pdf").is_file()
    home = (built_example / "site/index.html").read_text(encoding="utf-8")
    for doc in load_content(EXAMPLE).deliverables.values():
        assert doc.control.title.replace("&", "&amp;") in home


def test_the_site_makes_no_request_to_an_outside_host(built_example):
    for page in (built_example / "site").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "fonts.googleapis.com" not in html and "fonts.gstatic.com" not in html, page


def test_the_published_pdf_passes_qpdf_check(built_example):
    qpdf = require_tool("qpdf", "checks PDF structure")
    result = subprocess.run([qpdf, "--check", str(built_example / "dist/pdf/governance.pdf")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_failed_build_leaves_the_published_outputs_untouched(built_example, content_copy, tmp_path):
    import shutil

    from pmodocs.pipeline import build

    out = tmp_path / "out"
    shutil.copytree(built_example, out)
    before = tree_digest(out)
    edit_yaml(content_copy / "deliverables/risk.yaml", lambda d: d["risks"][0].__setitem__("owner", "x"))
    with pytest.raises(ContentError):
        build(content_copy, out)
    assert tree_digest(out) == before


def test_two_builds_of_the_same_content_are_byte_identical(built_example, rebuilt_example):
    # one by the command line, one by pipeline.build in another process, in other folders
    first, second = tree_digest(built_example), tree_digest(rebuilt_example)
    assert first == second


@pytest.mark.slow  # two more whole builds
def test_builds_with_the_same_source_date_epoch_are_byte_identical_everywhere(
        epoch_example, tmp_path, monkeypatch):
    """Different folders and processes, same SOURCE_DATE_EPOCH: every file identical; the site
    is dated by it. One build is cold, the other rebuilt over a build without the epoch."""
    from pmodocs.pipeline import build

    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    build(EXAMPLE, tmp_path / "somewhere" / "else" / "b")
    first, second = tree_digest(epoch_example.out), tree_digest(tmp_path / "somewhere/else/b")
    assert first == second
    for must in ("site/sitemap.xml", "site/sitemap.xml.gz", "site/search/search_index.json",
                 "site/index.html", "mkdocs.yml", "dist/docx/risk.docx", "dist/pdf/risk.pdf"):
        assert must in first, must
    assert any(f.startswith("site_src/") for f in first)
    gzip_header = (tmp_path / "somewhere/else/b/site/sitemap.xml.gz").read_bytes()[:8]
    assert int.from_bytes(gzip_header[4:8], "little") == EPOCH, "the gzip time is the epoch"
