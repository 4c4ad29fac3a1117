"""The site build in its own process, so mkdocs runs on one core while documents render on the other.

mkdocs is pure Python and holds the GIL for a second per build; in a thread it would only take
turns with python-docx. A worker process is started as soon as a build knows it has work to do:
it imports mkdocs and mkdocs-material while the parent loads and checks the content and, when
the build cache holds no compiled theme templates yet (a cold build), compiles them
(sitecache.precompile); then it waits for the one message that names the staged mkdocs.yml.
The site's pages do not depend on the rendered documents' bytes (downloads are staged as empty
placeholders and filled in afterwards), so the site and the documents are built at the same
time.

The worker then renders the register workbooks it is given (render.xlsx.Workbook: plain data),
so openpyxl's import and the rendering leave the parent too; it imports openpyxl while it waits.

The worker's one argument is the site's build cache folder (sitecache), if there is one.
Protocol (one JSON line each way): parent -> worker `{"config": ..., "epoch": ..., "give_way":
bool, "workbooks": {path: base64 of the pickled job}}`; worker -> parent `{"ok": true,
"cache_unwritable": why or null, "workbooks": {path: base64 of the xlsx}}` or `{"error":
"RenderError", "message": ...}` (an unexpected error: `"internal"`, with its `"traceback"`).
Both ends are this package, over a pipe between parent and child. A worker whose parent goes
away (closed stdin, or SIGKILL on Linux) exits without building.
"""

from __future__ import annotations

import base64
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import EXIT_INTERNAL, PmodocsError, RenderError, ToolMissing

if TYPE_CHECKING:
    from .render.xlsx import Workbook
    from .sitecache import TemplateCache

_ERRORS = {"RenderError": RenderError, "ToolMissing": ToolMissing}
GIVE_WAY = 5
"""How much the worker lowers its priority (nice) when it is asked to give way."""


class InternalSiteError(PmodocsError):
    """The site worker failed in an unexpected way (a bug, not bad content)."""

    exit_code = EXIT_INTERNAL


class SiteWorker:
    """A started worker process; `build` hands it the staged site, `wait` collects the result."""

    def __init__(self, cache_dir: Path | None = None) -> None:
        """Start the worker; `cache_dir` is the site's build cache folder (sitecache)."""
        package_root = str(Path(__file__).resolve().parent.parent)
        path = os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH", "")) if p)
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "pmodocs.sitebuild", *([str(cache_dir)] if cache_dir else [])],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": path},
            text=True, encoding="utf-8")
        self._sent = False
        self.cache_unwritable: str | None = None
        """After `wait`: why the worker could not write the site cache, if it could not."""

    def build(self, config_file: Path, source_date_epoch: int,
              workbooks: dict[str, Workbook] | None = None, give_way: bool = False) -> None:
        """Start building the site of `config_file`, then rendering `workbooks` (output path ->
        job); returns at once. With `give_way` (a lone program), in a cold build (no compiled
        templates in the site cache yet: no earlier build succeeded there), the worker runs at
        a lower priority (`GIVE_WAY`): while the cores are contended, the parent's document
        threads get them first. When every document renders, the documents are the longer
        part: the site was done half a second before the PDFs, and giving way made the
        examples' cold builds 5-10 % faster (alternating runs on 2 cores). In a rebuild few
        documents render while the site renders every page again, and a portfolio's one site
        build is its longest task: there the worker keeps its priority."""
        request = {"config": str(config_file), "epoch": source_date_epoch, "give_way": give_way,
                   "workbooks": {path: base64.b64encode(pickle.dumps(job.portable())).decode()
                                 for path, job in (workbooks or {}).items()}}
        assert self._proc.stdin is not None
        self._proc.stdin.write(json.dumps(request) + "\n")
        self._proc.stdin.flush()  # the worker starts on this line; `wait` closes the pipe
        self._sent = True

    def wait(self) -> dict[str, bytes]:
        """Block until the site is built and the workbooks rendered (returned: output path ->
        bytes); a failure is raised here as the same error class."""
        out, err = self._proc.communicate()
        try:
            reply = json.loads(out.strip().splitlines()[-1]) if out.strip() else {}
        except ValueError:
            reply = {}
        if reply.get("ok"):
            self.cache_unwritable = reply.get("cache_unwritable")
            return {path: base64.b64decode(data) for path, data in reply.get("workbooks", {}).items()}
        if reply.get("error") in _ERRORS:
            raise _ERRORS[reply["error"]](reply.get("message", ""))
        if os.environ.get("PMODOCS_DEBUG"):
            details = reply.get("traceback") or reply.get("message") or err
        else:  # a bug: what went wrong, without the traceback (as cli does for this process)
            details = reply.get("message") or next(
                (line for line in reversed(err.splitlines()) if line.strip()), "no message")
            details += (". This is a bug in pmodocs; rerun with PMODOCS_DEBUG=1 to see the "
                        "traceback")
        raise InternalSiteError(f"the site build stopped unexpectedly (exit code "
                                f"{self._proc.returncode}): {details.strip()}")

    def close(self) -> None:
        """Stop a worker that was never used or is no longer wanted (the build failed)."""
        if self._proc.poll() is None:
            self._proc.kill()  # its work is not needed: a failed build publishes nothing
            self._proc.wait()
        for stream in (self._proc.stdin, self._proc.stdout, self._proc.stderr):
            if stream and not stream.closed:
                try:
                    stream.close()
                except BrokenPipeError:
                    pass

    def __enter__(self) -> SiteWorker:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _die_with_parent() -> None:
    """On Linux, ask the kernel to kill this worker when the build that started it dies."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


def _preload_workbooks() -> None:
    """Import what rendering a workbook needs (openpyxl is a quarter second of imports)."""
    try:
        import openpyxl  # noqa: F401

        from .render import xlsx  # noqa: F401
    except ImportError:
        pass  # reported when a workbook is rendered


def give_way(templates: TemplateCache | None) -> None:
    """In a cold build (the site cache holds no compiled `templates` yet), lower this process's
    priority by GIVE_WAY, where the system has priorities (see SiteWorker.build)."""
    if templates is None or not templates.empty():
        return
    try:
        os.nice(GIVE_WAY)
    except (AttributeError, OSError):
        pass  # no os.nice (Windows), or not allowed: the build is only slower


def _precompiled(cache: Path | None) -> TemplateCache | None:
    """The theme's compiled templates of the site cache `cache`: compiled now when it has none
    yet (a cold build), while the parent loads; otherwise the build loads them from the cache.
    None without a cache (a build that keeps none compiles as mkdocs does)."""
    if cache is None:
        return None
    try:
        from .sitecache import TEMPLATES, TemplateCache, precompile
    except ImportError:
        return None  # mkdocs is missing: the build reports it
    templates = TemplateCache(cache / TEMPLATES)
    if templates.empty():
        try:
            precompile(templates)
        except Exception:  # noqa: BLE001 - whatever fails here, the build compiles and reports
            pass
    return templates


def main() -> int:
    import gc

    gc.disable()  # a short process that keeps what it allocates: see cli.run
    _die_with_parent()
    import threading

    from .engines import mkdocs_build, preload_mkdocs

    cache = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    try:
        preload_mkdocs()
    except PmodocsError:
        pass  # reported below, when (and if) a build is asked for
    threading.Thread(target=_preload_workbooks, daemon=True).start()  # while the parent loads
    templates = _precompiled(cache)
    line = sys.stdin.readline()
    if not line.strip():
        return 0  # the parent no longer needs a site
    request = json.loads(line)
    if request.get("give_way"):
        give_way(templates)
    try:
        unwritable = mkdocs_build(Path(request["config"]), int(request["epoch"]),
                                  cache_dir=cache, templates=templates)
        reply: dict[str, Any] = {"ok": True, "cache_unwritable": unwritable, "workbooks": {
            path: base64.b64encode(pickle.loads(base64.b64decode(job)).render()).decode()
            for path, job in request.get("workbooks", {}).items()}}
    except PmodocsError as exc:
        reply = {"error": type(exc).__name__, "message": str(exc)}
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which exits with code 70
        import traceback

        reply = {"error": "internal", "message": f"{type(exc).__name__}: {exc}",
                 "traceback": "".join(traceback.format_exception(exc))}
    print(json.dumps(reply), flush=True)
    return 0


if __name__ == "__main__":
    from .files import exit_now

    # no teardown of the heap mkdocs built (as cli.run): tens of milliseconds the parent waited for
    exit_now(main())
