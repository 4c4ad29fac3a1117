"""The Quality Assurance Plan: QA and IV&V, test and evaluation, standards, reviews, QASP."""

from __future__ import annotations

from typing import Literal

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


class QaspMetric(Record):
    id: Id
    metric: Text
    standard: Text
    acceptable_quality_level: Text
    surveillance: Text
    frequency: Text


class QualityPlan(Record):
    control: Control
    strategy: Text
    roles: list[QARole]
    ivv: IVV
    test_evaluation: TestEvaluation
    standards: list[Standard]
    reviews: list[Review]
    qasp: list[QaspMetric]
