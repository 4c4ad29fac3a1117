"""`pmodocs serve`: a live preview that rebuilds when content changes and never dies on bad content.

The preview is built into its own folder (never the published outputs). When the content has
errors, the last good preview stays up and every page shows the errors in a banner; mkdocs'
live-reload server refreshes open pages after each rebuild.
"""

from __future__ import annotations

import html
import shutil
import sys
import tempfile
from pathlib import Path

from .errors import PmodocsError

BANNER_ID = "pmodocs-errors"


def serve(content_dir: Path, port: int, host: str = "127.0.0.1") -> None:
    """Build, serve the site on host:port and rebuild on every content change until Ctrl-C."""
    from mkdocs.livereload import LiveReloadServer

    workdir = Path(tempfile.mkdtemp(prefix="pmodocs-serve-"))
    site = workdir / "site"

    def rebuild() -> None:
        preview_build(content_dir, workdir)

    rebuild()
    server = LiveReloadServer(builder=rebuild, host=host, port=port, root=str(site))
    server.watch(str(content_dir.resolve()))
    print(f"serving {content_dir} on http://{host}:{port}/ (Ctrl-C stops)", flush=True)
    try:
        server.serve()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        shutil.rmtree(workdir, ignore_errors=True)
        print("stopped", flush=True)


def preview_build(content_dir: Path, workdir: Path) -> None:
    """Rebuild the preview; on a content or render error, keep the last site and show the error."""
    from .pipeline import build

    try:
        build(content_dir, workdir)
        print("rebuilt", flush=True)
    except PmodocsError as exc:
        lines = exc.lines()
        for line in lines:
            print(line, file=sys.stderr, flush=True)
        site = workdir / "site"
        site.mkdir(parents=True, exist_ok=True)
        if not any(site.glob("*.html")):
            (site / "index.html").write_text("<!doctype html><title>pmodocs preview</title>"
                                             "<body></body>", encoding="utf-8")
        for page in site.rglob("*.html"):
            page.write_text(with_error_banner(page.read_text(encoding="utf-8"), lines), encoding="utf-8")


def with_error_banner(page: str, lines: list[str]) -> str:
    """The page with a banner listing the errors (escaped), replacing any earlier banner."""
    start = page.find(f'<div id="{BANNER_ID}"')
    if start >= 0:
        end = page.find("</div>", start) + len("</div>")
        page = page[:start] + page[end:]
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
