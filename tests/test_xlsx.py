"""The register workbook: typed cells from the model, dropdowns, and a lossless round trip."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from pathlib import Path

import openpyxl
import pytest

# the verbs run through pmodocs.cli.main in this process (test_cli.py runs the command line)
from conftest import EXAMPLE, edit_yaml, run_here as run
from pmodocs.authoring.registers import register_book
from pmodocs.authoring.workbook import import_workbook
from pmodocs.errors import ContentError
from pmodocs.load import load_content
from pmodocs.render.xlsx import render_xlsx, safe_text, unsafe_text

WHEN = datetime(2026, 11, 2)


cli = partial(run, env={"SOURCE_DATE_EPOCH": "1793577600"})  # dated like the example


def export(content: Path, target: Path) -> Path:
    result = cli("export", "--format", "xlsx", "--content", str(content), "--output", str(target))
    assert result.returncode == 0, result.stderr
    return target


def headers(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[1]}


def row_of(ws, key: str) -> int:
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == key)


def test_one_sheet_per_register_with_frozen_headers_and_an_id_column(tmp_path):
    book = openpyxl.load_workbook(export(EXAMPLE, tmp_path / "registers.xlsx"))
    assert book.sheetnames == ["Risks", "Change requests", "Block cycles", "RACI", "Inventory",
                               "Decision makers", "Milestones", "Actions", "Lists"]
    assert book["Lists"].sheet_state == "hidden"
    risks = book["Risks"]
    assert risks.freeze_panes == "B2"
    assert [c.value for c in risks[1]][:3] == ["id", "title", "category"]
    assert risks.max_row == 15  # header + the fourteen risks
    assert book["Block cycles"].max_row == 5  # the budget per block cycle


def test_cells_are_typed_from_the_model_not_guessed_from_text(tmp_path):
    book = openpyxl.load_workbook(export(EXAMPLE, tmp_path / "registers.xlsx"))
    cycles = book["Block cycles"]
    h = headers(cycles)
    start, hours, dollars = (cycles.cell(2, h[n]) for n in ("start", "hours", "dollars"))
    assert isinstance(start.value, datetime) and start.number_format == "yyyy-mm-dd"
    assert isinstance(hours.value, (int, float)) and not isinstance(hours.value, bool)
    assert isinstance(dollars.value, (int, float)) and dollars.number_format.startswith('"$"')
    release = cycles.cell(2, h["release"])
    assert release.data_type == "s" and isinstance(release.value, str)  # "3.1.0" stays text
    risks = book["Risks"]
    assert isinstance(risks.cell(2, headers(risks)["probability"]).value, int)


@pytest.mark.parametrize("text", ["1,2,3", "0012", "12345678901234567890", "2026-11-02", "TRUE",
                                  "$3,600"])
def test_text_that_looks_like_a_number_or_date_stays_text_both_ways(content_copy, tmp_path, text):
    edit_yaml(content_copy / "deliverables/risk.yaml",
              lambda d: d["risks"][0].__setitem__("title", text))
    wb = openpyxl.load_workbook(export(content_copy, tmp_path / "r.xlsx"))
    cell = wb["Risks"].cell(2, 2)
    assert cell.value == text and cell.data_type == "s"
    assert import_workbook(tmp_path / "r.xlsx", content_copy).lines == []


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "@cmd", "-2+3", "'quoted", "\tx"])
def test_formula_like_text_is_neutralised_and_comes_back_unchanged(content_copy, tmp_path, text):
    assert not safe_text(text).startswith(("=", "+", "-", "@")) and unsafe_text(safe_text(text)) == text
    edit_yaml(content_copy / "deliverables/risk.yaml",
              lambda d: d["risks"][0].__setitem__("response", text))
    before = (content_copy / "deliverables/risk.yaml").read_bytes()
    wb = openpyxl.load_workbook(export(content_copy, tmp_path / "r.xlsx"))
    cell = wb["Risks"].cell(2, headers(wb["Risks"])["response"])
    assert cell.data_type == "s" and cell.value == "'" + text
    assert import_workbook(tmp_path / "r.xlsx", content_copy).lines == []
    assert (content_copy / "deliverables/risk.yaml").read_bytes() == before


def test_enumerated_and_reference_columns_have_dropdowns(tmp_path):
    wb = openpyxl.load_workbook(export(EXAMPLE, tmp_path / "registers.xlsx"))
    lists = wb["Lists"]
    choices = {lists.cell(1, c).value: [lists.cell(r, c).value for r in range(2, lists.max_row + 1)
                                        if lists.cell(r, c).value is not None]
               for c in range(1, lists.max_column + 1)}

    def dropdown(sheet: str, column: str) -> list[str]:
        ws = wb[sheet]
        letter = openpyxl.utils.get_column_letter(headers(ws)[column])
        dv = next(d for d in ws.data_validations.dataValidation if str(d.sqref).startswith(letter + "2:"))
        assert dv.type == "list" and dv.showErrorMessage
        col = dv.formula1.split("!$")[1].split("$")[0]
        return choices[lists[f"{col}1"].value]

    assert dropdown("Risks", "state") == ["open", "watching", "closed"]
    assert dropdown("Risks", "strategy") == ["avoid", "mitigate", "transfer", "accept"]
    people = sorted(p.id for p in load_content(EXAMPLE).people)
    assert dropdown("Risks", "owner") == people
    assert dropdown("Change requests", "block_cycle") == sorted(
        b.id for b in load_content(EXAMPLE).deliverables["mo-plan"].block_cycles)
    assert dropdown("RACI", "assignments: prov-pmo-lead") == ["R", "A", "C", "I", "A/R"]
    assert dropdown("Inventory", "owner") == sorted(o.id for o in load_content(EXAMPLE).organisations)


def test_export_import_export_is_byte_identical_and_the_yaml_untouched(content_copy, tmp_path):
    before = {p: p.read_bytes() for p in content_copy.rglob("*.yaml")}
    first = export(content_copy, tmp_path / "one.xlsx").read_bytes()
    result = cli("import", str(tmp_path / "one.xlsx"), "--content", str(content_copy))
    assert result.returncode == 0, result.stderr
    assert "no changes" in result.stdout
    assert {p: p.read_bytes() for p in content_copy.rglob("*.yaml")} == before
    assert export(content_copy, tmp_path / "two.xlsx").read_bytes() == first
    book = register_book(load_content(content_copy))
    assert render_xlsx(book, WHEN) == render_xlsx(book, WHEN)


def test_the_workbook_does_not_show_the_clock():
    import time

    book = register_book(load_content(EXAMPLE))
    first = render_xlsx(book, WHEN)
    time.sleep(1.1)  # openpyxl stamps the clock on save; the output must not show it
    assert render_xlsx(book, WHEN) == first


@pytest.fixture
def edited(content_copy, tmp_path):
    """A workbook edited as a person would: an owner picked from the list, a row added, one deleted."""
    path = export(content_copy, tmp_path / "registers.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Risks"]
    h = headers(ws)
    ws.cell(row_of(ws, "r-02"), h["owner"]).value = "aisha-rahman"
    ws.delete_rows(row_of(ws, "r-04"))
    ws.append(["r-15", "Vendor licence renewal lapses", "m&o", 2, 4, "samuel-osei", "mitigate",
               "Track renewal dates in the inventory; renew 60 days ahead.",
               "A licence is within 30 days of expiry.", "open"])
    wb.save(path)
    return content_copy, path


def test_an_edited_workbook_is_shown_by_dry_run_then_applied_with_comments_kept(edited):
    content, path = edited
    risk_file = content / "deliverables/risk.yaml"
    before = risk_file.read_text(encoding="utf-8")
    dry = cli("import", str(path), "--content", str(content), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "Risks: ~ r-02: owner: 'marisol-ortega' -> 'aisha-rahman'" in dry.stdout
    assert "Risks: + r-15" in dry.stdout and "Risks: - r-04" in dry.stdout
    assert "nothing was written" in dry.stdout
    assert risk_file.read_text(encoding="utf-8") == before
    applied = cli("import", str(path), "--content", str(content))
    assert applied.returncode == 0, applied.stderr
    after = risk_file.read_text(encoding="utf-8")
    comments = [line for line in before.splitlines() if line.lstrip().startswith("#")]
    assert comments and all(c in after.splitlines() for c in comments)
    risks = {r.id: r for r in load_content(content).deliverables["risk"].risks}
    assert risks["r-02"].owner == "aisha-rahman" and "r-04" not in risks
    assert risks["r-15"].impact == 4 and risks["r-15"].title == "Vendor licence renewal lapses"
    # nothing else in the file moved: only the edited, removed and appended lines differ
    import difflib

    diff = [l for l in difflib.unified_diff(before.splitlines(), after.splitlines(), n=0)
            if l[:1] in "+-" and l[:3] not in ("+++", "---")]
    assert [l for l in diff if l.startswith("-") and "owner:" in l] == [
        "-    owner: marisol-ortega", "-    owner: zoe-bronte"]  # r-02's old owner; r-04 deleted
    assert len([l for l in diff if l.startswith("-")]) == 1 + 10  # r-02's owner + r-04's 10 lines
    assert len([l for l in diff if l.startswith("+")]) == 1 + 10  # the new owner + r-15
    check = cli("check", "--content", str(content))
    assert check.returncode == 0, check.stderr
    again = cli("import", str(path), "--content", str(content))
    assert "no changes" in again.stdout


def _edit(path: Path, sheet: str, key: str, column: str, value) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    ws.cell(row_of(ws, key), headers(ws)[column]).value = value
    wb.save(path)


def test_an_unknown_reference_names_the_sheet_cell_and_field(content_copy, tmp_path):
    path = export(content_copy, tmp_path / "registers.xlsx")
    _edit(path, "Risks", "r-03", "owner", "cfo")
    result = cli("import", str(path), "--content", str(content_copy))
    assert result.returncode == 1
    assert "registers.xlsx: Risks!F4: owner: 'cfo' is not a person (expected one of: " in result.stderr
    assert "Traceback" not in result.stderr


def test_a_value_outside_a_choice_and_a_bad_number_are_located(content_copy, tmp_path):
    path = export(content_copy, tmp_path / "registers.xlsx")
    _edit(path, "Risks", "r-03", "state", "opened")
    _edit(path, "Risks", "r-05", "impact", 9)
    _edit(path, "Block cycles", "bc-31", "hours", "lots")
    result = cli("import", str(path), "--content", str(content_copy), "--dry-run")
    err = result.stderr
    assert result.returncode == 1
    assert "Risks!J4: state: 'opened' is not allowed" in err
    assert "Risks!E6: impact: 9 is out of range" in err
    assert "Block cycles!F2: hours: expected a number, got the text 'lots'" in err


def test_formulas_and_merged_cells_are_refused_with_a_clear_message(content_copy, tmp_path):
    path = export(content_copy, tmp_path / "registers.xlsx")
    _edit(path, "Risks", "r-03", "probability", "=2+1")
    wb = openpyxl.load_workbook(path)
    wb["Milestones"].merge_cells("B2:B3")
    wb.save(path)
    err = cli("import", str(path), "--content", str(content_copy)).stderr
    assert "Risks!D4: probability: is a formula (=2+1)" in err
    assert "Milestones!B2:B3: merged cells cannot be read back" in err


def test_serial_dates_and_typed_dates_are_read_as_dates(content_copy, tmp_path):
    path = export(content_copy, tmp_path / "registers.xlsx")
    _edit(path, "Milestones", load_content(content_copy).deliverables["mo-plan"].milestones[0].id,
          "date", 46388)  # 2027-01-01 as Excel's serial number, its date format lost
    _edit(path, "Block cycles", "bc-31", "end", "2026-12-18")  # typed as text
    result = cli("import", str(path), "--content", str(content_copy))
    assert result.returncode == 0, result.stderr
    plan = load_content(content_copy).deliverables["mo-plan"]
    assert plan.milestones[0].date == date(2027, 1, 1)
    assert plan.block_cycles[0].end == date(2026, 12, 18)


def test_a_number_typed_into_a_text_column_is_refused_not_mangled(content_copy, tmp_path):
    path = export(content_copy, tmp_path / "registers.xlsx")
    _edit(path, "Block cycles", "bc-31", "release", 12)
    with pytest.raises(ContentError) as exc:
        import_workbook(path, content_copy)
    assert any(p.file.endswith("Block cycles!C2") and p.field == "release"
               for p in exc.value.problems)


def test_changes_that_break_a_cross_document_rule_write_nothing(content_copy, tmp_path):
    path = export(content_copy, tmp_path / "registers.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Risks"]
    ws.cell(row_of(ws, "r-02"), 1).value = "r-01"  # a duplicate id
    wb.save(path)
    before = (content_copy / "deliverables/risk.yaml").read_bytes()
    result = cli("import", str(path), "--content", str(content_copy))
    assert result.returncode == 1 and "also on row" in result.stderr
    assert (content_copy / "deliverables/risk.yaml").read_bytes() == before


def test_a_block_cycle_added_in_the_workbook_can_fund_a_change_in_it(content_copy, tmp_path):
    path = export(content_copy, tmp_path / "registers.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Block cycles"].append(["bc-50", "Block cycle 5.0", "5.0.0", date(2028, 1, 3),
                               date(2028, 3, 31), 100, 15000, "planned"])
    crs = wb["Change requests"]
    first = crs.cell(2, 1).value
    crs.cell(2, headers(crs)["block_cycle"]).value = "bc-50"
    wb.save(path)
    result = import_workbook(path, content_copy)
    assert f"Change requests: ~ {first}: block_cycle: " in "\n".join(result.lines)
    assert "Block cycles: + bc-50 (new, row 6)" in result.lines
    wb = openpyxl.load_workbook(path)
    wb["Block cycles"].cell(2, 1).value = "bc-00"  # renamed away: changes that used it now fail
    wb.save(path)
    with pytest.raises(ContentError) as exc:
        import_workbook(path, content_copy)
    assert any(p.file.startswith("registers.xlsx: Change requests!") and p.field == "block_cycle"
               and "is not a block cycle" in p.message for p in exc.value.problems)


def test_a_portfolio_folder_is_refused_for_import(tmp_path):
    (tmp_path / "programs" / "alpha").mkdir(parents=True)
    (tmp_path / "programs" / "alpha" / "program.yaml").write_text("program: {}\n")
    result = cli("import", str(tmp_path / "x.xlsx"), "--content", str(tmp_path / "programs"))
    assert result.returncode == 2 and "is a portfolio" in result.stderr
    assert "--content" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("value", ["plain words", "yes", "null", "0o12", "1.10", "2026-11-02",
                                   "a: b", "x #y", " padded", "line\nbreak", "'quoted'", "@at",
                                   "ünïcode", 3, 2.5, 1e20, True, date(2027, 1, 4)])
def test_every_value_written_into_yaml_reads_back_as_itself(value):
    from pmodocs.authoring.yamledit import scalar
    from pmodocs.yamlsafe import parse_yaml

    data, _, problems = parse_yaml(f"v: {scalar(value)}\n", "t")
    assert problems == [] and data["v"] == value and type(data["v"]) is type(value)


def test_a_workbook_of_another_program_is_refused(content_copy, tmp_path):
    path = export(content_copy, tmp_path / "registers.xlsx")
    assert openpyxl.load_workbook(path).properties.identifier == "SCAS"
    edit_yaml(content_copy / "program.yaml", lambda d: d["program"].__setitem__("acronym", "OTHER"))
    before = (content_copy / "deliverables/risk.yaml").read_bytes()
    result = cli("import", str(path), "--content", str(content_copy))
    assert result.returncode == 2 and "registers of program SCAS, not of OTHER" in result.stderr
    assert (content_copy / "deliverables/risk.yaml").read_bytes() == before


def test_a_row_added_to_an_empty_register_becomes_a_block_list(content_copy, tmp_path):
    edit_yaml(content_copy / "deliverables/launch-agenda.yaml", lambda d: d.__setitem__("actions", []))
    assert "actions: []" in (content_copy / "deliverables/launch-agenda.yaml").read_text()
    path = export(content_copy, tmp_path / "registers.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Actions"].append(["Send the minutes", "aisha-rahman", date(2026, 11, 9), "not started"])
    wb.save(path)
    result = cli("import", str(path), "--content", str(content_copy))
    assert result.returncode == 0, result.stderr
    text = (content_copy / "deliverables/launch-agenda.yaml").read_text()
    assert "actions:\n  - action: Send the minutes\n    owner: aisha-rahman\n    due: 2026-11-09\n" in text
    actions = load_content(content_copy).deliverables["launch-agenda"].actions
    assert [(a.action, a.due, a.state) for a in actions] == [
        ("Send the minutes", date(2026, 11, 9), "not started")]


def test_columns_follow_the_model_whatever_its_field_types():
    """Enums get dropdowns like Literals; nested lists get no column (import keeps them)."""
    import enum

    from pydantic import Field

    from pmodocs.authoring.registers import columns_of
    from pmodocs.model.base import Id, Record

    class Colour(enum.Enum):
        RED = "red"
        BLUE = "blue"

    class Row(Record):
        id: Id
        colour: Colour
        due: date | None = None
        cost: float = Field(description="what it costs")
        notes: list[str] = []

    columns = {c.field: c for c in columns_of(Row, [])}
    assert list(columns) == ["id", "colour", "due", "cost"]
    assert columns["colour"].choices == "=red|blue" and columns["due"].kind == "date"
    assert not columns["due"].required and columns["cost"].description == "what it costs"


def test_a_header_explains_its_field(tmp_path):
    wb = openpyxl.load_workbook(export(EXAMPLE, tmp_path / "registers.xlsx"))
    risks = wb["Risks"]
    probability = risks.cell(1, headers(risks)["probability"])
    from pmodocs.authoring.registers import register_book

    sheet = next(s for s in register_book(load_content(EXAMPLE)).sheets if s.name == "Risks")
    expected = next(c.description for c in sheet.columns if c.field == "probability")
    assert expected and probability.comment is not None and probability.comment.text == expected


def test_the_build_has_its_site_worker_render_the_workbook_and_caches_it(tmp_path, monkeypatch):
    """The registers workbook is a plain-data job that the build hands to its site worker (a
    second process, which pays openpyxl's import): the build publishes the workbook although
    this process cannot render one, equal to what this process renders, and a rebuild takes it
    from the cache."""
    from pmodocs import sitebuild
    from pmodocs.dates import build_time
    from pmodocs.render.xlsx import Workbook

    out = tmp_path / "out"
    run_plain = partial(run, "build", "--content", str(EXAMPLE), "--out", str(out))
    monkeypatch.setattr(Workbook, "render", lambda self: pytest.fail("rendered in the parent"))
    result = run_plain()
    assert result.returncode == 0, result.stderr
    published = (out / "dist/registers.xlsx").read_bytes()
    assert openpyxl.load_workbook(out / "dist/registers.xlsx").sheetnames[0] == "Risks"
    monkeypatch.undo()
    content = load_content(EXAMPLE)
    assert published == Workbook(register_book(content), build_time(content)).render()
    (out / "dist/registers.xlsx").unlink()  # a real rebuild; the workbook from the cache
    monkeypatch.setattr(Workbook, "render", lambda self: pytest.fail("rendered again"))
    sent: list[tuple] = []
    real = sitebuild.SiteWorker.build

    def recording(self, config_file, epoch, workbooks=None, give_way=False):
        sent.append((dict(workbooks or {}), give_way))
        return real(self, config_file, epoch, workbooks, give_way=give_way)
    monkeypatch.setattr(sitebuild.SiteWorker, "build", recording)
    assert run_plain().returncode == 0
    # nothing left to render; a lone program's site worker gives its documents the cores first
    assert sent == [({}, True)] and (out / "dist/registers.xlsx").read_bytes() == published
