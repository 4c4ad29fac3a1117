"""The Configuration Management Plan: items, baselines, releases and county-site versions."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import BaselineId, Id, OrganisationId, Record, RoleId, RoleOrBodyId, Text, date
from .control import Control


class ConfigurationItem(Record):
    id: Id = Field(description="Identifier.")
    item: Text = Field(description="The item.")
    kind: Literal["software", "database", "infrastructure", "document", "interface"] = Field(
        description="software, database, infrastructure, document or interface.")
    owner: RoleId = Field(description="Role that owns it.")
    baseline: BaselineId = Field(description="Baseline id it belongs to.")


class Baseline(Record):
    id: Id = Field(description="Identifier.")
    name: Text = Field(description="Name of the baseline.")
    established: date = Field(description="Date established.")
    approved_by: RoleOrBodyId = Field(description="Role or body that approved it.")
    contents: Text = Field(description="What it contains.")


class ReleaseNumbering(Record):
    scheme: Text = Field(description="The numbering scheme.")
    example: Text = Field(description="An example number (in quotes).")
    rules: list[Text] = Field(description="Rules for numbering.")


class SiteVersion(Record):
    """Which release runs at one site or environment."""

    site: OrganisationId = Field(description="The site, as an organisation id.")
    release: Text = Field(description="Release installed.")
    installed: date = Field(description="Date installed.")
    verified: bool = Field(description="Has the installation been verified?")


class CMTool(Record):
    tool: Text = Field(description="The tool.")
    purpose: Text = Field(description="What it is for.")


class Audit(Record):
    audit: Text = Field(description="The audit.")
    kind: Literal["functional", "physical"] = Field(description="functional or physical.")
    frequency: Text = Field(description="How often.")
    owner: RoleId = Field(description="Role that runs it.")


class CMRole(Record):
    role: RoleId = Field(description="The role.")
    responsibility: Text = Field(description="Its configuration management responsibility.")


class ConfigurationPlan(Record):
    control: Control = Field(description="Document control.")
    approach: Text = Field(description="The configuration management approach.")
    items: list[ConfigurationItem] = Field(description="Configuration items.")
    baselines: list[Baseline] = Field(description="Baselines.")
    release_numbering: ReleaseNumbering = Field(description="How releases are numbered.")
    site_versions: list[SiteVersion] = Field(
        description="Which release runs at each site or environment.")
    tools: list[CMTool] = Field(description="Configuration management tools.")
    audits: list[Audit] = Field(description="Configuration audits.")
    roles: list[CMRole] = Field(description="Configuration management roles.")
    change_control_link: Text = Field(
        description="How configuration management ties to change control.")
