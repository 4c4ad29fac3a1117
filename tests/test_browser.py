"""The built site in a real headless browser (Debian chromium driven by playwright).

Served from 127.0.0.1 by a server the tests start and stop. Skips locally when chromium is
missing (with the reason); fails instead under PMODOCS_REQUIRE_TOOLS=1, as CI sets.
Screenshots go to test-artifacts/ (gitignored); `--update-golden` refreshes the README's copy.
"""

from __future__ import annotations

import urllib.request
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import pytest

from conftest import EXAMPLE, ROOT, edit_yaml, serve

ARTIFACTS = ROOT / "test-artifacts"
README_SHOT = ROOT / "docs" / "screenshots" / "home.png"
HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def site(built_example: Path):
    """Base URL of the example site, served for the whole module."""
    with serve(built_example / "site") as base:
        yield base


@pytest.fixture
def tab(browser):
    """A fresh page at desktop size that records everything that goes wrong on it."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.problems = []  # type: ignore[attr-defined]
    page.on("console", lambda m: m.type == "error" and page.problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: page.problems.append(f"script error: {e}"))
    # ERR_ABORTED is a request cut short by leaving the page (the search worker, say); a
    # missing file still shows up, as a 404 response.
    page.on("requestfailed", lambda r: "ERR_ABORTED" not in (r.failure or "")
            and page.problems.append(f"failed: {r.url} {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and page.problems.append(f"{r.status}: {r.url}"))
    page.on("request", lambda r: urlparse(r.url).hostname not in ("127.0.0.1", None)
            and page.problems.append(f"outside request: {r.url}"))
    page.on("dialog", lambda d: (page.problems.append(f"dialog: {d.message}"), d.dismiss()))
    yield page
    context.close()


def internal_links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    return [urldefrag(h)[0] for h in hrefs if h.startswith(base)]


def test_every_page_loads_cleanly_and_every_internal_link_resolves(tab, site):
    """Crawl from the home page: no console error, failed or outside request, no 404."""
    seen_pages: set[str] = set()
    checked_files: set[str] = set()
    queue = deque([f"{site}/index.html"])
    while queue:
        url = queue.popleft()
        if url in seen_pages:
            continue
        seen_pages.add(url)
        response = tab.goto(url, wait_until="load")
        assert response is not None and response.ok, url
        for link in internal_links(tab, site):
            target = link if not link.endswith("/") else link + "index.html"
            if target.endswith(".html"):
                queue.append(target)
            elif target not in checked_files:
                checked_files.add(target)
                with urllib.request.urlopen(urllib.request.Request(target, method="HEAD")) as r:
                    assert r.status == 200, target
    assert tab.problems == []
    assert len(seen_pages) >= 35, sorted(seen_pages)
    assert any(f.endswith(".ics") for f in checked_files)
    assert sum(f.endswith((".docx", ".pdf")) for f in checked_files) >= 20


def test_home_page_screenshot_for_the_readme(tab, site, update_golden):
    """The screenshot goes to test-artifacts/ on every run; `--update-golden` also refreshes the
    README's copy in docs/screenshots/, so ordinary runs leave the work tree clean."""
    import shutil

    tab.goto(f"{site}/index.html")
    assert tab.locator(".pm-meter").count() == 5
    assert tab.locator("svg.pm-svg").count() == 4  # budget, risks, change requests, schedule
    shot = ARTIFACTS / "home.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    if update_golden:
        README_SHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, README_SHOT)
    assert README_SHOT.is_file(), "run pytest --update-golden to make the README screenshot"
    assert tab.problems == []


def search(tab, words: str):
    """Type into mkdocs-material's search box and return the result list locator."""
    box = tab.locator(".md-search__input")
    box.click()
    # Material searches on key events: fill most of the words, then type the last key.
    box.fill(words[:-1])
    box.press_sequentially(words[-1])
    results = tab.locator(".md-search-result__item")
    results.first.wait_for(timeout=10_000)
    return results


def test_typing_a_risk_title_into_search_finds_the_risk(tab, site):
    from pmodocs.pipeline import load_and_check

    risk = load_and_check(EXAMPLE)[0].deliverables["risk"].risks[0]
    tab.goto(f"{site}/index.html")
    results = search(tab, risk.title)
    on_risk_page = results.filter(has=tab.locator('a[href*="/plans/risk.html"]'))
    assert on_risk_page.count() == 1, results.all_inner_texts()
    assert risk.title in on_risk_page.inner_text()
    assert tab.problems == []


def test_search_finds_a_role_by_name(tab, site):
    tab.goto(f"{site}/index.html")
    results = search(tab, "Help Desk Manager")
    hrefs = [a.get_attribute("href") for a in results.locator("a").all()]
    assert any("people/roles/" in h for h in hrefs), hrefs


def test_raci_matrix_on_desktop_and_phone_keeps_its_header_in_view(browser, site):
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in ((1280, 800), (390, 844)):
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.goto(f"{site}/plans/governance.html")
        box = page.locator(".pm-table--raci")
        box.scroll_into_view_if_needed()
        header = box.locator("thead th").first
        box.evaluate("el => el.scrollBy(0, 300)")
        assert box.evaluate("el => el.scrollTop") == 300, "the matrix scrolls in its own box"
        top = box.bounding_box()["y"]
        assert abs(header.bounding_box()["y"] - top) < 3, "RACI header must stay in view"
        box.evaluate("el => el.scrollTo(0, 0)")
        page_width = page.evaluate("document.scrollingElement.scrollWidth")
        assert page_width <= width, "the page itself must not scroll sideways; the table does"
        page.screenshot(path=str(ARTIFACTS / f"raci-{width}x{height}.png"))
        context.close()
    assert (ARTIFACTS / "raci-390x844.png").stat().st_size > 5_000


def test_clicking_a_risk_register_header_sorts_the_rows(tab, site):
    tab.goto(f"{site}/plans/risk.html")
    table = tab.locator(".pm-table--risk-register table")
    ids = lambda: table.locator("tbody tr td:first-child").all_inner_texts()  # noqa: E731
    assert ids() != sorted(ids()), "the register starts by score, not by id"
    table.locator("thead th button", has_text="Id").click()
    assert ids() == sorted(ids())
    table.locator("thead th button", has_text="Id").click()
    assert ids() == sorted(ids(), reverse=True)
    assert table.locator('thead th[aria-sort="descending"]').count() == 1


def test_print_stylesheet_leaves_only_the_content(tab, site):
    tab.goto(f"{site}/plans/mo-plan.html")
    tab.emulate_media(media="print")
    for chrome in (".md-header", ".md-sidebar--primary", ".md-footer", ".pm-downloads"):
        assert tab.locator(chrome).first.evaluate("e => getComputedStyle(e).display") == "none"
    assert tab.locator(".pm-table--inventory").is_visible()


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    """The example with a risk titled like a script: only the site is built (no DOCX/PDF, which
    test_site's end-to-end hostile build covers), to keep the browser suite quick."""
    import shutil

    from pmodocs.outputs import compose_program
    from pmodocs.engines import mkdocs_build
    from pmodocs.pipeline import load_and_check
    from pmodocs.compose.site import download_sources, site_tree
    from pmodocs.paths import MKDOCS_TEMPLATE, site_assets, template_text
    from pmodocs.render.site import site_files

    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(EXAMPLE, root / "content")
    edit_yaml(root / "content" / "deliverables" / "risk.yaml",
              lambda d: d["risks"][0].__setitem__("title", HOSTILE))
    content = load_and_check(root / "content")[0]
    from pmodocs.compose.site import download_sources, site_tree
    from pmodocs.paths import MKDOCS_TEMPLATE, site_assets, template_text
    from pmodocs.signoff import derive_facts

    facts = derive_facts(content)
    docs, _ = compose_program(content, facts)
    placeholders = dict.fromkeys(download_sources(docs, {}, tuple(facts.awaiting)), b"")
    site = site_files(site_tree(content, docs, facts), {}, site_assets(),
                      template_text(MKDOCS_TEMPLATE))
    for rel, data in {**placeholders, **site}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    mkdocs_build(root / "mkdocs.yml", 0)  # the downloads are placeholders, as in the pipeline
    with serve(root / "site") as base:
        yield base


def test_a_hostile_risk_title_is_shown_as_text_in_the_page_and_in_search(tab, hostile_site):
    tab.goto(f"{hostile_site}/plans/risk.html")
    assert tab.get_by_role("cell", name=HOSTILE, exact=True).count() == 1
    results = search(tab, "risk register")
    assert HOSTILE in " ".join(results.all_inner_texts())
    assert tab.problems == [], "no dialog may open and nothing may fail"


@pytest.fixture(scope="module")
def portfolio_site(portfolio_build):
    """The three programs of conftest's portfolio (SCAS, BPH, GLP), built as one portfolio site."""
    with serve(portfolio_build[1].out / "site") as base:
        yield base


def test_portfolio_search_results_name_their_program(tab, portfolio_site):
    """Every program has a people directory: each result carries its program's tag."""
    tab.goto(f"{portfolio_site}/index.html")
    results = search(tab, "People directory")
    tags = {}
    for item in results.all():
        path = urlparse(item.locator("a").first.get_attribute("href") or "").path
        if path.endswith("/people/index.html"):
            tags[path.split("/")[-3]] = item.locator(".md-tag").all_inner_texts()
    assert tags == {"alpha": ["SCAS"], "beta": ["BPH"], "gamma": ["GLP"]}, tags
    assert tab.problems == []


def test_search_finds_a_word_of_a_table_cell_and_folds_accents(tab, site, built_example):
    import json

    index = json.loads((built_example / "site/search/search_index.json").read_text(encoding="utf-8"))
    text = " ".join(d["text"] for d in index["docs"])
    assert "openr-04" not in text and "open r-04" in text  # cells are separate words
    tab.goto(f"{site}/index.html")
    results = search(tab, "Knowledgeable")
    assert any("risk.html" in (a or "") for a in
               [i.locator("a").first.get_attribute("href") for i in results.all()])
    tab.goto(f"{site}/index.html")
    results = search(tab, "Bronte")
    shown = " ".join(results.all_inner_texts())
    assert "Brontë" in shown, shown
    # the folded spelling is indexed but not shown in the preview
    assert "Bronte" not in shown.replace("Brontë", ""), shown
    assert tab.problems == []


def test_tables_scroll_in_a_focusable_region_and_dates_do_not_wrap(tab, site):
    tab.goto(f"{site}/plans/risk.html")
    region = tab.get_by_role("region", name="Risk register")
    assert region.count() == 1
    region.focus()
    assert tab.evaluate("document.activeElement.getAttribute('role')") == "region"
    before = region.evaluate("el => el.scrollLeft")
    for _ in range(5):
        tab.keyboard.press("ArrowRight")  # the keyboard scrolls the focused region
    tab.wait_for_function("el => el.scrollLeft > 0", arg=region.element_handle())
    assert region.evaluate("el => el.scrollLeft") > before
    first = region.locator("tbody td").first
    box, cell = region.bounding_box(), first.bounding_box()
    assert abs(cell["x"] - box["x"]) < 4, "the first column stays in view while the rest scrolls"
    for date in tab.locator("td.pm-nowrap").all()[:20]:
        assert date.evaluate("e => getComputedStyle(e).whiteSpace") == "nowrap"
    # the register page has no table of contents beside it: the table gets the width
    assert not tab.locator(".md-sidebar--secondary").first.is_visible()


def test_on_a_phone_long_registers_become_stacked_records(browser, site):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(f"{site}/plans/risk.html")
        region = page.locator(".pm-table--risk-register")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
        assert region.evaluate("el => el.scrollWidth <= el.clientWidth + 1")
        cell = region.locator("tbody tr").first.locator("td").nth(1)
        label = cell.evaluate("e => getComputedStyle(e, '::before').content")
        assert cell.get_attribute("data-label") in label
        assert cell.evaluate("e => getComputedStyle(e).display") == "block"
        page.screenshot(path=str(ARTIFACTS / "risk-390.png"))
    finally:
        context.close()


def test_charts_on_a_phone_have_labels_of_at_least_11_px_and_name_the_block_cycles(browser, site):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        for rel in ("index.html", "plans/mo-plan.html", "plans/risk.html"):
            page.goto(f"{site}/{rel}")
            sizes = page.evaluate("""() => [...document.querySelectorAll('.pm-chart svg text')]
                .map(t => parseFloat(getComputedStyle(t).fontSize) * t.ownerSVGElement.getScreenCTM().a)""")
            assert sizes and min(sizes) >= 10.9, (rel, min(sizes))
        page.goto(f"{site}/plans/mo-plan.html")
        labels = " ".join(page.locator(".pm-chart svg text").all_text_contents())
        assert "Block cycle 3.1, post-go-live" in labels and "$480,000" in labels
        region = page.get_by_role("region", name="Hours and dollars per block cycle against the "
                                  "authorised total")
        assert region.count() == 1 and region.get_attribute("tabindex") == "0"
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
        page.screenshot(path=str(ARTIFACTS / "mo-plan-390.png"), full_page=False)
    finally:
        context.close()
