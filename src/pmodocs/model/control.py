"""Document control: what every deliverable carries whatever its kind."""

from __future__ import annotations

from datetime import date as Day

from typing import Literal

from pydantic import Field

from .base import Code, Id, PersonId, Record, Text, Version, date

AuthorStatus = Literal["draft", "for review", "final"]


class Revision(Record):
    version: Version = Field(description="Version this revision produced.")
    date: Day = Field(description="Date of the revision.")
    author: PersonId = Field(description="The person who made it.")
    summary: Text = Field(description="What changed.")


class Control(Record):
    """The document-control block at the top of each deliverable file."""

    id: Id = Field(description="The deliverable's kind; must match the file name (e.g. charter).")
    title: Text = Field(description="Title printed on the document.")
    code: Code = Field(description="Short upper-case code; the document number is PREFIX-CODE.")
    version: Version = Field(
        description="Document version in quotes (e.g. \"1.0\"); must equal the "
        "last revision's version.")
    status: AuthorStatus = Field(
        description="The author's status (draft, for review, final); the "
        "approval state is computed from approvals.yaml.")
    date: Day = Field(description="Date of this version.")
    owner: PersonId = Field(description="The person who owns the document.")
    purpose: Text = Field(description="One or two sentences on what this document is for.")
    approvers: list[PersonId] = Field(
        description="People who must approve this document before it counts as approved.")
    distribution: list[PersonId] = Field(description="People who receive each issued version.")
    revisions: list[Revision] = Field(description="Revision history, oldest first.")
