"""JSON Schemas for editors: generated from the model, draft-07, current, and strict."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import jsonschema
import pytest
import yaml
from pydantic import Field

# the verbs run through pmodocs.cli.main in this process (test_cli.py runs the command line)
from conftest import EXAMPLE, ROOT, run_here as run
from pmodocs.authoring.schema import all_schemas, draft07, schema_comment, schema_files
from pmodocs.model import DELIVERABLE_KINDS, PROGRAM_FILES
from pmodocs.model.base import Record

CONTENT_FILES = sorted([*PROGRAM_FILES, *(f"deliverables/{k}.yaml" for k in DELIVERABLE_KINDS)])


class _EditorLoader(yaml.SafeLoader):
    """YAML as the YAML language server reads it: dates stay text (no timestamp type)."""


_EditorLoader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in rs if tag != "tag:yaml.org,2002:timestamp"]
    for ch, rs in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def editor_data(text: str):
    return yaml.load(text, Loader=_EditorLoader)  # noqa: S506 - a SafeLoader subclass


def schema_of(path: Path) -> dict:
    """The schema a file's `# yaml-language-server: $schema=` line points at, as an editor finds it."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema="), first
    target = (path.parent / first.split("=", 1)[1]).resolve()
    return json.loads(target.read_text(encoding="utf-8"))


def test_committed_schemas_are_current_with_the_model():
    committed = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "schemas").glob("*.json")}
    assert committed == all_schemas(), "run `pmodocs schema` and commit schemas/"


@pytest.mark.parametrize("example", [EXAMPLE, ROOT / "examples/federal"], ids=["state", "federal"])
@pytest.mark.parametrize("rel", CONTENT_FILES)
def test_every_example_file_names_its_schema_and_validates_against_it(example, rel):
    path = example / rel
    schema = schema_of(path)
    jsonschema.Draft7Validator.check_schema(schema)
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(editor_data(path.read_text())))
    assert errors == [], [e.message for e in errors]


def test_a_misspelt_key_is_rejected_at_its_own_place():
    path = EXAMPLE / "deliverables/risk.yaml"
    data = editor_data(path.read_text())
    data["risks"][2]["ownr"] = data["risks"][2].pop("owner")
    errors = list(jsonschema.Draft7Validator(schema_of(path)).iter_errors(data))
    places = {(tuple(e.path), e.validator) for e in errors}
    assert (("risks", 2), "additionalProperties") in places
    assert any("ownr" in e.message for e in errors)


def test_an_unknown_top_level_key_and_a_wrong_enum_are_rejected():
    path = EXAMPLE / "people.yaml"
    data = editor_data(path.read_text())
    data["peeple"] = []
    schema = schema_of(path)
    assert not jsonschema.Draft7Validator(schema).is_valid(data)
    risk = editor_data((EXAMPLE / "deliverables/risk.yaml").read_text())
    risk["risks"][0]["state"] = "opened"
    errors = list(jsonschema.Draft7Validator(schema_of(EXAMPLE / "deliverables/risk.yaml"))
                  .iter_errors(risk))
    assert [(tuple(e.path), e.validator) for e in errors] == [(("risks", 0, "state"), "enum")]


def _all_objects(node):
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" in node:
            yield node
        for value in node.values():
            yield from _all_objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from _all_objects(value)


@pytest.mark.parametrize("name", sorted(schema_files()))
def test_schemas_are_draft07_with_no_2020_keywords_and_no_open_objects(name):
    text = all_schemas()[name]
    schema = json.loads(text)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    for word in ("$defs", "prefixItems", "unevaluatedProperties", "$dynamicRef"):
        assert word not in text
    for obj in _all_objects(schema):
        assert obj.get("additionalProperties") is False, obj.get("title")


def test_every_field_description_in_the_model_reaches_the_schema():
    for name, cls in schema_files().items():
        schema = json.loads(all_schemas()[name])
        defs = schema.get("definitions", {})
        for model in [cls, *_models_in(cls)]:
            node = schema if model is cls else defs[model.__name__]
            for field, info in model.model_fields.items():
                if info.description:
                    assert node["properties"][field]["description"] == info.description
            if model.__doc__ and model is not cls and model.__doc__ != Record.__doc__:
                assert node["description"]  # the class docstring explains the record
    # (how many fields carry a description is the model's business; _Outer below proves the path)


def _models_in(cls):
    import typing

    seen: list = []

    def walk(ann):
        for arg in typing.get_args(ann) or ():
            walk(arg)
        if isinstance(ann, type) and issubclass(ann, Record) and ann not in seen:
            seen.append(ann)
            for f in ann.model_fields.values():
                walk(f.annotation)

    for f in cls.model_fields.values():
        walk(f.annotation)
    return [m for m in seen if m is not cls]


class _Inner(Record):
    """An inner record."""

    level: int = Field(description="1 (rare) to 5 (almost certain)", examples=[3])


class _Outer(Record):
    state: Literal["open", "closed"] = Field(description="where the risk stands")
    inner: _Inner = Field(description="the inner part")
    maybe: str | None = Field(default=None, description="optional text")
    pair: tuple[int, str]
    kind: Literal["only"] = "only"


def test_descriptions_enums_examples_and_nullables_are_carried_in_draft07_form():
    schema = draft07(_Outer, "outer")
    jsonschema.Draft7Validator.check_schema(schema)
    props = schema["properties"]
    assert props["state"] == {"description": "where the risk stands", "enum": ["open", "closed"],
                              "title": "State", "type": "string"}
    # draft-07 ignores keywords beside $ref: the description must survive through allOf
    assert props["inner"]["description"] == "the inner part"
    assert props["inner"]["allOf"] == [{"$ref": "#/definitions/_Inner"}]
    assert props["maybe"]["type"] == ["string", "null"] and "anyOf" not in props["maybe"]
    assert props["pair"]["items"] == [{"type": "integer"}, {"type": "string"}]
    assert props["pair"]["additionalItems"] is False
    inner = schema["definitions"]["_Inner"]
    assert inner["properties"]["level"]["examples"] == [3]
    assert inner["description"] == "An inner record."
    validator = jsonschema.Draft7Validator(schema)
    good = {"state": "open", "inner": {"level": 2}, "pair": [1, "a"]}
    assert validator.is_valid(good)
    assert not validator.is_valid({**good, "inner": {"level": 2, "levle": 3}})
    assert not validator.is_valid({**good, "pair": [1, "a", 2]})
    assert not validator.is_valid({**good, "kind": "other"})


def test_schema_command_writes_every_schema_and_new_points_each_file_at_one(tmp_path):
    out = run("schema", "--out", str(tmp_path / "s"))
    assert out.returncode == 0, out.stderr
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == sorted(all_schemas())
    new = run("new", str(tmp_path / "p"), "--program", "Test Program")
    assert new.returncode == 0, new.stderr
    for rel in CONTENT_FILES:
        path = tmp_path / "p" / rel
        schema = schema_of(path)  # the line resolves to a schema written beside the content
        errors = list(jsonschema.Draft7Validator(schema).iter_errors(editor_data(path.read_text())))
        assert errors == [], (rel, [e.message for e in errors])


def test_the_schema_comment_is_relative_to_the_file():
    assert schema_comment("people.yaml", "schemas") == \
        "# yaml-language-server: $schema=schemas/people.schema.json\n"
    assert schema_comment("deliverables/risk.yaml", "../schemas") == \
        "# yaml-language-server: $schema=../../schemas/risk.schema.json\n"
