"""Cross-document consistency: references resolve, ids are unique, totals and times fit.

Each rule returns located problems; `run_checks` gathers them all so the user fixes everything
in one pass.
"""

from __future__ import annotations

import types
import typing
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator

from pydantic import BaseModel

from .errors import Problem
from .model import DELIVERABLE_KINDS, PROGRAM_FILES, Content, Organisation, Person, Role, Source
from .model.base import Ref
from .model.vocabulary import PRESETS

REQUIRED_CHANGE_TYPES = dict(PRESETS["state-mo"]["required_change_types"])
"""The seven kinds of change the state M&O best practice says must each have a handling method
(required only of programs that adopt the state-mo vocabulary)."""

def _ref_kind(ann: Any, metadata: list | tuple = ()) -> str | None:
    """The kind a field refers to (from its `Ref` marker), looking inside lists and optionals."""
    for m in metadata:
        if isinstance(m, Ref):
            return m.kind
    origin = typing.get_origin(ann)
    if origin is typing.Annotated:
        args = typing.get_args(ann)
        return _ref_kind(args[0], args[1:])
    if origin in (list, typing.Union, types.UnionType):
        for arg in typing.get_args(ann):
            kind = _ref_kind(arg)
            if kind:
                return kind
    return None


def _model_in(ann: Any) -> type[BaseModel] | None:
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    for arg in typing.get_args(ann):
        found = _model_in(arg)
        if found:
            return found
    return None


def reference_patterns(cls: type[BaseModel], prefix: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """Every reference field of a model as (dotted pattern, kind), `*` standing for list items;
    computed from the `Ref` markers of the model, so it follows every renamed field."""
    out: list[tuple[str, str]] = []
    for name, field in cls.model_fields.items():
        many = typing.get_origin(_unwrap_optional(field.annotation)) is list
        path = prefix + (name,) + (("*",) if many else ())
        kind = _ref_kind(field.annotation, field.metadata)
        if kind:
            out.append((".".join(path), kind))
            continue
        sub = _model_in(field.annotation)
        if sub is not None:
            out += reference_patterns(sub, path)
    return out


def _unwrap_optional(ann: Any) -> Any:
    if typing.get_origin(ann) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(ann) if a is not type(None)]
        return args[0] if len(args) == 1 else ann
    return ann


def references(node: Any, path: tuple = ()) -> Iterator[tuple[tuple, str, str]]:
    """(path, kind, id) for every reference held by a validated model, found by type."""
    if isinstance(node, BaseModel):
        for name, field in type(node).model_fields.items():
            value = getattr(node, name)
            kind = _ref_kind(field.annotation, field.metadata)
            if kind is None:
                yield from references(value, path + (name,))
            elif isinstance(value, (list, tuple)):
                for i, item in enumerate(value):
                    yield path + (name, i), kind, item
            elif value is not None:
                yield path + (name,), kind, value
    elif isinstance(node, (list, tuple)):
        for i, item in enumerate(node):
            yield from references(item, path + (i,))
    elif isinstance(node, dict):
        for key, item in node.items():
            yield from references(item, path + (key,))


def _files() -> dict[str, type[BaseModel]]:
    return {**PROGRAM_FILES, **{f"deliverables/{k}.yaml": c for k, c in DELIVERABLE_KINDS.items()}}


REFERENCES: dict[str, list[tuple[str, str]]] = {
    rel: reference_patterns(cls) for rel, cls in _files().items()}
"""Which field refers to what kind of thing, derived from the models' `Ref` types (for the
scaffold and the content reference); `*` segments mean every list item."""


def _roots(content: Content) -> Iterator[tuple[str, tuple, Any]]:
    """Each content file's validated model, with the key path its data sits under."""
    yield "program.yaml", ("program",), content.program
    yield "organisations.yaml", ("organisations",), list(content.organisations)
    yield "people.yaml", ("people",), list(content.people)
    yield "roles.yaml", ("roles",), list(content.roles)
    yield "approvals.yaml", ("approvals",), list(content.approvals)
    for kind, doc in content.by_kind.items():
        yield f"deliverables/{kind}.yaml", (), doc


def run_checks(content: Content) -> list[Problem]:
    """Every problem (errors and warnings) the content's own rules find: references, ids,
    totals, dates. `outputs.check_content` adds the engines' limits and the contradictions
    between stated and derived facts."""
    data = _dumps(content)
    names = _namespaces(content)
    problems: list[Problem] = []
    for rel, prefix, model in _roots(content):
        src = content.sources[rel]
        for path, kind, value in references(model, prefix):
            if value not in names[kind]:
                problems.append(_at(src, path, f"'{value}' is not a {kind} defined in the "
                                    f"content (expected one of: {_few(names[kind])})"))
    for rel, doc in data.items():
        src = content.sources[rel]
        problems += _unique_ids(doc, src)
        problems += todo_warnings(doc, src)
        problems += undrawable_text(doc, src)
    problems += _global_ids(content)
    for check in (_controls, _funding, _raci, _change_types, _agenda, _approvals, _dates, _branding,
                  _vocabulary, _either_or, _schedule):
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
    for kind, model in content.by_kind.items():
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
        "organisation or role": roles | {o.id for o in content.organisations},
        "party": roles | bodies | {o.id for o in content.organisations}
                 | {p.id for p in content.people},
        "milestone": {m.id for m in d["mo-plan"].milestones},
        "deliverable": set(d),
        "help desk": {h.id for h in d["charter"].strategy.help_desk.desks},
        "change type": {c.id for c in d["mo-plan"].change_types},
        "block cycle": {b.id for b in d["mo-plan"].block_cycles},
        "baseline": {b.id for b in d["configuration"].baselines},
    }


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
    owners: list[tuple[str, str, tuple[Person | Role | Organisation, ...]]] = [
        ("people.yaml", "people", content.people), ("roles.yaml", "roles", content.roles),
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
    for kind, doc in content.by_kind.items():
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
    unit = content.program.labels.release_unit
    problems = []
    for measure, fmt in (("hours", "{:,.0f} hours"), ("dollars", "${:,.2f}")):
        allocated = [getattr(b, measure) for b in plan.block_cycles]
        authorised = f.total(measure)
        if authorised is None:
            if any(allocated):
                problems.append(_at(src, ("block_cycles",), f"allocate {measure} although the "
                                    f"charter's funding has no {measure} (expected {measure} in "
                                    "charter funding, or 0 here)"))
            continue
        if sum(allocated) > authorised:
            problems.append(_at(src, ("block_cycles",), f"allocate {fmt.format(sum(allocated))}, "
                                f"more than the {fmt.format(authorised)} authorised in the charter "
                                f"(expected at most the authorised total for every {unit})"))
    for i, cycle in enumerate(plan.block_cycles):
        if cycle.end < cycle.start:
            problems.append(_at(src, ("block_cycles", i, "end"), f"{cycle.end} is before the start "
                                f"{cycle.start} (expected end after start)"))
    csrc = content.sources["deliverables/charter.yaml"]
    for i, source in enumerate(f.sources):
        for j, a in enumerate(source.amounts):
            path = ("funding", "sources", i, "amounts", j)
            if a.end < a.start:
                problems.append(_at(csrc, path + ("end",), f"{a.end} is before the start "
                                    f"{a.start} (expected end after start)"))
            if a.dollars is None and a.hours is None:
                problems.append(_at(csrc, path, "has neither dollars nor hours (expected the "
                                    "amount the source provides for the period)"))
            for used, cap in (("obligated", "dollars"), ("expended", "dollars"),
                              ("hours_used", "hours")):
                value, limit = getattr(a, used), getattr(a, cap)
                if value is not None and (limit is None or value > limit):
                    problems.append(_at(csrc, path + (used,), f"{value:,.2f} is more than the "
                                        f"{cap} provided for {a.period} ({limit if limit is not None else 'none'})"
                                        f" (expected at most the amount provided)", "warning"))
    if f.sources and (f.authorised_hours is not None or f.authorised_dollars is not None):
        problems.append(_at(csrc, ("funding", "sources"), "are given together with a single "
                            "authorised total (expected one or the other: the total of sources "
                            "is computed)"))
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
        rule = activity.accountability or raci.accountability
        if rule == "single" and len(accountable) != 1:
            problems.append(_at(src, path, f"has {len(accountable)} accountable roles for "
                                f"'{activity.activity}' (expected exactly one A or A/R; set "
                                "accountability: joint where the program shares it)"))
        elif rule == "joint" and not accountable:
            problems.append(_at(src, path, f"has no accountable role for '{activity.activity}' "
                                "(expected at least one A or A/R)"))
    return problems


def _change_types(content: Content) -> list[Problem]:
    plan = content.deliverables["mo-plan"]
    present = {c.id for c in plan.change_types}
    required = content.program.vocab.required_change_types
    missing = [f"{cid} ({name})" for cid, name in required if cid not in present]
    if not missing:
        return []
    return [_at(content.sources["deliverables/mo-plan.yaml"], ("change_types",),
                "has no method for " + "; ".join(missing) + f" (expected all {len(required)} "
                "change types the program's vocabulary requires)")]


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
        doc = content.by_kind.get(record.deliverable)
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
    if f.period_end and f.period_start and f.period_end <= f.period_start:
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


def _vocabulary(content: Content) -> list[Problem]:
    """Values from the program's vocabularies (adopted preset plus its own additions)."""
    v = content.program.vocab
    d = content.deliverables
    checks: list[tuple[str, str, Any, Any]] = [
        ("organisations.yaml", "organisation_kinds", v.organisation_kinds,
         [(("organisations", i, "kind"), o.kind) for i, o in enumerate(content.organisations)]),
        ("deliverables/charter.yaml", "funding_vehicles", v.funding_vehicles,
         [(("funding", "sources", i, "vehicle"), s.vehicle)
          for i, s in enumerate(d["charter"].funding.sources)]
         + [(("funding", "additional_requests", i, "vehicle"), r.vehicle)
            for i, r in enumerate(d["charter"].funding.additional_requests)]),
        ("deliverables/governance.yaml", "agreement_kinds", v.agreement_kinds,
         [(("agreements", i, "kind"), a.kind) for i, a in enumerate(d["governance"].agreements)]),
        ("deliverables/risk.yaml", "risk_categories", v.risk_categories,
         [(("risks", i, "category"), r.category) for i, r in enumerate(d["risk"].risks)]),
    ]
    problems = []
    for rel, name, allowed, values in checks:
        for path, value in values:
            if value not in allowed:
                problems.append(_at(content.sources[rel], path, f"'{value}' is not in the "
                                    f"program's {name.replace('_', ' ')} (expected one of: "
                                    f"{', '.join(allowed) or 'none'}; add it under program.yaml "
                                    f"vocabularies.{name})"))
    return problems


def _either_or(content: Content) -> list[Problem]:
    """Fields that accept an older single value or a newer list need one of the two."""
    problems = []
    src = content.sources["roles.yaml"]
    for i, r in enumerate(content.roles):
        if r.organisation and r.organisations:
            problems.append(_at(src, ("roles", i, "organisations"), "is given together with "
                                "`organisation` (expected one of the two)"))
        elif not r.all_organisations:
            problems.append(_at(src, ("roles", i), "has no organisation (expected `organisation` "
                                "or a list under `organisations`)"))
    gsrc = content.sources["deliverables/governance.yaml"]
    for i, dm in enumerate(content.deliverables["governance"].decision_makers):
        if not dm.authority and not dm.authorities:
            problems.append(_at(gsrc, ("decision_makers", i), "has no authority (expected "
                                "`authority` or a list under `authorities`)"))
    csrc = content.sources["deliverables/charter.yaml"]
    tr = content.deliverables["charter"].strategy.transition
    if not tr.primary_after_go_live and not tr.go_lives:
        problems.append(_at(csrc, ("strategy", "transition"), "names no one to go live "
                            "(expected `primary_after_go_live` or a list under `go_lives`)"))
    return problems


def _schedule(content: Content) -> list[Problem]:
    """Every milestone has a planned date, and no milestone depends on itself in a cycle."""
    plan = content.deliverables["mo-plan"]
    src = content.sources["deliverables/mo-plan.yaml"]
    problems = []
    for i, m in enumerate(plan.milestones):
        if m.planned is None:
            problems.append(_at(src, ("milestones", i), "has no date (expected `baseline`)"))
        if m.date and m.baseline:
            problems.append(_at(src, ("milestones", i, "date"), "is given together with "
                                "`baseline` (expected only `baseline`)"))
        if m.state == "complete" and m.actual is None and m.baseline is not None:
            problems.append(_at(src, ("milestones", i, "actual"), "is missing for a complete "
                                "milestone (expected the date it was reached)", "warning"))
    deps = {m.id: list(m.depends_on) for m in plan.milestones}
    for i, m in enumerate(plan.milestones):
        seen, stack = set(), list(m.depends_on)
        while stack:
            nxt = stack.pop()
            if nxt == m.id:
                problems.append(_at(src, ("milestones", i, "depends_on"), f"'{m.id}' depends on "
                                    "itself through its dependencies (expected no cycle)"))
                break
            if nxt not in seen:
                seen.add(nxt)
                stack += deps.get(nxt, [])
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
    try:
        return _branding_target_problem(root, rel, key, target)
    except OSError:  # a name too long for the file system, a permission problem
        return f"{rel!r} is not a usable file path (expected a path such as branding/logo.png)"


def _branding_target_problem(root: Path, rel: str, key: str, target: Path) -> str | None:
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
    doc = content.by_kind[kind].model_dump()
    return len(todo_warnings(doc, content.sources[f"deliverables/{kind}.yaml"]))
