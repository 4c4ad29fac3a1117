"""`pmodocs new`: a complete content tree for a new program, generated from the model itself.

Every field is present, with a comment saying what it is for (from the field's type, its
allowed values and what it refers to); text still to be written says `TODO: …`. The tree passes
`pmodocs check` (with a warning per TODO) and builds, so a program office can publish on day one.
"""

from __future__ import annotations

import json
import re
import types
import typing
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from .checks import REFERENCES
from .model import DELIVERABLE_KINDS, PROGRAM_FILES
from .model.program import program_acronym

TODO = "TODO:"


_KIND_HINT = {
    "person": "a person id from people.yaml", "organisation": "an organisation id from organisations.yaml",
    "role": "a role id from roles.yaml", "body": "a governance body id (governance.yaml bodies)",
    "role or body": "a role id or a governance body id", "deliverable": "a deliverable id",
    "help desk": "a help desk id (charter strategy.help_desk.desks)",
    "change type": "a change type id (mo-plan change_types)",
    "block cycle": "a block cycle id (mo-plan block_cycles)",
    "baseline": "a baseline id (configuration baselines)",
    "organisation or role": "an organisation id or a role id",
    "party": "a person, role, organisation or governance body id",
    "milestone": "a milestone id (mo-plan milestones)",
}

# The ids every scaffold starts with, so every reference resolves on day one.
SEED_IDS = {
    "person": "pmo-lead", "organisation": "project-office", "role": "pmo-lead-role",
    "body": "ccb", "role or body": "ccb", "deliverable": "charter", "help desk": "service-desk",
    "change type": "mac", "block cycle": "bc-1", "baseline": "bl-1",
    "organisation or role": "project-office", "party": "pmo-lead", "milestone": "milestones-1",
}

NEUTRAL = ("not started", "planned", "not in place", "to decide", "to review", "open", "draft",
           "submitted", "being updated")
"""States a fresh scaffold uses, so an unedited program shows no progress on its dashboard."""

VOCABULARY_FIELDS = {
    ("organisations", "*", "kind"): "organisation_kinds",
    ("agreements", "*", "kind"): "agreement_kinds",
    ("risks", "*", "category"): "risk_categories",
    ("funding", "sources", "*", "vehicle"): "funding_vehicles",
    ("funding", "additional_requests", "*", "vehicle"): "funding_vehicles",
}
"""Fields whose values come from the program's vocabulary; the scaffold uses the preset's first."""

OWN_VOCABULARY = {"organisation_kinds": "program office", "agreement_kinds": "MOU",
                  "risk_categories": "program", "funding_vehicles": "appropriation"}
"""A program that adopts no preset starts with one value of its own in each list."""


def scaffold(target: Path, program: str, acronym: str | None, as_of: date,
             vocabulary: str = "state-mo") -> list[Path]:
    """Write a new content tree into `target` (which must be empty or absent)."""
    from .contentedit import new_program

    return new_program(target, scaffold_files(program, acronym, as_of, vocabulary))


def scaffold_files(program: str, acronym: str | None, as_of: date,
                   vocabulary: str = "state-mo") -> dict[str, str]:
    """Every content file's text, keyed by its path in the content folder (`acronym` None: the
    program's initials)."""
    acronym = program_acronym(program, acronym)
    refs = _reference_kinds()
    out: dict[str, str] = {}
    for rel, cls in {**PROGRAM_FILES, **{f"deliverables/{k}.yaml": c for k, c in DELIVERABLE_KINDS.items()}}.items():
        gen = _Generator(rel, refs.get(rel, {}), as_of, vocabulary)
        data = gen.record(cls, ())
        data = _seed(rel, data, program, acronym, as_of, vocabulary)
        header = f"# {rel}: {(cls.__doc__ or cls.__name__).strip().splitlines()[0]}\n" if cls.__doc__ else ""
        out[rel] = _schema_line(rel) + _intro(rel) + header + _emit(data, cls, gen, 0, ())
    return out


def _schema_line(rel: str) -> str:
    """The first line, which tells a YAML editor (VS Code's YAML extension) the file's schema."""
    from .authoring.schema import SCHEMA_DIR, schema_comment

    return schema_comment(rel, SCHEMA_DIR)


def _intro(rel: str) -> str:
    kind = rel.removeprefix("deliverables/").removesuffix(".yaml")
    what = f"the {kind} deliverable" if rel.startswith("deliverables/") else rel
    return (f"# Content of {what}, scaffolded by `pmodocs new`. Replace every `TODO:` text;\n"
            "# `pmodocs check` lists those left, with their lines. Comments are kept on edits.\n")


def _reference_kinds() -> dict[str, dict[tuple[str, ...], str]]:
    """For each file, the field path (list items as '*') that refers to another kind of thing."""
    out: dict[str, dict[tuple[str, ...], str]] = {}
    for rel, rules in REFERENCES.items():
        out[rel] = {tuple(p.split(".")): kind for p, kind in rules}
    for rel in [f"deliverables/{k}.yaml" for k in DELIVERABLE_KINDS]:
        out.setdefault(rel, {}).update({
            ("control", "owner"): "person", ("control", "approvers", "*"): "person",
            ("control", "distribution", "*"): "person", ("control", "revisions", "*", "author"): "person",
        })
    return out


class _Generator:
    """Builds placeholder data for a model, valid for the model and for the checks."""

    def __init__(self, rel: str, refs: dict[tuple[str, ...], str], as_of: date,
                 vocabulary: str = "state-mo"):
        self.rel, self.refs, self.as_of, self.vocabulary = rel, refs, as_of, vocabulary

    def record(self, cls: type[BaseModel], path: tuple[str, ...]) -> dict[str, Any]:
        data = {}
        for name, field in cls.model_fields.items():
            if not field.is_required():
                continue
            data[name] = self.value(field.annotation, path + (name,), field.metadata)
        return data

    def reference(self, path: tuple[str, ...]) -> str | None:
        return self.refs.get(path)

    def value(self, ann: Any, path: tuple[str, ...], metadata: list) -> Any:
        kind = self.reference(path)
        if kind:
            return SEED_IDS[kind]
        if path in VOCABULARY_FIELDS:
            from .model.vocabulary import PRESETS

            values = PRESETS[self.vocabulary][VOCABULARY_FIELDS[path]]
            return values[0] if values else OWN_VOCABULARY[VOCABULARY_FIELDS[path]]
        origin = typing.get_origin(ann)
        if origin is typing.Annotated:
            args = typing.get_args(ann)
            return self.value(args[0], path, list(args[1:]) + metadata)
        if origin in (typing.Union, types.UnionType):
            return self.value(typing.get_args(ann)[0], path, metadata)
        if origin is list:
            return [self.value(typing.get_args(ann)[0], path + ("*",), [])]
        if origin is dict:
            return {SEED_IDS["role"]: "A/R"}
        if origin is Literal:
            values = typing.get_args(ann)
            return next((v for v in NEUTRAL if v in values), values[0])
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            return self.record(ann, path)
        if ann is bool:
            return False
        if ann is date:
            return self.as_of
        if ann in (int, float):
            return _number_floor(metadata)
        return self.text(path, metadata)

    def text(self, path: tuple[str, ...], metadata: list) -> str:
        pattern = next((getattr(m, "pattern", None) for m in metadata if getattr(m, "pattern", None)), None)
        field = path[-1] if path[-1] != "*" else path[-2]
        if pattern is None:
            return f"{TODO} {field.replace('_', ' ')}"
        if "@" in pattern:
            return "todo@example.gov"
        if pattern.startswith(r"^\d"):
            return "0.1"
        if pattern.startswith("^([01]"):
            return "09:00" if field == "start" else "12:00"
        if pattern.startswith("^[A-Z"):
            return "TODO"
        return f"{field.replace('_', '-')}-1"


def _number_floor(metadata: list) -> int:
    for m in metadata:
        if getattr(m, "gt", None) is not None:
            return int(m.gt) + 1
        if getattr(m, "ge", None) is not None:
            return int(m.ge)
    return 0


def _seed(rel: str, data: dict[str, Any], program: str, acronym: str, as_of: date,
          vocabulary: str = "state-mo") -> dict[str, Any]:
    """Give the generated data the fixed ids and values the checks expect."""
    if rel == "program.yaml":
        p = data["program"]
        p.update(name=program, acronym=acronym, numbering={"prefix": acronym})
        p["vocabularies"] = {"adopt": vocabulary}
        if vocabulary == "none":
            p["vocabularies"].update({k: [v] for k, v in OWN_VOCABULARY.items()})
    elif rel == "organisations.yaml":
        from .model.vocabulary import PRESETS

        kinds = PRESETS[vocabulary]["organisation_kinds"] or [OWN_VOCABULARY["organisation_kinds"]]
        data["organisations"][0].update(id=SEED_IDS["organisation"], kind=kinds[0])
    elif rel == "people.yaml":
        data["people"][0]["id"] = SEED_IDS["person"]
    elif rel == "roles.yaml":
        data["roles"][0].update(id=SEED_IDS["role"], organisation=SEED_IDS["organisation"])
    elif rel == "approvals.yaml":
        data["approvals"] = []
    elif rel.startswith("deliverables/"):
        kind = rel.removeprefix("deliverables/").removesuffix(".yaml")
        c = data["control"]
        c.update(id=kind, code=re.sub(r"[^A-Z]", "", kind.upper())[:6] or "DOC", status="draft")
        _seed_deliverable(kind, data, as_of, vocabulary)
    return data


def _seed_deliverable(kind: str, data: dict[str, Any], as_of: date,
                      vocabulary: str = "state-mo") -> None:
    if kind == "governance":
        data["bodies"][0]["id"] = SEED_IDS["body"]
        data["raci"]["roles"] = [SEED_IDS["role"]]
        data["decision_makers"][0]["authority"] = SEED_IDS["person"]
    elif kind == "charter":
        data["strategy"]["help_desk"]["desks"][0]["id"] = SEED_IDS["help desk"]
        data["strategy"]["transition"]["primary_after_go_live"] = SEED_IDS["organisation"]
        kt = data["strategy"]["knowledge_transfer"]
        kt["end"] = date(as_of.year + (as_of.month + 6 > 12), (as_of.month + 5) % 12 + 1, min(as_of.day, 28))
    elif kind == "mo-plan":
        from .model.vocabulary import PRESETS

        template = data["change_types"][0]
        required = PRESETS[vocabulary]["required_change_types"] or [(SEED_IDS["change type"],
                                                                     "TODO: change type")]
        data["change_types"] = [dict(template, id=cid, name=name) for cid, name in required]
        data["milestones"][0]["baseline"] = as_of
        # a criterion the content proves is computed; a milestone states where it stands
        criterion = data["exit_criteria"][0]
        data["exit_criteria"][0] = {"criterion": criterion["criterion"],
                                    "computed": {"deliverable": SEED_IDS["deliverable"]}}
        data["milestones"][0]["state"] = "not started"
        for activity in data.get("pre_initiation", []):
            activity["items"] = [{**i, "state": "not started"} for i in activity["items"]]
    elif kind == "configuration":
        data["baselines"][0]["id"] = SEED_IDS["baseline"]


def _describe(ann: Any, path: tuple[str, ...], gen: _Generator, metadata: list,
              description: str | None = None) -> str:
    """What a field holds, for the comment above it: the model's own description of the field
    (the one source of field meaning), then the kind of value it takes."""
    kind = gen.reference(path) or gen.reference(path + ("*",))
    name = path[-1] if path[-1] != "*" else path[-2]
    help_text = (description or "").rstrip(".")
    if kind and typing.get_origin(ann) is list:
        base = "a list of " + _KIND_HINT[kind].removeprefix("a ")
    elif kind:
        base = _KIND_HINT[kind]
    else:
        base = _type_words(ann, metadata)
    return f"{help_text} ({base})" if help_text else base


def _type_words(ann: Any, metadata: list) -> str:
    origin = typing.get_origin(ann)
    if origin is typing.Annotated:
        args = typing.get_args(ann)
        return _type_words(args[0], list(args[1:]) + metadata)
    if origin in (typing.Union, types.UnionType):
        return "optional: " + _type_words(typing.get_args(ann)[0], metadata)
    if origin is list:
        return "a list of " + _type_words(typing.get_args(ann)[0], [])
    if origin is dict:
        return "a mapping"
    if origin is Literal:
        return "one of: " + ", ".join(str(a) for a in typing.get_args(ann))
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        doc = (ann.__doc__ or "").strip().splitlines()
        return doc[0].rstrip(".").lower() if doc else "a group of fields"
    if ann is bool:
        return "true or false"
    if ann is date:
        return "a date, YYYY-MM-DD, unquoted"
    if ann in (int, float):
        floor = _number_floor(metadata)
        return f"a number, {floor} or more"
    return "text"


def _field_annotation(cls: type[BaseModel] | None, name: str) -> tuple[Any, list]:
    if cls is None or name not in cls.model_fields:
        return None, []
    field = cls.model_fields[name]
    return field.annotation, list(field.metadata)


def _description(cls: type[BaseModel] | None, name: str) -> str | None:
    if cls is None or name not in cls.model_fields:
        return None
    return cls.model_fields[name].description


def _optional_lines(cls: type[BaseModel] | None, data: dict, gen: _Generator, pad: str,
                    path: tuple[str, ...]) -> list[str]:
    """Every optional field the data leaves out, commented out with its description and a
    sample value, so a program office sees everything it may say."""
    if cls is None:
        return []
    lines = []
    for name, field in cls.model_fields.items():
        if name in data or field.is_required():
            continue
        ann, metadata = field.annotation, list(field.metadata)
        lines.append(f"{pad}# {name} (optional): {_describe(ann, path + (name,), gen, metadata, field.description)}")
        if field.examples:
            lines.append(f"{pad}# {name}: {_scalar(field.examples[0])}")
        elif _model_of(ann) is None and typing.get_origin(ann) is not list:
            lines.append(f"{pad}# {name}: {_scalar(gen.value(ann, path + (name,), metadata))}")
    return lines


def _model_of(ann: Any) -> type[BaseModel] | None:
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    for arg in typing.get_args(ann):
        found = _model_of(arg)
        if found:
            return found
    return None


def _emit(data: Any, cls: type[BaseModel] | None, gen: _Generator, indent: int,
          path: tuple[str, ...]) -> str:
    """YAML text for a mapping, each field preceded by a comment saying what it holds."""
    pad = "  " * indent
    lines = []
    for key, value in data.items():
        ann, metadata = _field_annotation(cls, key)
        sub_path = path + (key,)
        if ann is not None:
            lines.append(f"{pad}# {key}: {_describe(ann, sub_path, gen, metadata, _description(cls, key))}")
        child = _model_of(ann)
        if isinstance(value, dict) and not value and child is not None:
            lines.append(f"{pad}{key}: {{}}")
            lines += _optional_lines(child, value, gen, pad + "  ", sub_path)
        elif isinstance(value, dict) and value:
            lines.append(f"{pad}{key}:")
            lines.append(_emit(value, child, gen, indent + 1, sub_path).rstrip("\n"))
        elif isinstance(value, list) and value:
            lines.append(f"{pad}{key}:")
            for item in value:
                if isinstance(item, dict):
                    body = _emit(item, child, gen, indent + 2, sub_path + ("*",)).rstrip("\n")
                    body_lines = body.splitlines()
                    first = next(i for i, l in enumerate(body_lines) if not l.lstrip().startswith("#"))
                    body_lines[first] = f"{pad}  - " + body_lines[first].lstrip()
                    lines.extend(body_lines)
                else:
                    lines.append(f"{pad}  - {_scalar(item)}")
        else:
            lines.append(f"{pad}{key}: {_scalar(value)}")
    lines += _optional_lines(cls, data, gen, pad, path)
    return "\n".join(lines) + "\n"


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, date)):
        return str(value)
    if isinstance(value, list):
        return "[]"
    if isinstance(value, dict):
        return "{}"
    return json.dumps(value, ensure_ascii=False)
