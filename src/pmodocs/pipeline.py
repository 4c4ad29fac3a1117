"""Orders the stages: load -> check -> compose -> render -> publish, and owns every file write."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

from .errors import BuildBusy, ContentError, Problem
from .model import Content

PUBLISHED = ("site_src", "site", "dist", "mkdocs.yml")
"""What a build publishes into the output folder; nothing else there is touched."""


@dataclass
class BuildReport:
    files: dict[str, int] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    seconds: float = 0.0


def load_and_check(content_dir: Path) -> tuple[Content, list[Problem]]:
    """Validated content and its warnings; raises ContentError with every error found."""
    from .checks import run_checks
    from .load import load_content

    content = load_content(content_dir)
    problems = run_checks(content)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ContentError(problems)
    return content, [p for p in problems if p.severity != "error"]


def build_time(content: Content) -> datetime:
    """SOURCE_DATE_EPOCH when set, else the program's as-of date: never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).replace(tzinfo=None)
    d = content.program.as_of
    return datetime(d.year, d.month, d.day)


@dataclass(frozen=True)
class BuildOptions:
    """What a build was asked for beyond content and output folder."""

    sign_with: Path | None = None
    passphrase: bytes | None = None


def render_outputs(content: Content, options: BuildOptions = BuildOptions(),
                   progress: Callable[[str], None] = lambda _: None) -> dict[str, bytes]:
    """Every output file except the built site, keyed by its path under the output folder."""
    from .compose import compose_all
    from .render.site import site_files

    docs, signoffs = compose_all(content)
    files = document_files(content, docs, progress)
    files.update(site_files(content, docs, signoffs, files))
    return files


def document_files(content: Content, docs: dict, progress: Callable[[str], None]) -> dict[str, bytes]:
    """dist/docx/<id>.docx and dist/pdf/<id>.pdf for every deliverable, rendered in parallel."""
    from .engines import pandoc_to_typst, typst_to_pdf
    from .render.docx import render_docx
    from .render.typst import pandoc_ast, render_typst

    when = build_time(content)
    reference = _reference_docx(content)

    def render(kind: str) -> tuple[str, bytes, bytes]:
        doc = docs[kind]
        docx_bytes = render_docx(doc, reference=reference)
        source = render_typst(doc, pandoc_to_typst(pandoc_ast(doc)))
        pdf = typst_to_pdf(source, when=when, template="templates/typst/deliverable.typ.j2")
        return kind, docx_bytes, pdf

    files: dict[str, bytes] = {}
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        for kind, docx_bytes, pdf in pool.map(render, docs):
            progress(kind)
            files[f"dist/docx/{kind}.docx"] = docx_bytes
            files[f"dist/pdf/{kind}.pdf"] = pdf
    return files


def _reference_docx(content: Content) -> Path | None:
    """The program's own reference document, else templates/reference.docx (if present)."""
    from .paths import templates_dir

    ref = content.program.branding.reference_docx
    if ref:
        return content.root / ref
    default = templates_dir() / "reference.docx"
    return default if default.is_file() else None


def build(content_dir: Path, out_dir: Path, progress: Callable[[str], None] = lambda _: None,
          options: BuildOptions = BuildOptions()) -> BuildReport:
    """The whole build; the output folder changes only if every stage succeeded."""
    from .engines import mkdocs_build

    started = time.perf_counter()
    content, warnings = load_and_check(content_dir)
    files = render_outputs(content, options, progress)
    epoch = int(build_time(content).replace(tzinfo=timezone.utc).timestamp())
    out_dir.mkdir(parents=True, exist_ok=True)
    with build_lock(out_dir), staging_dir(out_dir) as staging:
        for rel, data in files.items():
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        progress("site")
        mkdocs_build(staging / "mkdocs.yml", epoch)
        publish(staging, out_dir)
    report = BuildReport({k: len(v) for k, v in files.items()}, warnings)
    report.seconds = time.perf_counter() - started
    return report


@contextmanager
def build_lock(out_dir: Path) -> Iterator[None]:
    """One build per output folder at a time; a second one fails at once with a clear message."""
    import fcntl

    lock_path = out_dir / ".pmodocs.lock"
    with open(lock_path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildBusy(f"another pmodocs build is writing to {out_dir}; wait for it to "
                            "finish and run the build again") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def staging_dir(out_dir: Path) -> Iterator[Path]:
    """A temporary folder beside the outputs (same file system, so renames are atomic)."""
    staging = Path(tempfile.mkdtemp(prefix=".pmodocs-build-", dir=out_dir))
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def publish(staging: Path, out_dir: Path) -> None:
    """Swap each finished output into place with renames; the old one is removed afterwards."""
    retired = staging / ".retired"
    retired.mkdir()
    for name in PUBLISHED:
        new, current = staging / name, out_dir / name
        if current.exists() or current.is_symlink():
            os.replace(current, retired / name)
        os.replace(new, current)
