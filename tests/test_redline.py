"""Redlines: what changed since approval, as Word tracked changes, on the site and in the terminal.

The scenario: Denise approves the Communication Plan (which keeps a snapshot), then the author
rewrites a word of its purpose, changes a stakeholder's needs, removes one stakeholder, adds
another and swaps two principles. The redline must show exactly those changes.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import re
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

# the verbs run through pmodocs.cli.main in this process (test_cli.py runs the command line)
from conftest import EXAMPLE, edit_yaml, require_tool, run_here as run
from pmodocs.errors import ContentError
from pmodocs.load import load_content
from pmodocs.contentedit import record_approval
from pmodocs.media import ChartPictures
from pmodocs.signoff import fingerprint

MEDIA = ChartPictures()
"""Word's chart pictures, drawn by typst as the build draws them (shared by the tests here)."""

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
KIND = "communication"
AUTHOR = "Hannah Lindqvist"  # author of the current version's revision in communication.yaml
WHEN = "2026-11-02T00:00:00Z"  # the build's date (program.as_of): changes are shown as of now


def q(tag: str) -> str:
    return f"{{{W}}}{tag}"


# --- the scenario -------------------------------------------------------------------------------

def approve_then_edit(content_dir: Path) -> str:
    """Denise approves the current plan; then five edits. Returns the approved fingerprint."""
    record_approval(content_dir, KIND, "denise-carmichael", "approved", date(2026, 11, 2))
    approved = fingerprint(load_content(content_dir), KIND)

    def edit(d):
        d["control"]["purpose"] = d["control"]["purpose"].replace("keep each other informed",
                                                                  "keep one another informed")
        d["stakeholders"][0]["needs"] = "A two-page monthly summary with decisions needed."
        removed = d["stakeholders"].pop(2)
        d["stakeholders"].append({**removed, "role": "qa-manager", "interest": "Quality of releases",
                                  "needs": "Test results before each release."})
        d["principles"][0], d["principles"][1] = d["principles"][1], d["principles"][0]

    edit_yaml(content_dir / f"deliverables/{KIND}.yaml", edit)
    return approved


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory):
    """(content dir, approved fingerprint, redline, redline DOCX bytes, current and approved DOCX)."""
    import shutil

    from pmodocs.outputs import compose_program
    from pmodocs.redline import all_redlines
    from pmodocs.render.docx import render_docx
    from pmodocs.render.redline_docx import render_redline_docx

    content_dir = tmp_path_factory.mktemp("redline") / "content"
    shutil.copytree(EXAMPLE, content_dir)
    approved = approve_then_edit(content_dir)
    content = load_content(content_dir)
    docs, signoffs = compose_program(content)
    red = all_redlines(content, docs, signoffs)[KIND]
    return content_dir, approved, red, render_redline_docx(red, media=MEDIA), render_docx(red.new, media=MEDIA), render_docx(red.old, media=MEDIA)


def body(data: bytes) -> etree._Element:
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")).find(q("body"))


def marked(data: bytes, kind: str) -> list[str]:
    """The text of every w:ins or w:del run wrapper, in document order."""
    text = "t" if kind == "ins" else "delText"
    return ["".join(t.text or "" for t in el.iter(q(text))) for el in body(data).iter(q(kind))
            if el.getparent().tag not in (q("rPr"), q("trPr"))]


def marked_rows(data: bytes, kind: str) -> list[list[str]]:
    """Cell texts of every table row carrying a row-level w:ins / w:del mark."""
    text = "t" if kind == "ins" else "delText"
    rows = []
    for tr in body(data).iter(q("tr")):
        if tr.find(f"{q('trPr')}/{q(kind)}") is not None:
            rows.append(["".join(t.text or "" for t in tc.iter(q(text))) for tc in tr.iter(q("tc"))])
    return rows


def resolve(data: bytes, accept: bool) -> etree._Element:
    """What Word's "Accept all" (or "Reject all") leaves: done here on the XML, independently of
    pmodocs. Drop the losing side's runs, rows and paragraphs; unwrap the winning side."""
    b = copy.deepcopy(body(data))
    drop, keep = ("del", "ins") if accept else ("ins", "del")
    for tr in list(b.iter(q("tr"))):
        if tr.find(f"{q('trPr')}/{q(drop)}") is not None:
            tr.getparent().remove(tr)
    for el in list(b.iter(q(drop))):
        if el.getparent().tag not in (q("rPr"), q("trPr")):
            el.getparent().remove(el)
    for el in list(b.iter(q(keep))):
        parent = el.getparent()
        if parent.tag in (q("rPr"), q("trPr")):
            parent.remove(el)
            continue
        at = parent.index(el)
        for child in list(el):
            parent.insert(at, child)
            at += 1
        parent.remove(el)
    for t in b.iter(q("delText")):
        t.tag = q("t")
    for p in list(b.iter(q("p"))):
        if p.find(f"{q('pPr')}/{q('rPr')}/{q(drop)}") is not None:
            assert not "".join(p.itertext()).strip(), "a removed paragraph mark must end an empty paragraph"
            p.getparent().remove(p)
    for tbl in list(b.iter(q("tbl"))):
        if tbl.find(q("tr")) is None:
            tbl.getparent().remove(tbl)
    return b


def lines(b: etree._Element) -> list[str]:
    """Every paragraph's text (body and table cells), in order, plus the table shapes."""
    out = ["".join(t.text or "" for t in p.iter(q("t"))) for p in b.iter(q("p"))]
    return out + [f"table of {len(t.findall(q('tr')))} rows" for t in b.iter(q("tbl"))]


# --- snapshots ----------------------------------------------------------------------------------

def test_approve_keeps_the_approved_content_as_a_snapshot_named_by_its_fingerprint(scenario):
    content_dir, approved, *_ = scenario
    snapshot = content_dir / f"snapshots/{KIND}/{approved}.json"
    assert snapshot.is_file()
    assert hashlib.sha256(snapshot.read_bytes()).hexdigest() == approved  # exactly what is hashed
    tree = json.loads(snapshot.read_bytes())
    assert tree["type"] == "Document" and tree["meta"]["id"] == KIND


def test_the_example_snapshot_reproduces_the_recorded_approval():
    """communication's stale approval has its snapshot: the CCB met every Tuesday then."""
    from pmodocs.contenttree import tree_bytes
    from pmodocs.redline import load_snapshot

    content = load_content(EXAMPLE)
    record = next(r for r in content.approvals if r.deliverable == KIND)
    old = load_snapshot(content, KIND, record.fingerprint)
    assert hashlib.sha256(tree_bytes(old)).hexdigest() == record.fingerprint
    assert record.fingerprint != fingerprint(content, KIND)
    meetings = next(b for b in old.blocks if getattr(b, "kind", "") == "meetings"
                    or getattr(b, "caption", "") == "Meetings")
    ccb = next(r for r in meetings.rows if "Change Control Board" in " ".join(r))
    assert "Every Tuesday" in ccb


def test_a_tampered_snapshot_is_a_clean_content_error(content_copy):
    from pmodocs.outputs import compose_program
    from pmodocs.redline import all_redlines

    snapshot = next((content_copy / f"snapshots/{KIND}").glob("*.json"))
    snapshot.write_text(snapshot.read_text(encoding="utf-8").replace("Every Tuesday", "Daily"),
                        encoding="utf-8")
    content = load_content(content_copy)
    with pytest.raises(ContentError) as err:
        all_redlines(content, *compose_program(content))
    assert snapshot.name in str(err.value.problems[0]) and "was edited" in str(err.value.problems[0])
    result = run("diff", KIND, "--content", str(content_copy))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert snapshot.name in result.stderr and "restore it from version control" in result.stderr


# --- the redline DOCX ---------------------------------------------------------------------------

def test_a_changed_paragraph_is_marked_word_by_word(scenario):
    *_, data, _, _ = scenario
    assert " each other" in marked(data, "del")
    assert " one another" in marked(data, "ins")


def test_a_changed_table_cell_is_marked_inside_the_cell(scenario):
    *_, data, _, _ = scenario
    cells = [tc for tr in body(data).iter(q("tr")) for tc in tr.iter(q("tc"))
             if "two-page" in "".join(tc.itertext())]
    assert len(cells) == 1
    cell = cells[0]
    kept = "".join(t.text for t in cell.iter(q("t")) if t.getparent().getparent().tag != q("ins"))
    assert kept == "A monthly summary with decisions"  # the words both versions share
    assert [t.text for t in cell.iter(q("delText"))] == [" one-page",
                                                        " needed, risks over 15 and expenditure to date."]
    assert [t.text for el in cell.iter(q("ins")) for t in el.iter(q("t"))] == [" two-page", " needed."]
    row = cell.getparent()
    assert row.find(f"{q('trPr')}/{q('ins')}") is None and row.find(f"{q('trPr')}/{q('del')}") is None


def test_added_and_removed_rows_are_marked_at_row_level_and_in_their_cells(scenario):
    *_, data, _, _ = scenario
    added, removed = marked_rows(data, "ins"), marked_rows(data, "del")
    assert [r[0] for r in added] == ["QA Manager"]
    assert added[0][2] == "Quality of releases"
    assert [r[0] for r in removed] == ["Program Manager (Customer)"]
    assert "Delivery within authorised hours and service levels" in removed[0]


def test_a_reordered_list_shows_the_moved_item_removed_and_added(scenario):
    _, _, red, data, _, _ = scenario
    swapped = next(b for b in red.old.blocks if type(b).__name__ == "BulletList").items[:2]

    def whole_paragraphs(kind: str, text: str) -> list[str]:
        return ["".join(t.text for t in p.iter(q(text))) for p in body(data).iter(q("p"))
                if p.find(f"{q('pPr')}/{q('rPr')}/{q(kind)}") is not None]

    removed, added = whole_paragraphs("del", "delText"), whole_paragraphs("ins", "t")
    assert removed == added and len(removed) == 1 and removed[0] in swapped


def test_every_revision_has_the_current_versions_author_and_date_and_a_unique_id(scenario):
    *_, data, _, _ = scenario
    marks = [el for kind in ("ins", "del") for el in body(data).iter(q(kind))]
    assert len(marks) >= 10
    assert {el.get(q("author")) for el in marks} == {AUTHOR}
    assert {el.get(q("date")) for el in marks} == {WHEN}
    ids = [el.get(q("id")) for el in marks]
    assert len(set(ids)) == len(ids)


def test_accepting_all_changes_gives_the_current_document(scenario):
    *_, data, current, approved = scenario
    assert lines(resolve(data, accept=True)) == lines(body(current))
    assert lines(resolve(data, accept=True)) != lines(body(approved))


def test_rejecting_all_changes_gives_the_approved_document(scenario):
    *_, data, current, approved = scenario
    assert lines(resolve(data, accept=False)) == lines(body(approved))


def test_the_redline_keeps_the_documents_styles_headers_and_footers(scenario):
    *_, data, current, _ = scenario
    parts = zipfile.ZipFile(io.BytesIO(data))
    normal = zipfile.ZipFile(io.BytesIO(current))
    for name in ("word/styles.xml", "word/footer1.xml", "word/header1.xml", "docProps/custom.xml"):
        assert parts.read(name) == normal.read(name), name


def test_the_redline_is_byte_identical_across_renders(scenario):
    from pmodocs.render.redline_docx import render_redline_docx

    _, _, red, data, _, _ = scenario
    assert render_redline_docx(red, media=MEDIA) == data


@pytest.mark.slow  # LibreOffice
def test_libreoffice_opens_the_redline_and_reads_its_tracked_changes(scenario, tmp_path):
    soffice = require_tool("soffice", "LibreOffice must open the redline DOCX")
    *_, data, _, _ = scenario
    source = tmp_path / "redline.docx"
    source.write_bytes(data)
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "odt",
         "--outdir", str(tmp_path / "out"), str(source)], capture_output=True, text=True, timeout=180)
    converted = tmp_path / "out/redline.odt"
    assert result.returncode == 0 and converted.is_file(), result.stderr
    odf = etree.fromstring(zipfile.ZipFile(converted).read("content.xml"))
    ns = {"text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
          "dc": "http://purl.org/dc/elements/1.1/"}
    regions = odf.findall(".//text:tracked-changes/text:changed-region", ns)
    assert {c.text for c in odf.iterfind(".//text:changed-region//dc:creator", ns)} == {AUTHOR}
    assert {"insertion", "deletion"} <= {etree.QName(r[0]).localname for r in regions}
    deleted = " ".join("".join(r.itertext()) for r in odf.iterfind(".//text:deletion", ns))
    for text in marked(data, "del"):  # LibreOffice read every removal as a tracked deletion
        assert text.strip() in deleted, text


# --- the build, the site, packets ---------------------------------------------------------------

def test_the_build_writes_a_redline_only_for_deliverables_changed_since_approval(built_example):
    from pmodocs.signoff import all_signoffs

    stale = {k for k, so in all_signoffs(load_content(EXAMPLE)).items()
             if so.state == "changed since approval"}
    assert stale == {KIND}
    assert {p.stem for p in (built_example / "dist/redline").glob("*.docx")} == stale
    data = (built_example / f"dist/redline/{KIND}.docx").read_bytes()
    # what a reader sees change: the CCB now meets every second Tuesday, version 2.1 with its
    # date, status and revision; never the approval bookkeeping (state, fingerprint, decisions)
    ins, dels = marked(data, "ins"), marked(data, "del")
    assert " second" in ins and "2.1" in ins and "2.0" in dels
    assert any("every second Tuesday" in text for text in ins)  # the new revision's summary
    assert not any("Every Tuesday" in text for text in ins + dels)
    bookkeeping = ("earlier version, no longer counts", "Approved for release to the county",
                   "in review", "changed since approval", "approved", "pending")
    assert not [t for t in ins + dels if any(b in t for b in bookkeeping)]
    assert (built_example / f"site/downloads/{KIND}-redline.docx").read_bytes() == data


def test_the_site_page_shows_changes_since_approval(built_example):
    from pmodocs.compose.site import page_path

    page = (built_example / "site_src" / page_path(KIND)).read_text(encoding="utf-8")
    assert "## Changes since approval" in page
    assert 'Every<ins><span class="pm-change-label">[added] </span> second</ins> Tuesday' in page
    assert "[removed] </span>2.0" in page and f"{KIND}-redline.docx" in page
    changes = page.split("## Changes since approval")[1].split("\n## ")[0]
    marks = [visible for _, visible in re.findall(r"<(ins|del)>(.*?)</\1>", changes)]
    assert marks and not [m for m in marks if re.search(
        r"approved|pending|in review|changed since approval|no longer counts|[0-9a-f]{12}", m)]
    assert "Content fingerprint" not in changes and "Approval record" not in changes
    html = (built_example / "site" / page_path(KIND).replace(".md", ".html")).read_text(encoding="utf-8")
    assert 'id="changes-since-approval"' in html and "[added]" in html
    other = (built_example / "site_src" / page_path("risk")).read_text(encoding="utf-8")
    assert "Changes since approval" not in other


def test_packets_of_approvers_who_must_resign_include_the_redline(built_example):
    from pmodocs.packets import verify_packet

    resigns = built_example / "dist/packets/marisol-ortega"
    assert (resigns / f"{KIND}-redline.docx").read_bytes() == \
        (built_example / f"dist/redline/{KIND}.docx").read_bytes()
    manifest = json.loads((resigns / "manifest.json").read_text())
    entry = next(d for d in manifest["documents"] if d["id"] == KIND)
    assert entry["redline"] == f"{KIND}-redline.docx"
    assert f"{KIND}-redline.docx" in {f["path"] for f in manifest["files"]}
    assert verify_packet(resigns) == []
    first_time = built_example / "dist/packets/denise-carmichael"  # never signed: nothing to compare
    assert (first_time / f"{KIND}.docx").is_file()
    assert not (first_time / f"{KIND}-redline.docx").exists()


# --- pmodocs diff -------------------------------------------------------------------------------

def test_pmodocs_diff_prints_every_change_with_plain_markers(scenario):
    content_dir, approved, *_ = scenario
    result = run("diff", KIND, "--content", str(content_dir))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"approved: {approved[:12]}" in out
    assert "[- each other-]{+ one another+}" in out
    assert "+ row: {+QA Manager+} | {+customer+}" in out
    assert "- row: [-Program Manager (Customer)-] | [-customer-]" in out
    assert "Approval state: changed since approval." not in out  # unchanged lines are left out
    assert "~ row Executive Sponsor (Customer): Needs: A[- one-page-]{+ two-page+} monthly" in out
    assert "\x1b[" not in out  # no colour codes when piped


def test_pmodocs_diff_from_an_older_snapshot(scenario):
    content_dir, *_ = scenario
    kept = next((EXAMPLE / "snapshots" / KIND).glob("*.json")).stem  # the example's own snapshot
    result = run("diff", KIND, "--from", kept[:8], "--content", str(content_dir))
    assert result.returncode == 0, result.stderr
    assert f"approved: {kept[:12]}" in result.stdout and "Every{+ second+} Tuesday" in result.stdout


@pytest.mark.parametrize("args, message", [
    (["diff", "comms"], "'comms' is not a deliverable"),
    (["diff", KIND, "--from", "0123456789ab"], "no single snapshot matches --from '0123456789ab'"),
])
def test_pmodocs_diff_refuses_unknown_deliverables_and_fingerprints(args, message):
    result = run(*args, "--content", str(EXAMPLE))
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_pmodocs_diff_without_stale_approval_says_there_is_nothing_to_compare():
    result = run("diff", "risk", "--content", str(EXAMPLE))
    assert result.returncode == 0 and "no approval of other content" in result.stdout


def test_a_changed_chart_is_shown_removed_and_added_as_pictures(tmp_path):
    """A risk moves in the heat map: the old picture is marked removed, the new one added, and
    accepting or rejecting everything leaves exactly one Figure 1 picture."""
    import shutil

    from pmodocs.outputs import compose_program
    from pmodocs.redline import all_redlines
    from pmodocs.render.redline_docx import render_redline_docx

    content_dir = tmp_path / "content"
    shutil.copytree(EXAMPLE, content_dir)
    record_approval(content_dir, "risk", "marisol-ortega", "approved", date(2026, 11, 2))
    edit_yaml(content_dir / "deliverables/risk.yaml",
              lambda d: d["risks"][0].__setitem__("probability", 1 + d["risks"][0]["probability"] % 5))
    content = load_content(content_dir)
    docs, signoffs = compose_program(content)
    data = render_redline_docx(all_redlines(content, docs, signoffs)["risk"], media=MEDIA)

    def drawings(b: etree._Element) -> list[str]:
        return [d.find(f".//{{{WP}}}docPr").get("name") for d in b.iter(q("drawing"))]
    marks = {kind: [el for el in body(data).iter(q(kind)) if el.find(f".//{q('drawing')}") is not None]
             for kind in ("ins", "del")}
    assert len(marks["ins"]) == 1 and len(marks["del"]) == 1
    assert drawings(resolve(data, accept=True)) == ["Logo", "Figure 1"]
    assert drawings(resolve(data, accept=False)) == ["Logo", "Figure 1"]


def test_the_redline_is_dated_by_the_build_not_by_an_older_revision(monkeypatch):
    from pmodocs.outputs import compose_program
    from pmodocs.redline import all_redlines

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1794960000")  # 2026-11-18
    content = load_content(EXAMPLE)
    docs, signoffs = compose_program(content)
    red = all_redlines(content, docs, signoffs)[KIND]
    approved_on = max(r.date for r in content.approvals if r.deliverable == KIND)
    assert red.date == date(2026, 11, 18) and red.date > approved_on
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    content = load_content(EXAMPLE)
    docs, signoffs = compose_program(content)
    assert all_redlines(content, docs, signoffs)[KIND].date == content.program.as_of
