"""Cross-document consistency: references resolve, ids are unique, totals and times fit.

Each rule returns located problems; `run_checks` gathers them all so the user fixes everything
in one pass.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator

from .errors import Problem
from .model import Content, Source

REQUIRED_CHANGE_TYPES = {
    "mac": "Moves/Adds/Changes (MACs)",
    "quick-fix": "Quick Fixes",
    "optimisation": "Optimisation/Innovations",
    "emergency-fix": "Emergency Repairs/Fixes",
    "urgent-request": "Urgent Requests",
    "technology-refresh": "Technology Refreshes",
    "routine-change": "Routine Changes",
}
"""The seven kinds of change the M&O best practice says must each have a handling method."""

_CONTROL = [
    ("control.owner", "person"), ("control.approvers.*", "person"),
    ("control.distribution.*", "person"), ("control.revisions.*.author", "person"),
]

REFERENCES: dict[str, list[tuple[str, str]]] = {
    "program.yaml": [("program.sponsor", "organisation")],
    "people.yaml": [("people.*.organisation", "organisation")],
    "roles.yaml": [("roles.*.organisation", "organisation"), ("roles.*.holders.*", "person")],
    "approvals.yaml": [("approvals.*.deliverable", "deliverable"), ("approvals.*.approver", "person")],
    "deliverables/charter.yaml": [
        ("key_participants.*.organisation", "organisation"), ("key_participants.*.role", "role"),
        ("strategy.responsibilities.*.primary", "organisation"),
        ("strategy.responsibilities.*.supporting.*", "organisation"),
        ("strategy.transition.primary_after_go_live", "organisation"),
        ("strategy.transition.steps.*.owner", "organisation"),
        ("strategy.training.user_classes.*.trainer", "organisation"),
        ("strategy.change_control.analysis_by", "role"),
        ("strategy.change_control.approval_by", "role or body"),
        ("strategy.day_to_day_operations.owner", "organisation"),
        ("strategy.day_to_day_operations.problem_resolution_by", "role"),
        ("strategy.maintenance.owner", "organisation"), ("strategy.maintenance.scheduling_by", "role"),
        ("strategy.help_desk.desks.*.operator", "organisation"),
        ("strategy.help_desk.escalation.*.from_desk", "help desk"),
        ("strategy.help_desk.escalation.*.to_desk", "help desk"),
    ],
    "deliverables/governance.yaml": [
        ("bodies.*.chair", "person"), ("bodies.*.members.*", "person"),
        ("decision_makers.*.authority", "person"), ("decision_makers.*.alternate", "person"),
        ("escalation.*.role", "role"), ("raci.roles.*", "role"),
        ("agreements.*.parties.*", "organisation"),
    ],
    "deliverables/mo-plan.yaml": [
        ("management_processes.*.owner", "role"), ("change_control.board", "body"),
        ("change_control.steps.*.owner", "role"), ("change_types.*.approver", "role or body"),
        ("change_requests.*.type", "change type"), ("change_requests.*.block_cycle", "block cycle"),
        ("change_requests.*.requested_by", "person"), ("operational_processes.*.owner", "role"),
        ("batch_schedule.*.owner", "role"), ("inventory.*.owner", "organisation"),
        ("staffing.*.role", "role"), ("staffing.*.organisation", "organisation"),
        ("pre_initiation.*.owner", "role"), ("key_decisions.*.owner", "role"),
        ("milestones.*.owner", "organisation"),
    ],
    "deliverables/communication.yaml": [
        ("stakeholders.*.role", "role"), ("items.*.audience.*", "role"), ("items.*.owner", "person"),
        ("meetings.*.chair", "person"), ("meetings.*.attendees.*", "role"),
        ("reports.*.audience.*", "role"), ("reports.*.owner", "person"),
    ],
    "deliverables/risk.yaml": [("process.*.owner", "role"), ("risks.*.owner", "person")],
    "deliverables/quality.yaml": [
        ("roles.*.role", "role"), ("ivv.provider", "organisation"), ("ivv.reports_to", "role"),
        ("test_evaluation.levels.*.owner", "organisation"), ("standards.*.owner", "role"),
        ("reviews.*.owner", "role"),
    ],
    "deliverables/configuration.yaml": [
        ("items.*.owner", "role"), ("items.*.baseline", "baseline"),
        ("baselines.*.approved_by", "role or body"), ("site_versions.*.site", "organisation"),
        ("audits.*.owner", "role"), ("roles.*.role", "role"),
    ],
    "deliverables/continuity.yaml": [
        ("invocation.*.person", "person"), ("critical_operations.*.owner", "role"),
        ("reestablishment.*.owner", "role"),
    ],
    "deliverables/role-cards.yaml": [("cards.*.role", "role")],
    "deliverables/launch-agenda.yaml": [
        ("meeting.chair", "person"), ("attendees.*", "person"), ("items.*.presenter", "person"),
        ("decisions.*.owner", "person"), ("actions.*.owner", "person"),
    ],
}
"""Which field refers to what kind of thing; `pattern` segments `*` mean every list item."""


def run_checks(content: Content) -> list[Problem]:
    """Every cross-document problem (errors and warnings) in the content."""
    data = _dumps(content)
    names = _namespaces(content)
    problems: list[Problem] = []
    for rel, doc in data.items():
        src = content.sources[rel]
        rules = REFERENCES.get(rel, []) + (_CONTROL if rel.startswith("deliverables/") else [])
        for pattern, kind in rules:
            for path, value in _select(doc, pattern.split(".")):
                if value not in names[kind]:
                    problems.append(_at(src, path, f"'{value}' is not a {kind} defined in the "
                                        f"content (expected one of: {_few(names[kind])})"))
        problems += _unique_ids(doc, src)
        problems += todo_warnings(doc, src)
        problems += undrawable_text(doc, src)
    problems += _global_ids(content)
    for check in (_controls, _funding, _raci, _change_types, _agenda, _approvals, _dates, _branding):
        problems += check(content)
    return problems


def _dumps(content: Content) -> dict[str, Any]:
    out: dict[str, Any] = {
        "program.yaml": {"program": content.program.model_dump()},
        "people.yaml": {"people": [p.model_dump() for p in content.people]},
        "roles.yaml": {"roles": [r.model_dump() for r in content.roles]},
        "organisations.yaml": {"organisations": [o.model_dump() for o in content.organisations]},
        "approvals.yaml": {"approvals": [a.model_dump() for a in content.approvals]},
    }
    for kind, model in content.deliverables.items():
        out[f"deliverables/{kind}.yaml"] = model.model_dump()
    return out


def _namespaces(content: Content) -> dict[str, set[str]]:
    d = content.deliverables
    bodies = {b.id for b in d["governance"].bodies}
    roles = {r.id for r in content.roles}
    return {
        "person": {p.id for p in content.people},
        "organisation": {o.id for o in content.organisations},
        "role": roles,
        "body": bodies,
        "role or body": roles | bodies,
        "deliverable": set(d),
        "help desk": {h.id for h in d["charter"].strategy.help_desk.desks},
        "change type": {c.id for c in d["mo-plan"].change_types},
        "block cycle": {b.id for b in d["mo-plan"].block_cycles},
        "baseline": {b.id for b in d["configuration"].baselines},
    }


def _select(node: Any, parts: list[str], path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """Yield (path, value) for every value matching the dotted pattern."""
    if not parts:
        yield path, node
        return
    head, rest = parts[0], parts[1:]
    if head == "*":
        for i, item in enumerate(node or []):
            yield from _select(item, rest, path + (i,))
    elif isinstance(node, dict) and node.get(head) is not None:
        yield from _select(node[head], rest, path + (head,))


def _at(src: Source, path: tuple, message: str, severity: str = "error") -> Problem:
    from .yamlsafe import format_path

    return Problem(src.display, src.line_of(path), format_path(path), message, severity)


def _few(names: set[str]) -> str:
    shown = sorted(names)[:8]
    return ", ".join(shown) + (", …" if len(names) > 8 else "") if shown else "none defined"


def _unique_ids(node: Any, src: Source, path: tuple = ()) -> list[Problem]:
    """Within any list of records, `id` values must be unique."""
    problems: list[Problem] = []
    if isinstance(node, dict):
        for key, value in node.items():
            problems += _unique_ids(value, src, path + (key,))
    elif isinstance(node, list):
        seen: dict[str, int] = {}
        for i, item in enumerate(node):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                if item["id"] in seen:
                    problems.append(_at(src, path + (i, "id"), f"duplicate id '{item['id']}' (first "
                                        f"used at item {seen[item['id']]}; ids must be unique)"))
                seen.setdefault(item["id"], i)
            problems += _unique_ids(item, src, path + (i,))
    return problems


def _global_ids(content: Content) -> list[Problem]:
    """People, roles and organisations share one namespace, so a reference is never ambiguous."""
    owners = [("people.yaml", "people", content.people), ("roles.yaml", "roles", content.roles),
              ("organisations.yaml", "organisations", content.organisations)]
    first: dict[str, str] = {}
    problems = []
    for rel, key, items in owners:
        for i, item in enumerate(items):
            if item.id in first and first[item.id] != rel:
                problems.append(_at(content.sources[rel], (key, i, "id"), f"id '{item.id}' is already "
                                    f"used in {first[item.id]} (people, roles and organisations need "
                                    "distinct ids)"))
            first.setdefault(item.id, rel)
    return problems


def _controls(content: Content) -> list[Problem]:
    problems = []
    for kind, doc in content.deliverables.items():
        src, c = content.sources[f"deliverables/{kind}.yaml"], doc.control
        if c.id != kind:
            problems.append(_at(src, ("control", "id"), f"'{c.id}' does not match the file name "
                                f"(expected '{kind}')"))
        if not c.approvers:
            problems.append(_at(src, ("control", "approvers"), "is empty (every deliverable needs "
                                "at least one required approver)"))
        if not c.revisions:
            problems.append(_at(src, ("control", "revisions"), "is empty (expected at least the "
                                "revision that created this version)"))
        elif c.revisions[-1].version != c.version:
            problems.append(_at(src, ("control", "version"), f"'{c.version}' differs from the last "
                                f"revision '{c.revisions[-1].version}' (expected them to match)"))
        for i, (a, b) in enumerate(zip(c.revisions, c.revisions[1:])):
            if b.date < a.date:
                problems.append(_at(src, ("control", "revisions", i + 1, "date"), f"{b.date} is "
                                    f"before the previous revision's {a.date} (expected oldest first)"))
        for dup in [p for p, n in Counter(c.approvers).items() if n > 1]:
            problems.append(_at(src, ("control", "approvers"), f"'{dup}' is listed twice"))
    return problems


def _funding(content: Content) -> list[Problem]:
    plan, charter = content.deliverables["mo-plan"], content.deliverables["charter"]
    src = content.sources["deliverables/mo-plan.yaml"]
    f = charter.funding
    problems = []
    hours = sum(b.hours for b in plan.block_cycles)
    dollars = sum(b.dollars for b in plan.block_cycles)
    if hours > f.authorised_hours:
        problems.append(_at(src, ("block_cycles",), f"allocate {hours:,.0f} hours, more than the "
                            f"{f.authorised_hours:,.0f} authorised in the charter (expected at most "
                            "the authorised total)"))
    if dollars > f.authorised_dollars:
        problems.append(_at(src, ("block_cycles",), f"allocate ${dollars:,.2f}, more than the "
                            f"${f.authorised_dollars:,.2f} authorised in the charter (expected at "
                            "most the authorised total)"))
    for i, cycle in enumerate(plan.block_cycles):
        if cycle.end < cycle.start:
            problems.append(_at(src, ("block_cycles", i, "end"), f"{cycle.end} is before the start "
                                f"{cycle.start} (expected end after start)"))
    return problems


def _raci(content: Content) -> list[Problem]:
    raci = content.deliverables["governance"].raci
    src = content.sources["deliverables/governance.yaml"]
    problems = []
    columns = set(raci.roles)
    for i, activity in enumerate(raci.activities):
        path = ("raci", "activities", i, "assignments")
        for role in activity.assignments:
            if role not in columns:
                problems.append(_at(src, path + (role,), f"'{role}' is not one of the RACI's "
                                    f"roles (expected one of: {', '.join(raci.roles)})"))
        accountable = [r for r, code in activity.assignments.items() if "A" in code]
        if len(accountable) != 1:
            problems.append(_at(src, path, f"has {len(accountable)} accountable roles for "
                                f"'{activity.activity}' (expected exactly one A or A/R)"))
    return problems


def _change_types(content: Content) -> list[Problem]:
    plan = content.deliverables["mo-plan"]
    present = {c.id for c in plan.change_types}
    missing = [f"{cid} ({name})" for cid, name in REQUIRED_CHANGE_TYPES.items() if cid not in present]
    if not missing:
        return []
    return [_at(content.sources["deliverables/mo-plan.yaml"], ("change_types",),
                "has no method for " + "; ".join(missing) + " (expected all seven M&O change types)")]


def _agenda(content: Content) -> list[Problem]:
    agenda = content.deliverables["launch-agenda"]
    src = content.sources["deliverables/launch-agenda.yaml"]
    start = datetime.strptime(agenda.meeting.start, "%H:%M")
    end = datetime.strptime(agenda.meeting.end, "%H:%M")
    slot = int((end - start).total_seconds() // 60)
    if slot <= 0:
        return [_at(src, ("meeting", "end"), f"{agenda.meeting.end} is not after the start "
                    f"{agenda.meeting.start} (expected a later time)")]
    used = sum(item.minutes for item in agenda.items)
    if used > slot:
        return [_at(src, ("items",), f"add up to {used} minutes, longer than the {slot}-minute "
                    f"slot from {agenda.meeting.start} to {agenda.meeting.end} (shorten items or "
                    "extend the meeting)")]
    return []


def _approvals(content: Content) -> list[Problem]:
    src = content.sources["approvals.yaml"]
    problems = []
    for i, record in enumerate(content.approvals):
        doc = content.deliverables.get(record.deliverable)
        if doc and record.approver not in doc.control.approvers:
            problems.append(_at(src, ("approvals", i, "approver"), f"'{record.approver}' is not a "
                                f"required approver of {record.deliverable} (expected one of: "
                                f"{', '.join(doc.control.approvers)})"))
    return problems


def _dates(content: Content) -> list[Problem]:
    """Periods must run forwards; advice from the best practice becomes a warning."""
    charter = content.deliverables["charter"]
    src = content.sources["deliverables/charter.yaml"]
    problems = []
    f = charter.funding
    if f.period_end <= f.period_start:
        problems.append(_at(src, ("funding", "period_end"), f"{f.period_end} is not after "
                            f"{f.period_start} (expected the end of the funding period)"))
    kt = charter.strategy.knowledge_transfer
    if kt.end <= kt.start:
        problems.append(_at(src, ("strategy", "knowledge_transfer", "end"), f"{kt.end} is not "
                            f"after {kt.start} (expected the end of knowledge transfer)"))
    else:
        months = (kt.end.year - kt.start.year) * 12 + kt.end.month - kt.start.month
        if not 6 <= months <= 12:
            problems.append(_at(src, ("strategy", "knowledge_transfer"), f"lasts {months} months; "
                                "6 to 12 months is recommended so staff see a full year's "
                                "processing", "warning"))
    return problems


def _branding(content: Content) -> list[Problem]:
    """Branding files must be real files inside the content folder (no escaping via .. or links)."""
    src = content.sources["program.yaml"]
    root = content.root.resolve()
    problems = []
    for key in ("logo", "reference_docx"):
        rel = getattr(content.program.branding, key)
        if rel is None:
            continue
        path = ("program", "branding", key)
        message = _branding_file_problem(root, rel, key)
        if message:
            problems.append(_at(src, path, message))
    return problems


_MAGIC = {"logo": (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"), "reference_docx": (b"PK\x03\x04",)}
MAX_BRANDING_BYTES = 10 * 1024 * 1024


def _branding_file_problem(root: Path, rel: str, key: str) -> str | None:
    """What is wrong with a branding file (links followed), or None; the renderers trust it."""
    try:
        target = (root / rel).resolve()
    except (OSError, ValueError, RuntimeError):  # NUL in the path, a name too long, a link loop
        return f"{rel!r} is not a usable file path (expected a path such as branding/logo.png)"
    if not target.is_relative_to(root):
        return (f"{rel!r} leads outside the content folder (expected a path inside it, such as "
                "branding/logo.png)")
    if not target.is_file():
        return f"{rel!r} is not a file in the content folder"
    if key == "reference_docx" and target.suffix.lower() != ".docx":
        return f"{rel!r} is not a .docx file"
    if target.stat().st_size > MAX_BRANDING_BYTES:
        return f"{rel!r} is larger than {MAX_BRANDING_BYTES // 1024 // 1024} MB"
    with target.open("rb") as handle:
        head = handle.read(8)
    if not head.startswith(_MAGIC[key]):
        kind = "a PNG or JPEG image" if key == "logo" else "a Word (.docx) file"
        return f"{rel!r} is not {kind} (its first bytes say otherwise)"
    return None


def todo_warnings(node: Any, src: Source, path: tuple = ()) -> list[Problem]:
    """A warning for every text that still starts with TODO (as `pmodocs new` writes them)."""
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in todo_warnings(v, src, path + (k,))]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in todo_warnings(v, src, path + (i,))]
    if isinstance(node, str) and node.lstrip().upper().startswith("TODO"):
        return [_at(src, path, "still says TODO (write the real text)", "warning")]
    return []


def undrawable_text(node: Any, src: Source, path: tuple = ()) -> list[Problem]:
    """An error for every text holding a character no PDF font can draw (see fonts.py)."""
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in undrawable_text(v, src, path + (k,))]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in undrawable_text(v, src, path + (i,))]
    if isinstance(node, str) and not node.isascii():
        from .fonts import describe, undrawable

        missing = undrawable(node)
        if missing:
            return [_at(src, path, "has " + ", ".join(describe(c) for c in missing[:5]) + " that no "
                        "PDF font can draw (expected letters of a script the bundled fonts cover: "
                        "Latin, Greek, Cyrillic, Arabic, Hebrew, CJK; no emoji)")]
    return []


def todo_count(content: Content, kind: str) -> int:
    """How many fields of one deliverable still say TODO: `status` shows it, so a program office
    sees which plans are still unwritten without reading every warning of `check`."""
    doc = content.deliverables[kind].model_dump()
    return len(todo_warnings(doc, content.sources[f"deliverables/{kind}.yaml"]))
