"""Day-two workflows: scaffold a new program, find what is still TODO, export the registers."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest

# the verbs run through pmodocs.cli.main in this process (test_cli.py runs the command line)
from conftest import EXAMPLE, edit_yaml, run_here as run
from pmodocs.load import load_content


cli = partial(run, env={"SOURCE_DATE_EPOCH": "1793577600"})  # dated like the example


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("new") / "licensing"
    result = cli("new", str(target), "--program", "Statewide Licensing System", "--acronym", "SLS")
    assert result.returncode == 0, result.stderr
    return target


def test_new_writes_every_content_file_with_comments_and_todo_values(scaffolded):
    charter = (scaffolded / "deliverables/charter.yaml").read_text(encoding="utf-8")
    assert "# vision:" in charter and 'vision: "TODO: vision"' in charter
    assert "# owner: The person who owns the document (a person id from people.yaml)" in charter
    assert "# status: The author's status" in charter and "one of: draft, for review, final" in charter
    for kind in ("charter", "governance", "mo-plan", "communication", "risk", "quality",
                 "configuration", "continuity", "role-cards", "launch-agenda"):
        assert (scaffolded / "deliverables" / f"{kind}.yaml").is_file()
    program = load_content(scaffolded).program
    assert program.name == "Statewide Licensing System" and program.numbering.prefix == "SLS"


def test_check_passes_on_a_scaffold_but_warns_at_every_todo_with_its_line(scaffolded):
    result = cli("check", "--content", str(scaffolded))
    assert result.returncode == 0, result.stderr
    warnings = [l for l in result.stderr.splitlines() if l.endswith("[warning]")]
    assert len(warnings) > 100
    vision = next(l for l in warnings if "charter.yaml" in l and ": vision:" in l)
    line = int(vision.split(":")[1])
    text = (scaffolded / "deliverables/charter.yaml").read_text(encoding="utf-8").splitlines()
    assert text[line - 1].startswith("vision:")
    assert "still says TODO" in vision


def test_filling_a_todo_removes_its_warning(scaffolded, tmp_path):
    import shutil

    copy = tmp_path / "c"
    shutil.copytree(scaffolded, copy)
    edit_yaml(copy / "deliverables/charter.yaml", lambda d: d.__setitem__("vision", "A real vision."))
    result = cli("check", "--content", str(copy))
    assert not any("charter.yaml" in l and ": vision:" in l for l in result.stderr.splitlines())


def test_new_refuses_a_folder_that_is_not_empty():
    result = cli("new", str(EXAMPLE), "--program", "X")
    assert result.returncode == 2 and "is not empty" in result.stderr and "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def scaffold_build(scaffolded, tmp_path_factory):
    """(the build's output folder, its result): the fresh scaffold built once for the module."""
    out = tmp_path_factory.mktemp("scaffold-out")
    return out, cli("build", "--content", str(scaffolded), "--out", str(out), "--quiet")


def test_a_fresh_scaffold_builds(scaffold_build):
    out, result = scaffold_build
    assert result.returncode == 0, result.stderr
    assert (out / "dist/pdf/charter.pdf").is_file() and (out / "site/index.html").is_file()
    assert "warning(s)" in result.stderr


# The register workbook (export and import) is tested in test_xlsx.py.


def test_a_fresh_scaffold_dashboard_shows_no_progress(scaffold_build):
    out, result = scaffold_build
    assert result.returncode == 0, result.stderr
    home = (out / "site/index.html").read_text(encoding="utf-8")
    assert "0 of 1 met" in home and "0 of 1 items done" in home
    assert "1 of 1" not in home


def test_scaffold_comments_come_from_the_model_and_show_optional_fields(scaffolded):
    from pmodocs.model.charter import HelpDesk

    charter = (scaffolded / "deliverables/charter.yaml").read_text(encoding="utf-8")
    assert HelpDesk.model_fields["hours"].description.rstrip(".") in charter
    assert "block-cycle hours" not in charter
    # optional fields are present, commented out, with their description
    assert "# sources (optional): Funding by source" in charter
    assert "# go_lives (optional):" in charter
    program = (scaffolded / "program.yaml").read_text(encoding="utf-8")
    assert "# department (optional):" in program and "  vocabularies:\n" in program
    assert "    adopt: \"state-mo\"" in program and "# organisation_kinds (optional):" in program
    plan = (scaffolded / "deliverables/mo-plan.yaml").read_text(encoding="utf-8")
    assert 'state: "done"' not in plan and 'state: "complete"' not in plan
    assert 'state: "not started"' in plan and "met: false" in plan


@pytest.mark.parametrize("vocabulary", ["federal-m3", "none"])
def test_new_adopts_the_chosen_vocabulary_and_checks_clean(vocabulary, tmp_path):
    target = tmp_path / "program"
    result = cli("new", str(target), "--program", "Shared Services Migration", "--vocabulary",
                 vocabulary)
    assert result.returncode == 0, result.stderr
    content = load_content(target)
    assert content.program.vocab.adopted == vocabulary
    # no state change types are imposed on a program that did not adopt them
    assert [t.id for t in content.deliverables["mo-plan"].change_types] == ["mac"]
    checked = cli("check", "--content", str(target))
    assert checked.returncode == 0, checked.stderr
