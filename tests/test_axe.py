"""axe-core in the real browser: zero violations on every page of the example site, at desktop
(1400 px) and phone (390 px) widths. axe-core comes from npm (`npm ci --prefix tests/axe`,
which `make test` and CI run); without it the test skips, or fails under PMODOCS_REQUIRE_TOOLS=1.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, serve, skip_or_fail

AXE = ROOT / "tests" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (1400, 390)


@pytest.fixture(scope="module")
def axe_script() -> Path:
    if not AXE.is_file():
        skip_or_fail("axe-core is not installed: run `npm ci --prefix tests/axe`")
    return AXE


def site_pages(site: Path) -> list[str]:
    return sorted(str(p.relative_to(site)) for p in site.rglob("*.html"))


def violations(page, script: Path) -> list[str]:
    """axe's violations on the loaded page, one line each: rule, impact, first element, count."""
    page.add_script_tag(path=str(script))
    found = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
        .violations.map(v => `${v.id} (${v.impact}): ${v.nodes.length}× e.g. ${v.nodes[0].target.join(' ')}`)""")
    return list(found)


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_violation_on_any_page(browser, built_example, axe_script, width):
    site = built_example / "site"
    pages = site_pages(site)
    assert len(pages) > 20
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    problems = {}
    try:
        with serve(site) as base:
            for rel in pages:
                page.goto(f"{base}/{rel}")
                found = violations(page, axe_script)
                if found:
                    problems[rel] = found
    finally:
        context.close()
    assert not problems, problems


def test_axe_sees_a_violation_when_there_is_one(browser, axe_script, tmp_path):
    """The harness itself works: an image without alt text is reported."""
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
        '<img src="x.png"></main></body></html>', encoding="utf-8")
    page = browser.new_page()
    try:
        with serve(tmp_path) as base:
            page.goto(f"{base}/index.html")
            assert any(v.startswith("image-alt") for v in violations(page, axe_script))
    finally:
        page.close()
