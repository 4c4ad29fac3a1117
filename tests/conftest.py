"""Shared fixtures: the example program, one build of it per session, tool requirements."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
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


def pytest_collection_finish(session: pytest.Session) -> None:
    """Python's cyclic collector, tuned for a test worker: the modules and objects alive after
    collection are frozen (never scanned again), and collections run 70 times less often. The
    in-process builds allocate a great deal and keep it until they return, so the collector
    mostly re-scanned live objects (`pmodocs build` itself turns it off: see `cli.run`): 5 to
    10 % less CPU time for the files that build in-process (test_cache.py, test_build.py), for
    about 70 MB more memory per worker. Reference counting still frees everything else."""
    import gc

    gc.freeze()
    gc.set_threshold(50_000, 50, 100)


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


def pmodocs_source() -> Path:
    """The folder holding the pmodocs package that this process imports (this tree's src/,
    unless PYTHONPATH says otherwise): what the processes a test starts must import too."""
    import pmodocs

    return Path(pmodocs.__file__).resolve().parents[1]


def python(*argv: str, cwd: Path = ROOT, env: dict[str, str] | None = None,
           timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    """`python ARGV` in a fresh process of this interpreter, importing the pmodocs this process
    imports, in `cwd` (the project root unless told), with `env` added to this process's
    environment (a value "" unsets a pmodocs switch such as PMODOCS_DEBUG); output as text."""
    found = (str(pmodocs_source()), os.environ.get("PYTHONPATH", ""))
    path = os.pathsep.join(p for p in found if p)
    return subprocess.run([sys.executable, *argv], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "PYTHONPATH": path, **(env or {})}, timeout=timeout)


def run(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None,
        timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    """`pmodocs ARGS` (`python -m pmodocs.cli`) as a user runs it: a fresh process, no terminal."""
    return python("-m", "pmodocs.cli", *args, cwd=cwd, env=env, timeout=timeout)


def run_here(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None,
             timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    """`pmodocs ARGS` through the same `pmodocs.cli.main` in this process, for tests about what a
    verb does rather than about the process (test_cli.py and the build tests keep `run`): no
    interpreter start and no imports per call. Same result shape as `run`: exit code, stdout,
    stderr; `cwd` and `env` apply during the call only (`timeout` is ignored)."""
    import contextlib
    import io

    from pmodocs.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    try:
        os.environ.update(env or {})
        os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    return subprocess.CompletedProcess(["pmodocs", *args], code, out.getvalue(), err.getvalue())


def pdf_text(path: Path) -> str:
    """The text of a PDF in content order, by poppler's pdftotext (pages end with a form feed)."""
    tool = require_tool("pdftotext", "reads the text of PDFs; Debian package poppler-utils")
    return subprocess.run([tool, "-raw", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def pdf_pages(path: Path) -> list[str]:
    """The text of each page, in content order (pdftotext -raw; pages end with a form feed)."""
    return pdf_text(path).split("\f")[:-1]


def tree_digest(root: Path) -> dict[str, str]:
    """Hash of every published file; the lock and the build cache (.pmodocs*) are not outputs."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()
            and not any(part.startswith(".pmodocs") for part in p.relative_to(root).parts)}


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


def _digest(*roots: Path) -> str:
    """A short digest of every file under `roots` (names and bytes)."""
    h = hashlib.sha256()
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def made_once(factory: pytest.TempPathFactory, name: str,
              make: Callable[[Path], dict]) -> tuple[Path, dict]:
    """A folder made by `make(folder)` once per test run, whichever xdist worker asks first (the
    others wait on a file lock, then reuse it); `make` returns what to remember about it (JSON).
    Keyed on `name` and the digest of the code, templates and example content, so a folder is
    never reused for other sources. Callers must not change the folder: copy it to edit it."""
    root = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, shared by its workers (each has its own below it)
    key = f"{name}-{_digest(pmodocs_source(), ROOT / 'templates', EXAMPLE)}"
    folder, done = root / key, root / f"{key}.json"
    with open(root / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.is_file():
            shutil.rmtree(folder, ignore_errors=True)  # left by a failed attempt
            folder.mkdir()
            done.write_text(json.dumps(make(folder)), encoding="utf-8")
        return folder, json.loads(done.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class ColdBuild:
    """A cold `pmodocs build` of the example, run as a user runs it (no terminal): its output
    folder (build cache included) and what it printed."""

    out: Path
    stdout: str
    stderr: str


@pytest.fixture(scope="session", autouse=True)
def _scratch_removed_at_the_end():
    """Tests render PDFs in this process too; a pytest-xdist worker may end without running exit
    handlers, so the scratch folder typst compiled from is removed when the session ends."""
    yield
    from pmodocs.files import remove_scratch

    remove_scratch()


@pytest.fixture(scope="session")
def cold_example(tmp_path_factory: pytest.TempPathFactory) -> ColdBuild:
    """The example built once per test run, shared by all workers. Read it, never change it:
    copy it (shutil.copytree keeps the modification times: the copy's next build is a no-op)."""
    def make(folder: Path) -> dict:
        result = run("build", "--content", str(EXAMPLE), "--out", str(folder / "out"))
        assert result.returncode == 0, result.stderr
        return {"stdout": result.stdout, "stderr": result.stderr}

    folder, printed = made_once(tmp_path_factory, "cold-example", make)
    return ColdBuild(folder / "out", printed["stdout"], printed["stderr"])


@pytest.fixture(scope="session")
def built_example(cold_example: ColdBuild) -> Path:
    """The example program's published outputs (one cold build per test run; read-only)."""
    return cold_example.out


EPOCH = 1_789_948_800
"""The SOURCE_DATE_EPOCH of `epoch_example`: 2026-09-21 00:00 UTC (build dates are whole days)."""


@pytest.fixture(scope="session")
def epoch_example(tmp_path_factory: pytest.TempPathFactory, cold_example: ColdBuild) -> ColdBuild:
    """The example built with SOURCE_DATE_EPOCH=EPOCH by `pmodocs build --quiet`, once per test
    run, into a copy of `cold_example` (dated by the content, so nothing may be taken as it is):
    what the cache and determinism tests read (read-only)."""
    def make(folder: Path) -> dict:
        shutil.copytree(cold_example.out, folder / "out", symlinks=True)
        result = run("build", "--content", str(EXAMPLE), "--out", str(folder / "out"), "--quiet",
                     env={"SOURCE_DATE_EPOCH": str(EPOCH)})
        assert result.returncode == 0, result.stderr
        return {"stdout": result.stdout, "stderr": result.stderr}

    folder, printed = made_once(tmp_path_factory, "epoch-example", make)
    return ColdBuild(folder / "out", printed["stdout"], printed["stderr"])


@pytest.fixture(scope="session")
def rebuilt_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second cold build of the example, by `pipeline.build` in a worker process into another
    folder, once per test run (read-only): what determinism tests compare `built_example` with."""
    def make(folder: Path) -> dict:
        from pmodocs.pipeline import build

        build(EXAMPLE, folder / "out")
        return {}

    return made_once(tmp_path_factory, "rebuilt-example", make)[0] / "out"


CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
    "--disable-background-networking", "--disable-component-update",
]


PROGRAMS = {"alpha": ("Statewide Case Assistance System", "SCAS"),
            "beta": ("Benefits Payment Hub", "BPH"),
            "gamma": ("Grants <b>& Licensing</b> Portal", "GLP")}
"""The programs of `make_portfolio`: folder -> (name, acronym)."""


def make_portfolio(folder: Path) -> Path:
    """Three program folders made from the example content."""
    for pid, (name, acronym) in PROGRAMS.items():
        shutil.copytree(EXAMPLE, folder / pid)

        def rename(d, name=name, acronym=acronym):
            d["program"]["name"], d["program"]["acronym"] = name, acronym
        edit_yaml(folder / pid / "program.yaml", rename)
    edit_yaml(folder / "beta/approvals.yaml", lambda d: d.__setitem__("approvals", []))
    edit_yaml(folder / "gamma/people.yaml",
              lambda d: d["people"][0].__setitem__("name", "Patricia Whitfield-Gamma"))
    return folder


@pytest.fixture(scope="session")
def portfolio_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ColdBuild]:
    """The portfolio of `make_portfolio` built through `python build.py --content programs/
    --quiet`, once per test run (a program costs a cold build): (programs folder, its build).
    Read-only, like `cold_example`."""
    def make(folder: Path) -> dict:
        make_portfolio(folder / "programs")
        result = python(str(ROOT / "build.py"), "--content", str(folder / "programs"), "--out",
                        str(folder / "out"), "--quiet")
        assert result.returncode == 0, result.stderr
        return {"stdout": result.stdout, "stderr": result.stderr}

    folder, printed = made_once(tmp_path_factory, "portfolio", make)
    return folder / "programs", ColdBuild(folder / "out", printed["stdout"], printed["stderr"])


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
