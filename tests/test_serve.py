"""`pmodocs serve`: a live preview that follows content edits and shows errors in the page."""

from __future__ import annotations

import io
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest
from conftest import EXAMPLE, edit_yaml


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def docx_text(url: str) -> str:
    """The body XML of the DOCX served at url ('' while it is not a DOCX)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            data = response.read()
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return z.read("word/document.xml").decode("utf-8")
    except (OSError, zipfile.BadZipFile, KeyError):
        return ""


def start_serve(content: Path, port: int) -> subprocess.Popen:
    """`pmodocs serve` as a person starts it in a terminal: Ctrl-C (SIGINT) stops it. A test run
    started in the background of a shell (`make test &`) inherits SIGINT ignored, which Python
    would keep; the preview gets the default disposition back, so the test does not depend on
    how its own run was started."""
    return subprocess.Popen([sys.executable, "-m", "pmodocs.cli", "serve", "--content",
                             str(content), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def wait_for(url: str, text: str, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = fetch(url)
        if text in page:
            return page
        time.sleep(0.5)
    raise AssertionError(f"{text!r} did not appear at {url} within {seconds} s")


def test_serve_rebuilds_on_change_shows_errors_and_stops_on_ctrl_c(content_copy):
    port = free_port()
    process = start_serve(content_copy, port)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/index.html", "Deliverables")
        edit_yaml(content_copy / "deliverables/risk.yaml",
                  lambda d: d["risks"][0].__setitem__("title", "Freshly edited risk title"))
        wait_for(f"{base}/plans/risk.html", "Freshly edited risk title")
        # the edited deliverable's download follows (rendered in the background)
        deadline = time.monotonic() + 60
        while "Freshly edited risk title" not in docx_text(f"{base}/downloads/risk.docx"):
            assert time.monotonic() < deadline, "the preview's DOCX never showed the edit"
            time.sleep(0.5)
        edit_yaml(content_copy / "deliverables/risk.yaml",
                  lambda d: d["risks"][0].__setitem__("owner", "nobody-at-all"))
        page = wait_for(f"{base}/plans/risk.html", "is not a person")
        banner = page[page.find("pmodocs-errors"):][:1500]
        assert "risks[0].owner: &#x27;nobody-at-all&#x27; is not a person" in page, banner
        assert "Freshly edited risk title" in page  # the last good build stays up
        assert "pmodocs-errors" in wait_for(f"{base}/index.html", "is not a person")
        edit_yaml(content_copy / "deliverables/risk.yaml",  # fixed: every banner goes
                  lambda d: d["risks"][0].__setitem__("title", "Fixed again"))
        edit_yaml(content_copy / "deliverables/risk.yaml",
                  lambda d: d["risks"][0].__setitem__("owner", "denise-carmichael"))
        page = wait_for(f"{base}/plans/risk.html", "Fixed again")
        assert "pmodocs-errors" not in page
        for other in ("index.html", "plans/charter.html"):  # pages the edit did not touch too
            assert "pmodocs-errors" not in fetch(f"{base}/{other}")
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "starting" in out and "ready" in out  # says it is starting, then when it is ready
    assert out.index("starting") < out.index("ready")
    assert "stopped" in out and "Traceback" not in err


@pytest.mark.slow  # two programs
def test_serve_previews_a_portfolio_and_follows_an_edit_in_one_program(tmp_path):
    folder = tmp_path / "programs"
    for pid, acronym in (("alpha", "ALPHA"), ("beta", "BETA")):
        shutil.copytree(EXAMPLE, folder / pid)
        edit_yaml(folder / pid / "program.yaml",
                  lambda d, acronym=acronym: d["program"].__setitem__("acronym", acronym))
    port = free_port()
    process = start_serve(folder, port)
    base = f"http://127.0.0.1:{port}"
    try:
        home = wait_for(f"{base}/index.html", "BETA")
        assert "ALPHA" in home
        edit_yaml(folder / "beta/deliverables/risk.yaml",
                  lambda d: d["risks"][0].__setitem__("title", "Only beta changed"))
        wait_for(f"{base}/beta/plans/risk.html", "Only beta changed")
        assert "Only beta changed" not in fetch(f"{base}/alpha/plans/risk.html")
        deadline = time.monotonic() + 90
        while "Only beta changed" not in docx_text(f"{base}/beta/downloads/risk.docx"):
            assert time.monotonic() < deadline, "the portfolio preview's DOCX never showed the edit"
            time.sleep(0.5)
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "ready" in out and "Traceback" not in err


def test_ctrl_c_stops_the_preview_even_when_a_rendering_never_finishes(tmp_path):
    """Stopping waits for background rendering only so long: a stuck one is abandoned and the
    process still exits (it once hung on Ctrl-C until killed)."""
    script = (
        "import threading, pathlib, sys\n"
        "import pmodocs.serve as s\n"
        "s.STOP_SECONDS = 0.5\n"
        "class Server:\n"
        "    def shutdown(self): pass\n"
        "class Stuck:\n"
        "    def close(self): threading.Event().wait()\n"
        "s._stop(Server(), Stuck(), pathlib.Path(sys.argv[1]))\n"
        "print('not reached')\n")
    work = tmp_path / "work"
    work.mkdir()
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", script, str(work)], capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert "stopped" in done.stdout and "abandoned" in done.stdout
    assert "not reached" not in done.stdout and time.monotonic() - started < 20


def test_a_port_in_use_is_a_usage_error_that_names_the_port():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "pmodocs.cli", "serve", "--content",
                               str(EXAMPLE), "--port", str(port)], capture_output=True, text=True,
                              timeout=60)
    assert done.returncode == 2, done.stderr
    assert f"port {port}" in done.stderr and "--port" in done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
