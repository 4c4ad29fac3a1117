"""Orders the stages: load -> check -> compose -> render -> publish, and owns every file write."""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable

from .errors import ContentError, Problem
from .model import Content
from .publish import PUBLISHED, build_lock, pause_point, publish, staging_dir  # noqa: F401


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
                   progress: Callable[[str], None] = lambda _: None) -> dict[str, bytes]:
    """Every output file except the built site, keyed by its path under the output folder."""
    from .compose import compose_all
    from .packets import packet_files
    from .render.site import site_files
    from .signing import signed_pdfs

    from .render.xlsx import render_xlsx

    docs, signoffs = compose_all(content)
    files = document_files(content, docs, progress)
    files.update(signed_pdfs(content, signoffs, files, options.sign_with, options.passphrase))
    files.update(packet_files(content, docs, signoffs, files))
    files["dist/registers.xlsx"] = render_xlsx(docs, build_time(content))
    files.update(site_files(content, docs, signoffs, files))
    return files


def document_files(content: Content, docs: dict, progress: Callable[[str], None]) -> dict[str, bytes]:
    """dist/docx/<id>.docx and dist/pdf/<id>.pdf for every deliverable, rendered in parallel."""
    from .engines import pandoc_to_typst, typst_to_pdf
    from .render.docx import render_docx
    from .render.typst import pandoc_ast, render_typst, typst_template

    when = build_time(content)
    reference = _reference_docx(content)

    def render(kind: str) -> tuple[str, bytes, bytes]:
        doc = docs[kind]
        docx_bytes = render_docx(doc, reference=reference)
        source = render_typst(doc, pandoc_to_typst(pandoc_ast(doc)))
        pdf = typst_to_pdf(source, when=when, template=f"{typst_template()} (for {kind})")
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
    out_dir.mkdir(parents=True, exist_ok=True)
    with build_lock(out_dir):  # taken before rendering, so a second build fails at once
        files = render_outputs(content, options, progress)
        epoch = int(build_time(content).replace(tzinfo=timezone.utc).timestamp())
        with staging_dir(out_dir) as staging:
            for rel, data in files.items():
                target = staging / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            pause_point("staged")
            progress("site")
            mkdocs_build(staging / "mkdocs.yml", epoch)
            pause_point("built")
            publish(staging, out_dir)
    report = BuildReport({k: len(v) for k, v in files.items()}, warnings)
    report.seconds = time.perf_counter() - started
    return report
