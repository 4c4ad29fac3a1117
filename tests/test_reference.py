"""One source for field meaning: every model field has a description, and the content reference
and the scaffold's comments are generated from those descriptions."""

from __future__ import annotations

import typing

from pydantic import BaseModel

from conftest import ROOT
from pmodocs.model import DELIVERABLE_KINDS, PROGRAM_FILES


def every_field():
    seen: set = set()

    def walk(cls):
        if cls in seen:
            return
        seen.add(cls)
        for name, field in cls.model_fields.items():
            yield cls, name, field

            def nested(ann):
                if isinstance(ann, type) and issubclass(ann, BaseModel):
                    yield from walk(ann)
                for arg in typing.get_args(ann):
                    yield from nested(arg)
            yield from nested(field.annotation)

    for cls in [*PROGRAM_FILES.values(), *DELIVERABLE_KINDS.values()]:
        yield from walk(cls)


def test_every_model_field_has_a_description():
    missing = [f"{cls.__name__}.{name}" for cls, name, field in every_field()
               if not (field.description or "").strip()]
    assert missing == []


def test_the_committed_content_reference_is_current():
    from pmodocs.reference import content_reference

    committed = (ROOT / "docs/content-reference.md").read_text(encoding="utf-8")
    assert committed == content_reference(), (
        "docs/content-reference.md is stale: run `python -m pmodocs.reference > "
        "docs/content-reference.md`")


def test_the_reference_explains_fields_with_their_model_descriptions():
    from pmodocs.model.charter import PeriodAmount
    from pmodocs.reference import content_reference

    text = content_reference()
    assert "### funding.sources.*.amounts.*" in text
    assert PeriodAmount.model_fields["expended"].description in text
    assert "| `sponsor` | yes | an organisation id from organisations.yaml |" in text
    assert "### `federal-m3`" in text and "`shared service provider`" in text


def test_the_json_schema_carries_descriptions_and_what_ids_refer_to():
    from pmodocs.model import DELIVERABLE_KINDS

    schema = DELIVERABLE_KINDS["risk"].model_json_schema()
    owner = schema["$defs"]["Risk"]["properties"]["owner"]
    assert owner["x-refers-to"] == "person" and owner["description"]
    approvers = schema["$defs"]["Control"]["properties"]["approvers"]
    assert approvers["items"]["x-refers-to"] == "person"
