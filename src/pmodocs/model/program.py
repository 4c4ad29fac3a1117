"""The program itself: who takes part (organisations, people, roles) and how documents are named."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import StringConstraints

from .base import Code, Email, Id, Record, Side, Text, date

OrganisationKind = Literal[
    "project office",
    "operations centre",
    "prime contractor",
    "subcontractor",
    "county",
    "sponsor",
    "iv&v",
    "consultant",
    "oversight",
]


class Numbering(Record):
    """Document numbers are PREFIX-CODE, e.g. SCAS-MO-CHR."""

    prefix: Code


class Branding(Record):
    """Paths are relative to the content folder and must stay inside it."""

    logo: str | None = None
    reference_docx: str | None = None
    colour: Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")] = "#1f4e79"


class CheckOptions(Record):
    """`checks: {strict: true}` turns the contradictions `check` finds into errors."""

    strict: bool = False


class Program(Record):
    name: Text
    acronym: Code
    department: Text
    sponsor: Id
    phase: Text
    summary: Text
    as_of: date
    language: Literal["en-US", "en-GB", "es-US", "fr-CA"] = "en-US"
    paper: Literal["letter", "a4"] = "letter"
    numbering: Numbering
    branding: Branding = Branding()
    checks: CheckOptions = CheckOptions()


class Organisation(Record):
    id: Id
    name: Text
    short: Text
    kind: OrganisationKind
    side: Side


class Person(Record):
    id: Id
    name: Text
    title: Text
    organisation: Id
    email: Email


class Role(Record):
    """A role of the program (playbook stakeholder or M&O role), held by people."""

    id: Id
    name: Text
    side: Side
    organisation: Id
    holders: list[Id]
    summary: Text


class ProgramFile(Record):
    program: Program


class OrganisationsFile(Record):
    organisations: list[Organisation]


class PeopleFile(Record):
    people: list[Person]


class RolesFile(Record):
    roles: list[Role]
