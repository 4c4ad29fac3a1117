"""Program-defined vocabularies and labels, with the seeds' lists as ready-made defaults.

A program declares in program.yaml which default set it adopts (`state-mo`, the state M&O best
practice; `federal-m3`, the federal shared-services M3 Playbook; or `none`) and adds its own
values. Checks validate organisation kinds, funding vehicles, agreement kinds, risk categories and
required change types against the result; every heading that names a kind of party, place or
phase comes from the labels, never from code.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Id, Record, Text

Preset = Literal["state-mo", "federal-m3", "none"]


class RequiredChangeType(Record):
    """A kind of change the program must have a handling method for (a change type with this id)."""

    id: Id = Field(description="Id the change type must have in the plan's change_types.")
    name: Text = Field(description="Name of the kind of change, as the error message shows it.")


class Labels(Record):
    """Words the documents use for parties, places and phases; unset ones come from the preset."""

    documents: Text | None = Field(None, description="What the set of documents is called "
                                   "(site title, approval memo subject).",
                                   examples=["M&O plans", "program management documents"])
    strategy: Text | None = Field(None, description="Heading of the charter's strategy section.",
                                  examples=["M&O strategy", "Shared-services operating strategy"])
    responsibilities: Text | None = Field(None, description="Caption of the table dividing "
                                          "responsibilities between organisations.")
    phase_activities: Text | None = Field(None, description="Heading of the phase's activity "
                                          "checklist (the plan's `pre_initiation` list).",
                                          examples=["Pre-initiation activities",
                                                    "Engagement activities (play 3.1)"])
    phase_checklist: Text | None = Field(None, description="Title of the dashboard's progress "
                                         "meter and table for the phase's checklist.",
                                         examples=["Pre-initiation checklist",
                                                   "Engagement checklist"])
    site_versions: Text | None = Field(None, description="Heading of the configuration plan's "
                                       "table of versions installed per site or environment.",
                                       examples=["Versions at county sites",
                                                 "Versions by environment"])
    site: Text | None = Field(None, description="Column heading for a site or environment.")
    customer_party: Text | None = Field(None, description="Name for the customer side (e.g. "
                                        "State, Customer agency).")
    provider_party: Text | None = Field(None, description="Name for the provider side (e.g. "
                                        "Contractor, Provider).")
    release_unit: Text | None = Field(None, description="What a funded release period is "
                                      "called (block cycle, release).")


class Vocabularies(Record):
    """The program's vocabularies: an adopted default set plus the program's own additions."""

    adopt: Preset = Field("state-mo", description="Default vocabulary and labels to start "
                          "from: state-mo (state M&O best practice), federal-m3 (federal "
                          "shared-services M3 Playbook) or none.")
    organisation_kinds: list[Text] = Field([], description="Extra organisation kinds allowed "
                                           "in organisations.yaml `kind`.")
    funding_vehicles: list[Text] = Field([], description="Extra funding vehicles allowed for "
                                         "funding sources and additional funding requests.")
    agreement_kinds: list[Text] = Field([], description="Extra agreement kinds allowed in the "
                                        "governance plan's agreements.")
    risk_categories: list[Text] = Field([], description="Extra risk categories allowed in the "
                                        "risk register.")
    required_change_types: list[RequiredChangeType] | None = Field(
        None, description="Kinds of change the plan must each have a method for; replaces the "
        "preset's list (state-mo requires seven; write [] to require none).")
    labels: Labels = Field(Labels(), description="Words for parties, places and phases; any "
                           "left out come from the adopted preset.")


_NEUTRAL_LABELS = {
    "documents": "program documents", "strategy": "Operating strategy",
    "responsibilities": "Division of responsibilities", "phase_activities": "Phase activities",
    "phase_checklist": "Phase checklist", "site_versions": "Versions by site", "site": "Site", "customer_party": "Customer",
    "provider_party": "Provider", "release_unit": "release",
}

PRESETS: dict[str, dict] = {
    "state-mo": {
        "organisation_kinds": ["project office", "operations centre", "prime contractor",
                               "subcontractor", "county", "sponsor", "iv&v", "consultant",
                               "oversight"],
        "funding_vehicles": ["IAPD", "IAPDU", "BCP", "appropriation", "contract"],
        "agreement_kinds": ["IAA", "MOU", "contract", "SLA"],
        "risk_categories": ["pre-initiation", "m&o"],
        "required_change_types": [
            ("mac", "Moves/Adds/Changes (MACs)"), ("quick-fix", "Quick Fixes"),
            ("optimisation", "Optimisation/Innovations"),
            ("emergency-fix", "Emergency Repairs/Fixes"), ("urgent-request", "Urgent Requests"),
            ("technology-refresh", "Technology Refreshes"), ("routine-change", "Routine Changes"),
        ],
        "labels": {
            "documents": "M&O plans", "strategy": "M&O strategy",
            "responsibilities": "Division of M&O responsibilities",
            "phase_activities": "Pre-initiation activities",
            "phase_checklist": "Pre-initiation checklist",
            "site_versions": "Versions at county sites", "site": "Site",
            "customer_party": "State", "provider_party": "Contractor",
            "release_unit": "block cycle",
        },
    },
    "federal-m3": {
        "organisation_kinds": ["customer agency", "business owner office",
                               "shared service provider", "commercial provider",
                               "program management office", "iv&v", "oversight", "contractor"],
        "funding_vehicles": ["IAA", "appropriation", "contract", "task order",
                             "reimbursable agreement", "budget request", "IAA modification"],
        "agreement_kinds": ["IAA", "MOU", "SLA", "contract", "ISA"],
        "risk_categories": ["program management", "migration", "data conversion", "technology",
                            "organisational change", "funding", "provider performance"],
        "required_change_types": [],
        "labels": {
            "documents": "program management documents",
            "strategy": "Shared-services operating strategy",
            "responsibilities": "Division of responsibilities between customer and providers",
            "phase_activities": "Phase activities", "site_versions": "Versions by environment",
            "site": "Environment", "customer_party": "Customer agency",
            "provider_party": "Provider", "release_unit": "release",
        },
    },
    "none": {"organisation_kinds": [], "funding_vehicles": [], "agreement_kinds": [],
             "risk_categories": [], "required_change_types": [], "labels": _NEUTRAL_LABELS},
}
"""The default vocabularies; a program adopts one by name in program.yaml."""


class Resolved:
    """The effective vocabulary: the preset merged with the program's additions."""

    def __init__(self, v: Vocabularies):
        preset = PRESETS[v.adopt]
        self.adopted = v.adopt
        self.organisation_kinds = _merge(preset["organisation_kinds"], v.organisation_kinds)
        self.funding_vehicles = _merge(preset["funding_vehicles"], v.funding_vehicles)
        self.agreement_kinds = _merge(preset["agreement_kinds"], v.agreement_kinds)
        self.risk_categories = _merge(preset["risk_categories"], v.risk_categories)
        self.required_change_types: list[tuple[str, str]] = (
            [(c.id, c.name) for c in v.required_change_types]
            if v.required_change_types is not None else list(preset["required_change_types"]))
        own = v.labels.model_dump(exclude_none=True)
        self.labels = Labels(**{**_NEUTRAL_LABELS, **preset["labels"], **own})


def _merge(base: list[str], extra: list[str]) -> list[str]:
    return list(dict.fromkeys([*base, *extra]))
