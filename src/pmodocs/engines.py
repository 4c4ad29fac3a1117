"""typst and mkdocs behind small functions; a missing tool is a clear error."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from .errors import RenderError, ToolMissing

if TYPE_CHECKING:
    from .sitecache import TemplateCache

PDF_STANDARDS = ["a-2a", "ua-1"]


def typst_to_pdf(source: str, *, when: datetime, template: str) -> bytes:
    """Compile typst source to a tagged PDF/A-2a + PDF/UA-1 file, in-process."""
    return typst_to_pdf_and_query(source, when=when, template=template)[0]


def typst_to_pdf_and_query(source: str, *, when: datetime, template: str,
                           label: str | None = None) -> tuple[bytes, list[Any]]:
    """Compile typst source to a tagged PDF/A-2a + PDF/UA-1 file, in-process, and, with a
    `label`, the values of the `metadata` elements so labelled, as laid out in that PDF (typst
    answers the query from the compile it just did, at no cost)."""
    try:
        import typst
    except ImportError:
        raise ToolMissing("typst is not installed: `pip install typst` (or `make build`)") from None
    timestamp = int(when.replace(tzinfo=timezone.utc).timestamp())
    compiler = _typst_compiler(typst)
    data = source.encode("utf-8")
    if label is None:
        return _compile_pdf(compiler, data, timestamp, None, template)
    from .files import scratch_file

    try:  # typst queries only a compile whose source is a file
        with scratch_file(f"typst-{threading.get_ident()}.typ", data) as main:  # one per thread
            return _compile_pdf(compiler, str(main), timestamp, label, template)
    except OSError as exc:
        raise _no_scratch(exc) from None


def _compile_pdf(compiler: Any, main: str | bytes, timestamp: int, label: str | None,
                 template: str) -> tuple[bytes, list[Any]]:
    try:
        pdf = compiler.compile(input=main, format="pdf", pdf_standards=PDF_STANDARDS,
                               timestamp=timestamp)
        found = json.loads(compiler.query(f"<{label}>", field="value")) if label else []
    except Exception as exc:  # typst raises its own TypstError subclasses
        message = _typst_message(exc)
        if isinstance(main, str):
            message = message.replace(main, "generated source")
        raise RenderError(f"typst could not compile the PDF from template {template}: "
                          f"{message}") from None
    return pdf, found


def typst_to_png(source: str, *, ppi: float, what: str) -> bytes:
    """Compile one-page typst source to a PNG picture, in-process (the charts Word shows)."""
    try:
        import typst
    except ImportError:
        raise ToolMissing("typst is not installed: `pip install typst` (or `make build`)") from None
    try:
        return _typst_compiler(typst).compile(input=source.encode("utf-8"), format="png", ppi=ppi)
    except Exception as exc:  # typst raises its own TypstError subclasses
        raise RenderError(f"typst could not draw {what}: {_typst_message(exc)}") from None


_compilers = threading.local()


def _typst_compiler(typst: Any) -> Any:
    """This thread's typst compiler: one compiler keeps its fonts and layout caches from document
    to document (same PDF bytes, a fifth less time); a compiler is not shared between threads,
    nor with a forked worker (whose scratch folder is its own)."""
    pid, compiler = getattr(_compilers, "compiler", (None, None))
    if compiler is None or pid != os.getpid():
        from .files import scratch_folder
        from .fonts import font_dirs

        try:
            root = scratch_folder()
        except OSError as exc:
            raise _no_scratch(exc) from None
        # typst's own fonts and the folders of the Noto/Carlito fallbacks (fonts.py), never the
        # system's font configuration; its root is the private scratch folder (where a queried
        # compile's source is), so no source can read any other file.
        compiler = typst.Compiler(root=str(root), ignore_system_fonts=True,
                                  font_paths=font_dirs())
        _compilers.compiler = (os.getpid(), compiler)
    return compiler


@contextlib.contextmanager
def opened_pdf(data: bytes) -> Iterator[Any]:
    """`data` opened by pikepdf from a file of this thread in the private scratch folder,
    removed after the block. Given a Python stream, qpdf calls back into Python for every read
    it makes, each time waiting for the GIL: reading and rewriting the example's ten PDFs took
    three times as long that way, and twenty times as long while another thread ran Python (as
    the DOCX writer does while the PDFs render); from a file, qpdf reads by itself."""
    import pikepdf

    from .files import scratch_file

    with contextlib.ExitStack() as stack:
        try:
            path = stack.enter_context(scratch_file(f"pdf-{threading.get_ident()}.pdf", data))
        except OSError as exc:
            raise _no_scratch(exc) from None
        yield stack.enter_context(pikepdf.open(path))


def _no_scratch(exc: OSError) -> RenderError:
    import tempfile

    return RenderError(f"the PDF engines (typst, pikepdf) need a private scratch folder, and "
                       f"none could be made or written in "
                       f"{tempfile.gettempdir()} ({exc.strerror or exc}): set TMPDIR to a "
                       "writable folder with free space")


def _typst_message(exc: Exception) -> str:
    """typst's own diagnostic (message, line of the generated source, hints), else its message."""
    diagnostic = str(getattr(exc, "diagnostic", "") or "").strip()
    if diagnostic:
        return "\n" + diagnostic.replace("__typst_py_bytes__.typ", "generated source")
    return str(exc).strip() or type(exc).__name__


def preload_mkdocs() -> None:
    """Import mkdocs, the theme and its search plugin now (the site worker does this while the
    content loads), so the build itself starts at once."""
    try:
        import material.plugins.search.plugin  # noqa: F401
        import mkdocs.commands.build  # noqa: F401
        import mkdocs.config  # noqa: F401
        from markdown.extensions import admonition, attr_list, md_in_html, toc  # noqa: F401
    except ImportError:
        raise ToolMissing("mkdocs is not installed: `pip install mkdocs-material` (or `make build`)") from None


def mkdocs_build(config_file: Path, source_date_epoch: int, cache_dir: Path | None = None,
                 templates: TemplateCache | None = None) -> str | None:
    """Run `mkdocs build --strict` in-process; its warnings become a RenderError.

    With `cache_dir`, unchanged pages and compiled templates are reused from earlier builds
    (see sitecache), and `templates` are the compiled templates this process already holds for
    that cache (sitecache.precompile); the output is the same either way. Returns why the cache
    could not be written, if it could not (the site is built all the same).
    """
    try:
        from mkdocs.commands.build import build
        from mkdocs.config import load_config
        from mkdocs.exceptions import Abort, MkDocsException
    except ImportError:
        raise ToolMissing("mkdocs is not installed: `pip install mkdocs-material` (or `make build`)") from None
    from .dates import epoch_for_tools

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    log = io.StringIO()
    handler = logging.StreamHandler(log)
    handler.setLevel(logging.WARNING)
    mk_logger = logging.getLogger("mkdocs")
    mk_logger.addHandler(handler)
    try:
        with epoch_for_tools(source_date_epoch), contextlib.redirect_stdout(io.StringIO()), \
                contextlib.redirect_stderr(io.StringIO()):
            config = load_config(config_file=str(config_file), strict=True)
            from .sitecache import SearchFold, quicker

            quicker(config)
            config.plugins["pmodocs-search-fold"] = SearchFold()
            site_cache = None
            if cache_dir is not None:
                from .sitecache import SiteCache

                site_cache = SiteCache(cache_dir, templates)
                config.plugins["pmodocs-site-cache"] = site_cache
                site_cache.attach(config)
            build(config)
            return site_cache.unwritable if site_cache is not None else None
    except (Abort, MkDocsException, SystemExit) as exc:
        details = log.getvalue().strip() or str(exc)
        raise RenderError(f"mkdocs build --strict failed for {config_file}:\n{details}") from None
    finally:
        mk_logger.removeHandler(handler)
