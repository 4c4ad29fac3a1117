"""The typed content model every renderer reads: one class per deliverable family."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict, Union, cast

from .agenda import LaunchAgenda
from .approvals import Approval, ApprovalsFile
from .base import Record
from .charter import Charter
from .communication import Communication
from .configuration import ConfigurationPlan
from .continuity import ContinuityPlan
from .governance import Governance
from .moplan import MOPlan
from .program import (
    Organisation, OrganisationsFile, PeopleFile, Person, Program, ProgramFile, Role, RolesFile,
)
from .quality import QualityPlan
from .risk import RiskPlan
from .rolecards import RoleCards

Deliverable = Union[
    Charter, Governance, MOPlan, Communication, RiskPlan, QualityPlan, ConfigurationPlan,
    ContinuityPlan, RoleCards, LaunchAgenda,
]

DELIVERABLE_KINDS: dict[str, type[Record]] = {
    "charter": Charter,
    "governance": Governance,
    "mo-plan": MOPlan,
    "communication": Communication,
    "risk": RiskPlan,
    "quality": QualityPlan,
    "configuration": ConfigurationPlan,
    "continuity": ContinuityPlan,
    "role-cards": RoleCards,
    "launch-agenda": LaunchAgenda,
}
"""Every deliverable kind, in publishing order; each lives in content/deliverables/<kind>.yaml."""

Deliverables = TypedDict("Deliverables", {
    "charter": Charter, "governance": Governance, "mo-plan": MOPlan, "communication": Communication,
    "risk": RiskPlan, "quality": QualityPlan, "configuration": ConfigurationPlan,
    "continuity": ContinuityPlan, "role-cards": RoleCards, "launch-agenda": LaunchAgenda,
})
"""Content.deliverables: each kind typed as its own class, so mypy knows deliverables["risk"] is
a RiskPlan; the same keys as DELIVERABLE_KINDS (a test says so)."""

PROGRAM_FILES: dict[str, type[Record]] = {
    "program.yaml": ProgramFile,
    "organisations.yaml": OrganisationsFile,
    "people.yaml": PeopleFile,
    "roles.yaml": RolesFile,
    "approvals.yaml": ApprovalsFile,
}


@dataclass(frozen=True)
class Source:
    """Where a model came from, so later checks can point at a file and line."""

    display: str
    lines: dict[tuple[str | int, ...], int]

    def line_of(self, path: tuple[str | int, ...]) -> int:
        """The line of `path`, or of its nearest ancestor that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


@dataclass(frozen=True)
class Content:
    """A whole program's validated content, with lookups by id."""

    root: Path
    program: Program
    organisations: tuple[Organisation, ...]
    people: tuple[Person, ...]
    roles: tuple[Role, ...]
    deliverables: Deliverables
    approvals: tuple[Approval, ...]
    sources: dict[str, Source] = field(compare=False)

    @property
    def by_kind(self) -> dict[str, Deliverable]:
        """The deliverables for code that names the kind at run time (each typed as the union)."""
        return cast("dict[str, Deliverable]", self.deliverables)

    def person(self, pid: str) -> Person:
        return next(p for p in self.people if p.id == pid)

    def organisation(self, oid: str) -> Organisation:
        return next(o for o in self.organisations if o.id == oid)

    def role(self, rid: str) -> Role:
        return next(r for r in self.roles if r.id == rid)

    def party_name(self, ident: str) -> str:
        """The display name of a person, role, organisation or governance body id."""
        for group in (self.people, self.roles, self.organisations):
            for item in group:
                if item.id == ident:
                    return item.name
        gov = self.deliverables.get("governance")
        for body in getattr(gov, "bodies", ()):
            if body.id == ident:
                return body.name
        return ident


__all__ = [
    "Approval", "Charter", "Communication", "ConfigurationPlan", "Content", "ContinuityPlan",
    "DELIVERABLE_KINDS", "Deliverable", "Governance", "LaunchAgenda", "MOPlan", "Organisation",
    "PROGRAM_FILES", "Person", "Program", "QualityPlan", "RiskPlan", "Role", "RoleCards", "Source",
]
