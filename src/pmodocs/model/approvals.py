"""Recorded approvals: who decided what, when, for which exact content (fingerprint)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import StringConstraints

from .base import Id, Record, Text, date

Fingerprint = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class SignatureEvidence(Record):
    """The signature that proves a decision: the kept signed PDF and the signer's certificate."""

    file: str
    subject: Text
    sha256: Fingerprint


class Approval(Record):
    deliverable: Id
    approver: Id
    decision: Literal["approved", "rejected"]
    date: date
    fingerprint: Fingerprint
    comment: Text | None = None
    signature: SignatureEvidence | None = None


class ApprovalsFile(Record):
    approvals: list[Approval]
