"""Derived, not retyped: exit criteria and milestones computed from the content, and every page
of the built site agreeing with every other about each deliverable's state."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

# the verbs run through pmodocs.cli.main in this process (test_cli.py runs the command line)
from conftest import EXAMPLE, edit_yaml, run_here as run
from pmodocs.load import load_content

CHARTER_APPROVERS = ("patricia-whitfield", "gregory-ashby", "richard-halvorsen")
CHARTER_CRITERION = "M&O Charter is final"


def visible(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def rows(markup: str, kind: str) -> list[list[str]]:
    table = re.search(rf'pm-table--{kind}.*?</table>', markup, flags=re.S).group(0)
    body = table.split("<tbody>", 1)[1]
    return [[visible(c) for c in re.findall(r"<td\b[^>]*>(.*?)</td>", r, flags=re.S)]
            for r in re.findall(r"<tr\b[^>]*>(.*?)</tr>", body, flags=re.S)]


def home_criteria(content_dir: Path) -> dict[str, tuple[str, str]]:
    """criterion -> (met, evidence) as the composed home page shows them."""
    from pmodocs.compose.site import home_page
    from pmodocs.signoff import derive_facts

    content = load_content(content_dir)
    page = home_page(content, derive_facts(content))
    table = next(b for b in page.blocks if getattr(b, "kind", "") == "exit-criteria")
    return {r[0]: (r[1], r[2]) for r in table.rows}


# --- the built site never disagrees with itself ------------------------------------------------

def page_state(built: Path, rel: str) -> str:
    markup = (built / "site" / rel).read_text(encoding="utf-8")
    return re.search(r'class="pm-docline">.*?pm-badge--[a-z]+">([^<]+)</span>', markup).group(1)


def test_every_deliverable_page_shows_the_state_the_home_page_shows(built_example):
    from pmodocs.compose.site import page_path

    home = (built_example / "site/index.html").read_text(encoding="utf-8")
    grid = home[home.index("pm-cards"):]
    cards = dict(re.findall(r'<strong><a href="([a-z-]+/[a-z-]+)\.html">[^<]*</a></strong>.*?'
                            r'pm-badge--[a-z]+">([^<]+)</span>', grid, flags=re.S))
    kinds = list(load_content(EXAMPLE).deliverables)
    assert len(cards) >= len(kinds)
    approved = 0
    for kind in kinds:
        rel = page_path(kind)[:-3]
        shown = page_state(built_example, f"{rel}.html")
        assert cards[rel] == shown, kind
        approved += shown == "approved"
    assert f"{approved} of {len(kinds)} approved" in visible(home)


def test_each_computed_exit_criterion_agrees_with_its_deliverable_page(built_example):
    from pmodocs.compose.site import page_path

    home = (built_example / "site/index.html").read_text(encoding="utf-8")
    shown = {r[0]: r for r in rows(home, "exit-criteria")}
    plan = load_content(EXAMPLE).deliverables["mo-plan"]
    computed = [e for e in plan.exit_criteria if e.computed and e.computed.deliverable]
    assert len(computed) >= 8
    for e in computed:
        state = page_state(built_example, f"{page_path(e.computed.deliverable)[:-3]}.html")
        assert shown[e.criterion][1] == ("Yes" if state == "approved" else "No"), e.criterion
        assert shown[e.criterion][2].startswith("Computed from")
    met = sum(r[1] == "Yes" for r in shown.values())
    assert f"{met} of {len(shown)} met" in visible(home)


def test_the_mo_plan_page_shows_the_same_exit_criteria_as_the_home_page(built_example):
    home = (built_example / "site/index.html").read_text(encoding="utf-8")
    plan = (built_example / "site/plans/mo-plan.html").read_text(encoding="utf-8")
    assert rows(plan, "exit-criteria") == rows(home, "exit-criteria")


def test_hand_stated_criteria_say_who_stated_them(built_example):
    home = (built_example / "site/index.html").read_text(encoding="utf-8")
    shown = {r[0]: r for r in rows(home, "exit-criteria")}
    assert shown["M&O infrastructure is in place"][2].startswith(
        "Stated by Walter Fitzgerald, not computed:")


def test_the_example_charter_milestone_is_derived_from_its_approvals(built_example):
    plan = (built_example / "site/plans/mo-plan.html").read_text(encoding="utf-8")
    milestone = next(r for r in rows(plan, "milestones") if r[0] == "ms-charter")
    assert milestone[-1] == "late"  # due 2026-10-22, no approval recorded by the as-of date
    assert ("ms-charter is late, computed from the approvals of SCAS Maintenance and Operations "
            "Charter: Version 1.0 is in review") in visible(plan)


# --- approving and undoing flips the criterion --------------------------------------------------

def test_approving_the_charter_fully_flips_its_criterion_to_met_and_undoing_flips_it_back(
        content_copy):
    original = (content_copy / "approvals.yaml").read_bytes()
    met, evidence = home_criteria(content_copy)[CHARTER_CRITERION]
    assert met == "No" and "in review" in evidence
    for n, person in enumerate(CHARTER_APPROVERS):
        result = run("approve", "charter", "--by", person, "--date", f"2026-10-2{4 + n}",
                     "--content", str(content_copy))
        assert result.returncode == 0, result.stderr
    met, evidence = home_criteria(content_copy)[CHARTER_CRITERION]
    assert met == "Yes"
    assert evidence.startswith("Computed from the approvals of")
    for name, day in (("Patricia Whitfield", "2026-10-24"), ("Gregory Ashby", "2026-10-25"),
                      ("Richard Halvorsen", "2026-10-26")):
        assert f"{name} on {day}" in evidence
    (content_copy / "approvals.yaml").write_bytes(original)  # undo: the records are gone
    met, evidence = home_criteria(content_copy)[CHARTER_CRITERION]
    assert met == "No" and "awaiting" in evidence


def test_a_rejection_keeps_the_criterion_unmet_and_names_who_rejected(content_copy):
    result = run("approve", "charter", "--by", "gregory-ashby", "--decision", "rejected",
                 "--comment", "Funding period wrong", "--date", "2026-10-24",
                 "--content", str(content_copy))
    assert result.returncode == 0, result.stderr
    met, evidence = home_criteria(content_copy)[CHARTER_CRITERION]
    assert met == "No" and "rejected by Gregory Ashby on 2026-10-24" in evidence


def test_the_charter_milestone_completes_when_the_charter_is_approved(content_copy):
    from pmodocs.signoff import derive_facts

    for person in CHARTER_APPROVERS:
        assert run("approve", "charter", "--by", person, "--date", "2026-10-22",
                   "--content", str(content_copy)).returncode == 0
    facts = derive_facts(load_content(content_copy))
    ms = next(m for m in facts.milestones if m.id == "ms-charter")
    assert ms.state == "complete" and ms.computed and "2026-10-22" in ms.note


def test_filling_every_staffing_line_meets_the_staff_criterion(content_copy):
    def fill(d):
        for row in d["staffing"]:
            row["fte_filled"] = row["fte_required"]

    criterion = "M&O staff are in place"
    assert home_criteria(content_copy)[criterion][0] == "No"
    edit_yaml(content_copy / "deliverables/mo-plan.yaml", fill)
    met, evidence = home_criteria(content_copy)[criterion]
    assert met == "Yes" and "All 7 staffing lines are filled" in evidence


def test_operational_processes_all_in_place_meet_their_criterion(content_copy):
    def place(d):
        for row in d["operational_processes"]:
            row["state"] = "in place"

    criterion = "Operational plans and processes are established or updated"
    met, evidence = home_criteria(content_copy)[criterion]
    assert met == "No" and "not in place: Performance modelling and analysis" in evidence
    edit_yaml(content_copy / "deliverables/mo-plan.yaml", place)
    assert home_criteria(content_copy)[criterion][0] == "Yes"


@pytest.mark.parametrize("criterion, message", [
    ({"criterion": "X", "computed": {"deliverable": "charter"}, "met": True},
     "is computed, so met, evidence and stated_by come from the content"),
    ({"criterion": "X", "met": True}, "needs met and evidence when it is not computed"),
    ({"criterion": "X", "computed": {"deliverable": "charter", "staffing": "all-filled"}},
     "names 2 sources"),
    ({"criterion": "X", "computed": {"deliverable": "no-such-plan"}},
     "'no-such-plan' is not a deliverable"),
])
def test_a_malformed_criterion_is_a_located_error(content_copy, criterion, message):
    edit_yaml(content_copy / "deliverables/mo-plan.yaml",
              lambda d: d["exit_criteria"].append(criterion))
    result = run("check", "--content", str(content_copy))
    assert result.returncode == 1
    line = next(l for l in result.stderr.splitlines() if message in l)
    assert re.match(r".*mo-plan\.yaml:\d+: exit_criteria\[14\]", line), line


# --- who signs what ------------------------------------------------------------------------------

def test_who_signs_what_lists_every_waiting_decision_by_person_with_due_date_and_packet(
        built_example):
    from pmodocs.compose.site import page_path
    from pmodocs.packets import respond_by
    from pmodocs.signoff import all_signoffs

    content = load_content(EXAMPLE)
    markup = (built_example / "site/who-signs-what.html").read_text(encoding="utf-8")
    shown = {(r[0], r[1]): r for r in rows(markup, "who-signs-what")}
    due = respond_by(content.program.as_of).isoformat()
    expected = set()
    for kind, so in all_signoffs(content).items():
        doc = content.deliverables[kind]
        if doc.control.status == "draft" or so.state == "rejected":
            continue
        page = page_state(built_example, f"{page_path(kind)[:-3]}.html")
        for person in so.waiting_for:
            key = (content.person(person).name, doc.control.title)
            expected.add(key)
            assert shown[key][3] == doc.control.version and shown[key][4] == page
            assert shown[key][5] == due
    assert set(shown) == expected and len(expected) >= 10
    assert ("Zoë Brontë", content.deliverables["risk"].control.title) not in shown  # she approved
    assert ("Marisol Ortega", content.deliverables["communication"].control.title) in shown
    packets = sorted(p.stem for p in (built_example / "dist/packets").glob("*.zip"))
    linked = re.findall(r'href="downloads/packets/([a-z-]+)\.zip"', markup)
    assert linked == packets and packets
    for person in packets:
        assert (built_example / f"site/downloads/packets/{person}.zip").read_bytes() == \
            (built_example / f"dist/packets/{person}.zip").read_bytes()


def test_who_signs_what_is_in_the_navigation(built_example):
    home = (built_example / "site/index.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="who-signs-what\.html"[^>]*>\s*(<[^>]+>\s*)*Who signs what', home)


def test_who_signs_what_drops_a_person_once_they_decided(content_copy):
    from pmodocs.compose.site import who_signs_page
    from pmodocs.signoff import derive_facts

    def people(content_dir):
        content = load_content(content_dir)
        page = who_signs_page(content, derive_facts(content))
        table = next(b for b in page.blocks if getattr(b, "kind", "") == "who-signs-what")
        return {(r[0], r[1]) for r in table.rows}

    walter = ("Walter Fitzgerald", "SCAS Configuration Management Plan, M&O Update")
    assert walter in people(content_copy)
    assert run("approve", "configuration", "--by", "walter-fitzgerald", "--date", "2026-11-02",
               "--content", str(content_copy)).returncode == 0
    assert walter not in people(content_copy)


# --- checklist items ---------------------------------------------------------------------------

def checklist(content_dir: Path) -> tuple[dict[str, str], str]:
    """item -> state in the M&O Plan's checklist tables, and the home page's checklist meter."""
    from pmodocs.outputs import compose_program
    from pmodocs.compose.site import readiness_meters

    from pmodocs.signoff import derive_facts

    content = load_content(content_dir)
    facts = derive_facts(content)
    docs, _ = compose_program(content, facts)
    states = {r[0]: r[1] for b in docs["mo-plan"].blocks
              if getattr(b, "kind", "") == "checklist" for r in b.rows}
    meter = next(m for m in readiness_meters(content, facts) if m.label.startswith("Pre-"))
    return states, meter.text


def test_a_checklist_item_computed_from_a_deliverable_is_done_once_it_is_approved(content_copy):
    item = "Update the Communication Plan"
    original = (content_copy / "approvals.yaml").read_bytes()
    states, meter = checklist(content_copy)
    assert states[item] == "in progress"  # changed since Marisol approved version 2.0
    done = int(meter.split()[0])
    for person in ("marisol-ortega", "denise-carmichael"):
        assert run("approve", "communication", "--by", person, "--date", "2026-11-02",
                   "--content", str(content_copy)).returncode == 0
    states, meter = checklist(content_copy)
    assert states[item] == "done" and meter.startswith(f"{done + 1} of ")
    (content_copy / "approvals.yaml").write_bytes(original)
    states, meter = checklist(content_copy)
    assert states[item] == "in progress" and meter.startswith(f"{done} of ")
