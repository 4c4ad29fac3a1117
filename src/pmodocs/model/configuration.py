"""The Configuration Management Plan: items, baselines, releases and county-site versions."""

from __future__ import annotations

from typing import Literal

from .base import Id, Record, Text, date
from .control import Control


class ConfigurationItem(Record):
    id: Id
    item: Text
    kind: Literal["software", "database", "infrastructure", "document", "interface"]
    owner: Id
    baseline: Id


class Baseline(Record):
    id: Id
    name: Text
    established: date
    approved_by: Id
    contents: Text


class ReleaseNumbering(Record):
    scheme: Text
    example: Text
    rules: list[Text]


class SiteVersion(Record):
    """Which release runs at one site or environment."""

    site: Id
    release: Text
    installed: date
    verified: bool


class CMTool(Record):
    tool: Text
    purpose: Text


class Audit(Record):
    audit: Text
    kind: Literal["functional", "physical"]
    frequency: Text
    owner: Id


class CMRole(Record):
    role: Id
    responsibility: Text


class ConfigurationPlan(Record):
    control: Control
    approach: Text
    items: list[ConfigurationItem]
    baselines: list[Baseline]
    release_numbering: ReleaseNumbering
    site_versions: list[SiteVersion]
    tools: list[CMTool]
    audits: list[Audit]
    roles: list[CMRole]
    change_control_link: Text
