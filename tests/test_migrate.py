"""`pmodocs migrate`: content written for the older schema is rewritten to today's shape, line by
line (comments and layout kept), says what it changed, and a second run changes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

# the verbs run through pmodocs.cli.main in this process (test_cli.py runs the command line)
from conftest import ROOT, run_here as run

LEGACY = ROOT / "tests/fixtures/legacy-content"


@pytest.fixture
def legacy(tmp_path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(LEGACY, target)
    return target


def changed_lines(before: Path, after: Path) -> list[tuple[str, str]]:
    import difflib

    out = []
    for path in sorted(before.rglob("*.yaml")):
        rel = path.relative_to(before)
        a = path.read_text(encoding="utf-8").splitlines()
        b = (after / rel).read_text(encoding="utf-8").splitlines()
        out += [(str(rel), line) for line in difflib.unified_diff(a, b, lineterm="", n=0)
                if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    return out


def test_the_old_example_migrates_line_by_line_and_reports_each_change(legacy):
    result = run("migrate", "--content", str(legacy))
    assert result.returncode == 0, result.stderr
    assert "program.yaml:22: added vocabularies.adopt: state-mo" in result.stdout
    assert "deliverables/mo-plan.yaml:840: milestones[0].date renamed to baseline" in result.stdout
    diff = changed_lines(LEGACY, legacy)
    # only the migrated lines changed: every comment and every folded paragraph is untouched
    assert {rel for rel, _ in diff} == {"program.yaml", "deliverables/mo-plan.yaml",
                                        "approvals.yaml"}
    # approvals are carried over to the composed-document fingerprint: only those lines change
    assert all(line.lstrip("+-").strip().startswith("fingerprint:")
               for rel, line in diff if rel == "approvals.yaml")
    diff = [(rel, line) for rel, line in diff if rel != "approvals.yaml"]
    assert all(line.startswith("+") or line.lstrip("-").strip().startswith("date:")
               for _, line in diff)
    text = (legacy / "deliverables/mo-plan.yaml").read_text(encoding="utf-8")
    assert "    baseline: 2026-09-14\n    actual: 2026-09-14\n" in text
    assert (LEGACY / "program.yaml").read_text(encoding="utf-8") in \
        (legacy / "program.yaml").read_text(encoding="utf-8")


def test_migrated_content_checks_and_means_the_same(legacy):
    from pmodocs.checks import run_checks
    from pmodocs.load import load_content

    old = load_content(LEGACY)
    run("migrate", "--content", str(legacy))
    new = load_content(legacy)
    # the legacy content holds contradictions (issue 17's checks warn about them): migrating
    # adds no problem of its own, and keeps every warning the old content had
    assert [p for p in run_checks(new) if p.severity == "error"] == []
    def warned(content):
        return {(p.field, p.message) for p in run_checks(content) if p.severity == "warning"}
    assert warned(new) <= warned(old)
    assert new.program.vocab.adopted == "state-mo"
    for a, b in zip(old.deliverables["mo-plan"].milestones, new.deliverables["mo-plan"].milestones):
        assert a.planned == b.planned and a.id == b.id
        assert b.actual == (b.planned if b.state == "complete" else None)


def test_migrating_twice_changes_nothing(legacy):
    run("migrate", "--content", str(legacy))
    snapshot = {p: p.read_bytes() for p in legacy.rglob("*.yaml")}
    again = run("migrate", "--content", str(legacy))
    assert again.returncode == 0 and "nothing to migrate" in again.stdout
    assert {p: p.read_bytes() for p in legacy.rglob("*.yaml")} == snapshot


def test_dry_run_writes_nothing(legacy):
    result = run("migrate", "--content", str(legacy), "--dry-run")
    assert "would change" in result.stdout and "baseline" in result.stdout
    assert changed_lines(LEGACY, legacy) == []


def test_a_dollars_program_that_posed_as_hours_loses_its_zero_hours(legacy):
    """A program funded in dollars had to write 0 hours and a $0 blended rate in the old schema;
    migration removes them, and the documents stop printing them."""
    charter = legacy / "deliverables/charter.yaml"
    text = charter.read_text(encoding="utf-8")
    text = (text.replace("model: fixed hours", "model: fixed dollars")
            .replace("authorised_hours: 42000", "authorised_hours: 0")
            .replace("blended_rate: 150", "blended_rate: 0"))
    charter.write_text(text, encoding="utf-8")
    plan = legacy / "deliverables/mo-plan.yaml"
    lines = []
    for line in plan.read_text(encoding="utf-8").splitlines(keepends=True):
        key = line.strip().split(":")[0]
        if key in ("hours", "estimated_hours", "actual_hours"):
            line = line[:line.index(":") + 1] + " 0\n"
        lines.append(line)
    plan.write_text("".join(lines), encoding="utf-8")

    result = run("migrate", "--content", str(legacy))
    assert "funding.authorised_hours removed" in result.stdout
    assert "funding.blended_rate removed" in result.stdout
    assert "change_requests[0].estimated_hours removed" in result.stdout
    after = charter.read_text(encoding="utf-8")
    assert "authorised_hours" not in after and "blended_rate" not in after
    assert "authorised_dollars: 6300000" in after

    from pmodocs.outputs import compose_program
    from pmodocs.load import load_content
    from pmodocs.checks import run_checks

    content = load_content(legacy)
    assert [p for p in run_checks(content) if p.severity == "error"] == []
    docs, _ = compose_program(content)
    cells = " ".join(c for b in docs["charter"].blocks if hasattr(b, "rows")
                     for r in b.rows for c in r)
    assert "Blended hourly rate" not in cells and "Authorised hours" not in cells
    plan_cells = [h for b in docs["mo-plan"].blocks if hasattr(b, "columns") for h in b.columns]
    assert "Est. hours" not in plan_cells and "Hours" not in plan_cells


def test_a_folder_without_content_is_a_usage_error(tmp_path):
    result = run("migrate", "--content", str(tmp_path))
    assert result.returncode == 2 and "no program.yaml" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_step_list_can_be_extended():
    from pmodocs import migrate

    names = [s.name for s in migrate.STEPS]
    step = migrate.Step("example-step", "does nothing", lambda m: None)
    migrate.register(step, before=names[1])
    try:
        assert [s.name for s in migrate.STEPS][1] == "example-step"
        with pytest.raises(ValueError):
            migrate.register(step)
    finally:
        migrate.STEPS.remove(step)
