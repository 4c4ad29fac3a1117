"""`pmodocs migrate`: rewrite content written for an older schema into today's shape.

Each migration step is a small function over a `Migration` (the content folder's YAML files,
read with ruamel's round-trip loader for positions) that queues line edits: rename a key,
remove a key, add a block. Edits touch only the lines concerned, so comments, quoting and the
layout of every other line stay exactly as written. Steps run in order, each on the result of
the previous ones; a step that finds nothing to do changes nothing, so migrating twice is the
same as migrating once.

To add a step, write `def step(m: Migration) -> None` and append `Step(name, summary, step)` to
`STEPS` (or call `register`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .errors import UsageError


@dataclass(frozen=True)
class Step:
    """One migration: a name for the report, what it does, and the function that does it."""

    name: str
    summary: str
    run: Callable[["Migration"], None]


@dataclass
class _Edit:
    start: int          # first line (0-based) replaced
    end: int            # one past the last line replaced
    lines: list[str]    # replacement lines (each ending in a newline)


@dataclass
class Migration:
    """The content folder being migrated: parsed files, queued edits and the change report."""

    root: Path
    changes: list[str] = field(default_factory=list)
    _texts: dict[str, str] = field(default_factory=dict)
    _edits: dict[str, list[_Edit]] = field(default_factory=dict)
    _data: dict[str, Any] = field(default_factory=dict)
    _touched: set[str] = field(default_factory=set)
    step: str = ""

    # --- reading ------------------------------------------------------------------------------
    def data(self, rel: str) -> Any:
        """The file's YAML as ruamel round-trip data (with line positions), or None if absent."""
        if rel not in self._data:
            path = self.root / rel
            if not path.is_file():
                return None
            from ruamel.yaml import YAML

            text = path.read_text(encoding="utf-8")
            self._texts[rel] = text
            try:
                self._data[rel] = YAML(typ="rt").load(text)
            except Exception as exc:  # ruamel's many error classes: one clean message
                raise UsageError(f"{path}: cannot be read as YAML ({type(exc).__name__}); fix it "
                                 "(`pmodocs check` shows where) before migrating") from None
        return self._data[rel]

    # --- editing ------------------------------------------------------------------------------
    def rename_key(self, rel: str, mapping: Any, old: str, new: str, why: str) -> None:
        """Rename `old` to `new` in place (same line, same value, same comments)."""
        line, col = mapping.lc.key(old)
        text = self._line(rel, line)
        if text[col:col + len(old)] != old:
            raise UsageError(f"{rel}:{line + 1}: cannot find key '{old}' to rename")
        self._queue(rel, _Edit(line, line + 1, [text[:col] + new + text[col + len(old):] + "\n"]))
        self._note(rel, line, why)

    def insert_after_key(self, rel: str, mapping: Any, key: str, text: str, why: str) -> None:
        """Add one `name: value` line after the block of `key`, at the same indentation."""
        line, col = mapping.lc.key(key)
        end = self._block_end(rel, line, col)
        self._queue(rel, _Edit(end, end, [" " * col + text + "\n"]))
        self._note(rel, end, why)

    def remove_key(self, rel: str, mapping: Any, key: str, why: str) -> None:
        """Remove `key` and its value (every line up to the next key or the mapping's end)."""
        line, col = mapping.lc.key(key)
        if mapping.fa.flow_style():  # {a: 1, key: 0, b: 2} on one line: cut the entry out
            text = self._line(rel, line)
            entry = re.compile(r"\s*" + re.escape(key) + r"\s*:\s*[^,}]*")
            found = entry.match(text, col)
            if not found:
                raise UsageError(f"{rel}:{line + 1}: cannot find key '{key}' to remove")
            start, stop = found.start(), found.end()
            before = text[:start].rstrip()
            after = text[stop:]
            if before.endswith(","):
                before = before[:-1]
            elif after.lstrip().startswith(","):
                after = after.lstrip()[1:]
            joined = before + (" " if after and not after.startswith((" ", "}")) else "") + after
            self._queue(rel, _Edit(line, line + 1, [joined + "\n"]))
        else:
            end = self._block_end(rel, line, col)
            self._queue(rel, _Edit(line, end, []))
        self._note(rel, line, why)

    def append_to_mapping(self, rel: str, mapping: Any, lines: list[str], why: str) -> None:
        """Add lines (already indented relative to the mapping's keys) after the mapping's last
        entry, at the indentation of its keys."""
        keys = list(mapping.keys())
        line, col = mapping.lc.key(keys[-1])
        end = self._block_end(rel, line, col)
        while end > line + 1 and not self._line(rel, end - 1).strip():
            end -= 1
        pad = " " * col
        self._queue(rel, _Edit(end, end, [pad + text + "\n" for text in lines]))
        self._note(rel, end, why)

    # --- internals ----------------------------------------------------------------------------
    def _lines(self, rel: str) -> list[str]:
        return self._texts[rel].splitlines(keepends=True)

    def _line(self, rel: str, n: int) -> str:
        lines = self._lines(rel)
        return lines[n].rstrip("\n") if n < len(lines) else ""

    def _block_end(self, rel: str, line: int, col: int) -> int:
        """One past the last line belonging to the key at (line, col): stops at the next line
        that is not blank and not more indented (comments at the key's level stay)."""
        lines = self._lines(rel)
        n = line + 1
        while n < len(lines):
            stripped = lines[n].strip()
            indent = len(lines[n]) - len(lines[n].lstrip(" "))
            if stripped and indent <= col:
                break
            n += 1
        while n > line + 1 and not lines[n - 1].strip():
            n -= 1
        return n

    def _queue(self, rel: str, edit: _Edit) -> None:
        self._edits.setdefault(rel, []).append(edit)

    def _note(self, rel: str, line: int, why: str) -> None:
        self.changes.append(f"{rel}:{line + 1}: {why} [{self.step}]")

    def _apply(self) -> None:
        """Apply the queued edits (bottom up, so line numbers stay valid) and re-read the files."""
        for rel, edits in self._edits.items():
            lines = self._lines(rel)
            for e in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
                if lines and not lines[-1].endswith("\n") and e.start >= len(lines):
                    lines[-1] += "\n"
                lines[e.start:e.end] = e.lines
            self._texts[rel] = "".join(lines)
            from ruamel.yaml import YAML

            self._data[rel] = YAML(typ="rt").load(self._texts[rel])
            self._touched.add(rel)
        self._edits.clear()

    def write(self) -> list[Path]:
        """Write every changed file atomically; returns the files written."""
        from .contentedit import write_changed

        return write_changed(self.root, {rel: self._texts[rel] for rel in self._touched})


# --- the steps ------------------------------------------------------------------------------------

def adopt_state_vocabulary(m: Migration) -> None:
    """Content written before vocabularies existed used the state M&O lists: say so explicitly."""
    data = m.data("program.yaml")
    program = data.get("program") if data else None
    if program is None or "vocabularies" in program:
        return
    m.append_to_mapping("program.yaml", program, [
        "# The vocabulary this content was written for (organisation kinds, funding vehicles,",
        "# risk categories, the seven required change types, and the words for parties and",
        "# phases). Change it to federal-m3 or none, or add your own values; see",
        "# docs/content-reference.md.",
        "vocabularies:",
        "  adopt: state-mo",
    ], "added vocabularies.adopt: state-mo (the vocabulary the older schema implied)")


def milestone_baseline(m: Migration) -> None:
    """A milestone's single `date` is its baseline date."""
    data = m.data("deliverables/mo-plan.yaml")
    for i, ms in enumerate((data or {}).get("milestones") or []):
        if hasattr(ms, "lc") and "date" in ms and "baseline" not in ms:
            m.rename_key("deliverables/mo-plan.yaml", ms, "date", "baseline",
                         f"milestones[{i}].date renamed to baseline (same date)")
            if ms.get("state") == "complete" and "actual" not in ms and not ms.fa.flow_style():
                m.insert_after_key("deliverables/mo-plan.yaml", ms, "date", f"actual: {ms['date']}",
                                   f"milestones[{i}].actual added: a complete milestone was "
                                   "reached on its date")


def _zero(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == 0


def drop_unfunded_measure(m: Migration) -> None:
    """A program with 0 authorised hours (or dollars) is not funded in that measure: remove the
    zero fields, so no document says "0 of 0 hours" or "blended hourly rate $0"."""
    charter = m.data("deliverables/charter.yaml")
    plan = m.data("deliverables/mo-plan.yaml") or {}
    funding = (charter or {}).get("funding")
    if funding is None or not hasattr(funding, "lc"):
        return
    cycles = plan.get("block_cycles") or []
    for measure, fields in (("hours", ("estimated_hours", "actual_hours")),
                            ("dollars", ("estimated_dollars", "actual_dollars"))):
        key = f"authorised_{measure}"
        if key not in funding or not _zero(funding[key]):
            continue
        if any(not _zero(c.get(measure)) for c in cycles if hasattr(c, "get")):
            continue
        others = [k for k in ("authorised_hours", "authorised_dollars")
                  if k != key and k in funding and not _zero(funding[k])]
        if not others and not funding.get("sources"):
            continue  # neither measure funded: leave it for the author to fix (check says so)
        m.remove_key("deliverables/charter.yaml", funding, key,
                     f"funding.{key} removed (0: the program is not funded in {measure})")
        if measure == "hours" and "blended_rate" in funding and _zero(funding["blended_rate"]):
            m.remove_key("deliverables/charter.yaml", funding, "blended_rate",
                         "funding.blended_rate removed (0, and the program buys no hours)")
        for i, cr in enumerate(plan.get("change_requests") or []):
            for f in fields:
                if hasattr(cr, "lc") and f in cr and _zero(cr[f]):
                    m.remove_key("deliverables/mo-plan.yaml", cr, f,
                                 f"change_requests[{i}].{f} removed (0, {measure} not funded)")


def drop_zero_blended_rate(m: Migration) -> None:
    """A blended hourly rate of 0 is never true: remove it."""
    charter = m.data("deliverables/charter.yaml")
    funding = (charter or {}).get("funding")
    if funding is not None and hasattr(funding, "lc") and "blended_rate" in funding \
            and _zero(funding["blended_rate"]):
        m.remove_key("deliverables/charter.yaml", funding, "blended_rate",
                     "funding.blended_rate removed (a rate of 0 is not a rate)")


STEPS: list[Step] = [
    Step("adopt-vocabulary", "name the vocabulary older content was written for",
         adopt_state_vocabulary),
    Step("milestone-baseline", "a milestone's single date becomes its baseline",
         milestone_baseline),
    Step("unfunded-measure", "remove zero hours or dollars a program is not funded in",
         drop_unfunded_measure),
    Step("zero-blended-rate", "remove a blended hourly rate of 0", drop_zero_blended_rate),
]
"""Every migration, in the order it runs."""


def register(step: Step, *, before: str | None = None) -> None:
    """Add a step (at the end, or before the step named `before`)."""
    names = [s.name for s in STEPS]
    if step.name in names:
        raise ValueError(f"a migration step named {step.name!r} already exists")
    STEPS.insert(names.index(before) if before else len(STEPS), step)


def migrate(root: Path, *, write: bool = True) -> tuple[list[str], list[Path]]:
    """Run every step over the content folder; returns (what changed, files written)."""
    if not (root / "program.yaml").is_file():
        raise UsageError(f"{root} has no program.yaml; point --content at a content folder")
    # approvals first: an old-scheme fingerprint is that of the file as it is now, before any
    # step below rewrites it; the composed-tree fingerprint it becomes survives those rewrites
    approvals: list[str] = []
    if write:
        from .migrate_approvals import carry_over_approvals

        approvals = carry_over_approvals(root)
    m = Migration(root)
    m.changes += approvals
    for step in STEPS:
        m.step = step.name
        step.run(m)
        m._apply()
    return m.changes, (m.write() if write else [])


def report(changes: list[str], written: list[Path], root: Path, dry_run: bool) -> str:
    """What the CLI prints."""
    if not changes:
        return f"{root}: already in the current shape; nothing to migrate"
    head = "would change" if dry_run else f"migrated {len(written)} file(s)"
    return "\n".join([f"{root}: {head}:", *[f"  {c}" for c in changes]])

