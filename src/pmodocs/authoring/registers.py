"""The registers as spreadsheet sheets: which list of which file, and each column's type.

Columns come from the model's fields, so the workbook carries typed values (dates, numbers,
text) and never guesses a type from formatted text. A field the sheet cannot show (a nested
list or record) has no column; import leaves it as it is in the YAML.
"""

from __future__ import annotations

import enum
import re
import types
import typing
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel

from ..document import LISTS_SHEET, Column, Kind, RegisterBook, Sheet  # noqa: F401 (used here and by workbook.py)
from ..model import DELIVERABLE_KINDS, Content

REGISTERS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("Risks", "deliverables/risk.yaml", ("risks",), "id"),
    ("Change requests", "deliverables/mo-plan.yaml", ("change_requests",), "id"),
    ("Block cycles", "deliverables/mo-plan.yaml", ("block_cycles",), "id"),
    ("RACI", "deliverables/governance.yaml", ("raci", "activities"), "activity"),
    ("Inventory", "deliverables/mo-plan.yaml", ("inventory",), "id"),
    ("Decision makers", "deliverables/governance.yaml", ("decision_makers",), "decision"),
    ("Milestones", "deliverables/mo-plan.yaml", ("milestones",), "id"),
    ("Actions", "deliverables/launch-agenda.yaml", ("actions",), "action"),
)
"""(sheet, content file, path to the list in the file, the field that identifies a row)."""

DEFINES = {"Block cycles": "block cycle"}
"""Sheets whose ids other sheets refer to: a block cycle added in the workbook can fund a
change request in the same workbook."""

def register_book(content: Content) -> RegisterBook:
    """Every register of the program, with typed cell values taken from the model."""
    from ..checks import REFERENCES, _namespaces

    names = _namespaces(content)
    lists: dict[str, tuple[str, ...]] = {}
    sheets = []
    for name, rel, path, key in REGISTERS:
        doc = content.by_kind[rel.removeprefix("deliverables/").removesuffix(".yaml")]
        try:
            items = list(_follow(doc, path))
            item_cls = item_class(type(doc), path)
        except (AttributeError, KeyError):  # the model no longer has this register
            continue
        if key not in item_cls.model_fields:
            continue
        refs = {p: k for p, k in REFERENCES.get(rel, [])}
        columns = []
        for column in columns_of(item_cls, items):
            ref = refs.get(".".join(path) + ".*." + column.field)
            if ref and column.kind == "text":
                lists[ref] = tuple(sorted(names[ref]))
                column = _with(column, choices=ref)
            elif column.choices and column.choices.startswith("="):
                choices = tuple(column.choices[1:].split("|"))
                list_name = f"{name}: {column.field}"
                lists[list_name] = choices
                column = _with(column, choices=list_name)
            columns.append(column)
        rows = tuple(tuple(_cell(item, c) for c in columns) for item in items)
        sheets.append(Sheet(name, rel, path, key, item_cls, tuple(columns), rows))
    return RegisterBook(content.program.acronym, tuple(sheets), tuple(lists.items()))


def _with(column: Column, **changes: Any) -> Column:
    from dataclasses import replace

    return replace(column, **changes)


def _follow(doc: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        doc = getattr(doc, part)
    return doc


def item_class(cls: type[BaseModel], path: tuple[str, ...]) -> type[BaseModel]:
    """The record class of the list at `path` in the file model `cls`."""
    current: Any = cls
    for part in path:
        current = current.model_fields[part].annotation
        if typing.get_origin(current) is list:
            current = typing.get_args(current)[0]
    return current


def file_class(rel: str) -> type[BaseModel]:
    return DELIVERABLE_KINDS[rel.removeprefix("deliverables/").removesuffix(".yaml")]


def columns_of(cls: type[BaseModel], items: list[Any]) -> list[Column]:
    """One column per field a cell can hold; a mapping field gives one column per key in use."""
    out = []
    for name, info in cls.model_fields.items():
        ann, nullable = _unwrap(info.annotation)
        required = info.is_required()
        desc = info.description or ""
        if typing.get_origin(ann) is dict:
            value_ann, _ = _unwrap(typing.get_args(ann)[1])
            value = _scalar_column(name, value_ann, [], False, desc)
            if value is None:
                continue
            keys: list[str] = []
            for item in items:
                keys += [k for k in getattr(item, name) if k not in keys]
            out += [_with(value, key=k) for k in keys]
            continue
        column = _scalar_column(name, ann, list(info.metadata), required and not nullable, desc)
        if column is not None:
            out.append(column)
    return out


def _scalar_column(name: str, ann: Any, metadata: list, required: bool, desc: str) -> Column | None:
    metadata = metadata + list(getattr(ann, "__metadata__", ()))
    base = typing.get_args(ann)[0] if typing.get_origin(ann) is typing.Annotated else ann
    if typing.get_origin(base) is Literal:
        return Column(name, "text", required, "=" + "|".join(map(str, typing.get_args(base))),
                      description=desc)
    if isinstance(base, type) and issubclass(base, enum.Enum):
        return Column(name, "text", required, "=" + "|".join(str(m.value) for m in base),
                      description=desc)
    if base is bool:
        return Column(name, "bool", required, description=desc)
    if base is int:
        return Column(name, "int", required, description=desc)
    if base is float:
        kind: Kind = "money" if "dollar" in name else "number"
        return Column(name, kind, required, description=desc)
    if base is date:
        return Column(name, "date", required, description=desc)
    if base is str:
        pattern = next((getattr(m, "pattern", None) for m in metadata if getattr(m, "pattern", None)), None)
        alternatives = re.fullmatch(r"\^\(([^()\[\]\\.*+?]+)\)\$", pattern or "")
        choices = "=" + alternatives.group(1) if alternatives else None
        return Column(name, "text", required, choices, description=desc)
    return None


def _unwrap(ann: Any) -> tuple[Any, bool]:
    """(annotation without `| None`, whether None is allowed)."""
    if typing.get_origin(ann) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(ann) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return ann, False


def _cell(item: BaseModel, column: Column) -> Any:
    value = getattr(item, column.field)
    if column.key is not None:
        value = value.get(column.key)
    return value.value if isinstance(value, enum.Enum) else value
