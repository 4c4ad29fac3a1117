"""`check` finds contradictions between what people typed and what it can compute: each a
warning with file and line (an error in strict mode), and none in the example program."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

# the verbs run through pmodocs.cli.main in this process (test_cli.py runs the command line)
from conftest import EXAMPLE, ROOT, edit_yaml, run_here as run
from pmodocs.consistency import next_version

CHARTER_APPROVERS = ("patricia-whitfield", "gregory-ashby", "richard-halvorsen")


def warnings(content_dir: Path) -> list[str]:
    result = run("check", "--content", str(content_dir))
    assert result.returncode == 0, result.stderr
    return [l for l in result.stderr.splitlines() if l.endswith("[warning]")]


def one(lines: list[str], needle: str) -> str:
    found = [l for l in lines if needle in l]
    assert len(found) == 1, lines
    return found[0]


def line_of(path: Path, pattern: str, after: str = "") -> int:
    """1-based line of the first line matching `pattern` after the first line matching `after`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, l in enumerate(lines) if re.search(after, l)) if after else 0
    return next(i for i in range(start, len(lines)) if re.search(pattern, lines[i])) + 1


def approve(content_dir: Path, kind: str, person: str, day: str = "2026-10-24") -> None:
    result = run("approve", kind, "--by", person, "--date", day, "--content", str(content_dir))
    assert result.returncode == 0, result.stderr


# --- the example is consistent ---------------------------------------------------------------

@pytest.mark.parametrize("example", [EXAMPLE, ROOT / "examples/federal"], ids=["state", "federal"])
def test_the_example_program_has_no_contradiction(example):
    result = run("check", "--content", str(example))
    assert result.returncode == 0, result.stderr
    assert "[warning]" not in result.stderr, result.stderr


# --- changed after approval without a new version --------------------------------------------

def test_editing_an_approved_deliverable_without_a_new_version_warns_with_the_next_version(
        content_copy):
    path = content_copy / "deliverables/role-cards.yaml"
    assert warnings(content_copy) == []
    edit_yaml(path, lambda d: d["cards"][0].__setitem__("summary", "A reworded summary."))
    line = one(warnings(content_copy), "control.version")
    assert line.startswith(f"{path}:{line_of(path, r'^  version:')}: control.version:")
    assert "role-cards changed since" in line and "1.1 -> 1.2" in line


def test_the_kept_snapshot_tells_which_version_was_approved(content_copy):
    path = content_copy / "deliverables/charter.yaml"
    for person in CHARTER_APPROVERS:
        approve(content_copy, "charter", person)
    assert warnings(content_copy) == []

    def edit(d):
        d["vision"] = "A sharper vision."
        d["control"]["revisions"][-1]["date"] = date(2026, 10, 23)  # same version, same date

    edit_yaml(path, edit)
    line = one(warnings(content_copy), "control.version")
    assert f"{path}:{line_of(path, r'^  version:')}:" in line and "1.0 -> 1.1" in line

    def new_version(d):
        d["control"]["version"] = "1.1"
        d["control"]["status"] = "for review"
        d["control"]["date"] = date(2026, 10, 30)
        d["control"]["revisions"].append({"version": "1.1", "date": date(2026, 10, 30),
                                          "author": "jose-nunez", "summary": "Vision sharpened."})

    edit_yaml(path, new_version)
    assert warnings(content_copy) == []


@pytest.mark.parametrize("given, expected", [("2.0", "2.1"), ("1.9", "1.10"), ("3", "3.1"),
                                             ("1.2.3", "1.2.4")])
def test_the_suggested_version_is_the_next_minor_one(given, expected):
    assert next_version(given) == expected


# --- claims with nothing behind them ---------------------------------------------------------

def test_final_with_approvers_pending_warns_at_the_status(content_copy):
    path = content_copy / "deliverables/charter.yaml"
    edit_yaml(path, lambda d: d["control"].__setitem__("status", "final"))
    line = one(warnings(content_copy), "control.status")
    assert line.startswith(f"{path}:{line_of(path, r'^  status:')}:")
    assert "Patricia Whitfield" in line and "'in review'" in line


def test_a_revision_claiming_an_approval_without_a_record_warns(content_copy):
    path = content_copy / "deliverables/charter.yaml"
    edit_yaml(path, lambda d: d["control"]["revisions"][-1].__setitem__(
        "summary", "Approved by the Executive Steering Committee on 2026-10-22."))
    line = one(warnings(content_copy), "claims an approval")
    assert f"{path}:" in line and "control.revisions[2].summary" in line
    for person in CHARTER_APPROVERS:
        approve(content_copy, "charter", person)
    assert not any("claims an approval" in l for l in warnings(content_copy))


def test_an_older_revision_claiming_an_approval_needs_a_record_in_its_time(content_copy):
    path = content_copy / "deliverables/governance.yaml"
    edit_yaml(path, lambda d: d["control"]["revisions"][0].__setitem__(
        "summary", "Governance Plan approved for the development phase."))
    line = one(warnings(content_copy), "claims an approval")
    assert "control.revisions[0].summary" in line and "between 2025-03-14 and 2026-10-09" in line


def test_a_milestone_typed_complete_against_its_computed_state_warns(content_copy):
    path = content_copy / "deliverables/mo-plan.yaml"

    def typed(d):
        d["milestones"][2]["state"] = "complete"

    edit_yaml(path, typed)
    line = one(warnings(content_copy), "milestones[2].state")
    assert f"{path}:" in line and "'late'" in line


def test_a_milestone_claiming_an_approval_without_computed_warns(content_copy):
    path = content_copy / "deliverables/mo-plan.yaml"

    def typed(d):
        del d["milestones"][2]["computed"]
        d["milestones"][2]["state"] = "complete"

    edit_yaml(path, typed)
    line = one(warnings(content_copy), "milestones[2].state")
    assert "claims an approval" in line and "computed: {deliverable: ID}" in line


# --- dates that contradict each other --------------------------------------------------------

def test_a_revision_after_the_document_date_warns(content_copy):
    path = content_copy / "deliverables/risk.yaml"
    edit_yaml(path, lambda d: d["control"].__setitem__("date", date(2026, 10, 27)))
    line = one(warnings(content_copy), "control.revisions[2].date")
    assert "2026-10-28 is after the document's date 2026-10-27" in line


def test_an_approval_dated_before_its_document_warns_in_approvals_yaml(content_copy):
    approve(content_copy, "charter", "gregory-ashby", "2026-10-01")
    path = content_copy / "approvals.yaml"
    line = one(warnings(content_copy), "approvals[4].date")
    assert line.startswith(f"{path}:{line_of(path, r'date: 2026-10-01')}:")
    assert "before charter version 1.0 is dated (2026-10-23)" in line


def test_the_agenda_approval_due_after_the_meeting_warns(content_copy):
    path = content_copy / "deliverables/launch-agenda.yaml"
    edit_yaml(path, lambda d: d["meeting"].__setitem__("date", date(2026, 11, 12)))
    line = one(warnings(content_copy), "meeting.date")
    assert line.startswith(f"{path}:{line_of(path, r'^  date: 2026-11-12', '^meeting:')}:")
    assert "due 2026-11-16, after it" in line


def test_a_milestone_still_on_track_after_its_date_passed_warns(content_copy):
    path = content_copy / "deliverables/mo-plan.yaml"
    edit_yaml(path, lambda d: d["milestones"][4].__setitem__("date", date(2026, 10, 30)))
    line = one(warnings(content_copy), "milestones[4].state")
    assert "'on track'" in line and "2026-10-30 passed before the as-of date 2026-11-02" in line


# --- strict mode -------------------------------------------------------------------------------

def test_strict_mode_makes_contradictions_errors(content_copy):
    edit_yaml(content_copy / "deliverables/charter.yaml",
              lambda d: d["control"].__setitem__("status", "final"))
    edit_yaml(content_copy / "program.yaml",
              lambda d: d["program"].__setitem__("checks", {"strict": True}))
    result = run("check", "--content", str(content_copy))
    assert result.returncode == 1
    assert re.search(r"charter\.yaml:\d+: control\.status: says final", result.stderr)
    assert "[warning]" not in result.stderr
    build = run("build", "--content", str(content_copy), "--out", str(content_copy.parent / "o"))
    assert build.returncode == 1 and not (content_copy.parent / "o/site").exists()


def test_a_checklist_item_typed_against_its_computed_state_warns(content_copy):
    path = content_copy / "deliverables/mo-plan.yaml"

    def typed(d):
        item = next(i for a in d["pre_initiation"] for i in a["items"]
                    if i["item"] == "Update the Communication Plan")
        item["state"] = "done"

    edit_yaml(path, typed)
    line = one(warnings(content_copy), ".state")
    assert re.search(r"mo-plan\.yaml:\d+: pre_initiation\[1\]\.items\[1\]\.state: says 'done', "
                     r"but it is computed as 'in progress'", line), line
