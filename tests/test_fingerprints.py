"""The fingerprint covers what the reader sees: the composed document, not only the deliverable's file."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from conftest import EXAMPLE, edit_yaml
from pmodocs.load import load_content
from pmodocs.contentedit import record_approval
from pmodocs.signoff import all_signoffs, content_bytes, fingerprint, signoff


def prints(content_dir: Path) -> dict[str, str]:
    content = load_content(content_dir)
    return {kind: fingerprint(content, kind) for kind in content.deliverables}


def rename_role(content_dir: Path, rid: str, name: str) -> None:
    edit_yaml(content_dir / "roles.yaml", lambda d: next(
        r for r in d["roles"] if r["id"] == rid).__setitem__("name", name))


def retitle(content_dir: Path, pid: str, title: str) -> None:
    edit_yaml(content_dir / "people.yaml", lambda d: next(
        p for p in d["people"] if p["id"] == pid).__setitem__("title", title))


def shown_in(content_dir: Path, text: str) -> set[str]:
    content = load_content(content_dir)
    return {k for k in content.deliverables if text in content_bytes(content, k).decode("utf-8")}


def test_renaming_a_role_and_retitling_a_person_voids_exactly_the_deliverables_showing_them(content_copy):
    before = prints(content_copy)
    showing = shown_in(content_copy, "Change Control Board Chair") | shown_in(content_copy,
                                                                              "Project Controls Analyst")
    assert showing == {"mo-plan", "communication", "role-cards", "launch-agenda"}
    rename_role(content_copy, "ccb-chair", "Change Board Chair")
    retitle(content_copy, "lauren-becker", "Senior Project Controls Analyst")
    after = prints(content_copy)
    assert {k for k in before if before[k] != after[k]} == showing
    states = {k: so.state for k, so in all_signoffs(load_content(content_copy)).items()}
    assert states["role-cards"] == "changed since approval"  # was approved
    assert states["risk"] == signoff(load_content(EXAMPLE), "risk").state  # shows neither


def test_the_redline_shows_a_renamed_role_and_a_new_title(content_copy):
    from pmodocs.outputs import compose_program
    from pmodocs.redline import all_redlines
    from pmodocs.render.redline_text import render_redline_text

    rename_role(content_copy, "ccb-chair", "Change Board Chair")
    retitle(content_copy, "lauren-becker", "Senior Project Controls Analyst")
    content = load_content(content_copy)
    text = render_redline_text(all_redlines(content, *compose_program(content))["role-cards"])
    assert "Change[- Control-] Board Chair" in text
    assert "{+Senior +}Project Controls Analyst" in text or "[-Project-]{+Senior Project+}" in text


@pytest.mark.parametrize("change", [
    lambda d: d["program"].__setitem__("department", d["program"]["department"] + " (DHA)"),
])
def test_a_program_field_shown_on_every_page_voids_every_deliverable(content_copy, change):
    before = prints(content_copy)
    edit_yaml(content_copy / "program.yaml", change)
    after = prints(content_copy)
    assert all(before[k] != after[k] for k in before)


def test_the_fingerprint_ignores_key_order_in_the_directory(content_copy):
    before = prints(content_copy)

    def reverse_keys(d):
        for person in d["people"]:
            items = list(person.items())
            for key, _ in items:
                del person[key]
            for key, value in reversed(items):
                person[key] = value

    edit_yaml(content_copy / "people.yaml", reverse_keys)
    assert prints(content_copy) == before


def test_recording_decisions_never_changes_the_fingerprint(content_copy):
    before = prints(content_copy)
    record_approval(content_copy, "launch-agenda", "marisol-ortega", "approved", date(2026, 11, 2))
    record_approval(content_copy, "launch-agenda", "denise-carmichael", "approved", date(2026, 11, 2))
    content = load_content(content_copy)
    assert signoff(content, "launch-agenda").state == "approved"
    assert prints(content_copy) == before  # the approval page now says "approved": not hashed


def test_the_snapshot_is_the_hashed_tree_and_reads_back_as_the_same_tree(content_copy):
    from pmodocs.contenttree import drawn, neutral_tree, tree_bytes, tree_from_bytes

    content = load_content(content_copy)
    data = content_bytes(content, "risk")
    assert hashlib.sha256(data).hexdigest() == fingerprint(content, "risk")
    logo = (content.root / content.program.branding.logo).read_bytes()
    back = tree_from_bytes(data, logo)
    # the snapshot keeps charts as drawn (compose gives them as data)
    assert back.blocks == drawn(neutral_tree(content, "risk")).blocks and tree_bytes(back) == data
    assert json.loads(data)["meta"]["id"] == "risk"


def test_a_dressed_snapshot_equals_the_composed_document(content_copy):
    """The redline of unchanged content shows nothing: dressing restores the sign-off exactly."""
    from pmodocs.outputs import compose_program
    from pmodocs.contenttree import dress, neutral_tree

    content = load_content(content_copy)
    docs, signoffs = compose_program(content)
    for kind in ("role-cards", "communication", "risk"):
        assert dress(neutral_tree(content, kind), signoffs[kind]).blocks == docs[kind].blocks


# --- carrying approvals over ----------------------------------------------------------------------

def test_carry_over_rewrites_old_scheme_records_whose_content_is_unchanged(tmp_path):
    from pmodocs.migrate_approvals import carry_over_approvals
    from pmodocs.model import DELIVERABLE_KINDS
    from pmodocs.signoff import canonical_json, model_fingerprint

    content_dir = tmp_path / "content"
    shutil.copytree(EXAMPLE, content_dir)
    shutil.rmtree(content_dir / "snapshots")
    content = load_content(content_dir)
    expected = {k: so.state for k, so in all_signoffs(content).items()}
    # put back the approvals as pmodocs recorded them before: fingerprints of the model alone
    old_comm = content.deliverables["communication"].model_copy(deep=True)
    ccb = next(m for m in old_comm.meetings if m.id == "mtg-ccb")
    object.__setattr__(ccb, "frequency", "Every Tuesday")
    old_comm = DELIVERABLE_KINDS["communication"].model_validate_json(canonical_json(old_comm))
    old_fp = model_fingerprint(old_comm)
    (content_dir / "snapshots/communication").mkdir(parents=True)
    (content_dir / f"snapshots/communication/{old_fp}.json").write_text(canonical_json(old_comm),
                                                                         encoding="utf-8")
    text = (content_dir / "approvals.yaml").read_text(encoding="utf-8")
    for kind in ("role-cards", "risk", "communication"):
        now = fingerprint(content, kind)
        then = old_fp if kind == "communication" else model_fingerprint(content.deliverables[kind])
        text = text.replace(now, then) if now in text else text
    text = text.replace(next(r.fingerprint for r in content.approvals
                             if r.deliverable == "communication"), old_fp)
    (content_dir / "approvals.yaml").write_text(text, encoding="utf-8")
    assert all_signoffs(load_content(content_dir))["role-cards"].state != "approved"

    notes = carry_over_approvals(content_dir)
    assert len([n for n in notes if "carried over" in n]) == 4
    migrated = load_content(content_dir)
    assert {k: so.state for k, so in all_signoffs(migrated).items()} == expected
    assert "# Recorded approvals" in (content_dir / "approvals.yaml").read_text(encoding="utf-8")
    assert not (content_dir / f"snapshots/communication/{old_fp}.json").exists()
    from pmodocs.outputs import compose_program
    from pmodocs.redline import all_redlines
    from pmodocs.render.redline_text import render_redline_text

    red = all_redlines(migrated, *compose_program(migrated))["communication"]
    assert "Every{+ second+} Tuesday" in render_redline_text(red)
    assert carry_over_approvals(content_dir) == []  # a second run changes nothing


def test_carry_over_leaves_approvals_of_changed_content_alone(content_copy):
    from pmodocs.migrate_approvals import carry_over_approvals

    before = (content_copy / "approvals.yaml").read_text(encoding="utf-8")
    assert carry_over_approvals(content_copy) == []
    assert (content_copy / "approvals.yaml").read_text(encoding="utf-8") == before


def test_a_chart_given_as_data_serialises_as_the_svg_it_is_drawn_as():
    """Compose gives charts as data; the canonical tree (and so every fingerprint and snapshot)
    holds the SVG they are drawn as, exactly as when compose drew them itself, and a snapshot
    read back draws the same picture."""
    from pmodocs.contenttree import drawn, tree_bytes, tree_from_bytes
    from pmodocs.document import Chart
    from pmodocs.outputs import compose_program
    from pmodocs.render.charts import chart_svg

    docs, _ = compose_program(load_content(EXAMPLE))
    doc = docs["mo-plan"]
    charts = [b for b in doc.blocks if isinstance(b, Chart)]
    assert len(charts) == 3 and all(c.spec is not None and not c.svg for c in charts)
    data = tree_bytes(doc)
    assert data == tree_bytes(drawn(doc))
    stored = [b for b in json.loads(data)["blocks"] if b["type"] == "Chart"]
    assert [sorted(b) for b in stored] == [["alt", "caption", "svg", "type"]] * 3
    assert [b["svg"] for b in stored] == [chart_svg(c) for c in charts]
    back = [b for b in tree_from_bytes(data, doc.meta.logo).blocks if isinstance(b, Chart)]
    assert [(c.spec, chart_svg(c)) for c in back] == [(None, chart_svg(c)) for c in charts]


def test_a_chart_has_either_data_or_a_drawing():
    from pmodocs.document import Chart, StateBars

    spec = StateBars("Change requests", ("submitted",), (("Minor", (1,)),))
    for bad in ({}, {"svg": "<svg/>", "spec": spec}):
        with pytest.raises(ValueError, match="either its data"):
            Chart("Change requests", "One minor change request, submitted.", **bad)
    assert Chart("c", "a", spec=spec).svg == "" and Chart("c", "a", "<svg/>").spec is None
