"""Orders the stages: load -> check -> compose -> render -> publish, and owns every file write.

One program's outputs are made in outputs.py and a portfolio's in portfolio.py; this module loads
the program or portfolio, renders it, stages the files, builds the site and publishes atomically.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import timezone
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .dates import build_time
from .errors import Problem
from .outputs import (  # noqa: F401  (the names callers and tests know the pipeline by)
    BuildOptions, Outputs, load_and_check, load_checked, program_outputs, render_outputs,
)
from .publish import (  # noqa: F401
    PUBLISHED, build_lock, keep_unchanged, pause_point, publish, stage_files, staging_dir,
)

if TYPE_CHECKING:
    from .cache import BuildCache
    from .portfolio import Workers
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
    cache_unwritable: str | None = None
    """Why the build cache could not be written, if it could not (the outputs are the same)."""


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
    from .portfolio import load_programs, start_workers
    from .sitebuild import SiteWorker

    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    cache = BuildCache(out_dir, code_digest())
    digest = input_digest(content_dir, cache.code)
    state = cache.unchanged(digest, out_dir) if options.sign_with is None else None
    if state is not None:
        warnings = [Problem(**w) for w in state.get("warnings", [])]
        return BuildReport({}, warnings, time.perf_counter() - started, unchanged=True)
    # the site worker imports mkdocs, and a portfolio's workers their engines, while it loads
    with SiteWorker(cache.root / "site") as site, \
            start_workers(content_dir, options, cache) as workers:
        programs = load_programs(content_dir, workers)
        with build_lock(out_dir):  # held while rendering, so a second build fails at once
            report = _render_and_publish(programs, out_dir, progress, options, cache, site,
                                         workers)
            cache.record(digest, out_dir, PUBLISHED, [vars(w) for w in report.warnings])
    report.cache_unwritable = cache.unwritable
    report.seconds = time.perf_counter() - started
    return report


def _render_and_publish(programs: list, out_dir: Path, progress: Callable[[str], None],
                        options: BuildOptions, cache: BuildCache, site: SiteWorker,
                        workers: Workers | None = None) -> BuildReport:
    """Render a lone program (id '') or every program of a portfolio, then stage and publish."""
    from .portfolio import outputs_of

    rendered: list[str] = []
    reused: list[str] = []

    def track(event: str) -> None:
        kind, _, name = event.partition(":")
        if name:
            (reused if kind == "reused" else rendered).append(name)
        progress(event)

    outputs = outputs_of(programs, options, track, cache, workers)
    latest = max(build_time(p.content) for p in programs)
    epoch = int(latest.replace(tzinfo=timezone.utc).timestamp())
    lone = len(programs) == 1 and programs[0].id == ""
    sizes, kept = stage_and_publish(outputs, out_dir, epoch, progress, site, cache,
                                    site_gives_way=lone)
    warnings = [w for p in programs for w in p.warnings]
    return BuildReport(sizes, warnings, 0.0, sorted(rendered), sorted(reused), kept=kept)


def stage_and_publish(outputs: Outputs, out_dir: Path, epoch: int, progress: Callable[[str], None],
                      site: SiteWorker, cache: BuildCache | None = None,
                      site_gives_way: bool = False) -> tuple[dict[str, int], int]:
    """Stage the site sources and let the site worker build the site, and then render the
    register workbooks not in the cache, while the documents render here, each part of dist/
    written as it is rendered; then put the real downloads in place of their placeholders, keep
    the unchanged files' inodes and swap the result into place. With `site_gives_way` (a lone
    program) the site worker gives this process's threads the cores first when every document
    renders (a cold build: see SiteWorker.build).
    Returns the size of every staged file and how many files were kept."""
    sizes = {rel: len(data) for rel, data in outputs.site.items()}
    keys = {path: cache.key(*job.cache_parts()) for path, job in outputs.workbooks.items()
            } if cache else {}
    ready = {path: data for path, key in keys.items()
             if cache and (data := cache.get(key, ".xlsx")) is not None}
    asked = {path: job for path, job in outputs.workbooks.items() if path not in ready}

    def stage(files: dict[str, bytes]) -> None:
        stage_files(staging, out_dir, files)
        sizes.update((rel, len(data)) for rel, data in files.items())

    with staging_dir(out_dir) as staging:
        try:
            stage_files(staging, out_dir, outputs.site)
            placeholders = dict.fromkeys(outputs.downloads, b"")  # what mkdocs links to, for now
            stage_files(staging, out_dir, placeholders)
            site.build(staging / "mkdocs.yml", epoch, asked, give_way=site_gives_way)
            outputs.write_documents(stage)
            stage(ready)
            pause_point("staged")
            progress("site")
            made = site.wait()
            if cache is not None and cache.unwritable is None:
                cache.unwritable = site.cache_unwritable
            for path, data in made.items():
                if cache is not None:
                    cache.put(keys[path], ".xlsx", data)
            stage(made)
        except BaseException:
            site.close()  # before the staging folder goes: the worker may still be writing in it
            raise
        for rel, source in sorted(outputs.downloads.items()):  # the staged file, copied
            data = (staging / source).read_bytes()
            stage({rel: data, _built_path(rel): data})
        pause_point("built")
        progress("publish")
        kept = keep_unchanged(staging, out_dir, PUBLISHED)
        publish(staging, out_dir)
    return {rel: size for rel, size in sizes.items() if not rel.startswith("site/")}, kept


def _built_path(source: str) -> str:
    """Where mkdocs puts a copied file: site_src/downloads/x.pdf -> site/downloads/x.pdf."""
    return "site/" + source.split("/", 1)[1]


def export_registers(content_dir: Path, out_dir: Path, output: Path | None = None) -> list[Path]:
    """`pmodocs export`: each program's register workbook (the build's dist/registers.xlsx) as
    OUT/registers.xlsx, in a portfolio OUT/<program>/registers.xlsx, or as `output`. Written as a
    build publishes: under the folder's build lock, each file replaced in one step."""
    from .authoring.registers import register_book
    from .errors import UsageError
    from .files import write_atomically
    from .portfolio import load_programs
    from .render.xlsx import render_xlsx

    programs = load_programs(content_dir)
    if programs[0].id and output:
        raise UsageError(f"{content_dir} is a portfolio: export writes one workbook per program "
                         "as OUT/<program>/registers.xlsx, so pass --out DIR instead of --output")
    files = {output or out_dir / p.id / "registers.xlsx":
             render_xlsx(register_book(p.content), build_time(p.content)) for p in programs}
    folder = output.parent if output else out_dir
    folder.mkdir(parents=True, exist_ok=True)
    with build_lock(folder):
        for target, data in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(target, data)
    return list(files)
