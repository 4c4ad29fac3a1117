"""Building blocks shared by every content model: strict records, safe ids, clean text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

# Characters that XML 1.0 (DOCX), typst and HTML cannot carry; tab and newline are fine.
# Lone surrogates (from a YAML escape such as "\ud800") cannot even be written as UTF-8.
_ILLEGAL_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _clean_text(value: str) -> str:
    """Reject characters that no output format can store, rather than dropping them silently."""
    bad = _ILLEGAL_CONTROL.search(value)
    if bad:
        raise ValueError(
            f"contains the control character U+{ord(bad.group()):04X}, which Word, PDF and HTML "
            "cannot store (remove it)"
        )
    if not value.strip():
        raise ValueError("is empty (write the text, or remove the field)")
    return value


class Record(BaseModel):
    """Base of every content record: unknown keys are errors, types are not coerced."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


Text = Annotated[str, AfterValidator(_clean_text)]
"""Free text from the content: any characters but control characters, never empty."""

Id = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$"),
]
"""An identifier that is also safe as a file name: lower-case letters, digits and dashes."""



@dataclass(frozen=True)
class Ref:
    """Marks an id field as a reference to another thing of the content (a person, a role...):
    the checks find every reference by this marker, so a renamed field can never silently drop
    out of the cross-document checks."""

    kind: str

    def __get_pydantic_json_schema__(self, core_schema, handler):  # noqa: ANN001
        """JSON Schema (the authoring schema) names what the id refers to: x-refers-to."""
        schema = handler(core_schema)
        schema["x-refers-to"] = self.kind
        return schema


PersonId = Annotated[Id, Ref("person")]
OrganisationId = Annotated[Id, Ref("organisation")]
RoleId = Annotated[Id, Ref("role")]
BodyId = Annotated[Id, Ref("body")]
RoleOrBodyId = Annotated[Id, Ref("role or body")]
OrganisationOrRoleId = Annotated[Id, Ref("organisation or role")]
PartyId = Annotated[Id, Ref("party")]
"""A person, role, organisation or governance body."""
DeliverableId = Annotated[Id, Ref("deliverable")]
HelpDeskId = Annotated[Id, Ref("help desk")]
ChangeTypeId = Annotated[Id, Ref("change type")]
BlockCycleId = Annotated[Id, Ref("block cycle")]
BaselineId = Annotated[Id, Ref("baseline")]
MilestoneId = Annotated[Id, Ref("milestone")]

Code = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9-]{0,15}$")]
"""A short upper-case code used in document numbers (CHR, GOV-01)."""

Version = Annotated[str, StringConstraints(pattern=r"^\d+(\.\d+){0,3}$")]
"""A document version such as "1.0" (quoted in YAML so 1.10 is not read as 1.1)."""

Hours = Annotated[float, Field(ge=0)]
Dollars = Annotated[float, Field(ge=0)]
Positive = Annotated[int, Field(gt=0)]
Level = Annotated[int, Field(ge=1, le=5)]
Email = Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
ClockTime = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]

Side = Literal["customer", "provider", "shared", "independent"]
Progress = Literal["done", "in progress", "not started"]

__all__ = [
    "BaselineId", "BlockCycleId", "BodyId", "ChangeTypeId", "ClockTime", "Code", "DeliverableId",
    "Dollars", "Email", "HelpDeskId", "Hours", "Id", "Level", "MilestoneId", "OrganisationId",
    "OrganisationOrRoleId", "PartyId", "PersonId", "Positive", "Progress", "Record", "Ref",
    "RoleId", "RoleOrBodyId", "Side", "Text", "Version", "date",
]
