"""Cross-document checks: references, totals, time slots and ids, each located in its file."""

from __future__ import annotations

import pytest

from conftest import EXAMPLE, edit_yaml
from pmodocs.checks import run_checks
from pmodocs.errors import ContentError
from pmodocs.load import load_content
from pmodocs.pipeline import load_and_check


def errors_for(content) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_and_check(content)
    return [str(p) for p in info.value.problems if p.severity == "error"]


def test_the_example_program_passes_every_check():
    problems = run_checks(load_content(EXAMPLE))
    assert [p for p in problems if p.severity == "error"] == []


def test_a_risk_owned_by_an_unknown_person_is_reported_at_its_line(content_copy):
    edit_yaml(content_copy / "deliverables/risk.yaml",
              lambda d: d["risks"][3].__setitem__("owner", "cfo"))
    [msg] = errors_for(content_copy)
    assert "risk.yaml:" in msg and "risks[3].owner: 'cfo' is not a person defined" in msg
    line = int(msg.split(":")[1])
    text = (content_copy / "deliverables/risk.yaml").read_text(encoding="utf-8").splitlines()
    assert "owner: cfo" in text[line - 1]


def test_block_cycles_over_the_authorised_hours_are_reported(content_copy):
    edit_yaml(content_copy / "deliverables/mo-plan.yaml",
              lambda d: d["block_cycles"][0].__setitem__("hours", 10_000_000))
    msgs = errors_for(content_copy)
    assert any("block_cycles: allocate 1" in m and "more than the" in m and "hours" in m for m in msgs)


def test_block_cycles_over_the_authorised_dollars_are_reported(content_copy):
    edit_yaml(content_copy / "deliverables/mo-plan.yaml",
              lambda d: d["block_cycles"][0].__setitem__("dollars", 999_999_999))
    msgs = errors_for(content_copy)
    assert any("block_cycles: allocate $" in m and "authorised in the charter" in m for m in msgs)


def test_an_agenda_longer_than_its_slot_is_reported(content_copy):
    edit_yaml(content_copy / "deliverables/launch-agenda.yaml",
              lambda d: d["items"][0].__setitem__("minutes", 600))
    [msg] = errors_for(content_copy)
    assert "launch-agenda.yaml:" in msg and "items: add up to" in msg and "slot" in msg


def test_duplicate_ids_are_reported(content_copy):
    def dup(d):
        d["risks"][1]["id"] = d["risks"][0]["id"]
    edit_yaml(content_copy / "deliverables/risk.yaml", dup)
    [msg] = errors_for(content_copy)
    assert "risks[1].id: duplicate id" in msg


def test_a_raci_activity_needs_exactly_one_accountable_role(content_copy):
    def two_a(d):
        assignments = d["raci"]["activities"][0]["assignments"]
        for role in list(assignments)[:2]:
            assignments[role] = "A"
    edit_yaml(content_copy / "deliverables/governance.yaml", two_a)
    msgs = errors_for(content_copy)
    assert any("raci.activities[0].assignments: has 2 accountable roles" in m for m in msgs)


def test_each_of_the_seven_change_types_must_have_a_method(content_copy):
    edit_yaml(content_copy / "deliverables/mo-plan.yaml",
              lambda d: d.__setitem__("change_types", [t for t in d["change_types"]
                                                       if t["id"] != "emergency-fix"]))
    msgs = errors_for(content_copy)
    assert any("change_types: has no method for emergency-fix (Emergency Repairs/Fixes)" in m
               for m in msgs), msgs


def test_a_deliverable_without_approvers_is_reported(content_copy):
    edit_yaml(content_copy / "deliverables/quality.yaml",
              lambda d: d["control"].__setitem__("approvers", []))
    [msg] = errors_for(content_copy)
    assert "quality.yaml:" in msg and "control.approvers: is empty" in msg


def test_a_change_request_in_an_unknown_block_cycle_is_reported(content_copy):
    edit_yaml(content_copy / "deliverables/mo-plan.yaml",
              lambda d: d["change_requests"][0].__setitem__("block_cycle", "bc-1999"))
    [msg] = errors_for(content_copy)
    assert "change_requests[0].block_cycle: 'bc-1999' is not a block cycle" in msg


def test_the_control_id_must_match_the_file_name(content_copy):
    edit_yaml(content_copy / "deliverables/continuity.yaml",
              lambda d: d["control"].__setitem__("id", "bcp"))
    msgs = errors_for(content_copy)
    assert any("control.id: 'bcp' does not match the file name (expected 'continuity')" in m
               for m in msgs)


def test_a_logo_that_is_not_an_image_is_refused(content_copy):
    (content_copy / "branding/notes.png").write_text("<svg onload=alert(1)>", encoding="utf-8")
    edit_yaml(content_copy / "program.yaml",
              lambda d: d["program"].setdefault("branding", {}).__setitem__("logo", "branding/notes.png"))
    [msg] = errors_for(content_copy)
    assert "program.branding.logo: 'branding/notes.png' is not a PNG or JPEG image" in msg


def test_a_logo_symlink_leading_out_of_the_content_folder_is_refused(content_copy, tmp_path):
    (tmp_path / "outside.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (content_copy / "branding/evil.png").symlink_to(tmp_path / "outside.png")
    edit_yaml(content_copy / "program.yaml",
              lambda d: d["program"].setdefault("branding", {}).__setitem__("logo", "branding/evil.png"))
    [msg] = errors_for(content_copy)  # every link in the content folder is refused when loading
    assert "branding/evil.png:1: is a link that leads outside the content folder" in msg


def test_a_branding_path_with_a_nul_byte_is_a_problem_not_a_crash(content_copy):
    edit_yaml(content_copy / "program.yaml",
              lambda d: d["program"].setdefault("branding", {}).__setitem__("reference_docx", "a\x00.docx"))
    [msg] = errors_for(content_copy)
    # the one text rule (yamlsafe.clean_text) refuses it before the path is ever used
    assert "program.branding.reference_docx:" in msg and "control character U+0000" in msg


def test_an_emergency_fix_paid_from_the_reserve_needs_no_block_cycle(content_copy):
    """The seed's emergency repairs are funded from hours not assigned to any block cycle."""
    from pmodocs.outputs import compose_program

    def from_reserve(d):
        fix = next(r for r in d["change_requests"] if r["type"] == "emergency-fix")
        del fix["block_cycle"]
    edit_yaml(content_copy / "deliverables/mo-plan.yaml", from_reserve)
    content, _ = load_and_check(content_copy)
    log = next(t for t in compose_program(content)[0]["mo-plan"].tables() if t.kind == "change-requests")
    fix = next(r for r in content.deliverables["mo-plan"].change_requests if r.type == "emergency-fix")
    row = next(row for row in log.rows if row[0] == fix.id)
    assert row[3] == "unallocated reserve"


# --- program-defined shapes ------------------------------------------------------------------

def test_joint_accountability_allows_several_a_where_the_program_declares_it(content_copy):
    def joint(d):
        activity = d["raci"]["activities"][0]
        for role in list(activity["assignments"])[:2]:
            activity["assignments"][role] = "A"
        activity["accountability"] = "joint"
    edit_yaml(content_copy / "deliverables/governance.yaml", joint)
    assert [p for p in run_checks(load_content(content_copy)) if p.severity == "error"] == []


def test_joint_accountability_still_needs_one_accountable_role(content_copy):
    def none_accountable(d):
        d["raci"]["accountability"] = "joint"
        activity = d["raci"]["activities"][0]
        for role, code in list(activity["assignments"].items()):
            activity["assignments"][role] = "R" if "A" in code else code
    edit_yaml(content_copy / "deliverables/governance.yaml", none_accountable)
    msgs = errors_for(content_copy)
    assert any("raci.activities[0].assignments: has no accountable role" in m for m in msgs)


def test_change_types_are_required_only_by_the_adopted_vocabulary(content_copy):
    def fewer(d):
        d["change_types"] = [t for t in d["change_types"] if t["id"] != "emergency-fix"]
        d["change_requests"] = [r for r in d["change_requests"] if r["type"] != "emergency-fix"]
    edit_yaml(content_copy / "deliverables/mo-plan.yaml", fewer)
    edit_yaml(content_copy / "program.yaml",
              lambda d: d["program"].__setitem__("vocabularies", {"adopt": "state-mo",
                                                                  "required_change_types": []}))
    assert [p for p in run_checks(load_content(content_copy)) if p.severity == "error"] == []


def test_a_risk_category_outside_the_vocabulary_is_a_located_error(content_copy):
    edit_yaml(content_copy / "deliverables/risk.yaml",
              lambda d: d["risks"][2].__setitem__("category", "funding"))
    [msg] = errors_for(content_copy)
    assert "risk.yaml:" in msg and "risks[2].category: 'funding' is not in the program's risk " \
        "categories" in msg and "vocabularies.risk_categories" in msg
    edit_yaml(content_copy / "program.yaml",
              lambda d: d["program"].__setitem__("vocabularies", {"risk_categories": ["funding"]}))
    assert errors_for_or_none(content_copy) == []


def errors_for_or_none(content) -> list[str]:
    return [str(p) for p in run_checks(load_content(content)) if p.severity == "error"]


def test_references_are_found_by_type_not_by_field_path():
    """Every id field that refers to something is typed (PersonId, RoleId...); the checks find
    them from the types, so the table of patterns is derived, never hand-kept."""
    from pmodocs.checks import REFERENCES, references
    from pmodocs.model.charter import GoLive

    assert ("strategy.transition.go_lives.*.organisation", "organisation") in \
        REFERENCES["deliverables/charter.yaml"]
    assert ("control.approvers.*", "person") in REFERENCES["deliverables/risk.yaml"]
    golive = GoLive(organisation="ffsc", scope="x", go_live=__import__("datetime").date(2027, 1, 1))
    assert list(references(golive, ("go_lives", 0))) == [
        (("go_lives", 0, "organisation"), "organisation", "ffsc")]


def test_an_unknown_organisation_in_a_new_field_is_a_located_error(content_copy):
    def go_lives(d):
        d["strategy"]["transition"]["go_lives"] = [
            {"organisation": "nowhere", "scope": "Everything",
             "go_live": __import__("datetime").date(2027, 7, 1)}]
    edit_yaml(content_copy / "deliverables/charter.yaml", go_lives)
    [msg] = errors_for(content_copy)
    assert ("strategy.transition.go_lives[0].organisation: 'nowhere' is not a organisation "
            "defined") in msg


def test_a_role_needs_an_organisation_and_a_decision_an_authority(content_copy):
    edit_yaml(content_copy / "roles.yaml", lambda d: d["roles"][0].pop("organisation"))
    edit_yaml(content_copy / "deliverables/governance.yaml",
              lambda d: d["decision_makers"][0].pop("authority"))
    msgs = errors_for(content_copy)
    assert any("roles[0]: has no organisation" in m for m in msgs)
    assert any("decision_makers[0]: has no authority" in m for m in msgs)


def test_a_milestone_cycle_is_reported(content_copy):
    def cycle(d):
        ms = d["milestones"]
        ms[0]["depends_on"] = [ms[1]["id"]]
        ms[1]["depends_on"] = [ms[0]["id"]]
    edit_yaml(content_copy / "deliverables/mo-plan.yaml", cycle)
    msgs = errors_for(content_copy)
    assert any("milestones[0].depends_on:" in m and "depends on itself" in m for m in msgs)
