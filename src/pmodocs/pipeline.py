"""Orders the stages: load -> check -> compose -> render -> publish, and owns every file write."""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .errors import ContentError, Problem
from .publish import (  # noqa: F401
    PUBLISHED, build_lock, keep_unchanged, pause_point, publish, staging_dir,
)

if TYPE_CHECKING:  # the model pulls in pydantic: kept off the no-op build's path
    from .cache import BuildCache
    from .model import Content


@dataclass
class BuildReport:
    files: dict[str, int] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    rendered: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    unchanged: bool = False
    kept: int = 0


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


def today() -> date:
    """The date a new record is made on: SOURCE_DATE_EPOCH when set, else the calendar date.

    Only commands that create content (`new`, `approve`) use it; outputs take their dates from
    the content itself (`build_time`).
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).date()
    return date.today()


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
                   progress: Callable[[str], None] = lambda _: None,
                   cache: BuildCache | None = None) -> dict[str, bytes]:
    """Every output file except the built site, keyed by its path under the output folder."""
    from .compose import compose_all
    from .packets import packet_files
    from .redline import all_redlines
    from .render.redline_docx import redline_files
    from .render.site import site_files
    from .signing import signed_pdfs

    from .render.xlsx import render_xlsx

    docs, signoffs = compose_all(content)
    files = document_files(content, docs, progress, cache)
    files.update(signed_pdfs(content, signoffs, files, options.sign_with, options.passphrase))
    redlines = all_redlines(content, docs, signoffs)
    files.update(redline_files(content, redlines))
    files.update(packet_files(content, docs, signoffs, files))
    files["dist/registers.xlsx"] = render_xlsx(docs, build_time(content))
    files.update(site_files(content, docs, signoffs, files, redlines))
    return files


def document_files(content: Content, docs: dict, progress: Callable[[str], None],
                   cache: BuildCache | None = None) -> dict[str, bytes]:
    """dist/docx/<id>.docx and dist/pdf/<id>.pdf for every deliverable, rendered in parallel.

    With a cache, a deliverable whose document tree (and reference document and build date) is
    unchanged since a previous build is taken from the cache instead of being rendered again.
    """
    from .engines import pandoc_to_typst, typst_to_pdf
    from .render.docx import render_docx
    from .render.typst import pandoc_ast, render_typst, typst_template

    when = build_time(content)
    reference = _reference_docx(content)
    reference_bytes = reference.read_bytes() if reference else b""

    def render(kind: str) -> tuple[str, bytes, bytes, bool]:
        doc = docs[kind]
        key = cache.key(repr(doc), reference_bytes, when.isoformat()) if cache else ""
        if cache:
            docx_bytes, pdf = cache.get(key, ".docx"), cache.get(key, ".pdf")
            if docx_bytes is not None and pdf is not None:
                return kind, docx_bytes, pdf, True
        docx_bytes = render_docx(doc, reference=reference)
        source = render_typst(doc, pandoc_to_typst(pandoc_ast(doc)))
        pdf = typst_to_pdf(source, when=when, template=f"{typst_template()} (for {kind})")
        if cache:
            cache.put(key, ".docx", docx_bytes)
            cache.put(key, ".pdf", pdf)
        return kind, docx_bytes, pdf, False

    files: dict[str, bytes] = {}
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        for kind, docx_bytes, pdf, reused in pool.map(render, docs):
            progress(f"{'reused' if reused else 'rendered'}:{kind}")
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
    """The whole build of a program or a portfolio; the output folder changes only if every
    stage succeeded.

    A build whose inputs equal the last successful build's returns at once without rewriting
    anything (unless it signs: a signature records its own time, so signing always rebuilds).
    Content is validated before the lock is taken, so bad content fails at once with its
    problems, even while another build holds the folder.
    """
    from .cache import BuildCache, code_digest, input_digest
    from .portfolio import load_programs

    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    cache = BuildCache(out_dir, code_digest())
    digest = input_digest(content_dir, cache.code)
    state = cache.unchanged(digest, out_dir) if options.sign_with is None else None
    if state is not None:
        warnings = [Problem(**w) for w in state.get("warnings", [])]
        return BuildReport({}, warnings, time.perf_counter() - started, unchanged=True)
    programs = load_programs(content_dir)
    with build_lock(out_dir):  # held while rendering, so a second build fails at once
        report = _render_and_publish(programs, out_dir, progress, options, cache)
        cache.record(digest, out_dir, PUBLISHED, [vars(w) for w in report.warnings])
    report.seconds = time.perf_counter() - started
    return report


def _render_and_publish(programs: list, out_dir: Path, progress: Callable[[str], None],
                        options: BuildOptions, cache: BuildCache) -> BuildReport:
    """Render a lone program (id '') or every program of a portfolio, then stage and publish."""
    from .portfolio import render_portfolio

    rendered: list[str] = []
    reused: list[str] = []

    def track(event: str) -> None:
        kind, _, name = event.partition(":")
        if name:
            (reused if kind == "reused" else rendered).append(name)
        progress(event)

    lone = len(programs) == 1 and programs[0].id == ""
    if lone:
        files = render_outputs(programs[0].content, options, track, cache)
    else:
        files = render_portfolio(programs, options, track, cache)
    latest = max(build_time(p.content) for p in programs)
    kept = stage_and_publish(files, out_dir, int(latest.replace(tzinfo=timezone.utc).timestamp()),
                             progress)
    warnings = [w for p in programs for w in p.warnings]
    return BuildReport({k: len(v) for k, v in files.items()}, warnings, 0.0, sorted(rendered),
                       sorted(reused), kept=kept)


def stage_and_publish(files: dict[str, bytes], out_dir: Path, epoch: int,
                      progress: Callable[[str], None]) -> int:
    """Write `files` into a staging folder, build the site there with mkdocs --strict, keep the
    unchanged files' inodes, and swap the result into place. Returns how many files were kept."""
    from .engines import mkdocs_build

    with staging_dir(out_dir) as staging:
        for rel, data in sorted(files.items()):
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        pause_point("staged")
        progress("site")
        mkdocs_build(staging / "mkdocs.yml", epoch)
        pause_point("built")
        progress("publish")
        kept = keep_unchanged(staging, out_dir, PUBLISHED)
        publish(staging, out_dir)
    return kept
