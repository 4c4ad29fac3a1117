"""Incremental builds: nothing changed means nothing rewritten; one edit re-renders one deliverable."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest

from conftest import ColdBuild, edit_yaml, own_children
from pmodocs.pipeline import build


def mtimes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*")
            if p.is_file() and ".pmodocs" not in str(p)}


@pytest.fixture(scope="module")
def cold_build(cold_example: ColdBuild) -> Path:
    """The example's cold build (shared by the test run): every test starts from a copy of it."""
    assert "10 of 10 deliverables rendered (0 reused from the cache)" in cold_example.stdout
    return cold_example.out


@pytest.fixture
def built_copy(cold_build: Path, content_copy: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The example content and its cold build's outputs (cache included), as the build left
    them: copied with their modification times, so the next build of it is a no-op."""
    out = tmp_path / "out"
    shutil.copytree(cold_build, out, symlinks=True)
    assert build(content_copy, out).unchanged, "the copy must be the build's own state"
    return content_copy, out


def test_a_rebuild_with_nothing_changed_rewrites_nothing(built_copy):
    content, out = built_copy
    before = mtimes(out)
    report = build(content, out)
    assert report.unchanged and report.rendered == [] and report.reused == []
    assert mtimes(out) == before


def test_editing_one_deliverable_renders_only_it_and_rewrites_only_what_depends_on_it(built_copy):
    content, out = built_copy
    before = mtimes(out)
    edit_yaml(content / "deliverables/quality.yaml",
              lambda d: d.__setitem__("strategy", "A reworded QA strategy."))
    report = build(content, out)
    assert report.rendered == ["quality"] and len(report.reused) == 9
    changed = {k for k, v in mtimes(out).items() if before.get(k) != v}
    assert "dist/docx/quality.docx" in changed and "dist/pdf/quality.pdf" in changed
    assert "site/plans/quality.html" in changed
    for untouched in ("dist/docx/charter.docx", "dist/pdf/risk.pdf", "site/plans/charter.html",
                      "site/people/index.html", "site/assets/pmodocs.css"):
        assert untouched not in changed, untouched
    assert (out / "site/plans/quality.html").read_text(encoding="utf-8").count("reworded QA strategy")


def test_a_deleted_output_is_rebuilt_even_when_the_content_did_not_change(built_copy):
    content, out = built_copy
    (out / "dist/pdf/charter.pdf").unlink()
    report = build(content, out)
    assert not report.unchanged
    assert (out / "dist/pdf/charter.pdf").is_file()


def test_a_changed_template_invalidates_the_cache(built_copy, tmp_path, monkeypatch):
    from pmodocs.paths import templates_dir

    content, out = built_copy
    templates = tmp_path / "templates"
    shutil.copytree(templates_dir(), templates)
    css = templates / "site/assets/pmodocs.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* changed */\n", encoding="utf-8")
    monkeypatch.setenv("PMODOCS_TEMPLATES", str(templates))
    report = build(content, out)
    assert not report.unchanged and len(report.rendered) == 10
    assert "/* changed */" in (out / "site/assets/pmodocs.css").read_text(encoding="utf-8")


def test_a_different_source_date_epoch_is_a_different_build(epoch_example: ColdBuild):
    # the run's shared build under SOURCE_DATE_EPOCH, made on a copy of the cold build without it
    assert "nothing changed" not in epoch_example.stdout
    assert "10 of 10 deliverables rendered (0 reused from the cache)" in epoch_example.stdout


def test_the_build_summary_says_what_was_built_and_reused(built_copy, capsys):
    from pmodocs.cli import main

    content, out = built_copy
    assert main(["build", "--content", str(content), "--out", str(out), "--quiet"]) == 0
    assert "nothing changed since the last build" in capsys.readouterr().out
    # the quality plan is a draft without decisions: the edit changes no derived fact (an
    # approved deliverable's edit would also change the M&O Plan's computed exit criteria)
    edit_yaml(content / "deliverables/quality.yaml",
              lambda d: d["control"].__setitem__("purpose", "A reworded purpose."))
    assert main(["build", "--content", str(content), "--out", str(out), "--quiet"]) == 0
    summary = capsys.readouterr().out
    assert "1 of 10 deliverables rendered (9 reused from the cache)" in summary


def published(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)}


@pytest.mark.slow  # a second cold build to compare with
def test_a_rebuild_after_an_edit_publishes_exactly_what_a_cold_build_does(built_copy, tmp_path):
    """Reused documents, reused page conversions and cached templates change no byte."""
    content, out = built_copy
    edit_yaml(content / "deliverables/risk.yaml",
              lambda d: d["risks"][0].__setitem__("title", "A retitled risk for the cache test"))
    report = build(content, out)
    # the edit voids Zoë Brontë's approval of the risk plan, so the M&O Plan's computed exit
    # criterion for it changes too
    assert sorted(report.rendered) == ["mo-plan", "risk"]
    assert list((out / ".pmodocs-cache/site/pages").glob("*.json"))
    build(content, tmp_path / "fresh")
    assert published(out) == published(tmp_path / "fresh")
    # an approver's new title reaches their memo, which is otherwise reused from the cache
    edit_yaml(content / "people.yaml",
              lambda d: d["people"][2].__setitem__("title", "Acting SCAS Program Manager"))
    build(content, out)
    build(content, tmp_path / "fresh-again")
    assert published(out) == published(tmp_path / "fresh-again")
    memo = docx.Document(str(out / "dist/packets/marisol-ortega/transmittal-memo.docx"))
    text = "\n".join(c.text for t in memo.tables for row in t.rows for c in row.cells)
    assert "Acting SCAS Program Manager" in text


@pytest.mark.slow  # a second cold build to compare with
def test_a_damaged_build_cache_is_left_alone_and_the_build_publishes_what_a_cold_build_does(
        built_copy, tmp_path, capsys):
    """The cache only saves work: with a file where each of its folders should be (rendered
    documents, the site's pages and compiled templates), nothing can be read from it or written
    to it. The build still succeeds, publishes exactly the bytes of a cold build, leaves the
    damaged cache as it was, and its summary says the cache could not be written."""
    from pmodocs.cli import main

    content, out = built_copy
    cache = out / ".pmodocs-cache"
    for folder in ("objects", "site/pages", "site/templates"):
        shutil.rmtree(cache / folder)
        (cache / folder).write_text("not a folder", encoding="utf-8")
    edit_yaml(content / "deliverables/risk.yaml",
              lambda d: d["risks"][0].__setitem__("title", "A retitled risk, damaged cache"))
    assert main(["build", "--content", str(content), "--out", str(out), "--quiet"]) == 0
    summary = capsys.readouterr().out
    assert "10 of 10 deliverables rendered (0 reused from the cache)" in summary
    assert "the build cache could not be written" in summary and str(cache / "objects") in summary
    for folder in ("objects", "site/pages", "site/templates"):
        assert (cache / folder).read_text(encoding="utf-8") == "not a folder"
    assert build(content, tmp_path / "fresh").cache_unwritable is None
    assert published(out) == published(tmp_path / "fresh")


def test_a_site_cache_that_cannot_be_written_is_reported_by_the_site_worker(built_copy,
                                                                              tmp_path):
    """Only the site's cache damaged (the documents' cache is fine): the site worker builds the
    site, and the parent hears why the site cache could not be written."""
    from pmodocs.sitebuild import SiteWorker

    _, out = built_copy
    site_cache = out / ".pmodocs-cache" / "site"
    shutil.rmtree(site_cache / "pages")
    (site_cache / "pages").write_text("not a folder", encoding="utf-8")
    staged = tmp_path / "staged"
    shutil.copytree(out / "site_src", staged / "site_src")
    shutil.copy(out / "mkdocs.yml", staged / "mkdocs.yml")
    with SiteWorker(site_cache) as worker:
        worker.build(staged / "mkdocs.yml", 1793577600)
        assert worker.wait() == {}
    assert worker.cache_unwritable and str(site_cache / "pages") in worker.cache_unwritable
    assert (staged / "site" / "index.html").is_file()


def test_a_failed_site_build_is_reported_and_publishes_nothing(built_copy, tmp_path, monkeypatch):
    """mkdocs runs in a worker process: its --strict failure reaches the user as a render error,
    and the worker does not outlive the build."""
    from pmodocs.errors import RenderError
    from pmodocs.paths import templates_dir

    content, out = built_copy
    before = mtimes(out)
    templates = tmp_path / "templates"
    shutil.copytree(templates_dir(), templates)
    config = templates / "site/mkdocs.yml.j2"
    config.write_text(config.read_text(encoding="utf-8") + '\n  - "Missing": "missing.md"\n',
                      encoding="utf-8")
    monkeypatch.setenv("PMODOCS_TEMPLATES", str(templates))
    with pytest.raises(RenderError) as caught:
        build(content, out)
    assert "mkdocs build --strict failed" in str(caught.value) and "missing.md" in str(caught.value)
    assert mtimes(out) == before
    assert own_children("pmodocs.sitebuild") == []


@pytest.mark.parametrize("debug", [False, True])
def test_a_bug_in_the_site_worker_is_reported_without_a_traceback_unless_debugging(
        built_copy, tmp_path, monkeypatch, debug):
    """An unexpected error in the site worker (here: a workbook job that is not a pickle) is an
    internal error, reported as this process reports its own: what went wrong and how to see
    the traceback; with PMODOCS_DEBUG=1, the worker's traceback itself."""
    import json

    from pmodocs.sitebuild import InternalSiteError, SiteWorker

    _, out = built_copy
    if debug:
        monkeypatch.setenv("PMODOCS_DEBUG", "1")
    else:
        monkeypatch.delenv("PMODOCS_DEBUG", raising=False)
    staged = tmp_path / "staged"
    shutil.copytree(out / "site_src", staged / "site_src")
    shutil.copy(out / "mkdocs.yml", staged / "mkdocs.yml")
    with SiteWorker() as worker:
        worker._proc.stdin.write(json.dumps({  # the parent's request, with a broken job
            "config": str(staged / "mkdocs.yml"), "epoch": 1793577600,
            "workbooks": {"dist/registers.xlsx": "bm90IGEgcGlja2xl"}}) + "\n")
        worker._proc.stdin.flush()
        with pytest.raises(InternalSiteError) as caught:
            worker.wait()
    message = str(caught.value)
    assert "UnpicklingError" in message
    if debug:
        assert "Traceback (most recent call last)" in message and "sitebuild.py" in message
    else:
        assert "Traceback" not in message and "PMODOCS_DEBUG=1" in message
        assert len(message.splitlines()) == 1
