"""One program's outputs: load and check its content, derive its facts once, compose every
document and render it to every target. Returns bytes keyed by output path; writes nothing (the
pipeline stages and publishes them)."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, NamedTuple

from .dates import build_time
from .errors import ContentError, Problem

if TYPE_CHECKING:  # the model pulls in pydantic: kept off the no-op build's path
    from .cache import BuildCache
    from .document import Document
    from .facts import Facts, Signoff
    from .model import Content
    from .redline import Redline
    from .render.xlsx import Workbook


class Checked(NamedTuple):
    """Content that passed every check, its warnings, and the facts derived while checking."""

    content: Content
    warnings: list[Problem]
    facts: Facts


def load_checked(content_dir: Path) -> Checked:
    """Load, validate and check one program; raises ContentError with every error found."""
    from .load import load_content

    content = load_content(content_dir)
    problems, facts = check_content(content)
    if facts is None or any(p.severity == "error" for p in problems):
        raise ContentError(problems)
    return Checked(content, [p for p in problems if p.severity != "error"], facts)


def load_and_check(content_dir: Path) -> tuple[Content, list[Problem]]:
    """Validated content and its warnings; raises ContentError with every error found."""
    checked = load_checked(content_dir)
    return checked.content, checked.warnings


def check_content(content: Content) -> tuple[list[Problem], Facts | None]:
    """Every problem of loaded content (errors and warnings), and its derived facts (None while
    it has errors: facts are derived only from content the checks vouch for).

    The order matters: the content's own rules first; then what only an engine would notice
    (limits.py); then, on sound content, the facts (fingerprints, approval states), the stored
    snapshots read against them, and the contradictions between stated and computed facts.
    """
    from .checks import run_checks
    from .consistency import consistency_problems
    from .limits import engine_limits, snapshot_problems
    from .signoff import derive_facts

    problems = run_checks(content)
    sound = not any(p.severity == "error" for p in problems)
    limits = engine_limits(content)
    problems += limits
    facts = None
    if sound and not limits:  # the snapshots are read against composed documents
        facts = derive_facts(content)
        problems += snapshot_problems(content, facts)
    if any(p.severity == "error" for p in problems):
        return problems + consistency_problems(content, None), None
    facts = facts if facts is not None else derive_facts(content)
    return problems + consistency_problems(content, facts), facts


def compose_program(content: Content, facts: Facts | None = None
                    ) -> tuple[dict[str, Document], dict[str, Signoff]]:
    """Every deliverable's document and the sign-off it shows (facts derived here if not given)."""
    from .compose import compose_all
    from .signoff import derive_facts

    facts = facts if facts is not None else derive_facts(content)
    return compose_all(content, facts), facts.signoffs


def redline_since(content_dir: Path, kind: str, given: str | None) -> tuple[Redline | None, Signoff]:
    """`pmodocs diff`: what changed in a deliverable since the approval `given` (a fingerprint
    prefix; else the latest decision on other content), and its sign-off now. No redline when
    there is no approval of other content to compare with."""
    from .redline import redline, resolve_from

    content, _, facts = load_checked(content_dir)
    fp = resolve_from(content, kind, given)
    so = facts.signoffs[kind]
    if fp is None or fp == so.fingerprint:
        return None, so
    docs, _ = compose_program(content, facts)
    return redline(content, kind, docs[kind], fp), so


@dataclass(frozen=True)
class BuildOptions:
    """What a build was asked for beyond content and output folder."""

    sign_with: Path | None = None
    passphrase: bytes | None = None


WORKBOOK = "dist/registers.xlsx"


@dataclass
class Outputs:
    """A build's outputs in the two parts that are made at the same time.

    `site` is everything mkdocs reads (pages, assets, mkdocs.yml); `downloads` names the site's
    copies of rendered documents (site_src path -> dist path), which the pages only link to, so
    the site is built from placeholders while `documents()` renders dist/ (the slow part).
    `in_parts`, when given, renders the same files but hands them over part by part (a
    portfolio: program by program), so a build need not hold every program's files at once.
    `workbooks` are the register workbooks (output path -> job), rendered by whoever the build
    gives them to (the pipeline's site worker; `all_files` here).
    """

    site: dict[str, bytes]
    downloads: dict[str, str]
    documents: Callable[[], dict[str, bytes]]
    in_parts: Callable[[Callable[[dict[str, bytes]], None]], None] | None = None
    workbooks: dict[str, Workbook] = field(default_factory=dict)

    def write_documents(self, sink: Callable[[dict[str, bytes]], None]) -> None:
        """Render dist/ and give it to `sink`, in parts where the outputs come in parts."""
        if self.in_parts is not None:
            self.in_parts(sink)
        else:
            sink(self.documents())

    def rendered_workbooks(self, cache: BuildCache | None) -> dict[str, bytes]:
        """The workbooks rendered in this process, each taken from the cache when it is there
        (a portfolio's processes do this for their own programs)."""
        from .cache import remembered

        return {path: remembered(cache, ".xlsx", job.render, *job.cache_parts())
                for path, job in self.workbooks.items()}

    def all_files(self) -> dict[str, bytes]:
        """Every output file except the built site (what a build stages in site_src/ and dist/)."""
        dist = {**self.documents(), **{path: job.render() for path, job in self.workbooks.items()}}
        return {**self.site, **dist, **{site: dist[source] for site, source in self.downloads.items()}}


def render_outputs(content: Content, options: BuildOptions = BuildOptions(),
                   progress: Callable[[str], None] = lambda _: None,
                   cache: BuildCache | None = None, facts: Facts | None = None) -> dict[str, bytes]:
    """Every output file except the built site, keyed by its path under the output folder."""
    return program_outputs(content, options, progress, cache, facts).all_files()


def program_outputs(content: Content, options: BuildOptions = BuildOptions(),
                    progress: Callable[[str], None] = lambda _: None,
                    cache: BuildCache | None = None, facts: Facts | None = None,
                    site: bool = True, tags: tuple[str, ...] = (),
                    pdf_threads: int | None = None) -> Outputs:
    """One program's site sources now (unless not `site`; every page tagged with `tags`), and
    its documents when asked for (`pdf_threads` PDFs at a time; by default one more than the
    cores: see document_files). `facts` are the ones `load_checked` derived; without them they
    are derived here."""
    from .compose import compose_all
    from .compose.site import download_sources, site_tree
    from .paths import MKDOCS_TEMPLATE, site_assets, template_text
    from .redline import all_redlines
    from .render.site import site_files
    from .signoff import derive_facts

    facts = facts if facts is not None else derive_facts(content)
    signoffs = facts.signoffs
    docs = compose_all(content, facts)
    redlines = all_redlines(content, docs, signoffs)

    def documents() -> dict[str, bytes]:
        return program_documents(content, docs, signoffs, redlines, options, progress, cache,
                                 pdf_threads)

    from .authoring.registers import register_book
    from .render.xlsx import Workbook

    workbooks = {WORKBOOK: Workbook(register_book(content), build_time(content))}
    if not site:
        return Outputs({}, {}, documents, workbooks=workbooks)
    tree = site_tree(content, docs, facts, redlines, tags)
    return Outputs(site_files(tree, redlines, site_assets(), template_text(MKDOCS_TEMPLATE)),
                   download_sources(docs, redlines, tuple(facts.awaiting)), documents,
                   workbooks=workbooks)


def program_documents(content: Content, docs: dict, signoffs: dict, redlines: dict,
                      options: BuildOptions, progress: Callable[[str], None],
                      cache: BuildCache | None, pdf_threads: int | None = None) -> dict[str, bytes]:
    """dist/: DOCX and PDF of every deliverable, signatures, redlines and packets (the registers
    workbook is `Outputs.workbooks`)."""
    from .packets import packet_files, packet_memos
    from .branding import reference_document
    from .media import ChartPictures
    from .render.redline_docx import redline_files
    from .signing import signed_pdfs

    memos: dict[str, bytes] = {}

    def meanwhile(files: dict[str, bytes]) -> None:  # python work, while the PDFs render
        files.update(redline_files(redlines, reference_document(content), ChartPictures(cache)))
        memos.update(packet_memos(content, docs, signoffs, files, cache))

    files = document_files(content, docs, progress, cache, meanwhile, pdf_threads)
    files.update(packet_files(content, docs, signoffs, files, cache, memos))  # the PDFs to sign
    files.update(signed_pdfs(content, signoffs, files, options.sign_with, options.passphrase))
    from .signatures import fully_signed

    files.update(fully_signed(content, signoffs))  # dist/signed/<id>.pdf: every approver signed
    return files


def document_files(content: Content, docs: dict, progress: Callable[[str], None],
                   cache: BuildCache | None = None,
                   meanwhile: Callable[[dict[str, bytes]], None] | None = None,
                   pdf_threads: int | None = None) -> dict[str, bytes]:
    """dist/docx/<id>.docx and dist/pdf/<id>.pdf for every deliverable.

    The PDFs render on a thread pool, since typst leaves the GIL for most of its compile, while
    this thread writes the DOCX files (python-docx holds the GIL) and then does
    `meanwhile(files)`: the engines and the Python work overlap. The pool has one thread more
    than the cores: each PDF thread also runs Python (the typst source, signature fields),
    waiting its turn for the GIL meanwhile, and the extra thread keeps a typst compile on the
    core that wait would leave idle (measured on 2 cores, alternating builds: a cold build 7 %
    faster than with two threads, the same peak memory; four threads gained no more). PDF
    worker processes were measured too: on 2 cores their start-up competes with loading the
    content, and builds got slower.
    With a cache, a file whose document tree (and reference document and build date) is
    unchanged since a previous build is taken from the cache instead of being rendered again.
    """
    renderer = _Renderer(content, cache)
    files: dict[str, bytes] = {}
    from .render.docx import chart_pictures

    with ThreadPoolExecutor(max_workers=pdf_threads or (os.cpu_count() or 2) + 1) as pool:
        for doc in docs.values():  # Word's chart pictures first: the DOCX writer needs them soon
            if not renderer.docx_cached(doc):
                renderer.media.draw_ahead(chart_pictures(doc), pool.submit)
        pdfs = {kind: pool.submit(renderer.pdf, kind, docs[kind]) for kind in largest_first(docs)}
        reused = {}
        try:
            for kind, doc in docs.items():
                files[f"dist/docx/{kind}.docx"], reused[kind] = renderer.docx(doc)
            if meanwhile is not None:
                meanwhile(files)
            for kind in docs:
                files[f"dist/pdf/{kind}.pdf"], pdf_reused = pdfs[kind].result()
                progress(f"{'reused' if reused[kind] and pdf_reused else 'rendered'}:{kind}")
        except BaseException:
            for future in pdfs.values():
                future.cancel()
            raise
    return files


def largest_first(docs: dict[str, Any]) -> list[str]:
    """The documents' keys, the largest document first (the length of its tree's text stands
    for its typst time; a tie keeps the given order). Started in this order, the PDFs that
    finish last are short ones, so the last seconds of a build are not one long compile on one
    core (measured on 2 cores, alternating builds: cold builds 5-9 % faster, both examples)."""
    return sorted(docs, key=lambda kind: -len(repr(docs[kind])))


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
        """(the bytes, True when taken from the cache rather than made now)."""
        from .cache import remembered

        made: list[bool] = []

        def make_now() -> bytes:
            made.append(True)
            return make()
        return remembered(self.cache, suffix, make_now, key), not made

    def docx_cached(self, doc: Any) -> bool:
        """Whether this document's DOCX is in the cache (so its charts need no drawing)."""
        return self.cache is not None and self.cache.has(self._key(doc), ".docx")

    def docx(self, doc: Any) -> tuple[bytes, bool]:
        from .render.docx import render_docx

        return self._cached(self._key(doc), ".docx", lambda: render_docx(
            doc, reference=self.reference, media=self.media))

    def pdf(self, kind: str, doc: Any) -> tuple[bytes, bool]:
        from .engines import typst_to_pdf_and_query
        from .media import typst_source
        from .render.typst import SIGNATURE_LABEL, typst_template

        def make() -> bytes:
            from .sigfields import prepare_pdf

            pdf, marks = typst_to_pdf_and_query(
                typst_source(doc), when=self.when, template=f"{typst_template()} (for {kind})",
                label=SIGNATURE_LABEL)
            return prepare_pdf(pdf, doc, marks)
        return self._cached(self._key(doc), ".pdf", make)
