"""The stakeholder site, read from the built HTML: dashboard, charts, tables, roles, meeting, nav.

Most tests read the example program built once (`built_example`, which already ran
`mkdocs build --strict`); tests that change content build a private copy into tmp_path.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from conftest import EPOCH, EXAMPLE, edit_yaml, python, skip_or_fail

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def content():
    from pmodocs.pipeline import load_and_check

    return load_and_check(EXAMPLE)[0]


def page(built: Path, rel: str) -> str:
    return (built / "site" / rel).read_text(encoding="utf-8")


def visible(markup: str) -> str:
    """The text of an HTML fragment with tags dropped and entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def svgs(markup: str) -> list[str]:
    return re.findall(r"<svg [^>]*class=\"pm-svg\".*?</svg>", markup, flags=re.S)


# --- the home page is a readiness dashboard ---------------------------------------------------

def test_home_lists_every_exit_criterion_with_whether_it_is_met(built_example, content):
    home = page(built_example, "index.html")
    table = re.search(r'pm-table--exit-criteria.*?</table>', home, flags=re.S).group(0)
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], flags=re.S)
    from pmodocs.signoff import derive_facts

    criteria = derive_facts(content).criteria  # computed or stated, as the build publishes them
    assert len(rows) == len(criteria)
    for row, criterion in zip(rows, criteria):
        assert visible(row).startswith(criterion.criterion)
        met = "Yes" if criterion.met else "No"
        assert f'pm-badge--{"approved" if criterion.met else "rejected"}">{met}</span>' in row
    met = sum(c.met for c in criteria)
    assert f"{met} of {len(criteria)} met" in visible(home)


def test_home_shows_every_deliverable_with_version_status_and_approval_badge(built_example, content):
    from pmodocs.signoff import all_signoffs
    from pmodocs.render.markdown import STATE_CLASS

    home = page(built_example, "index.html")
    cards = re.findall(r"<li>(.*?)</li>", home.split("pm-cards", 1)[1].split("</ul>", 1)[0], re.S)
    signoffs = all_signoffs(content)
    assert len(cards) == len(content.deliverables)
    for card, (kind, doc) in zip(cards, content.deliverables.items()):
        c = doc.control
        assert html.escape(c.title, quote=False) in card
        assert f'href="plans/{kind}.html"' in card or f"/{kind}.html" in card
        assert f"version {c.version}" in visible(card)
        assert f"Author status: {c.status}" in visible(card)
        state = signoffs[kind].state
        assert f'pm-badge--{STATE_CLASS[state]}">{state}</span>' in card


def test_home_shows_checklist_progress_and_budget_totals(built_example, content):
    from pmodocs.compose.common import hours, money

    text = visible(page(built_example, "index.html"))
    plan = content.deliverables["mo-plan"]
    from pmodocs.facts import item_state
    from pmodocs.signoff import derive_facts

    signoffs = derive_facts(content).signoffs
    items = [i for a in plan.pre_initiation for i in a.items]
    done = sum(item_state(content, signoffs, i) == "done" for i in items)  # typed or computed
    assert f"{done} of {len(items)} items done" in text
    funding = content.deliverables["charter"].funding
    alloc_h = sum(b.hours for b in plan.block_cycles)
    alloc_d = sum(b.dollars for b in plan.block_cycles)
    assert f"{hours(alloc_h)} of {hours(funding.authorised_hours)} authorised hours" in text
    assert f"{money(alloc_d)} of {money(funding.authorised_dollars)} authorised" in text
    assert f"Dollars {money(funding.authorised_dollars)} {money(alloc_d)} " \
           f"{money(funding.authorised_dollars - alloc_d)}" in text


# --- charts ---------------------------------------------------------------------------------

def test_every_chart_has_a_title_a_description_and_an_aria_label(built_example):
    charts = {rel: svgs(page(built_example, rel))
              for rel in ("index.html", "plans/risk.html", "plans/mo-plan.html")}
    assert [len(c) for c in charts.values()] == [4, 1, 3]  # the schedule chart on both
    for chart in (c for group in charts.values() for c in group):
        assert re.match(r'<svg [^>]*role="img" aria-label="[^"]{10,}"', chart)
        assert re.search(r"<title>[^<]{10,}</title><desc>[^<]{20,}</desc>", chart)
        assert " id=" not in chart, "inline SVGs share one page: no ids that could collide"


def test_heat_map_puts_every_open_risk_id_in_its_probability_impact_cell(content):
    from pmodocs.compose.charts import risk_heat_map
    from pmodocs.render.charts import chart_svg

    plan = content.deliverables["risk"]
    chart = risk_heat_map(plan)
    assert chart.spec is not None and not chart.svg, "compose gives data, not a drawing"
    for risk in plan.risks:
        shown = re.search(rf">[^<]*\b{risk.id}\b[^<]*</text>", chart_svg(chart)) is not None
        assert shown == (risk.state != "closed"), risk.id
        if risk.state != "closed":
            assert re.search(rf"probability {risk.probability} × impact {risk.impact} "
                             rf"\(score \d+, \w+\): [^;]*\b{risk.id}\b", chart.alt)


def test_budget_and_change_request_charts_say_their_numbers_in_words(content):
    from pmodocs.compose.charts import budget_chart, change_request_chart
    from pmodocs.compose.common import hours

    plan = content.deliverables["mo-plan"]
    budget = budget_chart(content, plan).alt
    for cycle in plan.block_cycles:
        assert f"{cycle.id} {hours(cycle.hours)} h" in budget
    authorised = content.deliverables["charter"].funding.authorised_hours
    assert f"of {hours(authorised)} h authorised" in budget
    crs = change_request_chart(plan).alt
    assert f"({len(plan.change_requests)} in all)" in crs
    for t in plan.change_types:
        assert t.name in crs


CHART_DIGEST = """
import hashlib
from pathlib import Path
from pmodocs.outputs import compose_program
from pmodocs.document import Chart
from pmodocs.pipeline import load_and_check
from pmodocs.render.charts import chart_svg
docs, _ = compose_program(load_and_check(Path({root!r}))[0])
svg = "".join(chart_svg(b) for d in docs.values() for b in d.blocks if isinstance(b, Chart))
print(hashlib.sha256(svg.encode()).hexdigest(), svg.count("<svg"))
"""


def test_charts_are_byte_identical_in_separate_processes():
    def digest(seed: str) -> str:
        result = python("-c", CHART_DIGEST.format(root=str(EXAMPLE)), env={"PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        return result.stdout

    first = digest("1")
    assert first.split()[1] == "4"  # heat map, budget, change requests, schedule
    assert first == digest("2")


# --- escaping ----------------------------------------------------------------------------------

def test_a_hostile_risk_title_shows_as_text_everywhere_on_the_site(cold_example, content_copy,
                                                                  tmp_path):
    import shutil

    from pmodocs.pipeline import build

    # from the example's build (cache included): the published files are a cold build's
    # (test_cache.py), and only what the edit reaches is rendered again
    shutil.copytree(cold_example.out, tmp_path / "out", symlinks=True)
    edit_yaml(content_copy / "deliverables" / "risk.yaml",
              lambda d: d["risks"][0].__setitem__("title", HOSTILE))
    assert "risk" in build(content_copy, tmp_path / "out").rendered
    site = tmp_path / "out" / "site"
    risk = (site / "plans" / "risk.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in risk
    for built in site.rglob("*.html"):
        assert HOSTILE not in built.read_text(encoding="utf-8"), built


# --- tables -------------------------------------------------------------------------------------

def test_long_tables_are_sortable_and_the_script_ships_with_the_site(built_example):
    risk = page(built_example, "plans/risk.html")
    assert re.search(r'pm-table--risk-register[^"]*" role="region" aria-label="[^"]+" tabindex="0">'
                     r'<table data-sortable="true">', risk)
    assert 'src="../assets/pmodocs.js"' in risk
    assert (built_example / "site" / "assets" / "pmodocs.js").is_file()


def test_raci_cells_carry_their_letter_and_the_legend_is_on_the_page(built_example, content):
    gov = page(built_example, "plans/governance.html")
    raci = re.search(r'pm-table--raci.*?</table>', gov, flags=re.S).group(0)
    letters = [v for a in content.deliverables["governance"].raci.activities
               for v in a.assignments.values() if v]
    assert len(re.findall(r'<td data-label="[^"]+" class="pm-raci pm-raci--[a-z]+[^"]*">', raci)) == len(letters)
    assert "A = Accountable" in visible(gov)


def test_inventory_rows_expiring_within_the_window_are_highlighted(built_example, content):
    from pmodocs.compose.moplan import EXPIRY_WINDOW_DAYS

    horizon = content.program.as_of + timedelta(days=EXPIRY_WINDOW_DAYS)
    expected = [a.id for a in content.deliverables["mo-plan"].inventory
                if any(d and d <= horizon for d in (a.warranty_expires, a.licence_expires))]
    assert expected, "the example program should show the highlight"
    mo = page(built_example, "plans/mo-plan.html")
    flagged = re.findall(r'<tr class="pm-row--attention"><td data-label="[^"]+"[^>]*>([^<]+)</td>', mo)
    assert flagged == expected
    gone = [a.id for a in content.deliverables["mo-plan"].inventory
            if any(d and d < content.program.as_of for d in (a.warranty_expires, a.licence_expires))]
    soon = visible(mo.split("Expiring within")[1].split("</div>")[0])
    assert gone and all(i not in soon for i in gone)  # lapsed is not "ends soon"
    assert all(i in soon for i in expected if i not in gone)
    expired = visible(mo.split("Expired before")[1].split("</div>")[0])
    assert all(i in expired for i in gone) and "licence lapsed 2026-09-30" in expired


def test_nothing_is_highlighted_when_no_expiry_falls_in_the_window(content_copy):
    from pmodocs.compose.moplan import expiring
    from pmodocs.pipeline import load_and_check

    def far_future(data) -> None:
        for asset in data["inventory"]:
            for key in ("warranty_expires", "licence_expires"):
                if key in asset:
                    asset[key] = asset[key].replace(year=2099)

    edit_yaml(content_copy / "deliverables" / "mo-plan.yaml", far_future)
    changed = load_and_check(content_copy)[0]
    assert expiring(changed, changed.deliverables["mo-plan"]) == []


# --- deliverable pages, roles, people ----------------------------------------------------------

def test_every_deliverable_page_links_its_docx_and_pdf_and_shows_document_control(
        built_example, content):
    from pmodocs.compose.site import page_path

    for kind in content.deliverables:
        rel = page_path(kind).replace(".md", ".html")
        text = page(built_example, rel)
        for ext in ("docx", "pdf"):
            assert f'href="../downloads/{kind}.{ext}"' in text, (kind, ext)
            assert (built_example / "site" / "downloads" / f"{kind}.{ext}").stat().st_size > 1000
        assert "Document control" in text and "Revision history" in text
        for rev in content.deliverables[kind].control.revisions:
            assert rev.summary in visible(text)


def test_one_page_per_role_and_an_index_of_role_cards(built_example, content):
    index = page(built_example, "people/roles/index.html")
    assert "grid cards" in index
    for role in content.roles:
        assert f'href="{role.id}.html"' in index
        text = visible(page(built_example, f"people/roles/{role.id}.html"))
        assert role.name in text
        for holder in role.holders:
            assert content.party_name(holder) in text


def test_people_directory_says_who_holds_which_role_in_which_organisation(built_example, content):
    table = re.search(r'pm-table--role-holders.*?</table>',
                      page(built_example, "people/index.html"), flags=re.S).group(0)
    rows = [visible(r) for r in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)]
    for role in content.roles:
        for pid in role.holders:
            person = content.person(pid)
            line = " ".join((role.name, role.side, content.party_name(role.organisation),
                             person.name, content.party_name(person.organisation)))
            assert line in rows


# --- the launch meeting ----------------------------------------------------------------------

def test_launch_meeting_calendar_event_is_downloadable_and_deterministic(built_example, content):
    from pmodocs.compose.site import meeting_event
    from pmodocs.render.ics import render_ics

    agenda_page = page(built_example, "meeting/launch-agenda.html")
    assert 'href="../downloads/launch-meeting.ics"' in agenda_page
    raw = (built_example / "site" / "downloads" / "launch-meeting.ics").read_bytes()
    agenda = content.deliverables["launch-agenda"]
    m = agenda.meeting
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    text = raw.decode("utf-8")
    assert f"DTSTART:{m.date:%Y%m%d}T{m.start.replace(':', '')}00\r\n" in text
    assert f"DTEND:{m.date:%Y%m%d}T{m.end.replace(':', '')}00\r\n" in text
    assert f"DTSTAMP:{agenda.control.date:%Y%m%d}T000000Z\r\n" in text
    unfolded = text.replace("\r\n ", "")
    assert f"09:00–09:10 {agenda.items[0].topic.replace(',', chr(92) + ',')}" in unfolded
    assert render_ics(meeting_event(content), "SCAS M&O plans").encode("utf-8") == raw


def test_ics_text_escapes_separators_and_folds_long_lines():
    from pmodocs.render.ics import fold, ics_text

    assert ics_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    folded = fold("DESCRIPTION:" + "é" * 80)
    assert all(len(part.encode("utf-8")) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "DESCRIPTION:" + "é" * 80


# --- navigation, search, offline -------------------------------------------------------------

def test_navigation_groups_pages_into_plans_operations_people_meeting(built_example):
    nav = yaml.safe_load((built_example / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]
    assert [next(iter(entry)) for entry in nav] == ["Home", "Who signs what", "Plans",
                                                    "Operations", "People", "Meeting"]
    tabs = re.search(r'<nav class="md-tabs".*?</nav>', page(built_example, "index.html"), re.S)
    assert visible(tabs.group(0)).split() == ["Home", "Who", "signs", "what", "Plans",
                                              "Operations", "People", "Meeting"]


def test_offline_search_index_holds_risk_titles_and_role_names(built_example, content):
    import json

    index = json.loads((built_example / "site" / "search" / "search_index.json").read_text())
    corpus = html.unescape(" ".join(d["title"] + " " + d["text"] for d in index["docs"]))
    for risk in content.deliverables["risk"].risks:
        assert risk.title in corpus
    titles = {html.unescape(d["title"]) for d in index["docs"]}
    assert {r.name for r in content.roles} <= titles


def test_site_references_no_outside_host(built_example):
    outside = re.compile(r'(?:src|href)="(?:https?:)?//(?!127\.0\.0\.1)', re.I)
    for built in (built_example / "site").rglob("*.html"):
        assert not outside.search(built.read_text(encoding="utf-8")), built
    config = yaml.safe_load((built_example / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["theme"]["font"] is False


# --- Zensical ------------------------------------------------------------------------------------

def zensical_command() -> str:
    """The zensical executable beside this Python, else on PATH; skip with the reason if absent."""
    here = Path(sys.executable).with_name("zensical")
    found = str(here) if here.is_file() else shutil.which("zensical")
    if not found:
        skip_or_fail("zensical is not installed (pip install zensical; PyPI has it): the "
                     "Zensical compatibility build is not checked")
    return found


def test_generated_config_and_pages_build_with_zensical(built_example, tmp_path):
    command = zensical_command()
    shutil.copy(built_example / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(built_example / "site_src", tmp_path / "site_src")
    run = subprocess.run([command, "build", "--strict", "-f", "mkdocs.yml"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "Phase exit criteria" in home and "<svg" in home
    assert (tmp_path / "site" / "downloads" / "launch-meeting.ics").is_file()


def test_progress_bars_give_aria_values_as_plain_decimals(built_example):
    from pmodocs.render.markdown import _decimal

    home = page(built_example, "index.html")
    values = re.findall(r'aria-value(?:max|now)="([^"]*)"', home)
    assert values and all(re.fullmatch(r"\d+(\.\d+)?", v) for v in values), values
    assert (_decimal(6.3e6), _decimal(12.5), _decimal(0.0)) == ("6300000", "12.5", "0")


def test_the_site_is_composed_as_tree_data_and_the_writer_only_serialises_it(content):
    """compose/site.py decides every page, path, download and the calendar file; the site writer
    writes exactly those, with the assets and the mkdocs template it is given."""
    from pmodocs.compose.site import site_tree
    from pmodocs.outputs import compose_program
    from pmodocs.render.site import site_files, yaml_quoted
    from pmodocs.signoff import derive_facts

    facts = derive_facts(content)
    docs, _ = compose_program(content, facts)
    site = site_tree(content, docs, facts, redlined={"risk"})
    risk = next(p for p in site.deliverables if p.kind == "risk")
    assert risk.path == "plans/risk.md" and risk.document is docs["risk"]
    assert [(link.text, link.href) for link in risk.downloads] == [
        ("Word (DOCX)", "../downloads/risk.docx"), ("PDF", "../downloads/risk.pdf"),
        ("Redline (DOCX)", "../downloads/risk-redline.docx")]
    assert [c.path for c in site.calendars] == ["downloads/launch-meeting.ics"]
    files = site_files(site, {}, {"assets/x.css": b"x"}, "site_name: {{ site_name | tojson }}\n")
    pages = [*site.deliverables, *site.pages, *site.calendars]
    assert set(files) == {f"site_src/{p.path}" for p in pages} | {"site_src/assets/x.css",
                                                                  "mkdocs.yml"}
    assert files["mkdocs.yml"] == f"site_name: {yaml_quoted(site.name)}\n".encode()
    assert b"../downloads/risk-redline.docx" in files["site_src/plans/risk.md"]


def test_the_theme_is_listed_without_walking_the_folders_mkdocs_ignores(built_example,
                                                                         monkeypatch):
    """The static files mkdocs copies from the theme are the same with pmodocs' listing, which
    does not walk mkdocs-material's hidden icon folder (every file there is left out anyway)."""
    import os

    from mkdocs.config import load_config
    from mkdocs.structure.files import Files

    from pmodocs.sitecache import skip_hidden_theme_folders

    def theme_files(config) -> list[str]:
        files = Files([])
        files.add_files_from_theme(config.theme.get_env(), config)
        return sorted(f.src_uri for f in files)

    config_file = str(built_example / "mkdocs.yml")
    plain = theme_files(load_config(config_file=config_file))
    walked: list[str] = []
    walk = os.walk

    def recording_walk(top, *args, **kwargs):
        for folder, subfolders, names in walk(top, *args, **kwargs):
            walked.append(folder)
            yield folder, subfolders, names
    monkeypatch.setattr(os, "walk", recording_walk)
    config = load_config(config_file=config_file)
    skip_hidden_theme_folders(config.theme)
    assert theme_files(config) == plain
    assert any(uri.startswith("assets/javascripts/") for uri in plain)
    assert walked and not any(Path(folder).name.startswith(".") for folder in walked)


def test_whole_html_lines_skip_the_html_parser_and_convert_to_the_same_html(built_example):
    """pmodocs' Markdown extension stores a line that is one whole HTML block as raw HTML without
    parsing it; every page converts to the same HTML and table of contents as without it."""
    import markdown
    from mkdocs.config import load_config

    from pmodocs.sitecache import RAW_HTML_EXTENSION, whole_html_block

    config = load_config(config_file=str(built_example / "mkdocs.yml"))
    names, options = list(config["markdown_extensions"]), dict(config["mdx_configs"])
    tricky = "\n".join([
        '<div class="grid cards pm-cards" markdown>', "", "-   **[A card](index.md)**", "",
        "</div>", "", '<p class="a">one</p>', "", '<div class="b"><p>two</p></div>', "",
        '<p class="c">three</p>', "text right after a block", "", "<p>x</p><p>y</p>", "",
        '<div title="a &gt; b">&lt;not a tag&gt;</div>', "", "<p>last, no newline</p>"])
    pages = [p.read_text(encoding="utf-8") for p in sorted((built_example / "site_src").rglob("*.md"))]
    stored = 0
    for text in pages + [tricky]:
        body = text.split("\n---\n", 1)[1] if text.startswith("---\n") else text
        plain = markdown.Markdown(extensions=names, extension_configs=options)
        quick = markdown.Markdown(extensions=names + [RAW_HTML_EXTENSION],
                                  extension_configs=options)
        assert quick.convert(body) == plain.convert(body)
        assert quick.toc_tokens == plain.toc_tokens
        stored += sum(1 for line in body.splitlines() if whole_html_block(line))
    assert stored > 100, "the example's pages are mostly whole HTML lines"
    assert not whole_html_block('<div class="grid cards" markdown>')
    assert not whole_html_block("<p>x</p><p>y</p>")
    assert not whole_html_block("<p>x</p> and text")
    assert whole_html_block('<div title="a &gt; b">&lt;not a tag&gt;</div>')


def test_the_build_makes_mkdocs_quicker_and_the_published_config_does_not_name_pmodocs(
        built_example, tmp_path, monkeypatch):
    """`pmodocs build` hands mkdocs the extension and the theme listing above; mkdocs.yml as
    published builds with plain mkdocs (it names neither)."""
    import pmodocs.sitecache as sitecache
    from pmodocs.engines import mkdocs_build

    shutil.copy(built_example / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(built_example / "site_src", tmp_path / "site_src")
    seen: list = []
    quicker = sitecache.quicker

    def recording(config):
        quicker(config)
        seen.append(list(config["markdown_extensions"]))
    monkeypatch.setattr(sitecache, "quicker", recording)
    mkdocs_build(tmp_path / "mkdocs.yml", EPOCH)
    assert seen and sitecache.RAW_HTML_EXTENSION in seen[0]
    assert (tmp_path / "site" / "index.html").is_file()
    published = (built_example / "mkdocs.yml").read_text(encoding="utf-8")
    assert "sitecache" not in published and "RawHtmlBlocks" not in published



def test_a_cold_site_build_loads_the_theme_templates_the_worker_compiled_while_it_waited(
        built_example, tmp_path, monkeypatch):
    """With no compiled templates in the build cache, the site worker compiles the theme's
    templates before its build is asked for; the build then loads them instead of compiling
    them, writes the same site, and keeps them in the cache for the next build, which loads them
    from there without compiling anything first."""
    import jinja2

    from pmodocs.engines import mkdocs_build
    from pmodocs.sitebuild import _precompiled
    from pmodocs.sitecache import TEMPLATES

    shutil.copy(built_example / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(built_example / "site_src", tmp_path / "site_src")
    cache = tmp_path / "cache"
    compiled: list[str] = []
    compile_ = jinja2.Environment.compile

    def recording(self, source, name=None, filename=None, *args, **kwargs):
        compiled.append(name)
        return compile_(self, source, name, filename, *args, **kwargs)
    monkeypatch.setattr(jinja2.Environment, "compile", recording)

    templates = _precompiled(cache)
    assert {"main.html", "base.html", "partials/nav.html", "404.html"} <= set(compiled)
    assert not (cache / TEMPLATES).exists(), "nothing is kept before a build succeeds"
    compiled.clear()
    mkdocs_build(tmp_path / "mkdocs.yml", EPOCH, cache_dir=cache, templates=templates)
    assert not {"main.html", "base.html", "partials/nav.html", "404.html"} & set(compiled)
    for rel in ("index.html", "404.html", "sitemap.xml", "plans/risk.html"):
        assert (tmp_path / "site" / rel).read_bytes() == (built_example / "site" / rel).read_bytes()
    kept = list((cache / TEMPLATES).glob("__jinja2_*.cache"))
    assert len(kept) >= len(templates.memory) > 20

    compiled.clear()
    warm = _precompiled(cache)
    assert warm is not None and not warm.memory and not compiled
    shutil.rmtree(tmp_path / "site")
    mkdocs_build(tmp_path / "mkdocs.yml", EPOCH, cache_dir=cache, templates=warm)
    assert "main.html" not in compiled
    assert (tmp_path / "site" / "index.html").read_bytes() == (
        built_example / "site" / "index.html").read_bytes()


def test_a_site_build_with_warnings_keeps_no_compiled_templates(built_example, tmp_path):
    """A build that fails under --strict remembers nothing, compiled templates included."""
    from pmodocs.engines import mkdocs_build
    from pmodocs.errors import RenderError
    from pmodocs.sitebuild import _precompiled
    from pmodocs.sitecache import TEMPLATES

    shutil.copy(built_example / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(built_example / "site_src", tmp_path / "site_src")
    index = tmp_path / "site_src" / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\n[gone](no-such-page.md)\n",
                     encoding="utf-8")
    cache = tmp_path / "cache"
    templates = _precompiled(cache)
    assert templates is not None and templates.memory
    with pytest.raises(RenderError):
        mkdocs_build(tmp_path / "mkdocs.yml", EPOCH, cache_dir=cache, templates=templates)
    assert not (cache / TEMPLATES).exists() or not any((cache / TEMPLATES).iterdir())


def test_a_site_worker_asked_to_give_way_lowers_its_priority_in_a_cold_build_only(tmp_path):
    """`give_way` lowers the calling process's priority by GIVE_WAY when the site cache holds no
    compiled templates (a cold build), and leaves it when an earlier build kept some; measured
    in processes of their own, so this test process is untouched."""
    import os

    from pmodocs.sitebuild import GIVE_WAY

    warm = tmp_path / "warm"
    (warm / "templates").mkdir(parents=True)
    (warm / "templates" / "__jinja2_0123.cache").write_bytes(b"kept by an earlier build")
    code = ("import os, sys; from pathlib import Path; from pmodocs.sitebuild import give_way; "
            "from pmodocs.sitecache import TemplateCache; before = os.nice(0); "
            "give_way(TemplateCache(Path(sys.argv[1]) / 'templates')); print(before, os.nice(0))")

    def niceness(cache: Path) -> tuple[int, int]:
        result = subprocess.run([sys.executable, "-c", code, str(cache)], capture_output=True,
                                text=True)
        assert result.returncode == 0, result.stderr
        before, after = map(int, result.stdout.split())
        return before, after

    before, after = niceness(tmp_path / "cold")
    assert after == min(before + GIVE_WAY, 19)
    before, after = niceness(warm)
    assert after == before
