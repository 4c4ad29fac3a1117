"""The content reference (docs/content-reference.md), generated from the model's field
descriptions: the one source of field meaning that the scaffold's comments also use.

    python -m pmodocs.reference > docs/content-reference.md
"""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from .checks import REFERENCES
from .model import DELIVERABLE_KINDS, PROGRAM_FILES
from .model.vocabulary import PRESETS
from .scaffold import _KIND_HINT, _type_words


def content_reference() -> str:
    """The whole reference as Markdown, deterministic (model order, no dates)."""
    out = ["# Content reference", "",
           "Generated from the content model (`python -m pmodocs.reference`); every field's "
           "meaning comes from its description in `src/pmodocs/model/`. Do not edit by hand: "
           "`tests/test_reference.py` fails when this file is out of date.", "",
           "Fields marked *optional* may be left out. References name an id defined elsewhere "
           "in the content.", ""]
    files = {**PROGRAM_FILES, **{f"deliverables/{k}.yaml": c for k, c in DELIVERABLE_KINDS.items()}}
    for rel, cls in files.items():
        refs = {tuple(p.split(".")): kind for p, kind in REFERENCES.get(rel, [])}
        out += [f"## `{rel}`", ""]
        doc = (cls.__doc__ or "").strip()
        if doc and not doc.startswith("A "):
            out += [doc.splitlines()[0], ""]
        out += _record(cls, (), refs, set())
    out += vocabulary_section()
    return "\n".join(out).rstrip() + "\n"


def _record(cls: type[BaseModel], path: tuple[str, ...], refs: dict, seen: set) -> list[str]:
    where = ".".join(p for p in path) or "(top level)"
    out = [f"### {where}" if path else "", ""] if path else []
    doc = (cls.__doc__ or "").strip()
    if path and doc:
        out += [doc.splitlines()[0], ""]
    out += ["| Field | Required | Value | Meaning |", "|---|---|---|---|"]
    nested = []
    for name, field in cls.model_fields.items():
        fpath = path + (name,)
        kind = refs.get(fpath) or refs.get(fpath + ("*",))
        value = _KIND_HINT[kind] if kind else _type_words(field.annotation, list(field.metadata))
        if kind and typing.get_origin(field.annotation) is list:
            value = "a list of " + _KIND_HINT[kind].removeprefix("a ")
        sub = _model(field.annotation)
        if sub is not None:
            many = typing.get_origin(_strip(field.annotation)) is list
            value = "a list of records (below)" if many else "fields (below)"
        required = "yes" if field.is_required() else f"optional{_default(field)}"
        meaning = (field.description or "").replace("|", "\\|")
        if field.examples:
            meaning += " Example: " + ", ".join(f"`{e}`" for e in field.examples) + "."
        out.append(f"| `{name}` | {required} | {value.replace('|', '/')} | {meaning} |")
        if sub is not None:
            list_like = typing.get_origin(_strip(field.annotation)) is list
            nested.append((sub, fpath + (("*",) if list_like else ())))
    out.append("")
    for sub, sub_path in nested:
        key = (sub, sub_path)
        if key in seen:
            continue
        seen.add(key)
        out += _record(sub, sub_path, refs, seen)
    return out


def _default(field: Any) -> str:
    default = field.default
    if default is PydanticUndefined or default is None or isinstance(default, (list, BaseModel)):
        return ""
    return f" (default `{default}`)"


def _strip(ann: Any) -> Any:
    while typing.get_origin(ann) in (typing.Annotated, typing.Union) or str(
            typing.get_origin(ann)) == "<class 'types.UnionType'>":
        args = [a for a in typing.get_args(ann) if a is not type(None)]
        ann = args[0]
    return ann


def _model(ann: Any) -> type[BaseModel] | None:
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    for arg in typing.get_args(ann):
        found = _model(arg)
        if found:
            return found
    return None


def vocabulary_section() -> list[str]:
    """The ready-made vocabularies a program can adopt in program.yaml."""
    out = ["## Vocabularies a program can adopt", "",
           "`program.vocabularies.adopt` names one of these; the program's own lists are added "
           "to it and its labels override the preset's.", ""]
    for name, preset in PRESETS.items():
        out += [f"### `{name}`", ""]
        for key in ("organisation_kinds", "funding_vehicles", "agreement_kinds", "risk_categories"):
            values = ", ".join(f"`{v}`" for v in preset[key]) or "none"
            out.append(f"- {key.replace('_', ' ')}: {values}")
        required = ", ".join(f"`{i}` ({n})" for i, n in preset["required_change_types"]) or "none"
        out.append(f"- required change types: {required}")
        labels = "; ".join(f"{k} = \"{v}\"" for k, v in preset["labels"].items())
        out += [f"- labels: {labels}", ""]
    return out


if __name__ == "__main__":
    import sys

    sys.stdout.write(content_reference())
