"""`pmodocs import`: read an edited register workbook back into the YAML content.

Rows are matched by the id column: added, changed and removed rows become edits of the YAML
text (authoring.yamledit), so comments and layout stay. Every cell is read by its column's
type and validated as the content is; a problem names the workbook, sheet, cell and field
(`registers.xlsx: Risks!F7: owner: 'cfo' is not a person (expected one of: …)`). Nothing is
written unless the whole program, with every change, passes `pmodocs check`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..errors import ContentError, Problem, UsageError
from .registers import DEFINES, LISTS_SHEET, Column, Sheet, register_book

REFERENCE_KINDS = {"person", "organisation", "role", "body", "role or body", "deliverable",
                   "help desk", "change type", "block cycle", "baseline"}


@dataclass
class SheetChanges:
    sheet: Sheet
    changed: dict[str, dict[str, tuple[Any, Any]]] = field(default_factory=dict)  # id -> col -> (old, new)
    added: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (row, values)
    removed: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    lines: list[str]
    files: dict[str, str]  # content file -> new text (only files that change)


def import_workbook(xlsx: Path, content_dir: Path) -> ImportResult:
    """The changes an edited workbook makes, checked, as new file texts (nothing written)."""
    from ..outputs import load_and_check

    from ..portfolio import is_portfolio

    if is_portfolio(content_dir):
        raise UsageError(f"{content_dir} is a portfolio: import into one program's folder "
                         f"(--content {content_dir}/PROGRAM), the program the workbook was "
                         "exported from")
    content, _ = load_and_check(content_dir)
    book = register_book(content)
    wb = _open(xlsx)
    came_from = wb.properties.identifier
    if came_from and came_from != book.program:
        raise UsageError(f"{xlsx} holds the registers of program {came_from}, not of "
                         f"{book.program} in {content_dir}; import it into {came_from}'s content "
                         "folder (a wrong workbook would delete every row it does not have)")
    problems: list[Problem] = []
    read: list[tuple[Sheet, dict[str, tuple[int, dict[str, Any]]]]] = []
    for sheet in book.sheets:
        if sheet.name not in wb.sheetnames:
            continue
        rows, found = _read_sheet(xlsx.name, wb, sheet)
        problems += found
        if rows is not None:
            read.append((sheet, rows))
    names = dict(book.lists)
    for sheet, rows in read:  # ids a sheet defines are those in the workbook (added, removed)
        if sheet.name in DEFINES:
            names[DEFINES[sheet.name]] = tuple(sorted(rows))
    changes = []
    for sheet, rows in read:
        ws = wb[sheet.name]
        problems += _check_references(xlsx.name, ws, sheet, rows, names)
        problems += _validate_rows(xlsx.name, ws, sheet, rows, content)
        changes.append(_diff(sheet, rows))
    for extra in wb.sheetnames:
        if extra not in {s.name for s in book.sheets} | {LISTS_SHEET}:
            problems.append(Problem(f"{xlsx.name}: {extra}", 0, "", "is not a register pmodocs "
                                    "reads (expected sheets: " + ", ".join(s.name for s in book.sheets)
                                    + "); rename it back or move it to another workbook"))
    if problems:
        raise ContentError(problems)
    files = _new_texts(content_dir, changes)
    from ..contentedit import checked_with_changes

    checked_with_changes(content_dir, files)
    return ImportResult(_describe(changes), files)


def _open(xlsx: Path) -> Any:
    from openpyxl import load_workbook

    if not xlsx.is_file():
        raise UsageError(f"{xlsx}: no such file")
    try:
        return load_workbook(xlsx)  # formulas as written, so they can be refused by name
    except Exception as exc:  # zipfile, XML and openpyxl errors alike: not a workbook we can read
        raise UsageError(f"{xlsx}: cannot be read as an Excel workbook (.xlsx): "
                         f"{type(exc).__name__}: {exc}") from None


def _read_sheet(book_name: str, wb: Any, sheet: Sheet) -> tuple[dict[str, tuple[int, dict[str, Any]]] | None, list[Problem]]:
    """{row id: (row number, {column header: value})} of one sheet, or None and the problems."""
    ws = wb[sheet.name]
    problems: list[Problem] = []

    def problem(coord: str, column: str, message: str) -> None:
        problems.append(Problem(f"{book_name}: {sheet.name}!{coord}", 0, column, message))

    for merged in sorted(str(r) for r in ws.merged_cells.ranges):
        problem(merged, "", "merged cells cannot be read back (unmerge them: every row needs its "
                "own values)")
    by_header = {c.header: c for c in sheet.columns}
    header = [ws.cell(1, c).value for c in range(1, ws.max_column + 1)]
    columns: dict[int, Column] = {}
    for i, title in enumerate(header, start=1):
        if title is None:
            continue
        if title not in by_header:
            problem(ws.cell(1, i).coordinate, "", f"{title!r} is not a column of {sheet.name} "
                    f"(expected: {', '.join(by_header)})")
        else:
            columns[i] = by_header[title]
    if sheet.key not in {c.header for c in columns.values()}:
        problem("A1", "", f"the {sheet.key!r} column is missing (it identifies each row)")
    if problems:
        return None, problems
    rows: dict[str, tuple[int, dict[str, Any]]] = {}
    for r in range(2, ws.max_row + 1):
        cells = {i: ws.cell(r, i) for i in columns}
        if all(c.value in (None, "") for c in cells.values()):
            continue
        values: dict[str, Any] = {}
        for i, cell in cells.items():
            column = columns[i]
            value, message = read_cell(cell, column, wb.epoch)
            if message:
                problem(cell.coordinate, column.header, message)
            values[column.header] = value
        key = values.get(sheet.key)
        key_cell = next(c for i, c in cells.items() if columns[i].header == sheet.key)
        if key is None:
            problem(key_cell.coordinate, sheet.key, f"is empty (every row needs its {sheet.key}; "
                    "it identifies the row)")
        elif key in rows:
            problem(key_cell.coordinate, sheet.key, f"{key!r} is also on row {rows[key][0]} "
                    f"(each {sheet.key} once)")
        else:
            rows[key] = (r, values)
    return (None if problems else rows), problems


def read_cell(cell: Any, column: Column, epoch: datetime | None = None) -> tuple[Any, str | None]:
    """(value, None) or (None, what is wrong) for one cell read as its column's type."""
    from ..render.xlsx import unsafe_text

    value = cell.value
    if cell.data_type == "f" or type(value).__name__ in ("ArrayFormula", "DataTableFormula"):
        text = getattr(value, "text", value)
        return None, (f"is a formula ({text}); pmodocs reads values, not formulas (type the value "
                      "itself, or paste it as a value)")
    if value is None or value == "":
        return None, None
    kind = column.kind
    if kind == "text":
        if isinstance(value, str):
            return unsafe_text(value), None
        what = "a date" if isinstance(value, (date, datetime)) else f"the {type(value).__name__} {value!r}"
        return None, (f"expected text, got {what} (format the cell as Text and type it again: "
                      "a spreadsheet drops leading zeros and reads some text as numbers or dates)")
    if isinstance(value, bool) != (kind == "bool"):
        return None, f"expected {_expected(kind)}, got {value!r}"
    if kind == "bool":
        return value, None
    if kind in ("int", "number", "money"):
        if isinstance(value, str):
            return None, f"expected {_expected(kind)}, got the text {value!r}"
        if isinstance(value, datetime):
            return None, f"expected {_expected(kind)}, got a date"
        if float(value).is_integer():
            return int(value), None
        if kind == "int":
            return None, f"expected {_expected(kind)}, got {value!r}"
        return value, None
    return _read_date(value, epoch)


def _read_date(value: Any, epoch: datetime | None) -> tuple[Any, str | None]:
    from openpyxl.utils.datetime import from_excel

    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:  # a serial date number: the cell lost its date format
            value = from_excel(value, epoch) if epoch else from_excel(value)
        except (ValueError, OverflowError, TypeError):
            return None, f"expected a date such as 2026-11-02, got the number {value!r}"
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            return None, f"expected a date alone, got the date and time {value.isoformat(sep=' ')}"
        return value.date(), None
    if isinstance(value, date):
        return value, None
    try:
        return date.fromisoformat(str(value).strip()), None
    except ValueError:
        return None, f"expected a date such as 2026-11-02, got the text {value!r}"


def _expected(kind: str) -> str:
    return {"int": "a whole number", "number": "a number", "money": "an amount (a number)",
            "bool": "TRUE or FALSE", "date": "a date"}[kind]


def _check_references(book_name: str, ws: Any, sheet: Sheet,
                      rows: dict[str, tuple[int, dict[str, Any]]],
                      names: dict[str, tuple[str, ...]]) -> list[Problem]:
    """A reference (owner, block cycle, …) must name something that exists."""
    letters = {ws.cell(1, i).value: ws.cell(1, i).column_letter for i in range(1, ws.max_column + 1)}
    problems = []
    for r, values in rows.values():
        for column in sheet.columns:
            value = values.get(column.header)
            if value is None or column.choices not in REFERENCE_KINDS:
                continue
            if value not in names[column.choices]:
                problems.append(Problem(
                    f"{book_name}: {sheet.name}!{letters[column.header]}{r}", 0, column.header,
                    f"{value!r} is not a {column.choices} (expected one of: "
                    f"{', '.join(names[column.choices])})"))
    return problems


def _validate_rows(book_name: str, ws: Any, sheet: Sheet,
                   rows: dict[str, tuple[int, dict[str, Any]]], content: Any) -> list[Problem]:
    """Each row, merged into the record it changes (or a new one), validated as the model does."""
    from pydantic import ValidationError

    from ..load import _message

    doc = content.by_kind[sheet.file.removeprefix("deliverables/").removesuffix(".yaml")]
    for part in sheet.path:
        doc = getattr(doc, part)
    existing = {getattr(item, sheet.key): item.model_dump() for item in doc}
    letters = {ws.cell(1, i).value: ws.cell(1, i).column_letter for i in range(1, ws.max_column + 1)}
    problems = []
    for key, (r, values) in rows.items():
        record = existing.get(key, {})
        record = {**record, **{k: v for k, v in _record(sheet, values).items()
                               if k not in [c.field for c in sheet.columns if c.key]}}
        for column in sheet.columns:  # a mapping field is rebuilt from its columns
            if column.key is not None and column.header in values:
                mapping = record.setdefault(column.field, {})
                record[column.field] = mapping = dict(mapping)
                if values[column.header] is None:
                    mapping.pop(column.key, None)
                else:
                    mapping[column.key] = values[column.header]
        for column in sheet.columns:  # an emptied optional cell removes the value
            if column.key is None and column.header in values and values[column.header] is None:
                record.pop(column.field, None)
        try:
            sheet.item.model_validate(record)
        except ValidationError as exc:
            for err in exc.errors():
                loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))
                header = str(loc[0]) if len(loc) < 2 else f"{loc[0]}: {loc[1]}"
                if header not in letters:
                    header = str(loc[0])
                where = f"{letters[header]}{r}" if header in letters else f"row {r}"
                problems.append(Problem(f"{book_name}: {sheet.name}!{where}", 0, header,
                                        _message(sheet.item, dict(err), loc)))
    return problems


def _diff(sheet: Sheet, rows: dict[str, tuple[int, dict[str, Any]]]) -> SheetChanges:
    key_at = [c.header for c in sheet.columns].index(sheet.key)
    existing = {row[key_at]: dict(zip((c.header for c in sheet.columns), row)) for row in sheet.rows}
    out = SheetChanges(sheet)
    for key, old in existing.items():
        if key not in rows:
            out.removed.append(key)
            continue
        new = rows[key][1]
        diff = {h: (old[h], new[h]) for h in new if not _same(old[h], new[h])}
        if diff:
            out.changed[key] = diff
    out.added = [(r, values) for key, (r, values) in rows.items() if key not in existing]
    return out


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, bool) or isinstance(new, bool):
        return type(old) is type(new) and old == new
    if isinstance(old, (int, float)) and isinstance(new, (int, float)):
        return float(old) == float(new)
    return type(old) is type(new) and old == new


def _new_texts(content_dir: Path, changes: list[SheetChanges]) -> dict[str, str]:
    """Validate every changed and added row as its record, then edit each file's text."""
    from .yamledit import TextEdits, entry_value

    edits: dict[str, TextEdits] = {}
    for ch in changes:
        if not (ch.changed or ch.added or ch.removed):
            continue
        rel = ch.sheet.file
        ed = edits.setdefault(rel, TextEdits((content_dir / rel).read_text(encoding="utf-8")))
        key_node, seq = ed.node_at(ch.sheet.path)
        nodes = {entry_value(n, ch.sheet.key).value: n for n in seq.value}
        for key, diff in ch.changed.items():
            item = nodes[key]
            for header, (_old, new) in diff.items():
                column = next(c for c in ch.sheet.columns if c.header == header)
                target, name = (entry_value(item, column.field), column.key) if column.key \
                    else (item, column.field)
                current = entry_value(target, name)
                if current is not None and new is not None:
                    ed.replace(current, new)
                elif current is not None:
                    ed.remove_key(target, name)
                else:
                    ed.add_key(target, name, new)
        for key in ch.removed:
            ed.remove_item(nodes[key])
        new_items = [_record(ch.sheet, values) for _row, values in ch.added]
        ed.append_items(seq, key_node.start_mark.column, new_items)
    return {rel: ed.result() for rel, ed in edits.items() if ed.result() != ed.text}


def _record(sheet: Sheet, values: dict[str, Any]) -> dict[str, Any]:
    """A new row as the mapping its YAML item will hold, in the model's field order."""
    item: dict[str, Any] = {}
    for column in sheet.columns:
        value = values.get(column.header)
        if column.key is not None:
            if value is not None:
                item.setdefault(column.field, {})[column.key] = value
        elif value is not None:
            item[column.field] = value
    return item


def _describe(changes: list[SheetChanges]) -> list[str]:
    lines = []
    for ch in changes:
        for key, diff in ch.changed.items():
            for header, (old, new) in diff.items():
                lines.append(f"{ch.sheet.name}: ~ {key}: {header}: {_show(old)} -> {_show(new)}")
        for row, values in ch.added:
            lines.append(f"{ch.sheet.name}: + {values[ch.sheet.key]} (new, row {row})")
        for key in ch.removed:
            lines.append(f"{ch.sheet.name}: - {key} (removed)")
    return lines


def _show(value: Any) -> str:
    if value is None:
        return "(empty)"
    return value.isoformat() if isinstance(value, date) else repr(value)
