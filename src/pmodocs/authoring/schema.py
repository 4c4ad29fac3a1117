"""JSON Schema (draft-07) of every content file, generated from the pydantic model.

The YAML language server behind VS Code reads draft-07, not pydantic's 2020-12, so the
schema is converted: `$defs` become `definitions`, `prefixItems` the array form of `items`,
a nullable `anyOf` a list of types. Every model forbids unknown keys, so every object carries
`additionalProperties: false` and an editor underlines a misspelt key at once.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..model import DELIVERABLE_KINDS, PROGRAM_FILES

DRAFT_07 = "http://json-schema.org/draft-07/schema#"
SCHEMA_DIR = "schemas"


def schema_files() -> dict[str, type]:
    """Schema file name -> model class, for every content file kind."""
    out = {f"{name.removesuffix('.yaml')}.schema.json": cls for name, cls in PROGRAM_FILES.items()}
    out.update({f"{kind}.schema.json": cls for kind, cls in DELIVERABLE_KINDS.items()})
    return out


def schema_name(rel: str) -> str:
    """The schema file of a content file, e.g. deliverables/risk.yaml -> risk.schema.json."""
    return Path(rel).name.removesuffix(".yaml") + ".schema.json"


def schema_comment(rel: str, schemas: str) -> str:
    """The editor's first line: `# yaml-language-server: $schema=<path relative to the file>`.

    `schemas` is the schema folder's path relative to the content folder.
    """
    up = "../" * rel.count("/")
    return f"# yaml-language-server: $schema={up}{schemas}/{schema_name(rel)}\n"


def draft07(cls: type, title: str) -> dict[str, Any]:
    """The draft-07 schema of one pydantic model class."""
    raw = cls.model_json_schema(mode="validation")  # type: ignore[attr-defined]
    defs = raw.pop("$defs", {})
    out = _convert(raw)
    out["$schema"] = DRAFT_07
    out["title"] = title
    if defs:
        out["definitions"] = {name: _convert(d) for name, d in sorted(defs.items())}
    return out


def render_schema(schema: dict[str, Any]) -> str:
    """Deterministic text: sorted keys, two-space indent, a final newline."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def all_schemas() -> dict[str, str]:
    """File name -> schema text, for every content file kind."""
    files = {f"{k}.schema.json": k for k in DELIVERABLE_KINDS}
    files.update({f"{n.removesuffix('.yaml')}.schema.json": n for n in PROGRAM_FILES})
    return {name: render_schema(draft07(cls, f"pmodocs {files[name]}"))
            for name, cls in sorted(schema_files().items())}


def _convert(node: Any) -> Any:
    """One 2020-12 node -> draft-07, recursively."""
    if isinstance(node, list):
        return [_convert(n) for n in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str):
            out[key] = value.replace("#/$defs/", "#/definitions/")
        elif key == "prefixItems":
            out["items"] = _convert(value)
            extra = node.get("items", False)
            out["additionalItems"] = _convert(extra)
        elif key == "items" and "prefixItems" in node:
            continue
        elif key in ("properties", "patternProperties", "definitions"):
            out[key] = {k: _convert(v) for k, v in value.items()}
        else:
            out[key] = _convert(value)
    return _ref_alone(_nullable(out))


def _ref_alone(node: dict[str, Any]) -> dict[str, Any]:
    """draft-07 ignores every keyword beside `$ref`: wrap the reference in `allOf` so a field's
    description and default still reach the editor."""
    if "$ref" not in node or len(node) == 1:
        return node
    rest = {k: v for k, v in node.items() if k != "$ref"}
    return {**rest, "allOf": [{"$ref": node["$ref"]}]}


def _nullable(node: dict[str, Any]) -> dict[str, Any]:
    """`anyOf: [{type: T, ...}, {type: null}]` -> `type: [T, null]`: one schema, so an editor
    reports the field's own constraint instead of 'matches none of the alternatives'."""
    options = node.get("anyOf")
    if not isinstance(options, list) or len(options) != 2:
        return node
    nulls = [o for o in options if o == {"type": "null"}]
    others = [o for o in options if o != {"type": "null"}]
    if len(nulls) != 1 or "type" not in others[0] or not isinstance(others[0]["type"], str):
        return node
    merged = {k: v for k, v in node.items() if k != "anyOf"}
    inner = dict(others[0])
    if "enum" in inner:
        inner["enum"] = list(inner["enum"]) + [None]
    if "const" in inner:
        inner["enum"] = [inner.pop("const"), None]
    inner["type"] = [inner["type"], "null"]
    for key, value in inner.items():
        merged.setdefault(key, value)
    return merged
