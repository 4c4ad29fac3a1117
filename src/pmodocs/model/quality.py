"""The Quality Assurance Plan: QA and IV&V, test and evaluation, standards, reviews, QASP."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Id, OrganisationId, Record, RoleId, Text
from .control import Control


class QARole(Record):
    role: RoleId = Field(description="The role.")
    responsibility: Text = Field(description="Its quality responsibility.")


class IVV(Record):
    provider: OrganisationId = Field(description="Organisation that provides IV&V.")
    scope: list[Text] = Field(description="What IV&V covers.")
    reports_to: RoleId = Field(description="Role IV&V reports to.")
    reporting: Text = Field(description="How and when it reports.")


class TestLevel(Record):
    level: Text = Field(description="Name of the level.")
    owner: OrganisationId = Field(description="Organisation that runs it.")
    entry: Text = Field(description="Entry criteria.")
    exit: Text = Field(description="Exit criteria.")


class TestEvaluation(Record):
    strategy: Text = Field(description="The test strategy.")
    levels: list[TestLevel] = Field(description="Test levels.")


class Standard(Record):
    area: Literal["documentation", "design", "coding", "testing"] = Field(
        description="documentation, design, coding or testing.")
    standard: Text = Field(description="The standard.")
    reference: Text = Field(description="Where it is written.")
    owner: RoleId = Field(description="Role that owns it.")
    state: Literal["adopted", "being tailored", "to review"] = Field(
        description="adopted, being tailored or to review.")


class Review(Record):
    review: Text = Field(description="The review or audit.")
    kind: Literal["review", "audit"] = Field(description="review or audit.")
    frequency: Text = Field(description="How often.")
    owner: RoleId = Field(description="Role that runs it.")
    scope: Text = Field(description="What it covers.")


class QaspResult(Record):
    """One period's measured result of a QASP metric."""

    period: Text = Field(description="The period measured.", examples=["FY2027 Q1"])
    provider: OrganisationId | None = Field(None, description="The provider measured, when the metric "
                                "covers several.")
    result: Text = Field(description="What was measured.", examples=["99.2%"])
    met: bool = Field(description="Did the result meet the acceptable quality level?")


class QaspMetric(Record):
    id: Id = Field(description="Identifier of the metric.")
    metric: Text = Field(description="What is measured.")
    standard: Text = Field(description="The performance standard.")
    acceptable_quality_level: Text = Field(description="The acceptable quality level.")
    surveillance: Text = Field(description="How it is watched.")
    frequency: Text = Field(description="How often.")
    provider: OrganisationId | None = Field(None, description="The provider whose service is measured, if "
                                "the metric applies to one.")
    results: list[QaspResult] = Field([], description="Measured results, one per period (and "
                                      "provider).")


class QualityPlan(Record):
    control: Control = Field(description="Document control.")
    strategy: Text = Field(description="The quality strategy.")
    roles: list[QARole] = Field(description="Quality roles.")
    ivv: IVV = Field(description="Independent verification and validation.")
    test_evaluation: TestEvaluation = Field(description="Test and evaluation strategy and levels.")
    standards: list[Standard] = Field(
        description="Documentation, design, coding and testing standards.")
    reviews: list[Review] = Field(description="Reviews and audits.")
    qasp: list[QaspMetric] = Field(description="Quality assurance surveillance plan metrics.")
