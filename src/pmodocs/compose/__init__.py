"""Model -> document tree: one Document per deliverable, computed once for every writer."""

from __future__ import annotations

from typing import Any, Callable

from ..document import Document
from ..facts import Facts, Signoff
from ..model import Content
from .charter import charter_blocks
from .common import approval_page, document_control, meta
from .governance import governance_blocks
from .moplan import moplan_blocks
from .operations import agenda_blocks, agenda_times, continuity_blocks, rolecard_blocks
from .plans import communication_blocks, configuration_blocks, quality_blocks, risk_blocks

BODIES: dict[str, Callable[[Content, Any, Facts], list]] = {
    "charter": charter_blocks,
    "governance": governance_blocks,
    "mo-plan": moplan_blocks,
    "communication": communication_blocks,
    "risk": risk_blocks,
    "quality": quality_blocks,
    "configuration": configuration_blocks,
    "continuity": continuity_blocks,
    "role-cards": rolecard_blocks,
    "launch-agenda": agenda_blocks,
}


def compose_document(content: Content, kind: str, so: Signoff, facts: Facts) -> Document:
    """One deliverable's document, showing sign-off `so`; every composer reads the same `facts`."""
    doc = content.by_kind[kind]
    blocks = (document_control(content, doc, so) + BODIES[kind](content, doc, facts)
              + approval_page(content, doc, so))
    return Document(meta(content, doc, so, facts.logo), tuple(blocks))


def compose_all(content: Content, facts: Facts) -> dict[str, Document]:
    """Every deliverable's document, each with its sign-off from the derived facts."""
    return {kind: compose_document(content, kind, facts.signoffs[kind], facts)
            for kind in content.deliverables}


__all__ = ["agenda_times", "compose_all", "compose_document"]
