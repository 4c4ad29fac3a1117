"""Atomic publish: a build killed at any point loses nothing, and one build holds a folder at a time.

Each test builds a changed copy of the example over a copy of the published example, and kills
the build with SIGKILL where the test's own stage observer makes it wait.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import EXAMPLE, edit_yaml, run
from test_bad_inputs import docx_text, html_text, site_page, tree_digest

MARKER = "Rebuilt risk title for the atomic publish test"


@pytest.fixture
def folders(built_example: Path, tmp_path: Path) -> tuple[Path, Path]:
    """(changed content, output folder holding a copy of the published example)."""
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE, content)
    edit_yaml(content / "deliverables/risk.yaml", lambda d: d["risks"][0].__setitem__("title", MARKER))
    out = tmp_path / "out"
    shutil.copytree(built_example, out, symlinks=True)
    return content, out


def published(out: Path) -> dict[str, str]:
    """Digest of the published items only (not the lock file, not staging folders)."""
    return {k: v for k, v in tree_digest(out).items() if not k.startswith(".pmodocs")}


PAUSING_BUILD = """
import sys, time
from pmodocs import publish
from pmodocs.cli import run

def pause(stage, wanted=sys.argv[1]):
    if stage == wanted:
        print(f"pmodocs: paused at {stage}", file=sys.stderr, flush=True)
        time.sleep(120)

publish.STAGE_OBSERVERS.append(pause)
run(sys.argv[2:])
"""


def start_build(content: Path, out: Path, pause_at: str, **env: str) -> subprocess.Popen[str]:
    """Start `pmodocs build` that will sleep at `pause_at`; return once it is sleeping there.
    The pause is the test's own (a stage observer added by the launcher), not the product's.
    Its temporary folder is beside `out`: a build killed outright leaves its (empty) scratch
    folder there, not in the machine's /tmp."""
    scratch = out.parent / f"{out.name}-tmp"
    scratch.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([sys.executable, "-c", PAUSING_BUILD, pause_at, "build", "--content",
                             str(content), "--out", str(out), "--quiet"], stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "TMPDIR": str(scratch), **env})
    reached = threading.Event()

    def watch() -> None:
        for line in proc.stderr:  # type: ignore[union-attr]
            if f"paused at {pause_at}" in line:
                reached.set()

    threading.Thread(target=watch, daemon=True).start()
    if not reached.wait(timeout=300):
        proc.kill()
        pytest.fail(f"the build never reached {pause_at} (exit code {proc.poll()})")
    return proc


def kill(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)


def run_build(content: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return run("build", "--content", str(content), "--out", str(out), "--quiet", timeout=600)


def shows_new_content(out: Path) -> bool:
    return (MARKER in html_text(site_page(out, "risk"))
            and MARKER in docx_text(out / "dist/docx/risk.docx"))


def staging_folders(out: Path) -> list[Path]:
    return sorted(out.glob(".pmodocs-build-*"))


def test_a_build_killed_before_the_swap_leaves_the_outputs_and_a_second_build_is_refused(folders):
    content, out = folders
    before = published(out)
    build = start_build(content, out, "staged")
    try:
        second = run_build(content, out)
        assert second.returncode == 5, second.stderr
        assert f"another pmodocs build is writing to {out}" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        kill(build)
    assert published(out) == before
    assert staging_folders(out), "the killed build should have left its staging folder"

    later = run_build(content, out)
    assert later.returncode == 0, later.stderr
    assert staging_folders(out) == [], "a later build removes what a killed build left"
    assert shows_new_content(out)


def test_a_build_killed_after_the_site_was_built_leaves_the_outputs(folders):
    content, out = folders
    before = published(out)
    kill(start_build(content, out, "built"))
    assert published(out) == before


@pytest.mark.parametrize("pause_at, env", [
    ("publish", {}),
    ("published:site", {}),
    ("between:site", {"PMODOCS_NO_EXCHANGE": "1"}),
], ids=["journal-written", "after-exchanging-site", "between-two-renames"])
def test_a_build_killed_during_the_swap_is_finished_by_the_next_one(folders, pause_at, env):
    from pmodocs.publish import PUBLISHED, recover

    content, out = folders
    kill(start_build(content, out, pause_at, **env))
    if pause_at == "between:site":
        assert not (out / "site").exists(), "the window that the journal exists to repair"
    recover(out)  # what the next build does first, under the lock
    assert all((out / name).exists() for name in PUBLISHED)
    assert shows_new_content(out), "the interrupted swap was completed with the new build"
    assert staging_folders(out) == []


def test_recovery_restores_an_output_missing_between_two_renames(tmp_path):
    """The crash window of a rename-based swap, set up by hand: old site moved out, new not in."""
    import json

    from pmodocs.publish import JOURNAL, recover

    out, staging = tmp_path / "out", tmp_path / "out/.pmodocs-build-x"
    (staging / ".retired/site").mkdir(parents=True)
    (staging / ".retired/site/index.html").write_text("old")
    (staging / "site").mkdir()
    (staging / "site/index.html").write_text("new")
    (staging / JOURNAL).write_text(json.dumps({"site": (staging / "site").stat().st_ino}))
    recover(out)
    assert (out / "site/index.html").read_text() == "new"
    assert not staging.exists()


def test_a_failed_swap_step_never_deletes_the_old_outputs(tmp_path, monkeypatch):
    """If publishing fails half way and keeps failing (a full disk), nothing is removed: the old
    items stay, in place or in the staging folder, until a later build completes the swap."""
    from pmodocs import publish as pub

    out = tmp_path / "out"
    out.mkdir()
    for name in ("site", "dist"):
        (out / name).mkdir()
        (out / name / "old.txt").write_text("old")
    calls = []

    def flaky(new, current, retired):
        calls.append(current.name)
        if len(calls) >= 2:
            raise OSError("disk full")
        original(new, current, retired)

    original = pub._swap
    monkeypatch.setattr(pub, "_swap", flaky)
    with pytest.raises(OSError):
        with pub.staging_dir(out) as staging:
            for name in ("site", "dist"):
                (staging / name).mkdir()
                (staging / name / "new.txt").write_text("new")
            pub.publish(staging, out)
    olds = sorted(out.rglob("old.txt"))
    assert len(olds) == 2 and all(p.read_text() == "old" for p in olds), olds
    assert {p.parent.name for p in olds} == {"site", "dist"}
    assert (out / "site").is_dir() and (out / "dist").is_dir(), "no output is ever missing"
    monkeypatch.setattr(pub, "_swap", original)
    pub.recover(out)  # the next build, once the disk has room again
    assert (out / "site/new.txt").exists() and (out / "dist/new.txt").exists()
    assert staging_folders(out) == []


def test_staging_links_unchanged_files_and_never_writes_through_a_link(tmp_path):
    """A rebuild stages a file whose published twin holds the same bytes as a link to that twin
    (not written again); a changed or new file is written; a path staged twice is replaced, so
    the published twin a first link shares its bytes with is never written through."""
    from pmodocs.publish import PUBLISHED, keep_unchanged, stage_files

    out = tmp_path / "out"
    (out / "dist/docx").mkdir(parents=True)
    (out / "dist/docx/same.docx").write_bytes(b"same bytes")
    (out / "dist/docx/edited.docx").write_bytes(b"old bytes")
    (out / "dist/docx/again.docx").write_bytes(b"first")
    (out / "dist/elsewhere.txt").write_bytes(b"linked elsewhere")
    (out / "dist/docx/link.docx").symlink_to("../elsewhere.txt")  # as long as what it links to
    staging = out / ".pmodocs-build-test"
    staging.mkdir()
    stage_files(staging, out, {"dist/docx/same.docx": b"same bytes",
                               "dist/docx/edited.docx": b"new bytes",
                               "dist/docx/new.docx": b"new file",
                               "dist/docx/again.docx": b"first",
                               "dist/docx/link.docx": b"linked elsewhere"})
    stage_files(staging, out, {"dist/docx/again.docx": b"second"})  # as the downloads are
    staged = staging / "dist/docx"
    assert (staged / "same.docx").samefile(out / "dist/docx/same.docx")
    assert not (staged / "edited.docx").samefile(out / "dist/docx/edited.docx")
    assert (staged / "edited.docx").read_bytes() == b"new bytes"
    assert (out / "dist/docx/edited.docx").read_bytes() == b"old bytes"
    assert (staged / "new.docx").read_bytes() == b"new file"
    assert (staged / "again.docx").read_bytes() == b"second"
    assert (out / "dist/docx/again.docx").read_bytes() == b"first", "written through a link"
    assert not (staged / "link.docx").is_symlink()
    assert not (staged / "link.docx").samefile(out / "dist/elsewhere.txt")
    assert keep_unchanged(staging, out, PUBLISHED) == 1  # same.docx, linked while staging
