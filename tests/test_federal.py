"""The second bundled example: a federal shared-services program (M3 Playbook, Engagement phase)
publishes only what is true of it - dollars per quarter by agreement, two providers going live at
different dates, joint accountability, several decision authorities - and none of the state M&O
example's wording."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from conftest import ROOT
from conftest import pdf_text as raw_pdf_text

FEDERAL = ROOT / "examples" / "federal"
STATE_ONLY = re.compile(r"block cycle|count(y|ies)|\bhours?\b|M&O|pre-initiation|contractor|"
                        r"blended", re.I)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from pmodocs.pipeline import build

    out = tmp_path_factory.mktemp("federal")
    build(FEDERAL, out)
    return out


@pytest.fixture(scope="module")
def content():
    from pmodocs.pipeline import load_and_check

    return load_and_check(FEDERAL)[0]


def site_text(built: Path) -> str:
    pages = sorted((built / "site").rglob("*.html"))
    pages = [p for p in pages if "search" not in p.parts and p.name != "404.html"]
    return " ".join(" ".join(html.unescape(re.sub(r"<[^>]+>", " ", p.read_text(encoding="utf-8")))
                             .split()) for p in pages)


def page(built: Path, rel: str) -> str:
    raw = (built / "site" / rel).read_text(encoding="utf-8")
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", raw)).split())


def docx_text(built: Path, kind: str) -> str:
    import docx

    word = docx.Document(str(built / "dist/docx" / f"{kind}.docx"))
    parts = [p.text for p in word.paragraphs]
    for t in word.tables:
        parts += [c.text for row in t.rows for c in row.cells]
    parts += [s._inline.docPr.get("descr") or "" for s in word.inline_shapes]
    return "\n".join(parts)


def pdf_text(built: Path, kind: str) -> str:
    return " ".join(raw_pdf_text(built / "dist/pdf" / f"{kind}.pdf").split())


def test_the_federal_example_checks_clean():
    from pmodocs.checks import run_checks
    from pmodocs.load import load_content

    problems = run_checks(load_content(FEDERAL))
    assert [p for p in problems if p.severity == "error"] == []


def test_funding_is_dollars_per_quarter_by_agreement_with_spending_to_date(built, content):
    funding = content.deliverables["charter"].funding
    assert funding.measures == ["dollars"]
    text = docx_text(built, "charter")
    assert "Interagency agreement with FFSC (financial services implementation)" in text
    assert "IAA CRBA-26-0057" in text and "FY2027 Q3" in text
    assert "$3,120,000" in text  # the two agreements' quarters, summed by the tool
    assert "Expended to date" in text and "$329,250" in text
    assert "Blended" not in text and "$0" not in text
    pdf = pdf_text(built, "charter")
    assert "$1,230,000" in pdf and "Funding by source and period" in pdf


def test_no_state_only_wording_appears_in_any_output(built, content):
    found = STATE_ONLY.findall(site_text(built))
    assert not found, found
    for kind in content.deliverables:
        assert not STATE_ONLY.search(docx_text(built, kind)), kind
        assert not STATE_ONLY.search(pdf_text(built, kind)), kind


def test_headings_name_the_programs_own_parties_and_phase(built):
    plan = docx_text(built, "mo-plan")
    assert "Engagement activities (play 3.1)" in plan
    assert "(shared activity)" in plan and "(customer activity)" in plan
    assert "Agreed with provider" in plan
    charter = docx_text(built, "charter")
    assert "Shared-services operating strategy" in charter
    assert "Division of responsibilities between customer and providers" in charter
    config = docx_text(built, "configuration")
    assert "Release in production at each provider" in config
    home = page(built, "index.html")
    assert "Engagement checklist" in home and "Dollars expended to date" in home
    assert "$329,250 of $3,120,000 expended" in home


def test_two_providers_go_live_on_their_own_dates(built):
    text = pdf_text(built, "charter")
    assert "Transition and go-live by organisation" in text
    assert "Federal Financial Services Centre Core financial management 2027-07-06 2027-10-01" in text
    assert "2028-01-09" in text


def test_several_authorities_and_joint_accountability_are_published(built):
    gov = docx_text(built, "governance")
    assert "Ada Okafor obligates; Ben Lindqvist concurs" in gov
    assert "except these jointly accountable ones" in gov
    assert "Agree the integrated master schedule" in gov


def test_a_joint_role_lists_every_organisation(built):
    text = page(built, "people/roles/joint-pmo-team.html")
    assert ("Commission on Rural Broadband Access, Federal Financial Services Centre, Human "
            "Resources Shared Services Centre") in text


def test_the_schedule_is_a_chart_with_a_text_alternative_everywhere(built):
    raw = (built / "site/plans/mo-plan.html").read_text(encoding="utf-8")
    assert "Integrated master schedule: baseline, forecast and actual dates" in raw
    assert re.search(r"<desc>Schedule of 6 milestones[^<]*ms-golive-hr Personnel and payroll "
                     r"services live at HRSSC \(late\): baseline 2027-12-12, forecast 2028-01-09, "
                     r"after ms-fitgap-hr", raw)
    word = docx_text(built, "mo-plan")
    assert "ms-ims Integrated master schedule baselined (at risk): baseline 2026-12-18, forecast " \
           "2027-01-08" in word
    assert "Integrated master schedule: baseline, forecast and actual dates" in pdf_text(built, "mo-plan")


def test_qasp_results_lessons_and_the_launch_meetings_log(built):
    quality = docx_text(built, "quality")
    assert "QASP results by period" in quality and "One month late" in quality
    assert "2 of 3 measured results met" in quality
    plan = pdf_text(built, "mo-plan")
    assert "Lessons learned register" in plan and "joint glossary" in plan
    # the kickoff's decisions and actions reach the program's log, marked with their source
    assert "Whether the joint PMO co-locates two days a week." in plan
    assert "FHRM Engagement Kickoff Agenda" in plan


def test_a_value_outside_the_programs_vocabulary_is_a_located_error(tmp_path):
    import shutil

    from pmodocs.checks import run_checks
    from pmodocs.load import load_content

    copy = tmp_path / "federal"
    shutil.copytree(FEDERAL, copy)
    path = copy / "organisations.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("kind: iv&v", "kind: prime contractor"),
                    encoding="utf-8")
    [problem] = [p for p in run_checks(load_content(copy)) if p.severity == "error"]
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if "kind: prime contractor" in text)
    assert problem.line == line and problem.field == "organisations[6].kind"
    assert "'prime contractor'" in problem.message and "shared service provider" in problem.message


@pytest.mark.slow  # a portfolio build
def test_a_portfolio_of_both_examples_shows_each_programs_own_budget(tmp_path):
    import shutil

    from conftest import EXAMPLE
    from pmodocs.pipeline import build

    programs = tmp_path / "programs"
    shutil.copytree(EXAMPLE, programs / "scas")
    shutil.copytree(FEDERAL, programs / "fhrm")
    out = tmp_path / "out"
    build(programs, out)
    home = page(out, "index.html")
    assert "Statewide Case Assistance System (SCAS)" in home
    assert "Financial and Human Resources Services Migration (FHRM)" in home
    # the federal program has no hours: its row says so instead of "0 of 0"
    assert "0 of 0" not in home
    assert "36,700 of 42,000 allocated $5,505,000 of $6,300,000 allocated" in home
    assert "— $329,250 of $3,120,000 expended" in home
    assert (out / "dist/fhrm/pdf/charter.pdf").is_file()


def test_department_is_optional(tmp_path):
    import shutil

    from pmodocs.outputs import compose_program
    from pmodocs.compose.site import site_pages, site_tree
    from pmodocs.load import load_content
    from pmodocs.paths import MKDOCS_TEMPLATE, template_text
    from pmodocs.render.site import mkdocs_config

    copy = tmp_path / "federal"
    shutil.copytree(FEDERAL, copy)
    path = copy / "program.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "  department: Commission on Rural Broadband Access\n", ""), encoding="utf-8")
    content = load_content(copy)
    assert content.program.department is None
    from pmodocs.signoff import derive_facts

    facts = derive_facts(content)
    docs, _ = compose_program(content, facts)
    assert docs["charter"].meta.department == ""
    texts = [getattr(b, "text", "") for page in site_pages(content, facts) for b in page.blocks]
    assert not any("None" in t for t in texts)
    assert texts[1].startswith("phase: Phase 3: Engagement")
    config = mkdocs_config(site_tree(content, docs, facts), template_text(MKDOCS_TEMPLATE))
    assert "None" not in config and 'copyright: ""' in config


def test_the_state_example_keeps_its_words_from_the_state_preset():
    from conftest import EXAMPLE
    from pmodocs.outputs import compose_program
    from pmodocs.pipeline import load_and_check

    content = load_and_check(EXAMPLE)[0]
    assert content.program.vocab.adopted == "state-mo"
    docs, _ = compose_program(content)

    def words(kind):
        out = []
        for b in docs[kind].blocks:
            out += [getattr(b, "text", ""), getattr(b, "caption", "")]
            out += [c for r in getattr(b, "rows", ()) for c in r]
        return " | ".join(out)
    assert "Division of M&O responsibilities" in words("charter")
    assert "State | " in words("charter") and "Contractor | " in words("charter")
    assert "Versions at county sites" in words("configuration")
    assert "Pre-initiation activities" in words("mo-plan")
