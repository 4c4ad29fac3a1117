"""Document control: what every deliverable carries whatever its kind."""

from __future__ import annotations

from typing import Literal

from .base import Code, Id, Record, Text, Version, date

AuthorStatus = Literal["draft", "for review", "final"]


class Revision(Record):
    version: Version
    date: date
    author: Id
    summary: Text


class Control(Record):
    """The document-control block at the top of each deliverable file."""

    id: Id
    title: Text
    code: Code
    version: Version
    status: AuthorStatus
    date: date
    owner: Id
    purpose: Text
    approvers: list[Id]
    distribution: list[Id]
    revisions: list[Revision]
