"""Register tables -> an Excel workbook, for people who work in spreadsheets.

Reads the same document tree as every other writer (tables by kind), so the workbook shows the
same words as the documents. Numbers and money become real numbers; text that a spreadsheet
would run as a formula (=, +, -, @, tab, CR first) is neutralised with a leading apostrophe.
"""

from __future__ import annotations

import io
import re
from datetime import datetime

from ..document import Document, Table
from .docxparts import normalise_zip

REGISTERS = {
    "risk-register": "Risks", "change-requests": "Change requests", "raci": "RACI",
    "inventory": "Inventory", "decision-makers": "Decision makers",
}
"""Table kind -> sheet name, in sheet order."""

_NUMBER = re.compile(r"^-?[\d,]+(\.\d+)?$")
_MONEY = re.compile(r"^\$-?[\d,]+(\.\d+)?$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def register_tables(docs: dict[str, Document]) -> list[tuple[str, Table]]:
    """(sheet name, table) for every register found in the documents, in REGISTERS order."""
    found = {t.kind: t for doc in docs.values() for t in doc.tables() if t.kind in REGISTERS}
    return [(REGISTERS[kind], found[kind]) for kind in REGISTERS if kind in found]


def safe_cell(text: str) -> str | float:
    """A number for numeric text; otherwise text that cannot start a formula."""
    if _MONEY.match(text):
        return float(text[1:].replace(",", ""))
    if _NUMBER.match(text):
        return float(text.replace(",", ""))
    return "'" + text if text.startswith(_FORMULA_START) else text


def render_xlsx(docs: dict[str, Document], when: datetime) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for name, table in register_tables(docs):
        sheet = book.create_sheet(name)
        sheet.append(list(table.columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([safe_cell(c) for c in row])
            for cell, text in zip(sheet[sheet.max_row], row):
                if isinstance(cell.value, str):
                    cell.data_type = "s"
                elif _MONEY.match(text):
                    cell.number_format = '"$"#,##0.00'
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
        for i, column in enumerate(table.columns, start=1):
            longest = max([len(column)] + [len(r[i - 1]) for r in table.rows])
            sheet.column_dimensions[get_column_letter(i)].width = min(60, max(8, longest + 2))
    book.properties.creator = "pmodocs"
    book.properties.created = book.properties.modified = when
    out = io.BytesIO()
    book.save(out)
    return normalise_zip(_stamp_core_properties(out.getvalue(), when), when)


def _stamp_core_properties(data: bytes, when: datetime) -> bytes:
    """openpyxl stamps `modified` with the clock on save; put the content's date back."""
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    parts = {name: src.read(name) for name in src.namelist()}
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    parts["docProps/core.xml"] = re.sub(
        rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
        rb"\g<1>" + stamp.encode() + rb"\g<2>", parts["docProps/core.xml"])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, blob in parts.items():
            zf.writestr(name, blob)
    return out.getvalue()
