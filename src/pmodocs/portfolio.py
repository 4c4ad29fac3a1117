"""A portfolio: a folder of program folders, published as one site and one dist/ per program.

Each program folder is a complete content tree (program.yaml, people.yaml, deliverables/…) and
is loaded, checked and rendered exactly as a single program is (outputs.load_checked,
outputs.program_outputs); nothing is shared between programs, so the same person may appear in
several of them. This module only re-prefixes each program's outputs (site_src/X ->
site_src/<program>/X, dist/X -> dist/<program>/X), adds the portfolio home and one merged
navigation, and publishes the lot through the same staging and swap as a single build.
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from .errors import ContentError, Problem

if TYPE_CHECKING:
    from .cache import BuildCache
    from .facts import Facts
    from .model import Content
    from .outputs import BuildOptions, Outputs

PROGRAM_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
"""A program folder's name becomes its id in the site and in dist/: lower-case, digits, dashes."""
RESERVED = {"assets", "search"}
"""Top-level names the portfolio site uses itself (stylesheet and script, mkdocs' search index)."""


@dataclass(frozen=True)
class Program:
    """One checked program: its id (the folder name; '' for a lone program), content, the facts
    derived while checking it, and its warnings."""

    id: str
    content: Content
    facts: Facts
    warnings: list[Problem] = field(default_factory=list)


def is_portfolio(content_dir: Path) -> bool:
    """A folder without program.yaml whose subfolders have one: a folder of program folders."""
    if not content_dir.is_dir() or (content_dir / "program.yaml").exists():
        return False
    return any((sub / "program.yaml").is_file() for sub in _subfolders(content_dir))


def _subfolders(root: Path) -> list[Path]:
    """Visible subfolders in name order (name order is the order of tabs and of dist/)."""
    return sorted((p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")),
                  key=lambda p: p.name)


def program_ids(root: Path) -> list[str]:
    """The ids of the portfolio's program folders, in name order."""
    return [sub.name for sub in _subfolders(root) if (sub / "program.yaml").is_file()]


def load_programs(content_dir: Path, workers: Workers | None = None) -> list[Program]:
    """Every program under `content_dir`: a portfolio's programs, or the lone program (id '').
    A build passes its `workers`, which start rendering each program that passed its checks
    while the next ones load.

    The verbs that read content (check, status, export) call this, so they accept either.
    """
    from .outputs import load_checked

    if is_portfolio(content_dir):
        return load_portfolio(content_dir, workers)
    content, warnings, facts = load_checked(content_dir)
    return [Program("", content, facts, warnings)]


def load_portfolio(root: Path, workers: Workers | None = None) -> list[Program]:
    """Load and check every program folder; raise one ContentError with every program's problems
    (each with its own file path), so a portfolio is fixed in one pass, not one program a time.
    Each program that passed its checks is offered to the `workers` at once."""
    from .outputs import load_checked

    problems = folder_problems(root)
    programs: list[Program] = []
    for sub in _subfolders(root):
        if sub.is_symlink() or not (sub / "program.yaml").is_file() or not _valid_id(sub.name):
            continue
        try:
            content, warnings, facts = load_checked(sub)
        except ContentError as exc:
            problems += exc.problems
            continue
        programs.append(Program(sub.name, content, facts, warnings))
        if workers is not None and not problems:  # a build that will fail renders nothing more
            workers.offer(len(programs) - 1, sub)
    if problems:
        raise ContentError(problems)
    return programs


def _valid_id(name: str) -> bool:
    return bool(PROGRAM_ID.match(name)) and name not in RESERVED


def folder_problems(root: Path) -> list[Problem]:
    """What is wrong with the portfolio folder itself: program folders whose names are not ids,
    folders that are not programs, stray YAML files (a program nobody would see is a mistake)."""
    problems = []
    for sub in _subfolders(root):
        where = _display(sub)
        if sub.is_symlink():  # links are refused everywhere in the content (load.symlinks)
            problems.append(Problem(where, 1, "", "is a symbolic link; links are refused in the "
                                    "content folder (expected a real program folder)"))
        elif not (sub / "program.yaml").is_file():
            problems.append(Problem(where, 0, "", "is not a program folder (it has no "
                                    "program.yaml); a portfolio folder holds only program folders"))
        elif sub.name in RESERVED:
            problems.append(Problem(where, 0, "", f"cannot be a program folder: the site uses "
                                    f"'{sub.name}/' itself (rename the folder)"))
        elif not PROGRAM_ID.match(sub.name):
            problems.append(Problem(where, 0, "", "is not a valid program folder name: it becomes "
                                    "the program's id in the site and in dist/ (expected lower-case "
                                    "letters, digits and dashes, e.g. 'licensing')"))
    for stray in sorted(list(root.glob("*.yaml")) + list(root.glob("*.yml"))):
        problems.append(Problem(_display(stray), 1, "", "is not a file pmodocs reads (a portfolio "
                                "folder holds only program folders, each with its program.yaml)"))
    return problems


def _display(path: Path) -> str:
    """A path as the user sees it in messages: relative to the current folder when possible."""
    absolute = Path(os.path.abspath(path))
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def outputs_of(programs: list[Program], options: BuildOptions, progress: Callable[[str], None],
               cache: BuildCache | None = None, workers: Workers | None = None) -> Outputs:
    """The outputs of what `load_programs` loaded: a lone program's own, or the portfolio's
    (its documents rendered with `workers` when given, see `start_workers`)."""
    from .outputs import program_outputs

    if len(programs) == 1 and programs[0].id == "":
        return program_outputs(programs[0].content, options, progress, cache, programs[0].facts)
    return portfolio_outputs(programs, options, progress, cache, workers)


def portfolio_outputs(programs: list[Program], options: BuildOptions,
                      progress: Callable[[str], None], cache: BuildCache | None = None,
                      workers: Workers | None = None) -> Outputs:
    """Every output of the portfolio: each program's site sources and documents under its id,
    the portfolio home, one mkdocs.yml and one copy of the site assets."""
    from .outputs import Outputs, program_outputs
    from .paths import site_assets

    def tell(program: Program) -> Callable[[str], None]:
        def relay(event: str) -> None:  # 'rendered:charter' -> 'rendered:alpha/charter'
            kind, _, name = event.partition(":")
            progress(f"{kind}:{program.id}/{name}" if name else event)
        return relay

    threads = pdf_threads(len(programs))
    parts = [(p.id, program_outputs(p.content, options, tell(p), cache, p.facts,
                                    tags=(p.content.program.acronym,), pdf_threads=threads))
             for p in programs]
    site: dict[str, bytes] = {}
    downloads: dict[str, str] = {}
    for program_id, outputs in parts:
        site.update(prefixed(outputs.site, program_id))
        downloads.update({under(rel, program_id): under(source, program_id)
                          for rel, source in outputs.downloads.items()})
    for rel, data in site_assets().items():
        site[f"site_src/{rel}"] = data
    site.update(home_files(programs))

    def in_parts(sink: Callable[[dict[str, bytes]], None]) -> None:
        def deliver(i: int, dist: dict[str, bytes]) -> None:
            sink(prefixed(dist, parts[i][0]))
        render_in_parallel(programs, [outputs for _, outputs in parts], options, progress, cache,
                           deliver, workers)

    def documents() -> dict[str, bytes]:
        files: dict[str, bytes] = {}
        in_parts(files.update)
        return files

    # each program's workbook is rendered with its documents, by the process that renders them:
    # the site worker, which renders a lone program's, is the portfolio's longest task already
    return Outputs(site, downloads, documents, in_parts)


def pdf_threads(programs: int) -> int:
    """PDFs rendered at a time by each process of a portfolio build: the processes (this one and
    the workers, one per program up to the cores) already keep the cores busy, so each takes its
    share of them; more typst compiles than cores only take turns, in more memory (measured on
    8 programs and 2 cores: a tenth faster, and 330 MB at the peak instead of 400)."""
    cores = os.cpu_count() or 1
    return max(1, cores // max(1, min(cores, programs)))


def worker_count(programs: int) -> int:
    """Worker processes for a portfolio of `programs`: one per core beside this process, and no
    more than the programs this process does not render itself."""
    cores = os.cpu_count() or 1
    return 0 if cores < 2 else max(0, min(cores - 1, programs - 1))


class Workers:
    """The worker processes of a portfolio build, started (and their imports paid) before the
    content loads, so the second core does not idle through the loading and the workers' start.

    While this process loads and checks the programs one after another, each program that
    passed its checks is handed to a free worker (`offer`): it renders checked content only,
    and its files wait in the worker's result until the build stages them. A build that fails
    (a later program's problems, another build holding the output folder) hands out nothing
    more and waits for the programs already rendering, which write only to the build cache."""

    def __init__(self, count: int, options: BuildOptions | None = None,
                 cache: BuildCache | None = None, threads: int | None = None):
        self.count = count
        self.pool: Any = None
        self.early: dict[Any, int] = {}
        """Programs handed out while the content loads: future -> index among the programs."""
        self._job = (options, cache, threads)
        if count >= 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self.pool = ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("spawn"))
            for _ in range(count):  # the pool starts a process for each job it cannot hand out
                self.pool.submit(_warm_up)

    def offer(self, index: int, folder: Path) -> None:
        """Render the checked program in `folder` (the `index`-th loaded) if a worker is free."""
        options, cache, threads = self._job
        if self.pool is None or options is None:
            return
        if sum(not future.done() for future in self.early) < self.count:
            self.early[self.pool.submit(_render_program, str(folder), options, cache,
                                        threads)] = index

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def start_workers(content_dir: Path, options: BuildOptions, cache: BuildCache | None) -> Workers:
    """The workers a build of `content_dir` will use: none for a lone program."""
    try:
        count = len(program_ids(content_dir)) if is_portfolio(content_dir) else 0
    except OSError:
        count = 0  # the folder's problems are reported by the loading that follows
    return Workers(worker_count(count), options, cache, pdf_threads(count))


def _warm_up() -> None:
    """In a worker process, before any program is handed out: import what rendering needs."""
    import importlib

    for name in ("pmodocs.load", "pmodocs.outputs", "pmodocs.compose", "pmodocs.render.docx",
                 "pmodocs.render.typst", "pmodocs.media", "pmodocs.sigfields", "pmodocs.packets",
                 "pmodocs.redline", "docx", "pikepdf", "typst"):
        try:
            importlib.import_module(name)
        except ImportError:
            pass  # reported when the program is rendered


def render_in_parallel(programs: list[Program], outputs: list[Outputs], options: BuildOptions,
                       progress: Callable[[str], None], cache: BuildCache | None,
                       deliver: Callable[[int, dict[str, bytes]], None],
                       workers: Workers | None = None) -> None:
    """Each program's dist/ files, handed to `deliver` with the program's index as soon as they
    are rendered (so they need not all be held at once): worker processes take programs from
    the front of the list, one each at a time, while this process renders programs from the back.

    Processes, not threads: python-docx holds the GIL, so only a second interpreter puts the
    second core to work on the Word files (the PDF engines already run beside it). A worker
    loads the program from its folder itself, which is cheaper than sending it the model, and
    renders only its documents and workbook (the parent checked the content and made its site
    sources). `workers`, when given, are the processes started for this build, with the
    programs they were handed while the content loaded (else they start here). A thread hands
    a worker its next program the moment it is free (this process may be in the middle of
    one); the results are collected and delivered here, between this process's own programs.
    """
    import threading
    from concurrent.futures import FIRST_COMPLETED, wait

    count = worker_count(len(programs))
    if count < 1:
        for i, o in enumerate(outputs):
            deliver(i, {**o.documents(), **o.rendered_workbooks(cache)})
        return
    own = workers is None or workers.pool is None or workers.count < count
    with Workers(count) if own else contextlib.nullcontext(workers) as started:
        assert started is not None and started.pool is not None
        pool, lock, threads = started.pool, threading.Lock(), pdf_threads(len(programs))
        running: dict[Any, int] = dict(started.early)  # handed out while the content loaded
        pending = [i for i in range(len(programs)) if i not in running.values()]

        failed: list[BaseException] = []  # the hand-out's own failure (a broken pool), raised here

        def hand_out() -> None:
            try:
                while True:
                    with lock:
                        busy = [f for f in running if not f.done()]
                        if not pending:
                            return
                        if len(busy) < count:
                            i = pending.pop(0)
                            running[pool.submit(_render_program, str(programs[i].content.root),
                                                options, cache, threads)] = i
                            continue
                    wait(busy, return_when=FIRST_COMPLETED)
            except BaseException as exc:  # noqa: BLE001 - handed to the main thread
                failed.append(exc)

        def collect(futures: Any) -> None:
            for future in futures:
                with lock:
                    i = running.pop(future)
                dist, events, used = future.result()
                deliver(i, dist)
                del dist
                if cache is not None:
                    cache.used |= used
                for event in events:
                    kind, _, name = event.partition(":")
                    progress(f"{kind}:{programs[i].id}/{name}" if name else event)

        dispatcher = threading.Thread(target=hand_out, name="pmodocs-hand-out", daemon=True)
        dispatcher.start()
        try:
            while not failed:
                with lock:
                    mine = pending.pop() if pending else None
                if mine is None:
                    break
                deliver(mine, {**outputs[mine].documents(),
                               **outputs[mine].rendered_workbooks(cache)})
                _give_back_memory()
                with lock:
                    done = [f for f in running if f.done()]
                collect(done)
            dispatcher.join()
            if failed:
                raise failed[0]
            while running:
                collect(wait(list(running), return_when=FIRST_COMPLETED).done)
        finally:
            with lock:
                pending.clear()  # a failed build hands out nothing more


def _render_program(folder: str, options: BuildOptions, cache: BuildCache | None,
                    threads: int | None = None) -> tuple[dict[str, bytes], list[str], set[str]]:
    """In a worker process: one program's dist/ files, its progress events and the cache
    objects it used (so the parent's cache keeps them)."""
    import gc

    from .load import load_content
    from .outputs import program_outputs

    gc.disable()  # see cli.run; a worker renders programs in turn, so it collects between them
    _give_back_memory()
    events: list[str] = []
    outputs = program_outputs(load_content(Path(folder)), options, events.append, cache,
                              site=False, pdf_threads=threads)
    dist = {**outputs.documents(), **outputs.rendered_workbooks(cache)}
    return dist, events, cache.used if cache is not None else set()


def _give_back_memory() -> None:
    """Between two programs rendered by one process: collect the cycles (the build runs without
    the cycle collector, see cli.run) and hand the freed heap back to the system (glibc keeps it
    otherwise), so a process that renders programs in turn stays near one program's peak."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc: the memory is reused by the next program instead


def under(rel: str, program_id: str) -> str:
    """site_src/X -> site_src/<program>/X, dist/X -> dist/<program>/X."""
    top, _, rest = rel.partition("/")
    return f"{top}/{program_id}/{rest}"


def prefixed(files: dict[str, bytes], program_id: str) -> dict[str, bytes]:
    """A program's outputs moved under its id; its mkdocs.yml and copy of the site assets are
    dropped (the portfolio has one of each). Relative links between its pages keep working
    because every page moves by the same prefix."""
    out: dict[str, bytes] = {}
    for rel, data in files.items():
        if rel == "mkdocs.yml" or rel.startswith("site_src/assets/"):
            continue
        top, _, rest = rel.partition("/")
        if top not in ("site_src", "dist") or not rest:
            raise AssertionError(f"render_outputs produced an unexpected path {rel!r}")
        out[under(rel, program_id)] = data
    return out


def home_files(programs: list[Program]) -> dict[str, bytes]:
    """site_src/index.md (the portfolio home) and the one mkdocs.yml with a tab per program."""
    from .compose.portfolio import ProgramSummary, portfolio_home, portfolio_navigation
    from .compose.site import navigation
    from .paths import MKDOCS_TEMPLATE, template_text
    from .render.markdown import render_page
    from .render.site import render_mkdocs_yml

    summaries = [ProgramSummary(p.id, p.content, p.facts) for p in programs]
    nav = portfolio_navigation([(p.id, p.content.program.acronym, navigation(p.content))
                                for p in programs])
    departments = list(dict.fromkeys(p.content.program.department for p in programs
                                     if p.content.program.department))
    languages = {p.content.program.language for p in programs}
    acronyms = ", ".join(p.content.program.acronym for p in programs)
    config = render_mkdocs_yml(
        template_text(MKDOCS_TEMPLATE), "Plans portfolio", f"Plans of {len(programs)} programs: {acronyms}",
        " · ".join(departments), nav, languages.pop() if len(languages) == 1 else "en")
    return {"site_src/index.md": render_page(portfolio_home(summaries)).encode("utf-8"),
            "mkdocs.yml": config.encode("utf-8")}


def lone_program_or_none(content_dir: Path | None) -> Content | None:
    """The checked content of a lone program's folder; None for no folder, a portfolio or
    content with errors (`verify FILE.pdf` then checks signatures without naming people)."""
    from .errors import PmodocsError

    if content_dir is None or not (content_dir / "program.yaml").is_file() or is_portfolio(content_dir):
        return None
    from .outputs import load_and_check

    try:
        return load_and_check(content_dir)[0]
    except PmodocsError:
        return None
