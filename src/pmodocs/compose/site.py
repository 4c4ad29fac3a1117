"""Site-only pages (home, people directory) and where each deliverable lives on the site."""

from __future__ import annotations

from ..document import Heading, Page, Paragraph
from ..model import Content
from ..signoff import Signoff
from .common import document_number, fmt_date, table

SECTIONS = {
    "charter": "plans", "governance": "plans", "mo-plan": "plans", "communication": "plans",
    "risk": "plans", "quality": "plans", "configuration": "plans", "continuity": "operations",
    "role-cards": "people", "launch-agenda": "meeting",
}
"""The site section of each deliverable kind: Plans, Operations, People, Meeting."""

SECTION_TITLES = {"plans": "Plans", "operations": "Operations", "people": "People",
                  "meeting": "Meeting"}


def page_path(kind: str) -> str:
    return f"{SECTIONS[kind]}/{kind}.md"


def home_page(content: Content, signoffs: dict[str, Signoff]) -> Page:
    p = content.program
    rows = []
    for kind, doc in content.deliverables.items():
        c = doc.control
        rows.append((c.title, document_number(content, doc), c.version, c.status,
                     signoffs[kind].state, fmt_date(c.date)))
    return Page("index.md", f"{p.name} ({p.acronym})", (
        Paragraph(p.summary),
        Paragraph(f"{p.department} · phase: {p.phase} · status as of {fmt_date(p.as_of)}"),
        Heading(1, "Deliverables"),
        table("Deliverables and approval state", ("Deliverable", "Number", "Version", "Status",
                                                  "Approval state", "Date"), rows,
              kind="deliverables"),
    ))


def people_page(content: Content) -> Page:
    held: dict[str, list[str]] = {}
    for role in content.roles:
        for pid in role.holders:
            held.setdefault(pid, []).append(role.name)
    return Page("people/index.md", "People directory", (
        table("People", ("Name", "Title", "Organisation", "Roles", "E-mail"),
              [(pe.name, pe.title, content.party_name(pe.organisation),
                ", ".join(held.get(pe.id, [])) or "—", pe.email) for pe in content.people],
              kind="people"),
        Heading(1, "Roles"),
        table("Roles", ("Role", "Side", "Organisation", "Held by", "Summary"),
              [(r.name, r.side, content.party_name(r.organisation),
                ", ".join(content.party_name(h) for h in r.holders), r.summary) for r in content.roles],
              kind="roles"),
        Heading(1, "Organisations"),
        table("Organisations", ("Organisation", "Short name", "Kind", "Side"),
              [(o.name, o.short, o.kind, o.side) for o in content.organisations],
              kind="organisations"),
    ))


def site_pages(content: Content, signoffs: dict[str, Signoff]) -> list[Page]:
    return [home_page(content, signoffs), people_page(content)]


def navigation(content: Content) -> list[tuple[str, list[tuple[str, str]]]]:
    """(section title, [(page title, path)]) in reading order, for mkdocs' nav."""
    nav: list[tuple[str, list[tuple[str, str]]]] = [("Home", [("Home", "index.md")])]
    for section, title in SECTION_TITLES.items():
        pages = [(doc.control.title, page_path(kind)) for kind, doc in content.deliverables.items()
                 if SECTIONS[kind] == section]
        if section == "people":
            pages.insert(0, ("People directory", "people/index.md"))
        nav.append((title, pages))
    return nav
