"""The portfolio home: every program's readiness, deliverable states and budget use on one page.

Like the program dashboard (compose/site.py), everything is computed here from the validated
content; the Markdown writer only turns the blocks into a page. Links point into each
program's own section of the site (`<program>/…`), relative to the portfolio home.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..document import Card, CardGrid, Heading, Page, Paragraph, SiteBlock, Table
from ..facts import Facts, Signoff, item_state
from ..model import Content, MOPlan
from .common import document_number, fmt_date, hours, money, table
from .site import readiness_meters


@dataclass(frozen=True)
class ProgramSummary:
    """One program of a portfolio as the home page needs it: its folder id, content, facts."""

    id: str
    content: Content
    facts: Facts

    @property
    def signoffs(self) -> dict[str, Signoff]:
        return self.facts.signoffs


def portfolio_home(programs: list[ProgramSummary]) -> Page:
    """index.md of a portfolio site: an overview table, a card per program, then each program's
    readiness meters and deliverable states, so a director sees the whole office on one page."""
    blocks: list[SiteBlock] = [
        Paragraph(f"{len(programs)} programs. Each program's dashboard, plans, people, meeting "
                  "and downloads are under its own tab."),
        Heading(1, "Programs at a glance"),
        overview_table(programs),
        CardGrid(tuple(program_card(p) for p in programs)),
    ]
    for p in programs:
        blocks += program_section(p)
    return Page("index.md", "Portfolio", tuple(blocks))


def overview_table(programs: list[ProgramSummary]) -> Table:
    """One row per program: the readiness counts and budget use, comparable side by side."""
    rows = []
    for p in programs:
        c = readiness_counts(p)
        prog = p.content.program
        rows.append((f"{prog.name} ({prog.acronym})",
                     f"{c['met']} of {c['criteria']}", f"{c['approved']} of {c['deliverables']}",
                     f"{c['done']} of {c['items']}", budget_cell(p, "hours"),
                     budget_cell(p, "dollars")))
    return table("Programs at a glance: readiness and budget use", (
        "Program", "Exit criteria met", "Deliverables approved", "Checklist items done",
        "Hours", "Dollars",
    ), rows, kind="portfolio")


def budget_cell(p: ProgramSummary, measure: str) -> str:
    """What a program has of one budget measure: allocated to block cycles (if it has them),
    else used to date (if reported), else the authorised total; "—" if not funded in it."""
    plan: MOPlan = p.content.deliverables["mo-plan"]
    funding = p.content.deliverables["charter"].funding
    authorised = funding.total(measure)
    if authorised is None:
        return "—"
    fmt = hours if measure == "hours" else money
    if plan.block_cycles:
        return f"{fmt(sum(getattr(b, measure) for b in plan.block_cycles))} of {fmt(authorised)} allocated"
    used = funding.used("hours_used" if measure == "hours" else "expended")
    if used is not None:
        return f"{fmt(used)} of {fmt(authorised)} {'used' if measure == 'hours' else 'expended'}"
    return f"{fmt(authorised)} authorised"


def readiness_counts(p: ProgramSummary) -> dict[str, float | None]:
    """The numbers behind the readiness meters, for the overview table."""
    plan: MOPlan = p.content.deliverables["mo-plan"]
    funding = p.content.deliverables["charter"].funding
    items = [i for a in plan.pre_initiation for i in a.items]
    return {
        "met": p.facts.met, "criteria": len(plan.exit_criteria),
        "approved": sum(s.state == "approved" for s in p.signoffs.values()),
        "deliverables": len(p.signoffs),
        "done": sum(item_state(p.content, p.signoffs, i) == "done" for i in items),
        "items": len(items),
        "alloc_h": sum(b.hours for b in plan.block_cycles), "auth_h": funding.total("hours"),
        "alloc_d": sum(b.dollars for b in plan.block_cycles), "auth_d": funding.total("dollars"),
    }


def program_card(p: ProgramSummary) -> Card:
    """A tile linking to the program's own dashboard."""
    prog = p.content.program
    return Card(f"{prog.name} ({prog.acronym})", f"{p.id}/index.md", (
        prog.department or prog.name, f"phase: {prog.phase} · status as of {fmt_date(prog.as_of)}",
    ))


def program_section(p: ProgramSummary) -> list[SiteBlock]:
    """A program's heading, summary, readiness meters and a table of its deliverables' states
    (the state column is shown as badges)."""
    prog = p.content.program
    rows = []
    for kind, doc in p.content.by_kind.items():
        rows.append((doc.control.title, document_number(p.content, doc), doc.control.version,
                     p.signoffs[kind].state))
    return [
        Heading(1, f"{prog.name} ({prog.acronym})"),
        Paragraph(prog.summary),
        *readiness_meters(p.content, p.facts),
        table(f"{prog.acronym} deliverables", ("Deliverable", "Document number", "Version",
                                               "Approval state"), rows,
              kind="portfolio-deliverables"),
    ]



def portfolio_navigation(programs: list[tuple[str, str, list]]) -> list:
    """One nav for the whole site: the portfolio home, then one tab per program (its acronym)
    holding that program's own navigation with every page path under `<program>/`.

    `programs` holds (program id, tab title, the program's own navigation) triples.
    """
    nav: list = [("Portfolio", "index.md")]
    for program_id, title, entries in programs:
        nav.append((title, prefix_nav(entries, program_id)))
    return nav


def prefix_nav(entries: list, program_id: str) -> list:
    """A program's nav entries with `<program>/` before every page path; sections nest."""
    return [(title, prefix_nav(target, program_id) if isinstance(target, list)
             else f"{program_id}/{target}") for title, target in entries]
