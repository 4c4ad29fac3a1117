"""A redline -> plain text for `pmodocs diff`: +/-/~ line markers and git's word-diff marks
(`[-removed-]`, `{+added+}`), so it reads without colour and pipes into other tools."""

from __future__ import annotations

from ..document import Table
from ..diff import BlockChange, Redline, RowChange, Spans, block_label, block_lines, sections

MARKER = {"ins": "+", "del": "-", "changed": "~", "same": " "}


def render_redline_text(red: Redline) -> str:
    """Every change under the heading it sits in; unchanged blocks and rows are left out."""
    found = sections(red)
    m = red.new.meta
    out = [f"{red.kind}: {m.title} ({m.number})",
           f"  approved: {red.approved_fingerprint[:12]}  {', '.join(red.approvals) or 'no decision recorded'}",
           f"  current:  {m.short_fingerprint}  version {m.version}, {red.date.isoformat()}, {red.author}",
           f"  {len(found)} change{'s' if len(found) != 1 else ''}; "
           "[-removed text-] {+added text+}", ""]
    for where, change in found:
        out.append(f"{MARKER[change.op]} {where}: {block_label(change.block)}")
        out += ["    " + line for line in _details(change)]
    return "\n".join(out) + "\n"


def spans_text(spans: Spans) -> str:
    return "".join(s.text if s.op == "same" else
                   (f"[-{s.text}-]" if s.op == "del" else f"{{+{s.text}+}}") for s in spans)


def _details(change: BlockChange) -> list[str]:
    if change.op in ("ins", "del"):
        return [f"{MARKER[change.op]} {line}" for line in block_lines(change.block)]
    if change.entries:
        lines = [f"~ {spans_text(change.text)}"] if _differs(change.text) else []
        lines += [f"~ Content fingerprint: {spans_text(change.caption)}"] if _differs(change.caption) else []
        for entry in change.entries:
            name = spans_text(entry.rows[0].cells[1]) if entry.rows else ""
            lines += [f"{MARKER[r.op]} {name}: {spans_text(r.cells[0])}: {spans_text(r.cells[1])}"
                      for r in entry.rows if r.op != "same"]
        return lines
    if isinstance(change.new, Table):
        caption = [f"~ caption: {spans_text(change.caption)}"] if len(change.caption) > 1 else []
        return caption + [_row(change.new.columns, r) for r in change.rows if r.op != "same"]
    if change.rows:
        return [f"{MARKER[r.op]} {spans_text(r.cells[0]) if r.cells else ''}" for r in change.rows]
    return [f"~ {spans_text(change.text)}"]


def _row(columns: tuple[str, ...], row: RowChange) -> str:
    """An added or removed row whole; a changed row by its first cell and the cells that changed."""
    if row.op != "changed":
        return f"{MARKER[row.op]} row: " + " | ".join(spans_text(c) for c in row.cells)
    changed = [f"{col}: {spans_text(c)}" for col, c in zip(columns, row.cells) if _differs(c)]
    return f"~ row {spans_text(row.cells[0])!s}: " + "; ".join(changed)


def _differs(spans: Spans) -> bool:
    return any(s.op != "same" for s in spans)
