"""Accessible, archival PDF deliverables (PDF/UA-1 and PDF/A-2a), read back with pikepdf,
poppler and qpdf; and the same words in the PDF as in the DOCX."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from conftest import EXAMPLE, ROOT, edit_yaml, pdf_pages, pdf_text, require_tool, run
from pmodocs.outputs import compose_program
from pmodocs.document import ApprovalPage, Document
from pmodocs.engines import typst_to_pdf
from pmodocs.media import typst_source
from pmodocs.errors import RenderError
from pmodocs.load import load_content
from pmodocs.model import DELIVERABLE_KINDS
from pmodocs.render.typst import render_typst
from sample_tree import CHART_ALT, chart_document

KINDS = list(DELIVERABLE_KINDS)
LETTER, A4 = (612, 792), (595.28, 841.89)


@pytest.fixture(scope="module")
def documents():
    docs, _ = compose_program(load_content(EXAMPLE))
    return docs


def pdf_path(built: Path, kind: str) -> Path:
    return built / "dist/pdf" / f"{kind}.pdf"


def render_pdf(doc: Document) -> bytes:
    return typst_to_pdf(typst_source(doc),
                        when=datetime(2026, 11, 2), template="test")


def struct_types(pdf) -> Counter:
    """How many structure elements of each type (/H1, /Table, /TH …) the tag tree holds."""
    import pikepdf

    counts: Counter = Counter()
    stack = [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if not isinstance(node, pikepdf.Dictionary):
            continue
        if "/S" in node:
            counts[str(node.S)] += 1
        kids = node.get("/K")
        stack.extend(kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else [])
    return counts


def figures(pdf) -> list[str]:
    """The alt text of every /Figure structure element."""
    import pikepdf

    alts, stack = [], [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if not isinstance(node, pikepdf.Dictionary):
            continue
        if node.get("/S") == "/Figure":
            alts.append(str(node.get("/Alt", "")))
        kids = node.get("/K")
        stack.extend(kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else [])
    return alts


# --- PDF/UA-1 and PDF/A-2a ------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_every_pdf_is_tagged_pdf_ua_1_and_pdf_a_2a(built_example, documents, kind):
    import pikepdf

    m = documents[kind].meta
    with pikepdf.open(pdf_path(built_example, kind)) as pdf:
        assert "/StructTreeRoot" in pdf.Root and pdf.Root.MarkInfo.Marked
        assert str(pdf.Root.Lang) == m.language
        assert pdf.Root.ViewerPreferences.DisplayDocTitle  # the title, not the file name
        xmp = pdf.open_metadata()
        assert xmp.get("dc:title") == m.title
        assert (xmp.get("pdfaid:part"), xmp.get("pdfaid:conformance")) == ("2", "A")
        assert xmp.get("pdfuaid:part") == "1"


@pytest.mark.parametrize("kind", KINDS)
def test_bookmarks_are_the_headings_of_the_document(built_example, documents, kind):
    import pikepdf

    found: list[tuple[int, str]] = []

    def walk(items, level: int) -> None:
        for item in items:
            found.append((level, item.title))
            walk(item.children, level + 1)

    with pikepdf.open(pdf_path(built_example, kind)) as pdf, pdf.open_outline() as outline:
        walk(outline.root, 1)
    assert found == [(h.level, h.text) for h in documents[kind].headings()]


@pytest.mark.parametrize("kind", KINDS)
def test_table_header_cells_are_tagged_as_headers(built_example, documents, kind):
    import pikepdf

    doc = documents[kind]
    approvers = sum(len(b.entries) for b in doc.blocks if isinstance(b, ApprovalPage))
    with pikepdf.open(pdf_path(built_example, kind)) as pdf:
        tags = struct_types(pdf)
    title_page = 1  # the title page's table: Item | Entry
    assert tags["/TH"] == sum(len(t.columns) for t in doc.tables()) + 2 * (approvers + title_page)
    assert tags["/THead"] == len(doc.tables()) + approvers + title_page


@pytest.mark.parametrize("kind", KINDS)
def test_the_title_page_logo_carries_alt_text(built_example, documents, kind):
    import pikepdf

    with pikepdf.open(pdf_path(built_example, kind)) as pdf:
        assert f"{documents[kind].meta.program} logo" in figures(pdf)


def fills(pdf) -> int:
    """How many filled vector paths the pages draw."""
    import pikepdf

    return sum(1 for page in pdf.pages for _, op in pikepdf.parse_content_stream(page)
               if str(op) in ("f", "f*", "B", "B*"))


def test_charts_are_vector_graphics_with_alt_text():
    import io

    import pikepdf

    with_chart = chart_document()
    without = Document(with_chart.meta, tuple(b for b in with_chart.blocks
                                              if type(b).__name__ != "Chart"))
    with pikepdf.open(io.BytesIO(render_pdf(with_chart))) as pdf, \
            pikepdf.open(io.BytesIO(render_pdf(without))) as plain:
        assert CHART_ALT in figures(pdf)
        assert not any(o.get("/Subtype") == "/Image" for o in pdf.objects
                       if isinstance(o, pikepdf.Stream)), "chart embedded as a raster image"
        assert fills(pdf) >= fills(plain) + 3  # the three bars, drawn as paths


# --- fonts, structure, poppler and qpdf -----------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_pdffonts_shows_every_font_embedded(built_example, kind):
    pdffonts = require_tool("pdffonts", "lists PDF fonts; Debian package poppler-utils")
    lines = subprocess.run([pdffonts, str(pdf_path(built_example, kind))], capture_output=True,
                           text=True, check=True).stdout.splitlines()[2:]
    assert lines
    for line in lines:
        emb = re.split(r"\s+", line[line.index(" ", 36):].strip())
        assert "yes" == emb[-5], line  # columns: ... emb sub uni object ID


@pytest.mark.parametrize("kind", KINDS)
def test_qpdf_check_passes(built_example, kind):
    qpdf = require_tool("qpdf", "checks PDF structure; Debian package qpdf")
    result = subprocess.run([qpdf, "--check", str(pdf_path(built_example, kind))],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("kind", KINDS)
def test_every_page_says_page_x_of_y_and_the_approval_page_comes_last(
        built_example, documents, kind):
    m = documents[kind].meta
    pages = pdf_pages(pdf_path(built_example, kind))
    squashed = [" ".join(p.split()) for p in pages]
    assert m.title in squashed[0] and m.number in squashed[0]
    assert squashed[1].count("Contents") >= 1
    for number, text in enumerate(squashed, start=1):
        assert f"Page {number} of {len(pages)}" in text, (kind, number)
        if number > 1:
            marking = "DRAFT" if m.is_draft else "APPROVED"
            assert f"{m.number} · {m.title} · Version {m.version} · {marking}" in text
    approval = next(i for i, p in enumerate(squashed) if "By signing, each approver" in p)
    assert "Approval" in squashed[approval] and "Signature" in " ".join(squashed[approval:])


def test_accented_names_are_set_in_an_embedded_font_that_covers_them(built_example):
    text = " ".join(" ".join(pdf_pages(pdf_path(built_example, "charter"))).split())
    assert "José Núñez" in text


def test_wide_tables_go_on_landscape_pages(built_example, documents):
    import pikepdf

    doc = documents["risk"]
    wide = [t.caption for t in doc.tables() if t.wide]
    assert wide
    pages = pdf_pages(pdf_path(built_example, "risk"))
    with pikepdf.open(pdf_path(built_example, "risk")) as pdf:
        sizes = [tuple(round(float(v)) for v in p.mediabox[2:]) for p in pdf.pages]
    for caption in wide:
        page = next(i for i, text in enumerate(pages)
                    if re.search(rf"Table \d+: {re.escape(caption)}", " ".join(text.split())))
        assert sizes[page] == (LETTER[1], LETTER[0]), caption


# --- paper size -----------------------------------------------------------------------------

def test_pages_are_letter_by_default(built_example):
    import pikepdf

    with pikepdf.open(pdf_path(built_example, "charter")) as pdf:
        assert tuple(round(float(v)) for v in pdf.pages[0].mediabox[2:]) == LETTER


def test_program_paper_a4_gives_a4_pages(content_copy):
    import io

    import pikepdf

    edit_yaml(content_copy / "program.yaml", lambda d: d["program"].__setitem__("paper", "a4"))
    docs, _ = compose_program(load_content(content_copy))
    assert docs["risk"].meta.paper == "a4"
    with pikepdf.open(io.BytesIO(render_pdf(docs["risk"]))) as pdf:
        sizes = {tuple(round(float(v), 2) for v in p.mediabox[2:]) for p in pdf.pages}
    assert sizes == {A4, (A4[1], A4[0])}  # portrait and the landscape risk register


# --- the same words as the DOCX -------------------------------------------------------------

def docx_text(path: Path) -> str:
    """Every paragraph and table cell of a DOCX, in body order."""
    import docx

    word = docx.Document(str(path))
    cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in word.paragraphs] + cells)


def comparable(text: str) -> str:
    """Text with whitespace removed and typographic quotes made plain: a cell broken over two
    lines (or after a hyphen) in one format must still match the other."""
    for curly, plain in (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"')):
        text = text.replace(curly, plain)
    return "".join(text.split())


@pytest.mark.parametrize("kind", KINDS)
def test_the_docx_and_the_pdf_hold_the_same_headings_and_table_cells(
        built_example, documents, kind):
    doc = documents[kind]
    in_docx = comparable(docx_text(built_example / "dist/docx" / f"{kind}.docx"))
    in_pdf = comparable(" ".join(pdf_pages(pdf_path(built_example, kind))))
    words = [h.text for h in doc.headings()]
    words += [cell for t in doc.tables() for row in (t.columns, *t.rows) for cell in row if cell]
    missing_docx = [w for w in words if comparable(w) not in in_docx]
    missing_pdf = [w for w in words if comparable(w) not in in_pdf]
    assert not missing_docx, missing_docx[:5]
    assert not missing_pdf, missing_pdf[:5]


# --- a broken template ----------------------------------------------------------------------

@pytest.fixture
def broken_templates(tmp_path, monkeypatch):
    """A copy of templates/ whose deliverable.typ.j2 the test breaks, selected by PMODOCS_TEMPLATES."""
    from pmodocs.paths import templates_dir

    copy = tmp_path / "templates"
    shutil.copytree(templates_dir(), copy)
    monkeypatch.setenv("PMODOCS_TEMPLATES", str(copy))
    return copy / "typst/deliverable.typ.j2"


def test_a_typst_error_in_the_template_names_the_template_and_typst_message(broken_templates):
    from pmodocs.outputs import document_files

    source = broken_templates.read_text(encoding="utf-8")
    broken_templates.write_text(source.replace("#pagebreak()", "#pagebreak(nonsense)", 1),
                                encoding="utf-8")
    content = load_content(EXAMPLE)
    docs, _ = compose_program(content)
    with pytest.raises(RenderError) as caught:
        document_files(content, {"charter": docs["charter"]}, lambda _: None)
    message = str(caught.value)
    assert str(broken_templates) in message and "charter" in message
    assert "unknown variable: nonsense" in message and "#pagebreak(nonsense)" in message


def test_a_jinja_error_in_the_template_names_the_template_and_line(broken_templates):
    source = broken_templates.read_text(encoding="utf-8")
    broken_templates.write_text(source + "{% if %}\n", encoding="utf-8")
    line = source.count("\n") + 1
    with pytest.raises(RenderError, match=rf"{re.escape(str(broken_templates))}:{line}\b"):
        render_typst(chart_document(), "", broken_templates.read_text(encoding="utf-8"),
                     str(broken_templates))


def test_the_page_template_compiles_once_for_every_document_and_anew_when_edited(
        broken_templates, monkeypatch):
    import jinja2

    compiled: list[str] = []
    compile_source = jinja2.Environment.from_string
    monkeypatch.setattr(jinja2.Environment, "from_string",
                        lambda env, source, *a, **k: compiled.append(source)
                        or compile_source(env, source, *a, **k))
    docs, _ = compose_program(load_content(EXAMPLE))
    source = broken_templates.read_text(encoding="utf-8")
    broken_templates.write_text(source + "// first\n", encoding="utf-8")
    first = [typst_source(docs[kind]) for kind in ("charter", "risk", "quality")]
    assert len(compiled) == 1 and all(s.endswith("// first\n") for s in first)
    broken_templates.write_text(source + "// second\n", encoding="utf-8")  # as serve would see it
    assert typst_source(docs["charter"]).endswith("// second\n") and len(compiled) == 2
    assert "title" in first[0] and first[0] != first[1]


def test_the_cli_reports_a_broken_template_without_a_traceback(broken_templates, tmp_path):
    source = broken_templates.read_text(encoding="utf-8")
    broken_templates.write_text(source.replace("#pagebreak()", "#pagebreak(nonsense)", 1),
                                encoding="utf-8")
    result = run("build", "--content", str(EXAMPLE), "--out", str(tmp_path / "out"), "--quiet",
                 timeout=120)
    assert result.returncode == 4, result.stderr
    assert "Traceback" not in result.stderr
    assert str(broken_templates) in result.stderr and "unknown variable: nonsense" in result.stderr
    assert not (tmp_path / "out/dist").exists()


# --- characters stay themselves; every script the fonts cover; long rows split ----------------

LONG_RESPONSE = " ".join(f"Step {n}: call desk ext-{n:04d} and record ticket -{n:04d} in the log."
                         for n in range(1, 16))
NAMES = {"chinese": "王秀英", "arabic": "فاطمة الزهراء", "greek": "Ευχαριστώ", "cyrillic": "Пётр Ильич"}


def require_noto() -> None:
    """Skip (or fail under PMODOCS_REQUIRE_TOOLS=1) when Debian's Noto fonts are missing."""
    import os

    from pmodocs import fonts

    if len(fonts.font_files(fonts.FALLBACK_FILES)) < len(fonts.FALLBACK_FILES):
        message = "PDF fonts missing: apt-get install fonts-noto-core fonts-droid-fallback"
        if os.environ.get("PMODOCS_REQUIRE_TOOLS") == "1":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def international_pdf(tmp_path_factory):
    """The risk plan with a 15-step response, a hyphenated number and names in four scripts."""
    require_noto()
    content = tmp_path_factory.mktemp("intl") / "content"
    shutil.copytree(EXAMPLE, content)

    def change(d):
        d["risks"][0]["response"] = LONG_RESPONSE
        d["risks"][1]["title"] = "Form DFA-0042 and code -0042 are lost... or not"
        d["risks"][2]["title"] = " · ".join(NAMES.values())
    edit_yaml(content / "deliverables/risk.yaml", change)
    loaded = load_content(content)
    from pmodocs.checks import run_checks

    assert not [p for p in run_checks(loaded) if p.severity == "error"]
    docs, _ = compose_program(loaded)
    path = tmp_path_factory.mktemp("intl-pdf") / "risk.pdf"
    path.write_bytes(render_pdf(docs["risk"]))
    return path


def test_hyphens_before_digits_and_dots_stay_the_characters_the_content_has(international_pdf):
    text = " ".join(pdf_pages(international_pdf))
    assert "DFA-0042 and code -0042 are lost... or not" in " ".join(text.split())
    assert "\u2212" not in text and "\u2026" not in text


def test_a_row_longer_than_a_page_continues_on_the_next_page_with_nothing_lost(international_pdf):
    pages = pdf_pages(international_pdf)
    text = " ".join(" ".join(pages).split())
    for n in range(1, 16):
        assert f"ticket -{n:04d} in the log." in text, n
    first = next(i for i, p in enumerate(pages) if "Step 1:" in p)
    last = next(i for i, p in enumerate(pages) if "Step 15:" in p)
    assert first <= last


def test_chinese_arabic_greek_and_cyrillic_names_are_drawn_in_embedded_noto_fonts(international_pdf):
    require_tool("pdffonts", "lists PDF fonts; Debian package poppler-utils")
    text = " ".join(pdf_pages(international_pdf))
    for script, name in NAMES.items():
        # pdftotext gives right-to-left text in visual order; compare the letters
        if script == "arabic":
            assert all(word in text or word[::-1] in text for word in name.split()), script
        else:
            assert name in text, script
    fonts = subprocess.run(["pdffonts", str(international_pdf)], capture_output=True, text=True).stdout
    assert "DroidSansFallback" in fonts and "NotoNaskhArabic" in fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:]), fonts


def test_every_table_has_header_cells_including_the_title_page(built_example):
    import pikepdf

    with pikepdf.open(pdf_path(built_example, "charter")) as pdf:
        tags = struct_types(pdf)
        tables = tags["/Table"]
        # each table's first row is made of TH cells (the title page's too)
        assert tags["/TH"] >= 2 * tables, tags
        first_page = pdf.pages[0].obj
        heads = [n for n in _struct_nodes(pdf) if n.get("/S") == "/TH" and n.get("/Pg") == first_page]
        assert heads, "the title-page table has no TH cells"


def _struct_nodes(pdf):
    import pikepdf

    stack = [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if not isinstance(node, pikepdf.Dictionary):
            continue
        yield node
        kids = node.get("/K")
        stack.extend(kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else [])


@pytest.mark.parametrize("text", ["Launch party 🎉", "Reserved \U000E0080 here"])
def test_check_refuses_text_no_pdf_font_can_draw_with_file_and_line(content_copy, text):
    require_noto()
    from pmodocs.checks import run_checks

    edit_yaml(content_copy / "deliverables/risk.yaml",
              lambda d: d["risks"][3].__setitem__("title", text))
    problems = [p for p in run_checks(load_content(content_copy)) if p.severity == "error"]
    assert len(problems) == 1, problems
    p = problems[0]
    assert p.file.endswith("risk.yaml") and p.field == "risks[3].title" and p.line > 1
    lines = (content_copy / "deliverables/risk.yaml").read_text(encoding="utf-8").splitlines()
    assert text in lines[p.line - 1]
    odd = next(c for c in text if not c.isascii())
    assert f"U+{ord(odd):04X}" in p.message


def test_font_coverage_comes_from_the_installed_fonts_and_is_cached(tmp_path, monkeypatch):
    from pmodocs import fonts

    require_noto()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    fonts.coverage.cache_clear()
    try:
        have = fonts.coverage()
        assert {ord("王"), ord("ف"), ord("Ω"), ord("Ж")} <= have and ord("🎉") not in have
        assert list((tmp_path / "pmodocs").glob("font-coverage-*.json"))
    finally:
        fonts.coverage.cache_clear()


# --- page-validation: PDF/UA-1 and PDF/A-2a -------------------------------------------------

def assert_valid(path: Path) -> None:
    page = pytest.importorskip("page", reason="pip install page-validation")
    for profile in ("ua1", "2a"):
        result = page.validate_pdf(str(path), profile=profile)
        assert result.is_compliant, (path.name, profile, [str(f) for f in result.failures][:10])


@pytest.mark.parametrize("kind", KINDS)
def test_every_pdf_passes_page_validation_for_pdf_ua_1_and_pdf_a_2a(built_example, kind):
    assert_valid(pdf_path(built_example, kind))


def test_a_pdf_with_cjk_arabic_and_split_rows_passes_page_validation(international_pdf):
    assert_valid(international_pdf)


# --- the typst writer against pandoc's ------------------------------------------------------

@pytest.mark.parametrize("program", ["content", "examples/federal"])
def test_every_pdf_is_the_one_pandocs_typst_writer_gives(program):
    """pmodocs writes the typst body itself (every value a string literal) instead of running
    pandoc for each PDF; on both example programs the PDFs are byte for byte the ones pandoc's
    typst writer gives (tests/pandoc_oracle.py), so nothing a reader sees changed."""
    from pandoc_oracle import pandoc_body
    from pmodocs.render.typst import typst_template

    template = typst_template().read_text(encoding="utf-8")
    docs, _ = compose_program(load_content(ROOT / program))
    for kind, doc in docs.items():
        ours = render_pdf(doc)
        theirs = typst_to_pdf(render_typst(doc, pandoc_body(doc), template),
                              when=datetime(2026, 11, 2), template="test")
        assert ours == theirs, f"{program}: the PDF of {kind} differs from pandoc's"


def test_text_pandocs_writer_mangled_stays_the_text_the_content_has(tmp_path):
    """What pandoc's typst writer did not escape (a `12. ` after a line break became a numbered
    list item, a `= ` in a list item a heading marker) and tabs (shown as spaces) come out as
    the content has them."""
    from dataclasses import replace

    from pmodocs.document import BulletList, Heading, Paragraph
    from sample_tree import sample_document

    base = sample_document()
    doc = replace(base, blocks=(Heading(1, "Odd text"),
                                Paragraph("12. twelve\n3. three and a\ttab"),
                                BulletList(("= not a heading", "== nor this", "+ nor a list")),
                                *base.blocks))
    path = tmp_path / "odd.pdf"
    path.write_bytes(render_pdf(doc))
    text = " ".join(pdf_text(path).split())
    assert "12. twelve 3. three and a tab" in text, text
    for item in ("= not a heading", "== nor this", "+ nor a list"):
        assert item in text, item


def test_a_scratch_folder_that_cannot_be_made_is_a_clear_error_and_publishes_nothing(
        tmp_path, monkeypatch):
    """typst compiles each PDF from a private scratch folder; when none can be made (a full
    disk, an unwritable TMPDIR) the build says so and what to do, without a traceback."""
    import tempfile

    from conftest import run_here
    from pmodocs import files

    real = tempfile.mkdtemp

    def full(*args, **kwargs):
        if str(kwargs.get("prefix", "")).startswith("pmodocs-scratch"):
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(files, "_scratch", {})
    monkeypatch.setattr(tempfile, "mkdtemp", full)
    result = run_here("build", "--content", str(EXAMPLE), "--out", str(tmp_path / "out"))
    assert result.returncode == 4, result.stderr
    assert "scratch folder" in result.stderr and "TMPDIR" in result.stderr
    assert "No space left on device" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "dist").exists()


def test_a_full_disk_or_a_forbidden_folder_is_the_systems_error_not_a_bug(tmp_path, monkeypatch):
    """An error the machine gives (no space, no permission) says what and where, exits 8 and
    does not call itself a bug in pmodocs."""
    import tempfile

    from conftest import run_here

    def full(*_args, **kwargs):
        raise OSError(28, "No space left on device", str(kwargs.get("dir") or "/tmp"))

    monkeypatch.setattr(tempfile, "mkdtemp", full)
    out = tmp_path / "out"
    result = run_here("build", "--content", str(EXAMPLE), "--out", str(out))
    assert result.returncode == 8, result.stderr
    assert "No space left on device" in result.stderr and str(out) in result.stderr
    assert "bug" not in result.stderr and "Traceback" not in result.stderr
    assert not (out / "dist").exists()


def test_a_build_leaves_no_scratch_folder_behind(tmp_path):
    """The `pmodocs` command ends with os._exit (no exit handlers run), so it removes typst's
    scratch folder itself before."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    result = run("build", "--content", str(EXAMPLE), "--out", str(tmp_path / "out"),
                 env={"TMPDIR": str(scratch)})
    assert result.returncode == 0, result.stderr
    assert list(scratch.iterdir()) == []


@pytest.mark.slow  # a portfolio build, with worker processes
def test_a_portfolio_build_and_its_workers_leave_no_scratch_folder_behind(tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    programs = tmp_path / "programs"
    shutil.copytree(EXAMPLE, programs / "alpha")
    shutil.copytree(ROOT / "examples/federal", programs / "beta")
    result = run("build", "--content", str(programs), "--out", str(tmp_path / "out"),
                 env={"TMPDIR": str(scratch)})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out/dist/beta/pdf/charter.pdf").is_file()
    assert list(scratch.iterdir()) == []


def test_the_pdfs_start_largest_document_first_and_are_reported_in_document_order(monkeypatch):
    """document_files starts the PDFs largest document first (so the last to finish are short
    ones); the files and the progress events still come in the documents' own order."""
    from pmodocs import outputs

    content = load_content(EXAMPLE)
    docs, _ = compose_program(content)
    order = outputs.largest_first(docs)
    sizes = [len(repr(docs[kind])) for kind in order]
    assert sorted(order) == sorted(docs) and sizes == sorted(sizes, reverse=True)
    assert order[0] == "mo-plan" and order != list(docs)
    started: list[str] = []
    monkeypatch.setattr(outputs._Renderer, "pdf",
                        lambda self, kind, doc: (started.append(kind), (b"%PDF", False))[1])
    monkeypatch.setattr(outputs._Renderer, "docx", lambda self, doc: (b"PK", False))
    events: list[str] = []
    files = outputs.document_files(content, docs, events.append, pdf_threads=1)
    assert started == order
    assert events == [f"rendered:{kind}" for kind in docs]
    assert [p for p in files if p.startswith("dist/pdf/")] == [f"dist/pdf/{k}.pdf" for k in docs]
