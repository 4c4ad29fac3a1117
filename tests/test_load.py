"""Loading: valid content becomes the model; every mistake is reported with file, line and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLE, edit_yaml
from pmodocs.errors import ContentError
from pmodocs.load import load_content


def problems_for(content: Path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_content(content)
    return [str(p) for p in info.value.problems]


def write(content: Path, rel: str, text: str | bytes) -> None:
    path = content / rel
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


def test_the_example_program_loads_every_deliverable():
    content = load_content(EXAMPLE)
    assert set(content.deliverables) == {
        "charter", "governance", "mo-plan", "communication", "risk", "quality", "configuration",
        "continuity", "role-cards", "launch-agenda"}
    assert len(content.deliverables["risk"].risks) == 14
    assert {c.id for c in content.deliverables["mo-plan"].change_types} >= {
        "mac", "quick-fix", "optimisation", "emergency-fix", "urgent-request",
        "technology-refresh", "routine-change"}


def test_a_yaml_syntax_error_names_the_line_and_column(content_copy):
    write(content_copy, "people.yaml", "people:\n  - id: a\n    name: [unclosed\n")
    [msg] = problems_for(content_copy)
    assert "people.yaml:" in msg and "YAML syntax error" in msg and "column" in msg


def test_a_tab_in_indentation_is_reported_with_advice(content_copy):
    write(content_copy, "people.yaml", "people:\n\t- id: a\n")
    [msg] = problems_for(content_copy)
    assert "people.yaml:2:" in msg and "tab" in msg


def test_a_duplicate_key_is_an_error_not_a_silent_overwrite(content_copy):
    text = (content_copy / "program.yaml").read_text(encoding="utf-8")
    write(content_copy, "program.yaml", text.replace("  acronym:", "  name: Second name\n  acronym:", 1))
    [msg] = problems_for(content_copy)
    assert "program.yaml:" in msg and "program.name: duplicate key" in msg


def test_an_unknown_key_suggests_the_field_that_was_meant(content_copy):
    edit_yaml(content_copy / "deliverables/risk.yaml", lambda d: d["risks"][0].insert(1, "titel", "x"))
    msgs = problems_for(content_copy)
    assert any("risk.yaml:" in m and "risks[0].titel: is not a known field (did you mean 'title'?)"
               in m for m in msgs), msgs


def test_a_missing_required_field_is_named_with_its_path(content_copy):
    edit_yaml(content_copy / "deliverables/risk.yaml", lambda d: d["risks"][2].pop("owner"))
    msgs = problems_for(content_copy)
    assert any("risks[2].owner: is missing" in m for m in msgs), msgs


def test_text_where_a_number_is_expected_is_a_type_error(content_copy):
    edit_yaml(content_copy / "deliverables/mo-plan.yaml",
              lambda d: d["block_cycles"][0].__setitem__("hours", "lots"))
    msgs = problems_for(content_copy)
    assert any("block_cycles[0].hours: expected a number, got the text 'lots'" in m for m in msgs)


def test_negative_dollars_are_rejected(content_copy):
    edit_yaml(content_copy / "deliverables/mo-plan.yaml",
              lambda d: d["block_cycles"][1].__setitem__("dollars", -5))
    msgs = problems_for(content_copy)
    assert any("block_cycles[1].dollars: -5 is out of range" in m for m in msgs), msgs


def test_an_impossible_date_names_its_line(content_copy):
    text = (content_copy / "program.yaml").read_text(encoding="utf-8")
    import re

    write(content_copy, "program.yaml", re.sub(r"as_of: \S+", "as_of: 2026-02-30", text))
    [msg] = problems_for(content_copy)
    assert "program.as_of: '2026-02-30' is not a real date" in msg


def test_yaml_tags_are_refused_and_never_executed(content_copy, tmp_path):
    marker = tmp_path / "pwned"
    write(content_copy, "approvals.yaml",
          f"approvals: !!python/object/apply:os.system ['touch {marker}']\n")
    [msg] = problems_for(content_copy)
    assert "approvals.yaml:1: approvals: has the YAML tag" in msg
    assert not marker.exists()


def test_anchors_and_aliases_are_refused_so_alias_bombs_cannot_expand(content_copy):
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\napprovals: [*c, *c]\n"
    write(content_copy, "approvals.yaml", bomb)
    [msg] = problems_for(content_copy)
    assert "anchor" in msg and "approvals.yaml:1:" in msg


def test_a_byte_order_mark_is_reported(content_copy):
    path = content_copy / "people.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    [msg] = problems_for(content_copy)
    assert "people.yaml:1: starts with a byte-order mark" in msg


def test_a_file_that_is_not_utf8_is_reported(content_copy):
    write(content_copy, "people.yaml", "people:\n  - name: Jos\xe9\n".encode("latin-1"))
    [msg] = problems_for(content_copy)
    assert "people.yaml:2: is not UTF-8 text" in msg


def test_an_empty_file_is_reported(content_copy):
    write(content_copy, "approvals.yaml", "")
    [msg] = problems_for(content_copy)
    assert "approvals.yaml:1: is empty" in msg


def test_a_control_character_in_text_is_refused(content_copy):
    edit_yaml(content_copy / "deliverables/risk.yaml",
              lambda d: d["risks"][0].__setitem__("title", "bad\x07bell"))
    msgs = problems_for(content_copy)
    assert any("risks[0].title: contains the control character U+0007" in m for m in msgs), msgs


def test_an_id_that_tries_to_leave_the_output_folder_is_refused(content_copy):
    edit_yaml(content_copy / "deliverables/risk.yaml",
              lambda d: d["risks"][0].__setitem__("id", "../../x"))
    msgs = problems_for(content_copy)
    assert any("risks[0].id: '../../x' is not valid (expected an id of lower-case" in m for m in msgs)


def test_every_problem_is_reported_at_once(content_copy):
    edit_yaml(content_copy / "deliverables/risk.yaml", lambda d: d["risks"][0].pop("owner"))
    edit_yaml(content_copy / "people.yaml", lambda d: d["people"][0].__setitem__("email", "nobody"))
    msgs = problems_for(content_copy)
    assert any("risk.yaml" in m for m in msgs) and any("people.yaml" in m for m in msgs)


def test_a_missing_file_and_a_misnamed_file_are_both_reported(content_copy):
    (content_copy / "deliverables/risk.yaml").rename(content_copy / "deliverables/risks.yaml")
    msgs = problems_for(content_copy)
    assert any("risk.yaml: is missing" in m for m in msgs)
    assert any("risks.yaml:1: is not a file pmodocs reads (did you mean 'deliverables/risk.yaml'?)" in m
               for m in msgs)


def test_a_number_too_long_for_python_is_a_located_problem_not_a_crash(content_copy):
    text = (content_copy / "deliverables/risk.yaml").read_text(encoding="utf-8")
    write(content_copy, "deliverables/risk.yaml", text.replace("impact: 3", "impact: " + "9" * 5000, 1))
    [msg] = problems_for(content_copy)
    assert "risks[0].impact: is a number of 5,000 digits" in msg


def test_nesting_deep_enough_to_exhaust_the_stack_is_a_located_problem(content_copy):
    # libyaml may stop this itself (its own depth limit, its own words): what we own is one
    # clean problem at the right file and line, never a RecursionError
    write(content_copy, "approvals.yaml", "approvals:\n  - " + "[" * 3000 + "]" * 3000 + "\n")
    [msg] = problems_for(content_copy)
    assert "/approvals.yaml:2: " in msg and "Traceback" not in msg


def test_nesting_deeper_than_any_plan_is_refused_in_our_words(content_copy):
    write(content_copy, "approvals.yaml", "approvals:\n  - " + "[" * 60 + "]" * 60 + "\n")
    [msg] = problems_for(content_copy)
    assert "approvals.yaml:2: nests lists or mappings more than 40 levels deep" in msg


def test_a_nul_byte_is_reported_at_its_line_and_column(content_copy):
    write(content_copy, "approvals.yaml", "approvals:\n  - de\x00liverable: x\n")
    [msg] = problems_for(content_copy)
    assert "approvals.yaml:2: YAML syntax error, column 7: the character U+0000" in msg


def test_a_lone_surrogate_is_refused_before_it_reaches_a_writer(content_copy):
    text = (content_copy / "program.yaml").read_text(encoding="utf-8")
    write(content_copy, "program.yaml", text.replace('phase: "', 'phase: "\\udc00', 1))
    [msg] = problems_for(content_copy)
    # libyaml refuses the escape itself; the model's own check would also refuse the character
    line = next(i for i, l in enumerate(text.splitlines(), 1) if l.lstrip().startswith("phase:"))
    assert f"program.yaml:{line}: YAML syntax error" in msg and "Unicode character escape" in msg


def test_a_content_file_linking_outside_the_folder_is_refused_and_not_read(content_copy, tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text("people: SECRET\n", encoding="utf-8")
    (content_copy / "people.yaml").unlink()
    (content_copy / "people.yaml").symlink_to(secret)
    [msg] = problems_for(content_copy)
    assert "people.yaml:1: is a link that leads outside the content folder" in msg
    assert "SECRET" not in msg and "secret.yaml" not in msg


def test_a_file_read_before_is_not_parsed_again_and_an_edit_is_read_at_once(content_copy,
                                                                             monkeypatch):
    """`pmodocs serve` loads the content on every save: a file whose text this process already
    validated is not parsed again (the model is frozen, and the same text always gives the same
    model), while an edited file is read at once, and a file with a problem is read afresh every
    time, with its own path in the message."""
    from collections import OrderedDict

    from pmodocs import load

    parsed: list[str] = []
    real_parse = load.parse_yaml

    def counting_parse(text, display):
        parsed.append(Path(display).name)
        return real_parse(text, display)

    monkeypatch.setattr(load, "_remembered", OrderedDict())
    monkeypatch.setattr(load, "parse_yaml", counting_parse)
    first = load_content(content_copy)
    assert len(parsed) == 15
    parsed.clear()
    again = load_content(content_copy)
    assert parsed == [] and again.deliverables["risk"] is first.deliverables["risk"]
    assert again.sources["people.yaml"].line_of(("people", 0)) == \
        first.sources["people.yaml"].line_of(("people", 0))

    edit_yaml(content_copy / "deliverables" / "risk.yaml",
              lambda d: d["risks"][0].__setitem__("title", "Edited while serving"))
    edited = load_content(content_copy)
    assert parsed == ["risk.yaml"]
    assert edited.deliverables["risk"].risks[0].title == "Edited while serving"
    assert edited.deliverables["charter"] is first.deliverables["charter"]

    elsewhere = content_copy.parent / "elsewhere"
    shutil.copytree(content_copy, elsewhere)
    parsed.clear()
    moved = load_content(elsewhere)
    assert parsed == [] and "elsewhere" in moved.sources["deliverables/risk.yaml"].display

    parsed.clear()
    risk = content_copy / "deliverables" / "risk.yaml"
    edit_yaml(risk, lambda d: d["risks"][0].__setitem__("titel", "a typo"))
    for _ in range(2):
        assert any("risk.yaml" in p and "titel" in p for p in problems_for(content_copy))
    assert parsed == ["risk.yaml", "risk.yaml"], "a file with a problem is never remembered"
