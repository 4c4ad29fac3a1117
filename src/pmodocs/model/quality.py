"""The Quality Assurance Plan: QA and IV&V, test and evaluation, standards, reviews, QASP."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Id, Record, Text
from .control import Control


class QARole(Record):
    role: Id
    responsibility: Text


class IVV(Record):
    provider: Id
    scope: list[Text]
    reports_to: Id
    reporting: Text


class TestLevel(Record):
    level: Text
    owner: Id
    entry: Text
    exit: Text


class TestEvaluation(Record):
    strategy: Text
    levels: list[TestLevel]


class Standard(Record):
    area: Literal["documentation", "design", "coding", "testing"]
    standard: Text
    reference: Text
    owner: Id
    state: Literal["adopted", "being tailored", "to review"]


class Review(Record):
    review: Text
    kind: Literal["review", "audit"]
    frequency: Text
    owner: Id
    scope: Text


class QaspResult(Record):
    """One period's measured result of a QASP metric."""

    period: Text = Field(description="The period measured.", examples=["FY2027 Q1"])
    provider: Id | None = Field(None, description="The provider measured, when the metric "
                                "covers several.")
    result: Text = Field(description="What was measured.", examples=["99.2%"])
    met: bool = Field(description="Did the result meet the acceptable quality level?")


class QaspMetric(Record):
    id: Id
    metric: Text
    standard: Text
    acceptable_quality_level: Text
    surveillance: Text
    frequency: Text
    provider: Id | None = Field(None, description="The provider whose service is measured, if "
                                "the metric applies to one.")
    results: list[QaspResult] = Field([], description="Measured results, one per period (and "
                                      "provider).")


class QualityPlan(Record):
    control: Control
    strategy: Text
    roles: list[QARole]
    ivv: IVV
    test_evaluation: TestEvaluation
    standards: list[Standard]
    reviews: list[Review]
    qasp: list[QaspMetric]
