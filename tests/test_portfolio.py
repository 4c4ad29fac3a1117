"""A portfolio: a folder of program folders builds one site and dist/<program>/ per program.

The example portfolio is made here from copies of content/ (nothing is committed): `alpha` is the
example as is, `beta` has its recorded approvals removed (so its states differ), `gamma` has a
name with markup in it and its own spelling of a person who also works in the other programs.
The portfolio is built once per test run (conftest's `portfolio_build`, which test_browser.py
shares); each program build costs several seconds.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLE, PROGRAMS, edit_yaml, make_portfolio, run
from pmodocs.portfolio import is_portfolio

KINDS = ("charter", "governance", "mo-plan", "communication", "risk", "quality", "configuration",
         "continuity", "role-cards", "launch-agenda")


@pytest.fixture(scope="module")
def portfolio(portfolio_build) -> Path:
    return portfolio_build[0]


@pytest.fixture(scope="module")
def built(portfolio_build) -> Path:
    """The portfolio built once per test run, through `python build.py --content programs/`."""
    assert "30 of 30 deliverables rendered" in portfolio_build[1].stdout
    return portfolio_build[1].out


def text_of(page: Path) -> str:
    """The page's visible text, tags removed and entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8")))


def section_of(home: str, acronym: str) -> str:
    """The part of the home page's HTML about one program (its heading to the next h2)."""
    start = home.index(f"({acronym})</h2>")
    end = home.find("<h2", start)
    return home[start:end if end > 0 else None]


# --- detection and folder rules ----------------------------------------------------------------

def test_a_folder_of_program_folders_is_a_portfolio_and_a_program_folder_is_not(portfolio, tmp_path):
    assert is_portfolio(portfolio)
    assert not is_portfolio(EXAMPLE)
    assert not is_portfolio(portfolio / "alpha")
    assert not is_portfolio(tmp_path)  # empty: a program with every file missing, as before


def test_a_program_folder_whose_name_is_not_an_id_is_a_clean_error_naming_it(tmp_path):
    folder = tmp_path / "programs"
    shutil.copytree(EXAMPLE, folder / "alpha")
    shutil.copytree(EXAMPLE, folder / "Beta_Program")
    (folder / "notes").mkdir()
    result = run("check", "--content", str(folder))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert re.search(r"Beta_Program: is not a valid program folder name.*lower-case letters, "
                     r"digits and dashes", result.stderr)
    assert re.search(r"notes: is not a program folder \(it has no program.yaml\)", result.stderr)


# --- the built portfolio -----------------------------------------------------------------------

def test_portfolio_home_lists_every_program_with_readiness_states_and_budget(built):
    home = (built / "site/index.html").read_text(encoding="utf-8")
    text = text_of(built / "site/index.html")
    for pid, (name, acronym) in PROGRAMS.items():
        assert f"{name} ({acronym})" in text
        assert f'href="{pid}/index.html"' in home  # the card leads to the program's dashboard
        section = section_of(home, acronym)
        for label in ("Phase exit criteria met", "Deliverables approved",
                      "Pre-initiation checklist", "Hours allocated", "Dollars allocated"):
            assert f"<strong>{label}</strong>" in section
        assert "36,700 of 42,000 authorised hours" in html.unescape(section)
        assert "$5,505,000 of $6,300,000 authorised" in html.unescape(section)
        assert len(re.findall(r'<span class="pm-badge pm-badge--\w+">', section)) == len(KINDS)
    # beta has no recorded decision, so nothing of it is approved; alpha has one approval
    assert "1 of 10 approved" in section_of(home, "SCAS")
    assert "0 of 10 approved" in section_of(home, "BPH")
    assert "pm-badge--approved" not in section_of(home, "BPH")


def test_content_on_the_portfolio_home_is_escaped(built):
    home = (built / "site/index.html").read_text(encoding="utf-8")
    assert "<b>& Licensing</b>" not in home
    assert "Grants &lt;b&gt;&amp; Licensing&lt;/b&gt; Portal (GLP)" in home


def test_each_program_has_its_whole_section_beneath_the_home(built):
    site = built / "site"
    for pid, (name, _) in PROGRAMS.items():
        for page in ("index.html", "plans/charter.html", "operations/continuity.html",
                     "people/index.html", "people/roles/index.html", "meeting/launch-agenda.html"):
            assert (site / pid / page).is_file(), f"{pid}/{page}"
        assert name in text_of(site / pid / "index.html")
        for kind in KINDS:
            for ext in ("docx", "pdf"):
                assert (site / pid / "downloads" / f"{kind}.{ext}").is_file()
        assert (site / pid / "downloads/launch-meeting.ics").is_file()


def test_relative_links_inside_every_program_section_resolve(built):
    site = built / "site"
    checked = 0
    for page in sorted(site.glob("*/**/*.html")):
        for href in re.findall(r'href="([^"#?]+)', page.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", href) or href.startswith("/"):
                continue
            target = (page.parent / href).resolve()
            assert target.exists(), f"{page.relative_to(site)} links to missing {href}"
            checked += 1
    assert checked > 1000


def test_people_belong_to_their_own_program(built):
    people = {pid: text_of(built / "site" / pid / "people/index.html") for pid in PROGRAMS}
    assert "Patricia Whitfield-Gamma" in people["gamma"]
    assert "Patricia Whitfield-Gamma" not in people["alpha"]
    assert "Patricia Whitfield" in people["alpha"] and "Patricia Whitfield" in people["beta"]
    for pid in PROGRAMS:  # each program has packets for its own approvers
        assert (built / "dist" / pid / "packets/patricia-whitfield.zip").is_file()


def test_navigation_has_a_tab_per_program_and_search_covers_every_program(built):
    home = (built / "site/index.html").read_text(encoding="utf-8")
    tabs = re.findall(r'class="md-tabs__link[^"]*"[^>]*>\s*([^<]+?)\s*<', home)
    assert tabs == ["Portfolio", "SCAS", "BPH", "GLP"]
    config = (built / "mkdocs.yml").read_text(encoding="utf-8")
    assert '"alpha/plans/charter.md"' in config and '"gamma/people/roles/index.md"' in config
    index = json.loads((built / "site/search/search_index.json").read_text(encoding="utf-8"))
    locations = {doc["location"].split("/")[0] for doc in index["docs"]}
    assert {"alpha", "beta", "gamma"} <= locations


def test_documents_go_to_dist_per_program_and_open_in_python_docx(built):
    import docx
    import openpyxl

    assert sorted(p.name for p in (built / "dist").iterdir()) == sorted(PROGRAMS)
    for pid, (name, _) in PROGRAMS.items():
        files = sorted((built / "dist" / pid / "docx").glob("*.docx"))
        assert [f.stem for f in files] == sorted(KINDS)
        for f in files:
            assert docx.Document(str(f)).paragraphs
        assert name in "\n".join(p.text for p in docx.Document(
            str(built / "dist" / pid / "docx/charter.docx")).paragraphs)
        assert all((built / "dist" / pid / "pdf" / f"{k}.pdf").read_bytes().startswith(b"%PDF")
                   for k in KINDS)
        assert "Risks" in openpyxl.load_workbook(built / "dist" / pid / "registers.xlsx").sheetnames


# --- errors, status, check, export (no build) ---------------------------------------------------

def test_errors_in_two_programs_are_reported_at_once_and_nothing_is_published(tmp_path):
    broken = make_portfolio(tmp_path / "programs")
    edit_yaml(broken / "beta/deliverables/charter.yaml",
              lambda d: d["control"].__setitem__("owner", "nobody-here"))
    edit_yaml(broken / "gamma/people.yaml",
              lambda d: d["people"][1].__setitem__("email", "not-an-address"))
    out = tmp_path / "out"
    result = run("build", "--content", str(broken), "--out", str(out))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert re.search(r"beta/deliverables/charter\.yaml:\d+: control\.owner: 'nobody-here'",
                     result.stderr)
    assert re.search(r"gamma/people\.yaml:\d+: people\[1\]\.email:", result.stderr)
    assert "alpha/" not in result.stderr
    assert "nothing was written" in result.stderr
    assert not any((out / name).exists() for name in ("site", "site_src", "dist", "mkdocs.yml"))


def test_check_accepts_a_portfolio(portfolio):
    result = run("check", "--content", str(portfolio))
    assert result.returncode == 0, result.stderr
    assert "portfolio in" in result.stdout and "3 programs (alpha, beta, gamma)" in result.stdout


def test_status_prefixes_every_row_with_its_program(portfolio):
    result = run("status", "--json", "--content", str(portfolio))
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(r["program"], r["id"]) for r in rows] == [(p, k) for p in PROGRAMS for k in KINDS]
    assert list(rows[0])[0] == "program"
    beta = [r["state"] for r in rows if r["program"] == "beta"]
    assert "approved" not in beta
    table = run("status", "--content", str(portfolio))
    assert table.returncode == 0 and "Program" in table.stdout and "gamma" in table.stdout


def test_export_writes_one_workbook_per_program(portfolio, tmp_path):
    import openpyxl

    result = run("export", "--content", str(portfolio), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    for pid in PROGRAMS:
        book = openpyxl.load_workbook(tmp_path / pid / "registers.xlsx")
        assert book.sheetnames[0] and book[book.sheetnames[0]].freeze_panes == "B2"  # header row and id column
    refused = run("export", "--content", str(portfolio),
                  "--output", str(tmp_path / "one.xlsx"))
    assert refused.returncode == 2 and "one workbook per program" in refused.stderr


# --- TODO counts in status ----------------------------------------------------------------------

def test_status_counts_the_todos_of_each_deliverable(tmp_path):
    fresh = tmp_path / "licensing"
    made = run("new", str(fresh), "--program", "Statewide Licensing System",
               "--acronym", "SLS")
    assert made.returncode == 0, made.stderr
    check = run("check", "--content", str(fresh))
    per_file: dict[str, int] = {}
    for line in check.stderr.splitlines():
        m = re.search(r"deliverables/([a-z-]+)\.yaml:\d+: .*still says TODO", line)
        if m:
            per_file[m.group(1)] = per_file.get(m.group(1), 0) + 1
    result = run("status", "--json", "--content", str(fresh))
    rows = {r["id"]: r["todo"] for r in json.loads(result.stdout)}
    assert rows == {k: per_file.get(k, 0) for k in KINDS}
    assert all(n > 0 for n in rows.values())
    # filling one TODO lowers its deliverable's count by one
    edit_yaml(fresh / "deliverables/charter.yaml", lambda d: d.__setitem__("vision", "Real."))
    after = {r["id"]: r["todo"] for r in json.loads(
        run("status", "--json", "--content", str(fresh)).stdout)}
    assert after["charter"] == rows["charter"] - 1
    table = run("status", "--content", str(fresh)).stdout
    assert "TODO" in table and str(rows["risk"]) in table


def test_programs_rendered_by_worker_processes_give_the_same_files_as_in_one_process(
        portfolio, built, tmp_path, monkeypatch):
    """With two cores a worker process renders some of the programs; with one, this process
    renders them all. Both must publish the same bytes."""
    from pmodocs.pipeline import build

    def files(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
                if p.is_file() and not any(x.startswith(".") for x in p.relative_to(root).parts)}

    if (os.cpu_count() or 1) >= 2:
        workers = built  # build.py on this machine: its worker processes rendered programs
    else:
        monkeypatch.setattr(os, "cpu_count", lambda: 2)
        assert len(build(portfolio, tmp_path / "workers").rendered) == 30
        workers = tmp_path / "workers"
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    report = build(portfolio, tmp_path / "serial")
    assert len(report.rendered) == 30
    assert files(tmp_path / "serial") == files(workers)


def test_approve_verify_and_diff_name_a_portfolio_deliverable_with_its_program(tmp_path):
    folder = make_portfolio(tmp_path / "programs")
    alpha_before = (folder / "alpha/approvals.yaml").read_bytes()
    result = run("approve", "beta/charter", "--by", "patricia-whitfield",
                 "--content", str(folder))
    assert result.returncode == 0, result.stderr
    assert "beta/charter" in result.stdout and str(folder / "beta/approvals.yaml") in result.stdout
    assert "patricia-whitfield" in (folder / "beta/approvals.yaml").read_text(encoding="utf-8")
    assert (folder / "alpha/approvals.yaml").read_bytes() == alpha_before
    assert run("verify", "beta/charter", "--content", str(folder)).returncode == 0
    diff = run("diff", "alpha/communication", "--content", str(folder))
    assert diff.returncode == 0 and "Tuesday" in diff.stdout, diff.stderr
    for bare in ("charter", "delta/charter"):
        refused = run("approve", bare, "--by", "patricia-whitfield",
                      "--content", str(folder))
        assert refused.returncode == 2
        assert "PROGRAM/DELIVERABLE" in refused.stderr and "alpha, beta, gamma" in refused.stderr


def test_a_portfolio_build_starts_its_worker_processes_before_loading_and_renders_with_them(
        tmp_path, monkeypatch):
    """The worker processes start (and import) before this process loads the programs; the
    first program that passed its checks goes to a worker while the next one loads; and the
    programs are rendered by those same processes, not by a second pool."""
    import pmodocs.portfolio as portfolio
    from pmodocs.pipeline import build

    folder = make_portfolio(tmp_path / "programs")
    shutil.rmtree(folder / "gamma")
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    steps: list[str] = []
    from pmodocs import outputs

    started, offer = portfolio.Workers.__init__, portfolio.Workers.offer
    check = outputs.load_checked

    def recording_init(self, count, *args):
        started(self, count, *args)
        steps.append(f"workers {count} started {self.pool is not None}")

    def recording_offer(self, index, program_folder):
        before = len(self.early)
        offer(self, index, program_folder)
        if len(self.early) > before:
            steps.append(f"rendering {program_folder.name}")

    def recording_check(program_folder):
        steps.append(f"checking {program_folder.name}")
        return check(program_folder)
    from pmodocs.sitebuild import SiteWorker

    site_build = SiteWorker.build

    def recording_site(self, config_file, epoch, workbooks=None, give_way=False):
        steps.append(f"site gives way {give_way}")
        return site_build(self, config_file, epoch, workbooks, give_way=give_way)
    monkeypatch.setattr(portfolio.Workers, "__init__", recording_init)
    monkeypatch.setattr(portfolio.Workers, "offer", recording_offer)
    monkeypatch.setattr(outputs, "load_checked", recording_check)
    monkeypatch.setattr(SiteWorker, "build", recording_site)
    report = build(folder, tmp_path / "out")
    assert len(report.rendered) == 20
    assert steps[:4] == ["workers 1 started True", "checking alpha", "rendering alpha",
                         "checking beta"], steps
    # the portfolio's one site is its longest task: its worker does not give way
    assert steps.count("site gives way False") == 1 and "site gives way True" not in steps
    assert steps.count("workers 1 started True") == 1
    assert (tmp_path / "out" / "dist" / "alpha" / "pdf" / "risk.pdf").is_file()
    assert (tmp_path / "out" / "dist" / "beta" / "pdf" / "risk.pdf").is_file()


def test_a_portfolio_build_that_fails_on_a_later_program_renders_nothing_more_and_publishes_nothing(
        tmp_path, monkeypatch):
    """The first program is already rendering when the second fails its checks: the build
    reports the problem, hands out nothing more, and leaves the output folder without outputs."""
    import multiprocessing

    import pmodocs.portfolio as portfolio
    from pmodocs.errors import ContentError
    from pmodocs.pipeline import build

    folder = make_portfolio(tmp_path / "programs")
    edit_yaml(folder / "gamma/people.yaml",
              lambda d: d["people"][1].__setitem__("email", "not-an-address"))
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    handed: list[str] = []
    offer = portfolio.Workers.offer

    def recording_offer(self, index, program_folder):
        handed.append(program_folder.name)
        offer(self, index, program_folder)
    monkeypatch.setattr(portfolio.Workers, "offer", recording_offer)
    out = tmp_path / "out"
    with pytest.raises(ContentError) as raised:
        build(folder, out)
    assert any("gamma/people.yaml" in p.file for p in raised.value.problems)
    assert handed == ["alpha", "beta"]
    assert not any((out / name).exists() for name in ("site", "site_src", "dist", "mkdocs.yml"))
    assert not multiprocessing.active_children(), "the worker processes were not stopped"


def test_a_worker_pool_that_breaks_while_handing_out_programs_fails_the_build_cleanly(
        monkeypatch):
    """The thread that hands programs to the workers does not print a traceback of its own: a
    broken pool (a worker killed) is raised where the build can report it."""
    import threading
    from concurrent.futures.process import BrokenProcessPool
    from types import SimpleNamespace

    import pmodocs.portfolio as portfolio
    from pmodocs.outputs import BuildOptions

    class BrokenPool:
        def submit(self, *args, **kwargs):
            raise BrokenProcessPool("a worker process died")

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    workers = portfolio.Workers(0)
    workers.pool, workers.count = BrokenPool(), 1
    printed: list = []
    monkeypatch.setattr(threading, "excepthook", printed.append)
    programs = [SimpleNamespace(id=f"p{i}", content=SimpleNamespace(root=Path(f"/nowhere/{i}")))
                for i in range(4)]
    outputs = [SimpleNamespace(documents=lambda i=i: {f"dist/{i}.pdf": b"%PDF"},
                               rendered_workbooks=lambda cache: {}) for i in range(4)]
    with pytest.raises(BrokenProcessPool):
        portfolio.render_in_parallel(programs, outputs, BuildOptions(), lambda event: None,
                                     None, lambda i, files: None, workers)
    assert not printed
