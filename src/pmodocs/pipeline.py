"""Orders the stages: load -> check -> compose -> render -> publish, and owns every file write."""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from .errors import ContentError, Problem
from .publish import (  # noqa: F401
    PUBLISHED, build_lock, keep_unchanged, pause_point, publish, staging_dir,
)

if TYPE_CHECKING:  # the model pulls in pydantic: kept off the no-op build's path
    from .cache import BuildCache
    from .model import Content
    from .sitebuild import SiteWorker


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
        if not 315532800 <= int(epoch) <= 4294967295:  # 1980-01-01 .. 2106-02-07: zip and gzip
            from .errors import UsageError

            raise UsageError(f"SOURCE_DATE_EPOCH={epoch} is outside what zip and gzip "
                             "timestamps can store (expected 315532800 to 4294967295, i.e. "
                             "1980-01-01 to 2106-02-07)")
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).replace(tzinfo=None)
    d = content.program.as_of
    return datetime(d.year, d.month, d.day)


@dataclass(frozen=True)
class BuildOptions:
    """What a build was asked for beyond content and output folder."""

    sign_with: Path | None = None
    passphrase: bytes | None = None


@dataclass
class Outputs:
    """A build's outputs in the two parts that are made at the same time.

    `site` is everything mkdocs reads (pages, assets, mkdocs.yml); `downloads` names the site's
    copies of rendered documents (site_src path -> dist path), which the pages only link to, so
    the site is built from placeholders while `documents()` renders dist/ (the slow part).
    """

    site: dict[str, bytes]
    downloads: dict[str, str]
    documents: Callable[[], dict[str, bytes]]

    def all_files(self) -> dict[str, bytes]:
        """Every output file except the built site (what a build stages in site_src/ and dist/)."""
        dist = self.documents()
        return {**self.site, **dist, **{site: dist[source] for site, source in self.downloads.items()}}


def render_outputs(content: Content, options: BuildOptions = BuildOptions(),
                   progress: Callable[[str], None] = lambda _: None,
                   cache: BuildCache | None = None) -> dict[str, bytes]:
    """Every output file except the built site, keyed by its path under the output folder."""
    return program_outputs(content, options, progress, cache).all_files()


def program_outputs(content: Content, options: BuildOptions = BuildOptions(),
                    progress: Callable[[str], None] = lambda _: None,
                    cache: BuildCache | None = None) -> Outputs:
    """One program's site sources now, and its documents when asked for."""
    from .compose import compose_all
    from .compose.site import download_sources, site_tree
    from .paths import MKDOCS_TEMPLATE, site_assets, template_text
    from .redline import all_redlines
    from .render.site import site_files

    docs, signoffs = compose_all(content)
    redlines = all_redlines(content, docs, signoffs)
    site = site_tree(content, docs, signoffs, redlines)

    def documents() -> dict[str, bytes]:
        return program_documents(content, docs, signoffs, redlines, options, progress, cache)

    from .facts import of

    return Outputs(site_files(site, redlines, site_assets(), template_text(MKDOCS_TEMPLATE)),
                   download_sources(docs, redlines, tuple(of(content).awaiting)), documents)


def program_documents(content: Content, docs: dict, signoffs: dict, redlines: dict,
                      options: BuildOptions, progress: Callable[[str], None],
                      cache: BuildCache | None) -> dict[str, bytes]:
    """dist/: DOCX and PDF of every deliverable, signatures, redlines, packets and registers."""
    from .cache import remembered
    from .packets import packet_files
    from .branding import reference_document
    from .media import ChartPictures
    from .render.redline_docx import redline_files
    from .authoring.registers import register_book
    from .render.xlsx import render_xlsx
    from .signing import signed_pdfs

    def meanwhile(files: dict[str, bytes]) -> None:  # python work, while the PDFs render
        files.update(redline_files(redlines, reference_document(content), ChartPictures(cache)))
        when = build_time(content)  # the workbook reads the registers' model values only
        book = register_book(content)
        files["dist/registers.xlsx"] = remembered(cache, ".xlsx", lambda: render_xlsx(book, when),
                                                  repr(book), when.isoformat())

    files = document_files(content, docs, progress, cache, meanwhile)
    files.update(packet_files(content, docs, signoffs, files, cache))  # they carry the PDFs to sign
    files.update(signed_pdfs(content, signoffs, files, options.sign_with, options.passphrase))
    from .signatures import fully_signed

    files.update(fully_signed(content, signoffs))  # dist/signed/<id>.pdf: every approver signed
    return files


def document_files(content: Content, docs: dict, progress: Callable[[str], None],
                   cache: BuildCache | None = None,
                   meanwhile: Callable[[dict[str, bytes]], None] | None = None) -> dict[str, bytes]:
    """dist/docx/<id>.docx and dist/pdf/<id>.pdf for every deliverable.

    The PDFs render on a thread pool, since pandoc runs as a process and typst leaves the GIL for
    most of its compile, while this thread writes the DOCX files (python-docx holds the GIL, so
    more threads would only take turns) and then does `meanwhile(files)`: the engines and the
    Python work overlap. (PDF worker processes were measured too: on 2 cores their start-up
    competes with loading the content, and builds got slower.)
    With a cache, a file whose document tree (and reference document and build date) is
    unchanged since a previous build is taken from the cache instead of being rendered again.
    """
    renderer = _Renderer(content, cache)
    files: dict[str, bytes] = {}
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        pdfs = {kind: pool.submit(renderer.pdf, kind, doc) for kind, doc in docs.items()}
        reused = {}
        try:
            for kind, doc in docs.items():
                files[f"dist/docx/{kind}.docx"], reused[kind] = renderer.docx(doc)
            if meanwhile is not None:
                meanwhile(files)
            for kind, future in pdfs.items():
                files[f"dist/pdf/{kind}.pdf"], pdf_reused = future.result()
                progress(f"{'reused' if reused[kind] and pdf_reused else 'rendered'}:{kind}")
        except BaseException:
            for future in pdfs.values():
                future.cancel()
            raise
    return files


class _Renderer:
    """One program's DOCX and PDF writers behind the per-document cache."""

    def __init__(self, content: Content, cache: BuildCache | None):
        self.content, self.cache = content, cache
        self.when = build_time(content)
        from .branding import reference_document
        from .media import ChartPictures

        self.reference = reference_document(content)
        self.media = ChartPictures(cache)
        self.keys: dict[int, str] = {}

    def _key(self, doc: Any) -> str:
        """The document's cache key, computed once: `repr` walks the whole document tree."""
        if not self.cache:
            return ""
        if id(doc) not in self.keys:
            self.keys[id(doc)] = self.cache.key(repr(doc), self.reference,
                                                self.when.isoformat())
        return self.keys[id(doc)]

    def _cached(self, key: str, suffix: str, make: Callable[[], bytes]) -> tuple[bytes, bool]:
        return self.cache.made(key, suffix, make) if self.cache else (make(), False)

    def docx(self, doc: Any) -> tuple[bytes, bool]:
        from .render.docx import render_docx

        return self._cached(self._key(doc), ".docx", lambda: render_docx(
            doc, reference=self.reference, media=self.media))

    def chart_picture(self, chart: Any, width: float) -> bytes:
        """A chart's PNG for Word at `width` inches (from the media bag)."""
        from .render.charts import chart_svg

        return self.media[(chart_svg(chart), width)]

    def pdf(self, kind: str, doc: Any) -> tuple[bytes, bool]:
        from .engines import typst_to_pdf
        from .media import typst_source
        from .render.typst import typst_template

        def make() -> bytes:
            from .sigfields import prepare_pdf

            source = typst_source(doc)
            return prepare_pdf(typst_to_pdf(source, when=self.when,
                                            template=f"{typst_template()} (for {kind})"), doc)
        return self._cached(self._key(doc), ".pdf", make)


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
    from .sitebuild import SiteWorker

    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    cache = BuildCache(out_dir, code_digest())
    digest = input_digest(content_dir, cache.code)
    state = cache.unchanged(digest, out_dir) if options.sign_with is None else None
    if state is not None:
        warnings = [Problem(**w) for w in state.get("warnings", [])]
        return BuildReport({}, warnings, time.perf_counter() - started, unchanged=True)
    with SiteWorker() as site:  # imports mkdocs while the content loads
        programs = load_programs(content_dir)
        with build_lock(out_dir):  # held while rendering, so a second build fails at once
            report = _render_and_publish(programs, out_dir, progress, options, cache, site)
            cache.record(digest, out_dir, PUBLISHED, [vars(w) for w in report.warnings])
    report.seconds = time.perf_counter() - started
    return report


def _render_and_publish(programs: list, out_dir: Path, progress: Callable[[str], None],
                        options: BuildOptions, cache: BuildCache, site: SiteWorker) -> BuildReport:
    """Render a lone program (id '') or every program of a portfolio, then stage and publish."""
    from .portfolio import portfolio_outputs

    rendered: list[str] = []
    reused: list[str] = []

    def track(event: str) -> None:
        kind, _, name = event.partition(":")
        if name:
            (reused if kind == "reused" else rendered).append(name)
        progress(event)

    lone = len(programs) == 1 and programs[0].id == ""
    if lone:
        outputs = program_outputs(programs[0].content, options, track, cache)
    else:
        outputs = portfolio_outputs(programs, options, track, cache)
    latest = max(build_time(p.content) for p in programs)
    epoch = int(latest.replace(tzinfo=timezone.utc).timestamp())
    files, kept = stage_and_publish(outputs, out_dir, epoch, progress, site, cache)
    warnings = [w for p in programs for w in p.warnings]
    return BuildReport({k: len(v) for k, v in files.items()}, warnings, 0.0, sorted(rendered),
                       sorted(reused), kept=kept)


def stage_and_publish(outputs: Outputs, out_dir: Path, epoch: int, progress: Callable[[str], None],
                      site: SiteWorker, cache: BuildCache | None = None
                      ) -> tuple[dict[str, bytes], int]:
    """Stage the site sources and let the site worker build the site while the documents render
    here; then put the real downloads in place of their placeholders, keep the unchanged files'
    inodes and swap the result into place. Returns the staged files and how many were kept."""
    with staging_dir(out_dir) as staging:
        try:
            _write(staging, outputs.site)
            _write(staging, dict.fromkeys(outputs.downloads, b""))  # placeholders for mkdocs
            site.build(staging / "mkdocs.yml", epoch, cache.root / "site" if cache else None)
            dist = outputs.documents()
            _write(staging, dist)
            pause_point("staged")
            progress("site")
            site.wait()
        except BaseException:
            site.close()  # before the staging folder goes: the worker may still be writing in it
            raise
        downloads = {rel: dist[source] for rel, source in outputs.downloads.items()}
        _write(staging, {**downloads, **{_built_path(rel): data for rel, data in downloads.items()}})
        pause_point("built")
        progress("publish")
        kept = keep_unchanged(staging, out_dir, PUBLISHED)
        publish(staging, out_dir)
    return {**outputs.site, **dist, **downloads}, kept


def _built_path(source: str) -> str:
    """Where mkdocs puts a copied file: site_src/downloads/x.pdf -> site/downloads/x.pdf."""
    return "site/" + source.split("/", 1)[1]


def _write(root: Path, files: dict[str, bytes]) -> None:
    for rel, data in sorted(files.items()):
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
