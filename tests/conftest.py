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


SLOW_FILES = {"test_browser.py", "test_hostile_browser.py", "test_portfolio.py", "test_fuzz.py",
              "test_scale.py", "test_bad_inputs.py", "test_atomic.py", "test_axe.py",
              "test_schema_lsp.py", "test_bench.py", "test_serve.py", "test_signatures.py"}
"""Files whose tests build many programs, drive a browser or LibreOffice, or fuzz: `make
test-fast` (`-m "not slow"`) leaves them out; a single test elsewhere says @pytest.mark.slow."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.name in SLOW_FILES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def tools_required() -> bool:
    """PMODOCS_REQUIRE_TOOLS set to anything but empty or 0 (CI sets 1): no skip, no fallback."""
    return os.environ.get("PMODOCS_REQUIRE_TOOLS", "").strip() not in ("", "0")


def skip_or_fail(message: str) -> None:
    """Skip a test that cannot run here, or fail it when tools are required (CI)."""
    if tools_required():
        pytest.fail(message + " (PMODOCS_REQUIRE_TOOLS is set, so this is a failure)")
    pytest.skip(message)


def require_tool(name: str, why: str) -> str:
    """The tool's path; skip when it is missing, or fail when PMODOCS_REQUIRE_TOOLS is set (CI)."""
    path = shutil.which(name)
    if path:
        return path
    skip_or_fail(f"{name} is not installed ({why}); install it with apt-get")
    raise AssertionError("unreachable")


def own_children(command_part: str) -> list[int]:
    """Live child processes of this test process whose command line contains `command_part`
    (only ours: another build on the machine is none of this test's business)."""
    me, found = os.getpid(), []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        state, ppid = fields[0], int(fields[1])
        if ppid == me and state != "Z" and command_part in cmdline:
            found.append(int(entry.name))
    return found


def pdf_text(path: Path) -> str:
    """The text of a PDF in content order, by poppler's pdftotext (pages end with a form feed)."""
    import subprocess

    tool = require_tool("pdftotext", "reads the text of PDFs; Debian package poppler-utils")
    return subprocess.run([tool, "-raw", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


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
