"""Recorded approvals: who decided what, when, for which exact content (fingerprint)."""

from __future__ import annotations

from datetime import date as Day

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from .base import DeliverableId, Id, PersonId, Record, Text, date

Fingerprint = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class SignatureEvidence(Record):
    """The signature that proves a decision: the kept signed PDF and the signer's certificate."""

    file: str = Field(description="The kept signed PDF, a path inside the content folder.")
    subject: Text = Field(description="The signer's certificate subject.")
    sha256: Fingerprint = Field(description="SHA-256 of the signer's certificate (DER).")


class Approval(Record):
    deliverable: DeliverableId = Field(description="Deliverable id.")
    approver: PersonId = Field(description="Person who decided.")
    decision: Literal["approved", "rejected"] = Field(description="approved or rejected.")
    date: Day = Field(description="Date of the decision.")
    fingerprint: Fingerprint = Field(
        description="Content fingerprint the approver saw (written by `pmodocs approve`).")
    comment: Text | None = Field(None, description="Optional comment (why, for a rejection).")
    signature: SignatureEvidence | None = Field(None, description="The signature that proves the "
                                                "decision (written by `pmodocs approve --signed`).")


class ApprovalsFile(Record):
    approvals: list[Approval] = Field(description="Every recorded approval decision.")
