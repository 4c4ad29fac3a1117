"""Behaviours that once had no test: each test here fails when the line that does it is broken.

Found by breaking single lines of the source (mutation testing): the whole suite stayed green
for each of these, so each now has a test of its own that names what it guards.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
from datetime import date
from pathlib import Path

import pytest

# the verbs run through pmodocs.cli.main in this process (test_cli.py runs the command line)
from conftest import ROOT, edit_yaml, run_here as run
from pmodocs.load import load_content
from pmodocs.pipeline import build
from pmodocs.contentedit import record_approval
from pmodocs.signoff import signoff


# --- sign-off -------------------------------------------------------------------------------

@pytest.mark.parametrize("first, second", [("approved", "rejected"), ("rejected", "approved")])
def test_of_two_decisions_by_one_approver_on_one_day_the_later_one_counts(content_copy, first, second):
    day = date(2026, 11, 2)
    record_approval(content_copy, "launch-agenda", "marisol-ortega", "approved", day)
    record_approval(content_copy, "launch-agenda", "denise-carmichael", first, day, "first")
    record_approval(content_copy, "launch-agenda", "denise-carmichael", second, day, "second")
    so = signoff(load_content(content_copy), "launch-agenda")
    denise = next(a for a in so.approvers if a.person == "denise-carmichael")
    assert denise.decision == second and denise.comment == "second"
    assert so.state == ("approved" if second == "approved" else "rejected")


def test_verify_refuses_a_packet_whose_docx_is_not_the_content_its_manifest_sends(built_example,
                                                                                    tmp_path):
    """Every hash can be made to agree again; the fingerprint inside each DOCX is what proves
    which content the approver is asked about."""
    source = next(p for p in sorted((built_example / "dist/packets").iterdir()) if p.is_dir())
    folder = tmp_path / source.name
    shutil.copytree(source, folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    sent = manifest["documents"][0]
    sent["fingerprint"] = "0" * 64
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    sums = []
    for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        _, _, name = line.partition("  ")
        sums.append(f"{hashlib.sha256((folder / name).read_bytes()).hexdigest()}  {name}")
    (folder / "SHA256SUMS").write_text("\n".join(sums) + "\n", encoding="utf-8")
    result = run("verify", str(folder))
    assert result.returncode == 7, result.stdout + result.stderr
    assert f"{sent['file']}: carries fingerprint" in result.stderr


# --- checks ---------------------------------------------------------------------------------

def test_a_raci_activity_with_no_accountable_role_is_refused(content_copy):
    from pmodocs.errors import ContentError
    from pmodocs.pipeline import load_and_check

    def no_a(d):
        assignments = d["raci"]["activities"][0]["assignments"]
        for role, code in list(assignments.items()):
            assignments[role] = code.replace("A/R", "R").replace("A", "R")
    edit_yaml(content_copy / "deliverables/governance.yaml", no_a)
    with pytest.raises(ContentError) as info:
        load_and_check(content_copy)
    messages = [str(p) for p in info.value.problems if p.severity == "error"]
    assert any("governance.yaml:" in m and "raci.activities[0].assignments:" in m
               and "accountable" in m for m in messages), messages


# --- the build cache --------------------------------------------------------------------------

def test_a_published_file_edited_in_place_is_rebuilt_though_no_input_changed(
        cold_example, content_copy, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(cold_example.out, out, symlinks=True)  # the build's own state (mtimes kept)
    assert build(content_copy, out).unchanged
    target = out / "dist/docx/charter.docx"
    original = target.read_bytes()
    with target.open("ab") as handle:  # an edit in place: same path, same inode
        handle.write(b"edited")
    report = build(content_copy, out)
    assert not report.unchanged
    assert target.read_bytes() == original


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_a_chart_picture_drawn_at_another_width_is_not_taken_from_the_cache(tmp_path):
    from pmodocs.cache import BuildCache
    from pmodocs.document import Chart
    from pmodocs.media import ChartPictures
    from pmodocs.outputs import compose_program
    from pmodocs.render.charts import chart_svg

    content = load_content(ROOT / "content")
    docs, _ = compose_program(content)
    chart = next(b for doc in docs.values() for b in doc.blocks if isinstance(b, Chart))
    pictures = ChartPictures(BuildCache(tmp_path, "code"))  # the build's media bag, cached
    narrow, wide = pictures[(chart_svg(chart), 3.0)], pictures[(chart_svg(chart), 6.0)]
    assert _png_size(wide)[0] > _png_size(narrow)[0] * 1.5


def test_a_remembered_page_fails_again_when_the_page_it_links_to_is_removed(tmp_path):
    """The page cache is keyed by the other pages too: a removed link target must fail --strict,
    not be served from a conversion made while the target existed."""
    from test_sitecache import CONFIG, site

    from pmodocs.engines import mkdocs_build
    from pmodocs.errors import RenderError

    cache = tmp_path / "cache"
    config = site(tmp_path / "d", "# Home\n\nSee [the other page](other.md).\n")
    mkdocs_build(config, 0, cache_dir=cache)
    (tmp_path / "d/docs/other.md").unlink()
    config.write_text(CONFIG.replace("  - Other: other.md\n", ""), encoding="utf-8")
    with pytest.raises(RenderError, match="other.md"):
        mkdocs_build(config, 0, cache_dir=cache)


# --- portfolio --------------------------------------------------------------------------------

@pytest.mark.slow
def test_a_portfolio_rendered_by_worker_processes_signs_every_approved_pdf(tmp_path, monkeypatch):
    from conftest import make_portfolio
    from test_signing import PASSPHRASE, SIGNER, make_certificate

    programs = make_portfolio(tmp_path / "programs")
    shutil.rmtree(programs / "gamma")  # two programs: this process renders alpha, a worker beta
    for pid in sorted(p.name for p in programs.iterdir()):
        for person in ("marisol-ortega", "denise-carmichael"):
            record_approval(programs / pid, "launch-agenda", person, "approved", date(2026, 11, 2))
    p12, pem = make_certificate(tmp_path / "cert")
    monkeypatch.setattr(os, "cpu_count", lambda: 2)  # worker processes render some programs
    from pmodocs.pipeline import BuildOptions

    build(programs, tmp_path / "out", options=BuildOptions(sign_with=p12, passphrase=PASSPHRASE))
    pdfs = sorted((tmp_path / "out/dist").glob("*/pdf/launch-agenda.pdf"))
    assert len(pdfs) == 2
    for pdf in pdfs:
        result = run("verify", str(pdf), "--trust", str(pem))
        assert result.returncode == 0, (pdf, result.stderr)
        assert SIGNER in result.stdout


# --- PDF streams ------------------------------------------------------------------------------

def test_no_content_stream_ends_in_a_carriage_return_that_a_validator_reads_as_its_eol():
    """Flate data ends with the Adler-32 of what it holds; when that ends in CR, a reader that
    takes CR LF as the EOL before `endstream` counts one byte short of /Length (PDF/A)."""
    import io
    import zlib

    import pikepdf

    from pmodocs.sigfields import _no_stream_ends_in_cr

    data = next(d for d in (b"q Q %d" % n for n in range(100_000))
                if zlib.compress(d, 6).endswith(b"\r"))
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.pages[0].obj.Contents = pdf.make_stream(zlib.compress(data, 6))
    pdf.pages[0].obj.Contents.Filter = pikepdf.Name.FlateDecode
    # read back what pikepdf really stored before the fix
    assert pdf.pages[0].obj.Contents.read_raw_bytes().endswith(b"\r")
    assert _no_stream_ends_in_cr(pdf) is True
    stream = pdf.pages[0].obj.Contents
    assert not stream.read_raw_bytes().endswith(b"\r")
    assert stream.read_bytes().rstrip(b" ") == data  # draws the same
    buffer = io.BytesIO()
    pdf.save(buffer)
    assert _no_stream_ends_in_cr(pikepdf.open(io.BytesIO(buffer.getvalue()))) is False


def test_the_typed_deliverables_are_exactly_the_deliverable_kinds():
    """Content.deliverables is typed per kind for mypy; the kinds and their classes must match."""
    from typing import get_type_hints

    from pmodocs.model import DELIVERABLE_KINDS, Deliverables

    assert get_type_hints(Deliverables) == DELIVERABLE_KINDS
