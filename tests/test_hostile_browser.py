"""Hostile content in a real browser: no script from the content ever runs.

The example is built with script tags, `<img onerror>`, attribute break-outs and `javascript:`
links in many text fields (titles, paragraphs, table cells, names, the program's description).
Every page is loaded in headless chromium, served from 127.0.0.1, and the site's search is
used with the payload; no dialog may open and no injected global may be set.
"""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from conftest import EXAMPLE, edit_yaml, serve

PAYLOADS = [
    "<script>window.__pmodocs_injected={n};alert({n})</script>",
    "<img src=x onerror=\"window.__pmodocs_injected={n};alert({n})\">",
    "\"'><svg onload=\"window.__pmodocs_injected={n};alert({n})\">",
    "[click me](javascript:window.__pmodocs_injected={n};alert({n})) <javascript:alert({n})>",
    "</title></textarea></script><script>window.__pmodocs_injected={n};alert({n})</script>",
    "<a href=\"javascript:alert({n})\">link</a> <iframe src=\"javascript:alert({n})\"></iframe>",
]

FIELDS = {
    "program.yaml": ["program.department", "program.summary", "program.phase"],
    "people.yaml": ["people[0].name", "people[1].title"],
    "roles.yaml": ["roles[0].name", "roles[1].summary"],
    "organisations.yaml": ["organisations[0].name", "organisations[1].short"],
    "deliverables/risk.yaml": ["control.title", "control.purpose", "risks[0].title",
                               "risks[1].response", "risks[2].trigger", "scales.impact[0].label"],
    "deliverables/charter.yaml": ["vision", "control.purpose"],
    "deliverables/governance.yaml": ["control.title", "bodies[0].name", "bodies[1].purpose",
                                     "raci.activities[0].activity"],
    "deliverables/communication.yaml": ["items[0].item", "meetings[0].name"],
    "deliverables/mo-plan.yaml": ["block_cycles[0].name", "change_requests[0].title"],
    "deliverables/launch-agenda.yaml": ["items[0].topic", "meeting.place"],
    "deliverables/quality.yaml": ["control.title", "strategy"],
}


def _set(data: Any, dotted: str, value: str) -> None:
    from test_bad_inputs import parse_path

    *parent, last = parse_path(dotted)
    for part in parent:
        data = data[part]
    data[last] = value


@pytest.fixture(scope="module")
def hostile_site(browser, tmp_path_factory):
    """Base URL of the example built with a payload in every field of FIELDS."""
    from pmodocs.pipeline import build

    root = tmp_path_factory.mktemp("hostile_browser")
    content = root / "content"
    shutil.copytree(EXAMPLE, content)
    n = 0
    for rel, fields in FIELDS.items():
        for dotted in fields:
            n += 1
            payload = PAYLOADS[n % len(PAYLOADS)].format(n=n)
            edit_yaml(content / rel, lambda d, f=dotted, p=payload: _set(d, f, f"Text {n} {p}"))
    build(content, root / "out")
    with serve(root / "out/site") as base:
        yield base, root / "out/site"


@pytest.fixture
def watched(browser):
    """A page that records every dialog (alert, confirm, prompt) that anything tries to open."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.dialogs = []  # type: ignore[attr-defined]
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    yield page
    context.close()


def test_no_injected_script_runs_on_any_page(hostile_site, watched):
    base, folder = hostile_site
    pages = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html"))
    assert len(pages) > 10
    for rel in pages:
        watched.goto(f"{base}/{rel}", wait_until="load")
        watched.wait_for_timeout(50)
        injected = watched.evaluate("() => window.__pmodocs_injected")
        assert injected is None, f"{rel}: payload {injected} ran"
        links = watched.eval_on_selector_all(
            "a[href], iframe[src]", "els => els.map(e => e.getAttribute('href') || e.getAttribute('src'))")
        assert not [h for h in links if h.strip().lower().startswith("javascript:")], rel
        assert watched.dialogs == [], f"{rel}: a dialog opened: {watched.dialogs}"


def test_the_payload_is_shown_as_text(hostile_site, watched):
    base, _ = hostile_site
    watched.goto(f"{base}/plans/risk.html", wait_until="load")
    body = watched.inner_text("body")
    assert "<script>window.__pmodocs_injected=" in body
    assert "javascript:window.__pmodocs_injected=" in body


def test_searching_for_the_payload_runs_nothing(hostile_site, watched):
    base, _ = hostile_site
    watched.goto(f"{base}/index.html", wait_until="load")
    box = watched.locator(".md-search__input")
    box.click()
    words = "Text script"  # Material searches on key events: fill, then type the last key
    box.fill(words[:-1])
    box.press_sequentially(words[-1])
    watched.locator(".md-search-result__item").first.wait_for(timeout=15_000)
    watched.wait_for_timeout(500)
    assert watched.evaluate("() => window.__pmodocs_injected") is None
    assert watched.dialogs == []
