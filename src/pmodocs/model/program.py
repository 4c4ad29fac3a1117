"""The program itself: who takes part (organisations, people, roles) and how documents are named."""

from __future__ import annotations

import re
from functools import cached_property
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from .base import Code, Email, Id, OrganisationId, PersonId, Record, Side, Text, date
from .vocabulary import Resolved, Vocabularies


class Numbering(Record):
    """Document numbers are PREFIX-CODE, e.g. SCAS-MO-CHR."""

    prefix: Code = Field(description="Document number prefix; each document's number is "
                         "PREFIX-CODE.", examples=["SCAS-MO", "FSM-PMO"])


class Branding(Record):
    """Paths are relative to the content folder and must stay inside it."""

    logo: str | None = Field(None, description="PNG or JPEG logo for title pages, a path inside "
                             "the content folder.", examples=["branding/logo.png"])
    reference_docx: str | None = Field(None, description="Word reference document whose styles "
                                       "the DOCX output uses, a path inside the content folder.")
    colour: Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")] = Field(
        "#1f4e79", description="Accent colour as #RRGGBB.")


class CheckOptions(Record):
    """`checks: {strict: true}` turns the contradictions `check` finds into errors."""

    strict: bool = Field(False, description="Report contradictions as errors, not warnings.")


class SignoffPolicy(Record):
    """How approvals are proven: `trust` lists PEM files (paths inside the content folder) of the
    roots approvers' certificates must chain to; with `require_signatures`, only decisions proven
    by a signature (`pmodocs approve --signed`) count."""

    trust: list[str] = Field([], description="PEM files (paths inside the content folder) of the "
                             "root certificates approvers' certificates must chain to.")
    require_signatures: bool = Field(False, description="Count only decisions proven by a "
                                     "signature (`pmodocs approve --signed`).")


class Program(Record):
    """Name, owner, phase and status date of the program; how its documents are numbered."""

    name: Text = Field(description="Full name of the program or system.")
    acronym: Code = Field(description="Short upper-case name used in titles and search tags.")
    department: Text | None = Field(None, description="Department or agency that owns the "
                                    "program, printed under titles; leave out if none applies.")
    sponsor: OrganisationId = Field(description="The sponsoring organisation (an organisation id).")
    phase: Text = Field(description="The phase the program is in, in its own words.",
                        examples=["Maintenance and Operations: Pre-Initiation",
                                  "Phase 3: Engagement"])
    summary: Text = Field(description="A paragraph on what the program is and where it stands.")
    as_of: date = Field(description="Status date of the content; dates in outputs come from "
                        "here, never from the clock.")
    language: Literal["en-US", "en-GB", "es-US", "fr-CA"] = Field(
        "en-US", description="Language of the documents (hyphenation, metadata).")
    paper: Literal["letter", "a4"] = Field("letter", description="Paper size of DOCX and PDF.")
    numbering: Numbering = Field(description="How document numbers are built.")
    branding: Branding = Field(Branding(), description="Logo, Word styles and accent colour.")
    vocabularies: Vocabularies = Field(Vocabularies(), description="The default vocabulary the "
                                       "program adopts (state-mo, federal-m3 or none), its own "
                                       "additions and the words used for parties and phases.")
    checks: CheckOptions = Field(CheckOptions(), description="How `check` treats contradictions "
                                 "between what is typed and what it can compute.")
    signoff: SignoffPolicy = Field(SignoffPolicy(), description="How approvals are proven: trusted "
                                   "root certificates and whether only signatures count.")

    @cached_property
    def vocab(self) -> Resolved:
        """The effective vocabulary and labels (preset merged with the program's additions)."""
        return Resolved(self.vocabularies)

    @property
    def labels(self):
        return self.vocab.labels

    def document_keywords(self, title: str) -> tuple[str, ...]:
        """The keywords every document of the program carries (Word's keywords property); one
        rule, read by compose and by the check of Word's property lengths."""
        return tuple(k for k in (self.acronym, self.labels.documents, title, self.department) if k)


def program_acronym(name: str, given: str | None = None) -> str:
    """A new program's acronym (`pmodocs new`): `given`, else the initials of the name's words,
    upper-cased and kept to letters, digits and hyphens, at most 10 of them; PRG if none is left."""
    acronym = given or "".join(w[0] for w in name.split() if w[:1].isalnum())
    return re.sub(r"[^A-Z0-9-]", "", acronym.upper())[:10] or "PRG"


class Organisation(Record):
    """An organisation taking part in the program."""

    id: Id = Field(description="Identifier, unique among people, roles and organisations.")
    name: Text = Field(description="Full name.")
    short: Text = Field(description="Short name or abbreviation.")
    kind: Text = Field(description="Kind of organisation, from the program's vocabulary "
                       "(vocabularies.organisation_kinds plus the adopted preset).",
                       examples=["shared service provider", "prime contractor"])
    side: Side = Field(description="customer, provider, shared or independent.")


class Person(Record):
    """A person taking part in the program."""

    id: Id = Field(description="Identifier, unique among people, roles and organisations.")
    name: Text = Field(description="Full name as printed.")
    title: Text = Field(description="Job title as printed on signature lines.")
    organisation: OrganisationId = Field(description="The organisation the person works for.")
    email: Email = Field(description="E-mail address.")
    certificate_sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] | None = Field(
        None, description="Pins the signing certificate (SHA-256 of its DER bytes) when its "
        "e-mail is not the person's.")


class Role(Record):
    """A role of the program (playbook stakeholder or M&O role), held by people."""

    id: Id = Field(description="Identifier, unique among people, roles and organisations.")
    name: Text = Field(description="Name of the role.")
    side: Side = Field(description="customer, provider, shared (a joint team) or independent.")
    organisation: OrganisationId | None = Field(None, description="The one organisation the role belongs "
                                    "to; use `organisations` for a role staffed from several.")
    organisations: list[OrganisationId] = Field([], description="Organisations whose people hold this role "
                                    "together (a joint team); instead of `organisation`.")
    holders: list[PersonId] = Field(description="People who hold this role (from any organisation).")
    summary: Text = Field(description="One or two sentences on what the role does.")

    @property
    def all_organisations(self) -> list[str]:
        """Every organisation of the role, whichever of the two fields names them."""
        return list(dict.fromkeys(([self.organisation] if self.organisation else [])
                                  + list(self.organisations)))


class ProgramFile(Record):
    program: Program = Field(description="The program's identity and settings.")


class OrganisationsFile(Record):
    organisations: list[Organisation] = Field(description="Every organisation taking part.")


class PeopleFile(Record):
    people: list[Person] = Field(description="Every person named anywhere in the content.")


class RolesFile(Record):
    roles: list[Role] = Field(description="Every role of the program.")
