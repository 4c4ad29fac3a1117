"""Shared fixtures: the example program, one build of it per session, tool requirements."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, Callable

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "content"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from the current writers (review the diff)")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def require_tool(name: str, why: str) -> str:
    """The tool's path; skip when it is missing, or fail when PMODOCS_REQUIRE_TOOLS=1 (CI)."""
    path = shutil.which(name)
    if path:
        return path
    message = f"{name} is not installed ({why}); install it with apt-get"
    if os.environ.get("PMODOCS_REQUIRE_TOOLS") == "1":
        pytest.fail(message + " — PMODOCS_REQUIRE_TOOLS=1 makes this a failure")
    pytest.skip(message)


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A private copy of the example content that a test may edit."""
    target = tmp_path / "content"
    shutil.copytree(EXAMPLE, target)
    return target


def edit_yaml(path: Path, change: Callable[[Any], None]) -> None:
    """Apply `change` to a YAML file with ruamel's round-trip mode (comments and layout kept)."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    data = yaml.load(path.read_text(encoding="utf-8"))
    change(data)
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(data, handle)


@pytest.fixture(scope="session")
def built_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example program built once into a temporary output folder."""
    from pmodocs.pipeline import build

    out = tmp_path_factory.mktemp("built")
    build(EXAMPLE, out)
    return out


CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
    "--disable-background-networking", "--disable-component-update",
]


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium driven by playwright (no browser download)."""
    chromium = require_tool("chromium", "the site is tested in a real browser")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def serve(folder: Path):
    """Serve `folder` on 127.0.0.1 on a free port; use as `with serve(path) as base_url:`."""
    import contextlib
    import functools
    import http.server
    import threading

    @contextlib.contextmanager
    def running():
        handler = functools.partial(_QuietHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()

    return running()


def _quiet_handler_class():
    import http.server

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output clean
            pass

    return Handler


_QuietHandler = _quiet_handler_class()
