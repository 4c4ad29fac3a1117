"""Scale: a register of 2,000 risks and a RACI of 200 activities x 40 roles still build, validly.

This is the slowest test of the suite (about a minute on two cores: python-docx and typst lay
out tables of thousands of rows); the measured times are printed (`pytest -s` shows them).
"""

from __future__ import annotations

import copy
import shutil
import time
from pathlib import Path

import pytest

from conftest import EXAMPLE, edit_yaml

RISKS, ACTIVITIES, ROLES = 2000, 200, 40
CODES = ("R", "C", "I")


def _grow_roles(data) -> None:
    roles = data["roles"]
    template = dict(roles[0])  # copied deeply per role: a shared list would be dumped as an alias
    for i in range(len(roles), ROLES):
        roles.append({**copy.deepcopy(template), "id": f"scale-role-{i:02d}", "name": f"Scale role {i}",
                      "summary": f"A role added to test a RACI of {ROLES} columns."})


def _grow_raci(data) -> None:
    raci = data["raci"]
    role_ids = list(raci["roles"])
    raci["roles"] = role_ids
    activities = []
    for a in range(ACTIVITIES):
        assignments = {role: CODES[(a + r) % 3] for r, role in enumerate(role_ids)}
        assignments[role_ids[a % len(role_ids)]] = "A"
        activities.append({"activity": f"Activity {a:03d}: keep the lights on for service {a}",
                           "side": "shared", "assignments": assignments})
    raci["activities"] = activities


def _grow_risks(data) -> None:
    template = dict(data["risks"][0])
    data["risks"] = [{**template, "id": f"r-{i:04d}", "title": f"Risk {i}: {template['title']}",
                      "probability": 1 + i % 5, "impact": 1 + (i * 7) % 5}
                     for i in range(RISKS)]


@pytest.fixture(scope="module")
def big_build(tmp_path_factory):
    """The example with 2,000 risks and a 200 x 40 RACI, built once; (output folder, seconds)."""
    from pmodocs.pipeline import build

    root = tmp_path_factory.mktemp("scale")
    content = root / "content"
    shutil.copytree(EXAMPLE, content)
    edit_yaml(content / "roles.yaml", _grow_roles)
    every_role = [r["id"] for r in _roles(content)]

    def widen(data) -> None:
        columns = list(data["raci"]["roles"])
        data["raci"]["roles"] = (columns + [r for r in every_role if r not in columns])[:ROLES]
        _grow_raci(data)

    edit_yaml(content / "deliverables/governance.yaml", widen)
    edit_yaml(content / "deliverables/risk.yaml", _grow_risks)
    started = time.perf_counter()
    report = build(content, root / "out")
    seconds = time.perf_counter() - started
    print(f"\nscale build: {RISKS} risks, RACI {ACTIVITIES} x {ROLES}: {seconds:.1f} s; "
          f"risk.docx {report.files['dist/docx/risk.docx'] // 1024} KB, "
          f"risk.pdf {report.files['dist/pdf/risk.pdf'] // 1024} KB")
    return root / "out", seconds


def _roles(content: Path) -> list[dict]:
    from ruamel.yaml import YAML

    return YAML(typ="safe").load((content / "roles.yaml").read_text(encoding="utf-8"))["roles"]


def test_the_raci_really_has_forty_roles_and_two_hundred_activities(big_build):
    import docx

    word = docx.Document(str(big_build[0] / "dist/docx/governance.docx"))
    raci = max(word.tables, key=lambda t: len(t.rows))
    assert len(raci.rows) >= ACTIVITIES
    assert len(raci.columns) >= ROLES
    cells = {c.text for row in raci.rows for c in row.cells}
    assert "Activity 199: keep the lights on for service 199" in cells


def test_the_big_register_opens_in_word_with_every_risk(big_build):
    import docx

    word = docx.Document(str(big_build[0] / "dist/docx/risk.docx"))
    text = {c.text for t in word.tables for row in t.rows for c in row.cells}
    assert any(t.startswith("Risk 1999:") for t in text)
    assert sum(len(t.rows) for t in word.tables) >= RISKS


def test_the_big_pdfs_open_with_a_sane_page_count(big_build):
    from pypdf import PdfReader

    risk = PdfReader(str(big_build[0] / "dist/pdf/risk.pdf"))
    governance = PdfReader(str(big_build[0] / "dist/pdf/governance.pdf"))
    assert 40 <= len(risk.pages) <= 1500, len(risk.pages)
    assert 5 <= len(governance.pages) <= 500, len(governance.pages)
    from test_bad_inputs import pdf_text

    text = pdf_text(big_build[0] / "dist/pdf/risk.pdf")
    assert "Risk 1999:" in text and "r-0000" in text


def test_the_big_site_page_lists_every_risk(big_build):
    from test_bad_inputs import html_text, site_page

    assert "Risk 1999:" in html_text(site_page(big_build[0], "risk"))


def test_the_scale_build_finishes_in_reasonable_time(big_build):
    assert big_build[1] < 300, f"{big_build[1]:.0f} s"
