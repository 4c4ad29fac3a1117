"""The site as tree data: site-only pages (dashboard, people, roles), each deliverable's page
and downloads, the meeting's calendar event, the navigation and every path.

Everything here is computed from the content before any renderer runs: readiness counts,
budget totals, who holds which role, which page goes where. The site writer (render/site.py)
only serialises the resulting `Site`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Collection, Iterable

from ..document import (
    CalendarEvent, CalendarFile, Card, CardGrid, DeliverablePage, Document, Heading, Link, Meter,
    NavEntry, Page, Paragraph, Site, SiteBlock,
)
from ..facts import Facts, Signoff, item_state
from ..model import Content, MOPlan
from .charts import budget_chart, change_request_chart, risk_heat_map, schedule_chart
from .common import document_number, fmt_date, hours, money, names, table
from .operations import agenda_times

SECTIONS = {
    "charter": "plans", "governance": "plans", "mo-plan": "plans", "communication": "plans",
    "risk": "plans", "quality": "plans", "configuration": "plans", "continuity": "operations",
    "role-cards": "people", "launch-agenda": "meeting",
}
"""The site section of each deliverable kind: Plans, Operations, People, Meeting."""

SECTION_TITLES = {"plans": "Plans", "operations": "Operations", "people": "People",
                  "meeting": "Meeting"}
ROLES_DIR = "people/roles"
ICS_PATH = "downloads/launch-meeting.ics"
"""Where the launch meeting's calendar event lives under site_src/."""


def page_path(kind: str) -> str:
    return f"{SECTIONS[kind]}/{kind}.md"


def role_path(role_id: str) -> str:
    return f"{ROLES_DIR}/{role_id}.md"


def home_page(content: Content, facts: Facts) -> Page:
    """The readiness dashboard: exit criteria, deliverables, checklist, budget, risks, changes."""
    p = content.program
    plan: MOPlan = content.deliverables["mo-plan"]
    labels = p.labels
    signoffs = facts.signoffs
    owner = f"{p.department} · " if p.department else ""
    blocks: list[SiteBlock] = [
        Paragraph(p.summary),
        Paragraph(f"{owner}phase: {p.phase} · status as of {fmt_date(p.as_of)}"),
        Heading(1, "Readiness at a glance"),
        *readiness_meters(content, facts),
        Heading(1, "Phase exit criteria"),
        Paragraph("Criteria computed from the content (approval records, the staffing table, "
                  "operational processes) say what they are computed from; the others are stated "
                  "by a person and say who."),
        table("Phase exit criteria", ("Criterion", "Met", "Evidence"),
              [(c.criterion, "Yes" if c.met else "No", c.evidence)
               for c in facts.criteria],
              kind="exit-criteria"),
        Heading(1, "Deliverables"),
        CardGrid(tuple(deliverable_card(content, kind, signoffs[kind])
                       for kind in content.deliverables)),
        Heading(1, labels.phase_checklist),
        checklist_table(content, plan, facts),
        *budget_blocks(content, plan),
        Heading(1, "Schedule"),
        schedule_chart(content, plan, facts),
        Heading(1, "Risks and change requests" if plan.change_requests and plan.change_types
                else "Risks"),
        risk_heat_map(content.deliverables["risk"]),
        *([change_request_chart(plan)] if plan.change_requests and plan.change_types else []),
    ]
    return Page("index.md", f"{p.name} ({p.acronym})", tuple(blocks))


def readiness_meters(content: Content, facts: Facts) -> list[Meter]:
    """Exit criteria met, deliverables approved, checklist done, and the budget measures the
    program has: hours and/or dollars allocated to block cycles, or dollars spent to date."""
    plan: MOPlan = content.deliverables["mo-plan"]
    funding = content.deliverables["charter"].funding
    signoffs = facts.signoffs
    met = facts.met
    approved = sum(s.state == "approved" for s in signoffs.values())
    items = [i for a in plan.pre_initiation for i in a.items]
    done = sum(item_state(content, signoffs, i) == "done" for i in items)
    budget: list[Meter] = []
    if plan.block_cycles and "hours" in funding.measures:
        alloc_h, auth_h = sum(b.hours for b in plan.block_cycles), funding.total("hours") or 0.0
        budget.append(Meter("Hours allocated", alloc_h, auth_h,
                            f"{hours(alloc_h)} of {hours(auth_h)} authorised hours"))
    if plan.block_cycles and "dollars" in funding.measures:
        alloc_d, auth_d = sum(b.dollars for b in plan.block_cycles), funding.total("dollars") or 0.0
        budget.append(Meter("Dollars allocated", alloc_d, auth_d,
                            f"{money(alloc_d)} of {money(auth_d)} authorised"))
    if funding.used("expended") is not None and "dollars" in funding.measures:
        spent, auth_d = funding.used("expended") or 0.0, funding.total("dollars") or 0.0
        budget.append(Meter("Dollars expended to date", spent, auth_d,
                            f"{money(spent)} of {money(auth_d)} expended"))
    return [
        Meter("Phase exit criteria met", met, len(plan.exit_criteria),
              f"{met} of {len(plan.exit_criteria)} met"),
        Meter("Deliverables approved", approved, len(signoffs),
              f"{approved} of {len(signoffs)} approved"),
        Meter(content.program.labels.phase_checklist, done, len(items),
              f"{done} of {len(items)} items done"),
        *budget,
    ]


def deliverable_card(content: Content, kind: str, so: Signoff) -> Card:
    c = content.by_kind[kind].control
    return Card(c.title, page_path(kind), (
        f"{document_number(content, content.by_kind[kind])} · version {c.version}",
        f"Author status: {c.status} · {fmt_date(c.date)}",
    ), so.state)


def checklist_table(content: Content, plan: MOPlan, facts: Facts):
    sides = any(a.side for a in plan.pre_initiation)
    rows = []
    for a in sorted(plan.pre_initiation, key=lambda a: a.step):
        done = sum(item_state(content, facts.signoffs, i) == "done" for i in a.items)
        rows.append((a.step, a.activity, *([a.side or "—"] if sides else []),
                     content.party_name(a.owner), fmt_date(a.due), f"{done} of {len(a.items)}"))
    return table(content.program.labels.phase_activities,
                 ("Step", "Activity", *(["Side"] if sides else []), "Owner", "Due", "Items done"),
                 rows, kind="checklist-progress")


def budget_blocks(content: Content, plan: MOPlan) -> list[SiteBlock]:
    """The dashboard's budget: block-cycle allocation (if the program has block cycles) and
    funding by source and period (if it is funded by sources); nothing it does not have."""
    funding = content.deliverables["charter"].funding
    blocks: list[SiteBlock] = []
    if plan.block_cycles and funding.measures:
        blocks += [budget_table(content, plan), budget_chart(content, plan)]
    if funding.sources:
        from .charter import funding_periods_table

        blocks.append(funding_periods_table(content, funding))
    return [Heading(1, "Budget"), *blocks] if blocks else []


def budget_table(content: Content, plan: MOPlan):
    funding = content.deliverables["charter"].funding
    rows = []
    for measure, label, fmt in (("hours", "Hours", hours), ("dollars", "Dollars", money)):
        authorised = funding.total(measure)
        if authorised is None:
            continue
        allocated = sum(getattr(b, measure) for b in plan.block_cycles)
        share = f"{allocated / authorised:.0%}" if authorised else "—"
        rows.append((label, fmt(authorised), fmt(allocated), fmt(authorised - allocated), share))
    return table("Budget: authorised and allocated", ("Measure", "Authorised", "Allocated",
                                                      "Unallocated", "Allocated share"),
                 rows, kind="budget")


def people_page(content: Content) -> Page:
    """Who is who: people with their roles, who holds which role in which organisation."""
    held: dict[str, list[str]] = {}
    for role in content.roles:
        for pid in role.holders:
            held.setdefault(pid, []).append(role.name)
    return Page("people/index.md", "People directory", (
        table("People", ("Name", "Title", "Organisation", "Roles", "E-mail"),
              [(pe.name, pe.title, content.party_name(pe.organisation),
                ", ".join(held.get(pe.id, [])) or "—", pe.email) for pe in content.people],
              kind="people"),
        Heading(1, "Who holds which role"),
        role_holders_table(content),
        Heading(1, "Organisations"),
        table("Organisations", ("Organisation", "Short name", "Kind", "Side"),
              [(o.name, o.short, o.kind, o.side) for o in content.organisations],
              kind="organisations"),
    ), links=(Link("Role cards: one page per role", "roles/index.md"),))


def role_holders_table(content: Content):
    """One row per role and holder: the holder's organisation can differ from the role's."""
    rows = []
    for r in content.roles:
        for h in r.holders or ["—"]:
            person = next((pe for pe in content.people if pe.id == h), None)
            rows.append((r.name, r.side, names(content, r.all_organisations), content.party_name(h),
                         content.party_name(person.organisation) if person else "—"))
    return table("Role holders", ("Role", "Side", "Role's organisation", "Held by",
                                  "Holder's organisation"), rows, kind="role-holders")


def roles_index(content: Content) -> Page:
    cards = tuple(Card(r.name, f"{r.id}.md", (
        f"{r.side.capitalize()} side · {names(content, r.all_organisations)}",
        "Held by: " + (", ".join(content.party_name(h) for h in r.holders) or "—"),
    )) for r in content.roles)
    return Page(f"{ROLES_DIR}/index.md", "Roles", (
        Paragraph("Every role of the program, who holds it, what it is responsible for and "
                  "where it appears in the RACI matrix."),
        CardGrid(cards),
    ))


def role_page(content: Content, role_id: str) -> Page:
    """One role: holders, card responsibilities (if it has a card) and its RACI assignments."""
    r = content.role(role_id)
    blocks: list[SiteBlock] = [
        Paragraph(r.summary),
        table("Role", ("Field", "Value"), [
            ("Side", r.side), ("Organisation", names(content, r.all_organisations)),
            ("Held by", ", ".join(content.party_name(h) for h in r.holders) or "—"),
        ], kind="role-summary"),
        Heading(1, "Holders"),
        table("Holders", ("Name", "Title", "Organisation", "E-mail"),
              [(pe.name, pe.title, content.party_name(pe.organisation), pe.email)
               for pe in content.people if pe.id in r.holders], kind="holders"),
    ]
    card = next((c for c in content.deliverables["role-cards"].cards if c.role == role_id), None)
    if card:
        blocks += [Heading(1, "Responsibilities"), Paragraph(card.summary),
                   table(f"{r.name}: responsibilities", ("#", "Responsibility", "Project need?"),
                         [(n, d.responsibility, "Yes" if d.project_need else "No")
                          for n, d in enumerate(card.responsibilities, 1)], kind="role-card")]
    raci = content.deliverables["governance"].raci
    if role_id in raci.roles:
        rows = [(a.activity, a.assignments[role_id]) for a in raci.activities
                if a.assignments.get(role_id)]
        blocks += [Heading(1, "RACI assignments"),
                   table(f"{r.name} in the RACI matrix", ("Activity", "Assignment"), rows,
                         kind="role-raci")]
    return Page(role_path(role_id), r.name, tuple(blocks))


def meeting_event(content: Content) -> CalendarEvent:
    """The launch meeting with its agenda (computed times) as the event description."""
    agenda = content.deliverables["launch-agenda"]
    m = agenda.meeting
    day = datetime(m.date.year, m.date.month, m.date.day)
    start = day + _clock(m.start)
    end = day + _clock(m.end)
    lines = [f"{s}–{e} {i.topic} ({content.party_name(i.presenter)})"
             for (s, e), i in zip(agenda_times(agenda), agenda.items)]
    chair = next((pe for pe in content.people if pe.id == m.chair), None)
    stamp_day: date = agenda.control.date
    return CalendarEvent(
        uid=f"{agenda.control.id}-{m.date:%Y%m%d}@{content.program.acronym.lower()}.pmodocs",
        stamp=datetime(stamp_day.year, stamp_day.month, stamp_day.day),
        start=start, end=end, summary=agenda.control.title, location=m.place,
        description="Agenda:\n" + "\n".join(lines),
        organizer_name=content.party_name(m.chair),
        organizer_email=chair.email if chair else "",
    )


def _clock(hhmm: str) -> timedelta:
    hh, mm = hhmm.split(":")
    return timedelta(hours=int(hh), minutes=int(mm))


WHO_SIGNS_PATH = "who-signs-what.md"


def packet_download(person: str) -> str:
    """Where a person's packet zip is published in the site, beside the other downloads."""
    return f"downloads/packets/{person}.zip"


def who_signs_page(content: Content, derived: Facts) -> Page:
    """Every deliverable awaiting someone's decision, by person, with due dates and the packet."""
    intro = (f"Deliverables submitted for decision that still wait for someone, as of "
             f"{fmt_date(derived.sent)}. Each person's packet holds the documents to sign (and, "
             "for anyone who decided on earlier content, what changed since), a transmittal memo "
             "and checksums.")
    if not derived.awaiting:
        return Page(WHO_SIGNS_PATH, "Who signs what",
                    (Paragraph(intro), Paragraph("Nobody has a decision waiting.")))
    cards, rows = [], []
    for person, waits in derived.awaiting.items():
        pe = content.person(person)
        due = min(w.due for w in waits)
        lines = [f"{pe.title}, {content.party_name(pe.organisation)}",
                 f"{len(waits)} to decide by {fmt_date(due)}"]
        for w in waits:
            c = content.by_kind[w.kind].control
            again = " (decide again: changed since your decision)" if w.redline else ""
            lines.append(f"{c.title} {c.version}: {w.state}{again}")
            rows.append((pe.name, c.title, document_number(content, content.by_kind[w.kind]),
                         c.version, w.state, fmt_date(w.due), "Yes" if w.redline else "No"))
        cards.append(Card(f"{pe.name}: packet (zip)", packet_download(person), tuple(lines)))
    return Page(WHO_SIGNS_PATH, "Who signs what", (
        Paragraph(intro),
        CardGrid(tuple(cards)),
        Heading(1, "Every decision waiting"),
        table("Decisions waiting, by person", ("Person", "Deliverable", "Number", "Version",
                                               "Approval state", "Due", "Decided before"),
              rows, kind="who-signs-what"),
    ))


def site_pages(content: Content, facts: Facts) -> list[Page]:
    return [home_page(content, facts), who_signs_page(content, facts), people_page(content),
            roles_index(content), *[role_page(content, r.id) for r in content.roles]]


def navigation(content: Content) -> list[NavEntry]:
    """(title, path or nested entries) in reading order, for mkdocs' nav."""
    nav: list[NavEntry] = [("Home", "index.md"), ("Who signs what", WHO_SIGNS_PATH)]
    for section, title in SECTION_TITLES.items():
        pages: list[NavEntry] = [(doc.control.title, page_path(kind))
                                 for kind, doc in content.by_kind.items()
                                 if SECTIONS[kind] == section]
        if section == "people":
            roles: list[NavEntry] = [("Roles", f"{ROLES_DIR}/index.md")]
            roles += [(r.name, role_path(r.id)) for r in content.roles]
            pages = [("People directory", "people/index.md"), *pages, ("Roles", roles)]
        nav.append((title, pages))
    return nav


def site_tree(content: Content, docs: dict[str, Document], facts: Facts,
              redlined: Collection[str] = (), tags: tuple[str, ...] = ()) -> Site:
    """The program's whole site: deliverable pages with their downloads (a redline download for
    each kind in `redlined`), the site-only pages, the meeting's .ics and the navigation."""
    p = content.program
    calendars: tuple[CalendarFile, ...] = ()
    if "launch-agenda" in content.deliverables:
        calendars = (CalendarFile(ICS_PATH, f"{p.acronym} {p.labels.documents}",
                                  meeting_event(content)),)
    return Site(
        name=f"{p.acronym} {p.labels.documents}", description=p.summary,
        copyright=p.department or "", language=p.language,
        deliverables=tuple(deliverable_page(kind, doc, kind in redlined)
                           for kind, doc in docs.items()),
        pages=tuple(site_pages(content, facts)), navigation=navigation(content),
        calendars=calendars, tags=tags)


def deliverable_page(kind: str, doc: Document, redlined: bool) -> DeliverablePage:
    """A deliverable's page and its downloads, linked relative to the page."""
    up = "../" * page_path(kind).count("/")
    downloads = [Link("Word (DOCX)", f"{up}downloads/{kind}.docx"),
                 Link("PDF", f"{up}downloads/{kind}.pdf")]
    if kind == "launch-agenda":
        downloads.append(Link("Add to calendar (.ics)", up + ICS_PATH))
    if redlined:
        downloads.append(Link("Redline (DOCX)", f"{up}downloads/{kind}-redline.docx"))
    return DeliverablePage(kind, page_path(kind), doc, tuple(downloads))


def download_sources(kinds: Iterable[str], redlined: Iterable[str] = (),
                     packets: Iterable[str] = ()) -> dict[str, str]:
    """site_src/downloads/<file> -> the dist/ file it is a copy of, for every page's downloads
    (and each signatory's packet zip, which the "Who signs what" page links)."""
    out = {f"site_src/{packet_download(person)}": f"dist/packets/{person}.zip"
           for person in packets}
    for kind in kinds:
        out[f"site_src/downloads/{kind}.docx"] = f"dist/docx/{kind}.docx"
        out[f"site_src/downloads/{kind}.pdf"] = f"dist/pdf/{kind}.pdf"
    for kind in redlined:
        out[f"site_src/downloads/{kind}-redline.docx"] = f"dist/redline/{kind}.docx"
    return out
