"""YAML -> model: every problem with file:line and key path, all reported at once."""

from __future__ import annotations

import hashlib
import os
import threading
import types
import typing
from collections import OrderedDict
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

from pydantic import BaseModel, ValidationError

from .errors import ContentError, Problem, UsageError
from .hints import did_you_mean
from .model import DELIVERABLE_KINDS, PROGRAM_FILES, Content, Deliverables, Source
from .yamlsafe import format_path, parse_yaml, read_text

_PATTERN_HINTS = {
    r"^[a-z0-9][a-z0-9-]{0,62}$": "an id of lower-case letters, digits and dashes, e.g. 'pm-lead'",
    r"^[A-Z0-9][A-Z0-9-]{0,15}$": "a short upper-case code, e.g. 'CHR'",
    r"^\d+(\.\d+){0,3}$": "a version such as '1.0', in quotes",
    r"^[^@\s]+@[^@\s]+\.[^@\s]+$": "an e-mail address such as name@agency.gov",
    r"^([01]\d|2[0-3]):[0-5]\d$": "a 24-hour time such as '09:30', in quotes",
    r"^(R|A|C|I|A/R)$": "one of R, A, C, I or A/R",
    r"^[0-9a-f]{64}$": "a 64-character SHA-256 fingerprint as printed by `pmodocs status`",
    r"^#[0-9a-fA-F]{6}$": "a colour such as '#1f4e79', in quotes",
}


def load_content(root: Path) -> Content:
    """Read and validate every content file under `root`; raise ContentError listing all problems."""
    if not root.is_dir():
        raise UsageError(f"content folder {root} does not exist (pass --content DIR)")
    problems: list[Problem] = []
    models: dict[str, Any] = {}
    sources: dict[str, Source] = {}
    expected = {name: cls for name, cls in PROGRAM_FILES.items()}
    expected.update({f"deliverables/{kind}.yaml": cls for kind, cls in DELIVERABLE_KINDS.items()})
    problems += _unexpected_files(root, expected)
    links = symlinks(root)
    problems += [_link_problem(root, rel) for rel in links]
    for rel, cls in expected.items():
        path = root / rel
        display = _display(root, rel)
        if rel in links:
            continue
        if not path.is_file():
            problems.append(Problem(display, 0, "", "is missing (every program has this file; see "
                                    "'Content files' in the README)"))
            continue
        if not _inside(root, path):
            problems.append(Problem(display, 1, "", "is a link that leads outside the content folder "
                                    "(expected a real file inside it)"))
            continue
        model, lines, found = _read_model(path, display, cls)
        sources[rel] = Source(display, lines)
        problems += found
        models[rel] = model
    if problems:
        raise ContentError(problems)
    return Content(
        root=root,
        program=models["program.yaml"].program,
        organisations=tuple(models["organisations.yaml"].organisations),
        people=tuple(models["people.yaml"].people),
        roles=tuple(models["roles.yaml"].roles),
        deliverables=cast(Deliverables, {k: models[f"deliverables/{k}.yaml"] for k in DELIVERABLE_KINDS}),
        approvals=tuple(models["approvals.yaml"].approvals),
        sources=sources,
    )


REMEMBERED_FILES = 128
"""How many validated files a process keeps (see `_read_model`): every file of a portfolio of
eight programs."""
REMEMBERED_BYTES = 1024 * 1024
"""A larger file is validated on every load (its model would hold too much memory)."""
_remembered: OrderedDict[tuple[type[BaseModel], bytes], tuple[Any, dict]] = OrderedDict()
_remembered_lock = threading.Lock()


def _read_model(path: Path, display: str, cls: type[BaseModel]
                ) -> tuple[Any, dict[tuple[str | int, ...], int], list[Problem]]:
    """(the validated model or None, lines by key path, problems) of one content file.

    A file whose text this process already read and validated without a problem, as the same
    model class, is not parsed and validated again: parsing and validation are pure functions
    of the text, and the models are frozen. `pmodocs serve` loads the content on every save,
    and re-reading the unchanged files was most of that load (0.05 s of each rebuild of the
    example); a file with problems is always read afresh, so its messages name its path."""
    text, problems = read_text(path, display)
    if text is None:
        return None, {}, problems
    data_bytes = text.encode("utf-8")
    key = (cls, hashlib.sha256(data_bytes).digest()) if len(data_bytes) <= REMEMBERED_BYTES else None
    if key is not None:
        with _remembered_lock:
            known = _remembered.get(key)
            if known is not None:
                _remembered.move_to_end(key)
                return known[0], known[1], []
    data, lines, problems = parse_yaml(text, display)
    if problems:
        return None, lines, problems
    model, problems = validate(cls, data, Source(display, lines))
    if key is not None and not problems:
        with _remembered_lock:
            _remembered[key] = (model, lines)
            while len(_remembered) > REMEMBERED_FILES:
                _remembered.popitem(last=False)
    return model, lines, problems


def symlinks(root: Path) -> list[str]:
    """Every symbolic link in the content folder (files and folders, links not followed), as
    paths relative to it. Links are refused everywhere in the content: one that leads outside
    would publish a file from elsewhere, and one that stays inside hides what a reviewer reads."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != ".git")
        for name in sorted(dirs + files):
            path = Path(folder) / name
            if path.is_symlink():
                found.append(path.relative_to(root).as_posix())
        dirs[:] = [d for d in dirs if not (Path(folder) / d).is_symlink()]
    return found


def _link_problem(root: Path, rel: str) -> Problem:
    try:
        outside = not _inside(root, root / rel)
    except (OSError, RuntimeError):  # a link loop
        outside = True
    what = "is a link that leads outside the content folder" if outside else "is a symbolic link"
    return Problem(_display(root, rel), 1, "", f"{what}; links are refused in the content folder "
                   "(expected a real file inside it: copy the file in instead)")


def _inside(root: Path, path: Path) -> bool:
    """Whether `path`, with every symbolic link followed, stays inside the content folder."""
    return path.resolve().is_relative_to(root.resolve())


def _display(root: Path, rel: str) -> str:
    """The path users see in messages: relative to where they ran the command when possible."""
    path = Path(os.path.abspath(root / rel))  # not resolve(): a link must not show its target
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(root / rel)


def _unexpected_files(root: Path, expected: dict[str, Any]) -> list[Problem]:
    """A YAML file the build would ignore is a mistake (a typo in a file name loses a plan)."""
    problems = []
    for path in sorted(list(root.glob("*.y*ml")) + list((root / "deliverables").glob("*.y*ml"))):
        rel = path.relative_to(root).as_posix()
        if rel not in expected and not rel.startswith("snapshots/"):
            names = [n for n in expected if n.startswith("deliverables/") == rel.startswith("deliverables/")]
            hint = did_you_mean(rel, sorted(names))
            problems.append(Problem(_display(root, rel), 1, "", f"is not a file pmodocs reads ({hint})"))
    return problems


def validate(cls: type[BaseModel], data: Any, source: Source) -> tuple[Any, list[Problem]]:
    """Validate `data` as `cls`; translate pydantic's errors into located problems."""
    if not isinstance(data, dict):
        return None, [Problem(source.display, source.line_of(()), "",
                              f"expected a mapping with the keys {', '.join(cls.model_fields)}")]
    try:
        return cls.model_validate(data), []
    except ValidationError as exc:
        return None, [_problem(cls, dict(err), source) for err in exc.errors()]


def _problem(root_cls: type[BaseModel], err: dict[str, Any], source: Source) -> Problem:
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and ("[" in p or p.startswith("function-"))))
    line = source.line_of(loc)
    return Problem(source.display, line, format_path(loc), _message(root_cls, err, loc))


def _message(root_cls: type[BaseModel], err: dict[str, Any], loc: tuple) -> str:
    kind, value = err["type"], err.get("input")
    if kind == "missing":
        return "is missing (this field is required)"
    if kind == "extra_forbidden":
        allowed = list(_fields_at(root_cls, loc[:-1]))
        return f"is not a known field ({did_you_mean(str(loc[-1]), allowed)})"
    if kind == "string_pattern_mismatch":
        return f"{value!r} is not valid (expected {_PATTERN_HINTS.get(err['ctx']['pattern'], err['msg'])})"
    if kind == "string_type":
        return f"expected text, got {_describe(value)}"
    if kind in ("int_type", "float_type", "int_from_float"):
        return f"expected a number, got {_describe(value)}"
    if kind == "bool_type":
        return f"expected true or false, got {_describe(value)}"
    if kind in ("date_type", "date_parsing"):
        return f"expected a date such as 2026-11-02 (unquoted), got {_describe(value)}"
    if kind in ("list_type", "tuple_type"):
        return f"expected a list (items starting with '- '), got {_describe(value)}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a mapping of fields, got {_describe(value)}"
    if kind == "literal_error":
        return f"{value!r} is not allowed (expected {err['ctx']['expected']})"
    if kind.startswith(("greater_than", "less_than")):
        bound = next(iter(err["ctx"].values()))
        word = {"greater_than": "more than", "greater_than_equal": "at least",
                "less_than": "less than", "less_than_equal": "at most"}[kind]
        return f"{value!r} is out of range (expected a number {word} {bound:g})"
    if kind == "value_error":
        return str(err["ctx"]["error"])
    return f"{err['msg']} (got {_describe(value)})"


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, datetime):
        return f"the date and time {value.isoformat(sep=' ')} (expected the date alone)"
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value[:60]!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _fields_at(cls: type[BaseModel], loc: tuple) -> list[str]:
    """The field names of the model found by following `loc` from `cls` (for 'did you mean')."""
    current: Any = cls
    for part in loc:
        model = _model_in(current)
        if model is None:
            return []
        if isinstance(part, int):
            current = model
            continue
        field = model.model_fields.get(part)
        if field is None:
            return []
        current = field.annotation
    current = _model_in(current)
    return list(current.model_fields) if current else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (list, tuple, typing.Union, types.UnionType, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found:
                return found
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
