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


class SignoffPolicy(Record):
    """How approvals are proven: `trust` lists PEM files (paths inside the content folder) of the
    roots approvers' certificates must chain to; with `require_signatures`, only decisions proven
    by a signature (`pmodocs approve --signed`) count."""

    trust: list[str] = []
    require_signatures: bool = False


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
    signoff: SignoffPolicy = SignoffPolicy()


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
    certificate_sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] | None = None
    """Pins the signing certificate (SHA-256 of its DER bytes) when its e-mail is not the person's."""


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
