"""The registers -> an Excel workbook, for people who work in spreadsheets.

A pure function of the register description (authoring.registers), whose cells hold the
model's own values: dates are dates, hours and money numbers, text stays text however much it
looks like a number ("0012", "1,2,3"). Each sheet has its row id in column A, frozen headers,
and a dropdown for every column with a fixed set of values (choices and references to people,
roles, organisations, block cycles), read from a hidden Lists sheet. Text that a spreadsheet
would run as a formula (=, +, -, @, tab, CR first) gets a leading apostrophe, and so does text
that already starts with one, so `pmodocs import` removes exactly one and gets the text back.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from ..document import LISTS_SHEET, Column, RegisterBook
from ..zips import read_zip
from .docxparts import office_zip

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = '"$"#,##0.00'
NUMBER_FORMAT = "#,##0"
FRACTION_FORMAT = "#,##0.00"
EDIT_ROWS = 500
"""Rows below the last register row that still carry the dropdowns, for new rows."""


def safe_text(text: str) -> str:
    """Text that cannot start a formula: an apostrophe first when it could (or has one)."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def unsafe_text(text: str) -> str:
    """The text `safe_text` was given."""
    return text[1:] if text.startswith("'") else text


@dataclass(frozen=True)
class Workbook:
    """A workbook to render: the registers and the date, plain data (no model), so the build may
    hand it to another process (its site worker), which then pays openpyxl's import."""

    book: RegisterBook
    when: datetime

    def cache_parts(self) -> tuple[str, str]:
        """What the workbook is cached under: its registers and date."""
        return repr(self.book), self.when.isoformat()

    def render(self) -> bytes:
        return render_xlsx(self.book, self.when)

    def portable(self) -> Workbook:
        """The same job without the model classes the rows came from (which the rendering never
        reads), so another process can take it without importing the model."""
        return replace(self, book=replace(self.book, sheets=tuple(
            replace(sheet, item=None) for sheet in self.book.sheets)))


def render_xlsx(book: RegisterBook, when: datetime) -> bytes:
    """The workbook's bytes: equal registers and date give equal bytes."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    lists = {name: (i, choices) for i, (name, choices) in enumerate(book.lists, start=1)}
    for sheet in book.sheets:
        ws = wb.create_sheet(sheet.name)
        ws.append([c.header for c in sheet.columns])
        for cell, column in zip(ws[1], sheet.columns):
            cell.font = Font(bold=True)
            if column.description:  # what the field means, where the person types it
                cell.comment = Comment(column.description, "pmodocs", width=300, height=80)
        for r, row in enumerate(sheet.rows, start=2):
            for c, (column, value) in enumerate(zip(sheet.columns, row), start=1):
                _write(ws.cell(r, c), column, value)
        ws.freeze_panes = "B2"
        ws.auto_filter.ref = ws.dimensions
        _widths(ws, sheet.columns, sheet.rows)
        _dropdowns(ws, sheet.columns, lists, len(sheet.rows) + 1 + EDIT_ROWS)
    _lists_sheet(wb, book)
    wb.properties.creator = "pmodocs"
    wb.properties.title = f"{book.program} registers"
    wb.properties.identifier = book.program  # import refuses a workbook of another program
    wb.properties.created = wb.properties.modified = when
    out = io.BytesIO()
    wb.save(out)
    return office_zip(_stamp_core_properties(out.getvalue(), when), when)


def _write(cell: Any, column: Column, value: Any) -> None:
    if value is None:
        return
    if column.kind == "text":
        cell.value = safe_text(str(value))
        cell.data_type = "s"  # never a formula, never a number
        cell.number_format = "@"
    elif column.kind == "date":
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif column.kind in ("number", "money"):
        whole = float(value).is_integer()
        cell.value = int(value) if whole else value
        cell.number_format = (MONEY_FORMAT if column.kind == "money"
                              else NUMBER_FORMAT if whole else FRACTION_FORMAT)
    else:  # int, bool
        cell.value = value


def _widths(ws: Any, columns: tuple[Column, ...], rows: tuple[tuple[Any, ...], ...]) -> None:
    from openpyxl.utils import get_column_letter

    for i, column in enumerate(columns, start=1):
        longest = max([len(column.header)] + [len(_shown(r[i - 1])) for r in rows])
        ws.column_dimensions[get_column_letter(i)].width = min(60, max(8, longest + 2))


def _shown(value: Any) -> str:
    if isinstance(value, date):
        return "2026-01-01"
    return "" if value is None else str(value)


def _dropdowns(ws: Any, columns: tuple[Column, ...], lists: dict[str, tuple[int, tuple[str, ...]]],
               last_row: int) -> None:
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    for i, column in enumerate(columns, start=1):
        if column.choices is None:
            continue
        index, choices = lists[column.choices]
        letter = get_column_letter(index)
        source = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(choices) + 1}"
        dv = DataValidation(type="list", formula1=source, allow_blank=not column.required,
                            showErrorMessage=True, errorTitle=f"{column.header}: not allowed",
                            error=f"Pick a value from the list ({column.choices}).",
                            promptTitle=column.header[:32], prompt=column.description[:255] or None,
                            showInputMessage=bool(column.description))
        col = get_column_letter(i)
        dv.add(f"{col}2:{col}{last_row}")
        ws.add_data_validation(dv)


def _lists_sheet(wb: Any, book: RegisterBook) -> None:
    ws = wb.create_sheet(LISTS_SHEET)
    for c, (name, choices) in enumerate(book.lists, start=1):
        ws.cell(1, c, name)
        for r, choice in enumerate(choices, start=2):
            cell = ws.cell(r, c, safe_text(choice))
            cell.data_type = "s"
    ws.sheet_state = "hidden"


def _stamp_core_properties(data: bytes, when: datetime) -> dict[str, bytes]:
    """openpyxl stamps `modified` with the clock on save; put the content's date back (the
    workbook's parts, name -> bytes)."""
    parts = read_zip(data)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    parts["docProps/core.xml"] = re.sub(
        rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
        rb"\g<1>" + stamp.encode() + rb"\g<2>", parts["docProps/core.xml"])
    return parts
