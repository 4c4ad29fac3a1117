"""`pmodocs serve`: a warm live preview that rebuilds only what an edit reaches and never dies on
bad content.

The preview is built into its own private folder (never the published outputs). The process
keeps everything warm between edits: its imports, the theme's compiled Jinja templates (one
environment, reused by every site build), the typst compiler and a document cache (an edited
deliverable's DOCX and PDF are rendered again, the others are reused). An edit is handled in
two steps:

1. at once: the content is loaded and checked, the site's Markdown regenerated, only the files
   whose bytes changed are rewritten in the preview's site_src/, and mkdocs renders just those
   pages (its `dirty` mode) into the served site; open pages reload;
2. in the background: the DOCX and PDF of the deliverables whose document changed are rendered
   and put in place of the site's downloads, then a full (strict) mkdocs build in a side folder
   brings navigation and the search index up to date, and the files that differ are copied into
   the served site.

When the content has errors, the last good preview stays up and every page shows the errors in
a banner; mkdocs' live-reload server refreshes open pages after each rebuild. The server starts
at once with a page that says the preview is starting; the terminal says when it is ready.
"""

from __future__ import annotations

import contextlib
import html
import io
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

from .errors import PmodocsError, RenderError, UsageError
from .files import write_atomically

BANNER_ID = "pmodocs-errors"
WATCH_INTERVAL = 0.05
"""Seconds between two looks at the content folder (it is small: a poll costs next to nothing)."""
SETTLE = 0.03
"""Seconds without another change before a rebuild starts (an editor's save can be several events)."""

STARTING_PAGE = ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                 "<meta http-equiv=\"refresh\" content=\"0.5\"><title>pmodocs preview</title></head>"
                 "<body><p>The pmodocs preview is starting: this page reloads by itself.</p>"
                 "</body></html>")


def serve(content_dir: Path, port: int, host: str = "127.0.0.1") -> None:
    """Build, serve the site on host:port and rebuild on every content change until Ctrl-C."""
    print(f"pmodocs serve: starting the preview of {content_dir} on http://{host}:{port}/ ...",
          flush=True)
    from mkdocs.livereload import LiveReloadServer

    workdir = Path(tempfile.mkdtemp(prefix="pmodocs-serve-"))
    preview = Preview(content_dir, workdir)
    preview.site.mkdir(parents=True)
    (preview.site / "index.html").write_text(STARTING_PAGE, encoding="utf-8")
    server = LiveReloadServer(builder=preview.rebuild, host=host, port=port, root=str(preview.site),
                              polling_interval=WATCH_INTERVAL)
    server.build_delay = SETTLE
    server.watch(str(content_dir.resolve()))
    starter = threading.Thread(target=preview.start, args=(f"http://{host}:{port}/",), daemon=True)
    starter.start()
    failure: list[BaseException] = []

    def run_server() -> None:  # the watcher and its rebuilds run here, not on the main thread
        try:
            server.serve()
        except BaseException as exc:  # noqa: BLE001 - raised again by the main thread
            failure.append(exc)
    serving = threading.Thread(target=run_server, name="pmodocs-serve", daemon=True)
    serving.start()
    try:
        while serving.is_alive():  # the main thread only waits, so Ctrl-C always reaches it,
            serving.join(0.25)  # whatever a rebuild is doing
    except KeyboardInterrupt:
        pass
    finally:
        _stop(server, preview, workdir)
    if failure:
        import errno

        if isinstance(failure[0], OSError) and failure[0].errno == errno.EADDRINUSE:
            raise UsageError(f"port {port} on {host} is already in use (another preview or "
                             "server); choose a free one with --port") from None
        raise failure[0]


STOP_SECONDS = 10.0
"""How long Ctrl-C waits for a rendering in progress before the preview exits without it."""


def _stop(server: Any, preview: Preview, workdir: Path) -> None:
    """Stop serving, let the background rendering finish (it may hold the preview's lock), and
    remove the work folder; Ctrl-C must stop the preview even when that does not finish in
    time, so the process then exits at once (the work folder is in the system's temp)."""
    done = threading.Event()

    def stop() -> None:
        server.shutdown()
        preview.close()
        shutil.rmtree(workdir, ignore_errors=True)
        done.set()
    threading.Thread(target=stop, daemon=True).start()
    if not done.wait(STOP_SECONDS):
        print("stopped (a rendering still in progress was abandoned)", flush=True)
        from .files import remove_scratch

        remove_scratch()
        os._exit(0)
    print("stopped", flush=True)


class Preview:
    """The warm state of one preview: its folders, document cache, theme environment and the
    generation of the latest edit (background work of an older edit is dropped)."""

    def __init__(self, content_dir: Path, workdir: Path):
        self.content_dir, self.workdir = content_dir, workdir
        self.site = workdir / "site"
        self.lock = threading.RLock()  # one mkdocs build or write at a time
        self.generation = 0
        self.background = ThreadPoolExecutor(max_workers=1)
        self.failed = False
        self.cache: Any = None
        self.envs: dict[tuple, Any] = {}
        self.ready = threading.Event()

    # the two steps ---------------------------------------------------------------------------
    def start(self, url: str) -> None:
        """The first build: the site first (so the first page comes soon), then the documents."""
        started = time.perf_counter()
        made = None
        try:
            with self.lock:
                made = self._site_sources()
                if made is not None:  # every page is new: no side folder, no copying;
                    self._dirty_site(made[1])  # the strict full build follows the downloads
        except PmodocsError as exc:
            self._show_errors(exc)
            made = None
        except Exception as exc:  # noqa: BLE001 - a bug must not leave the preview starting forever
            import traceback

            traceback.print_exc()
            self._show_errors(PmodocsError(f"the preview could not be built ({exc!r})"))
            made = None
        finally:
            self.ready.set()
        if made is not None:
            print(f"ready: the preview is at {url} ({time.perf_counter() - started:.1f} s); "
                  "DOCX and PDF downloads follow", flush=True)
            self._in_background(self._documents_then_site, self.generation, *made, started,
                                False)
        else:
            print(f"ready: serving {url}; the content has errors (above): fix them and save",
                  flush=True)

    def rebuild(self) -> None:
        """Called by the live-reload server after a content change: the pages now, the rest in
        the background. Never raises: the server would stop answering until the next change."""
        try:
            self._rebuild()
        except Exception as exc:  # noqa: BLE001 - a bug must not take the preview down
            import traceback

            traceback.print_exc()
            print(f"error: the preview could not be rebuilt ({exc!r}); it shows the last good "
                  "build", file=sys.stderr, flush=True)

    def _rebuild(self) -> None:
        self.ready.wait()
        started = time.perf_counter()
        with self.lock:
            self.generation += 1
            made = self._site_sources()
            if made is None:
                return
            documents, epoch = made
            try:
                self._dirty_site(epoch)
            except PmodocsError as exc:
                self._show_errors(exc)
                return
            if self.failed:
                self._clear_errors()
            print(f"rebuilt: pages updated in {time.perf_counter() - started:.2f} s", flush=True)
            self._in_background(self._documents_then_site, self.generation, documents, epoch,
                                started, True)

    def close(self) -> None:
        self.generation += 1  # pending background work finds itself outdated and stops
        self.background.shutdown(wait=True, cancel_futures=True)

    def _in_background(self, work: Callable[..., None], *args: Any) -> None:
        """Queue the downloads' rendering, unless the preview is stopping (Ctrl-C came while
        the pages were rebuilt): then there is nothing left to show them to."""
        try:
            self.background.submit(work, *args)
        except RuntimeError:  # the executor was shut down by close()
            pass

    # steps' parts ----------------------------------------------------------------------------
    def _site_sources(self) -> tuple[Callable[[], dict[str, bytes]], int] | None:
        """Load, check and compose; write the site sources that changed. Returns how to render
        the downloads and the site's SOURCE_DATE_EPOCH, or None (errors shown) on bad content."""
        from datetime import timezone

        from .cache import BuildCache, code_digest
        from .dates import build_time
        from .portfolio import load_programs

        before = _stamps(self.content_dir)
        try:
            programs = load_programs(self.content_dir)
            if self.cache is None:
                self.cache = BuildCache(self.workdir, code_digest())
            site, downloads, documents = _preview_outputs(programs, self.cache)
        except PmodocsError as exc:
            if _stamps(self.content_dir) != before:
                return None  # a file was being saved while it was read: the next rebuild follows
            self._show_errors(exc)
            return None
        for program in programs:
            for warning in program.warnings:
                print(f"{warning} [warning]", file=sys.stderr, flush=True)
        src = self.workdir / "site_src"
        wanted = {**site, **{rel: None for rel in downloads}}
        for rel, data in site.items():
            _write_if_changed(self.workdir / rel, data)
        for rel in downloads:  # an empty placeholder until the document is rendered
            if not (self.workdir / rel).exists():
                _write_if_changed(self.workdir / rel, b"")
        if src.is_dir():
            for path in sorted(src.rglob("*"), reverse=True):
                rel = path.relative_to(self.workdir).as_posix()
                if path.is_file() and rel not in wanted:
                    path.unlink()
        latest = max(build_time(p.content) for p in programs)
        epoch = int(latest.replace(tzinfo=timezone.utc).timestamp())

        def render_downloads() -> dict[str, bytes]:
            dist = documents()
            return {rel: dist[source] for rel, source in downloads.items() if source in dist}
        return render_downloads, epoch

    def _documents_then_site(self, generation: int, documents: Callable[[], dict[str, bytes]],
                             epoch: int, started: float, edited: bool) -> None:
        """Background: render the downloads, put them in place, then the full site build."""
        if generation != self.generation:
            return
        try:
            files = documents()
        except PmodocsError as exc:
            with self.lock:
                if generation == self.generation:
                    self._show_errors(exc)
            return
        except Exception as exc:  # noqa: BLE001 - a preview reports and keeps serving
            print(f"error: rendering the documents failed: {exc!r}", file=sys.stderr, flush=True)
            return
        with self.lock:
            if generation != self.generation:
                return
            changed = []
            for rel, data in files.items():  # site_src/downloads/x -> site/downloads/x too
                if _write_if_changed(self.workdir / rel, data):
                    changed.append(rel.rsplit("/", 1)[-1])
                _write_if_changed(self.site / rel.split("/", 1)[1], data)
            if edited:
                print(f"documents ready in {time.perf_counter() - started:.2f} s: "
                      + (", ".join(changed) if changed else "none changed"), flush=True)
            try:
                self._full_site(epoch)
            except PmodocsError as exc:
                self._show_errors(exc)
                return
            print(f"preview complete in {time.perf_counter() - started:.2f} s", flush=True)

    # site builds -----------------------------------------------------------------------------
    def _full_site(self, epoch: int) -> None:
        """A strict mkdocs build of the whole site in a side folder; then only the files that
        differ are copied into the served site (and files no longer built are removed)."""
        from .sitecache import SiteCache

        side = self.workdir / "site.full"
        plugin = SiteCache(self.workdir / ".pmodocs-cache" / "site")
        self._mkdocs(epoch, side, dirty=False, plugin=plugin)
        built = {p.relative_to(side).as_posix() for p in side.rglob("*") if p.is_file()}
        for rel in sorted(built):
            _write_if_changed(self.site / rel, (side / rel).read_bytes())
        for path in sorted(self.site.rglob("*"), reverse=True):
            rel = path.relative_to(self.site).as_posix()
            if path.is_file() and rel not in built:
                path.unlink()
        self.failed = False

    def _dirty_site(self, epoch: int) -> None:
        """Only the pages whose Markdown changed, straight into the served site. The search index
        of the last full build is kept (a dirty build would index only the changed pages)."""
        index = self.site / "search" / "search_index.json"
        kept = index.read_bytes() if index.is_file() else None
        self._mkdocs(epoch, self.site, dirty=True)
        if kept is not None:
            index.write_bytes(kept)

    def _mkdocs(self, epoch: int, site_dir: Path, *, dirty: bool, plugin: Any = None) -> None:
        """mkdocs build in this process with the warm theme environment; a full build is strict
        (a warning fails it, as `pmodocs build` does)."""
        from mkdocs.commands.build import build
        from mkdocs.config import load_config
        from mkdocs.exceptions import Abort, MkDocsException

        from .dates import epoch_for_tools
        from .sitecache import quicker

        os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
        log = io.StringIO()
        handler = logging.StreamHandler(log)
        handler.setLevel(logging.WARNING)
        mk_logger = logging.getLogger("mkdocs")
        if not dirty:
            mk_logger.addHandler(handler)
        level = mk_logger.level
        if dirty:
            mk_logger.setLevel(logging.ERROR)  # "a dirty build is being performed" is expected
        try:
            with epoch_for_tools(epoch), contextlib.redirect_stdout(io.StringIO()), \
                    contextlib.redirect_stderr(io.StringIO()):
                config = load_config(config_file=str(self.workdir / "mkdocs.yml"), strict=not dirty,
                                     site_dir=str(site_dir))
                if plugin is not None:
                    config.plugins["pmodocs-site-cache"] = plugin
                quicker(config)
                config.theme.get_env = self._warm_env(config.theme)  # type: ignore[method-assign]
                build(config, dirty=dirty)
        except (Abort, MkDocsException, SystemExit) as exc:
            details = log.getvalue().strip() or str(exc)
            raise RenderError(f"mkdocs build --strict failed for the preview:\n{details}") from None
        finally:
            mk_logger.removeHandler(handler)
            mk_logger.setLevel(level)

    def _warm_env(self, theme: Any) -> Callable[[], Any]:
        """The theme's Jinja environment, made once and reused by every build: its templates stay
        compiled, and the theme's template list is read once."""
        key = (tuple(theme.dirs), str(theme.locale))
        make = theme.get_env

        def get_env() -> Any:
            if key not in self.envs:
                env = make()
                listing = env.list_templates
                listed: list[list[str]] = []

                def list_templates(*args: Any, **kwargs: Any) -> list[str]:
                    # mkdocs asks for the theme's static files (one filter, fixed by the theme)
                    if not listed:
                        listed.append(listing(*args, **kwargs))
                    return listed[0]
                env.list_templates = list_templates
                self.envs[key] = env
            return self.envs[key]
        return get_env

    # errors ----------------------------------------------------------------------------------
    def _show_errors(self, exc: PmodocsError) -> None:
        """Print the errors and show them on every page of the last good preview."""
        lines = exc.lines()
        for line in lines:
            print(line, file=sys.stderr, flush=True)
        self.failed = True
        self.site.mkdir(parents=True, exist_ok=True)
        index = self.site / "index.html"
        if index.is_file() and index.read_text(encoding="utf-8") == STARTING_PAGE:
            index.unlink()  # it would promise a preview that is not coming
        if not any(self.site.glob("*.html")):
            (self.site / "index.html").write_text("<!doctype html><title>pmodocs preview</title>"
                                                  "<body></body>", encoding="utf-8")
        for page in self.site.rglob("*.html"):
            page.write_text(with_error_banner(page.read_text(encoding="utf-8"), lines),
                            encoding="utf-8")

    def _clear_errors(self) -> None:
        for page in self.site.rglob("*.html"):
            text = page.read_text(encoding="utf-8")
            cleared = without_error_banner(text)
            if cleared != text:
                page.write_text(cleared, encoding="utf-8")
        self.failed = False


def _preview_outputs(programs: list, cache: Any) -> tuple[dict[str, bytes], dict[str, str],
                                                          Callable[[], dict[str, bytes]]]:
    """The site's sources, its downloads (site path -> dist path) and how to render them: the
    pipeline's own outputs of the program or portfolio, so the preview links to exactly what a
    build publishes; the warm document cache makes an unchanged deliverable cost nothing."""
    from .outputs import BuildOptions
    from .portfolio import outputs_of

    outputs = outputs_of(programs, BuildOptions(), lambda _: None, cache)
    return outputs.site, outputs.downloads, outputs.documents


def _stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file under `folder`: did a save happen meanwhile?"""
    out = {}
    for path in folder.rglob("*"):
        try:
            st = path.stat()
        except OSError:
            continue
        out[str(path)] = (st.st_size, st.st_mtime_ns)
    return out


def _write_if_changed(path: Path, data: bytes) -> bool:
    """Write `data` unless the file already holds it (its modification time then stays, so a
    dirty mkdocs build leaves its page alone). True if written. The file is replaced in one
    step: the server may be sending it to a browser at that moment."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, data)
    return True


def with_error_banner(page: str, lines: list[str]) -> str:
    """The page with a banner listing the errors (escaped), replacing any earlier banner."""
    page = without_error_banner(page)
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    banner = (f'<div id="{BANNER_ID}" role="alert" style="position:sticky;top:0;z-index:1000;'
              'background:#fdecee;color:#b00020;border:2px solid #b00020;padding:0.6em 1em;'
              f'font:14px/1.4 monospace"><strong>The content has errors; this preview shows the '
              f"last good build.</strong><ul>{items}</ul></div>")
    at = page.find("<body")
    if at < 0:
        return banner + page
    close = page.find(">", at) + 1
    return page[:close] + banner + page[close:]


def without_error_banner(page: str) -> str:
    """The page without the errors banner (the content is good again)."""
    start = page.find(f'<div id="{BANNER_ID}"')
    if start < 0:
        return page
    end = page.find("</div>", start) + len("</div>")
    return page[:start] + page[end:]
