"""A redline -> plain text for `pmodocs diff`: +/-/~ line markers and git's word-diff marks
(`[-removed-]`, `{+added+}`), so it reads without colour and pipes into other tools.

`redline_lines` gives the same text as lines of pieces, each removed or added word run marked as
such, so a terminal can colour them (`pmodocs diff`) without reading the text back."""

from __future__ import annotations

from ..document import Table
from ..diff import BlockChange, Redline, RowChange, Spans, block_label, block_lines, sections

MARKER = {"ins": "+", "del": "-", "changed": "~", "same": " "}

Piece = tuple[str, str]
"""(text, mark): mark "del" for a removed run (its text in `[-…-]`), "ins" for an added one
(`{+…+}`), "" for everything else."""
Line = list[Piece]


def render_redline_text(red: Redline) -> str:
    """Every change under the heading it sits in; unchanged blocks and rows are left out."""
    return "".join("".join(text for text, _ in line) + "\n" for line in redline_lines(red))


def redline_lines(red: Redline) -> list[Line]:
    """`render_redline_text`'s lines, as pieces that say which runs were removed or added."""
    found = sections(red)
    m = red.new.meta
    out: list[Line] = [
        _line(f"{red.kind}: {m.title} ({m.number})"),
        _line(f"  approved: {red.approved_fingerprint[:12]}  {', '.join(red.approvals) or 'no decision recorded'}"),
        _line(f"  current:  {m.short_fingerprint}  version {m.version}, {red.date.isoformat()}, {red.author}"),
        _line(f"  {len(found)} change{'s' if len(found) != 1 else ''}; ", [("[-removed text-]", "del")],
              " ", [("{+added text+}", "ins")]),
        []]
    for where, change in found:
        out.append(_line(f"{MARKER[change.op]} {where}: {block_label(change.block)}"))
        out += [_line("    ", line) for line in _details(change)]
    return out


def spans_text(spans: Spans) -> str:
    return "".join(text for text, _ in _pieces(spans))


def _pieces(spans: Spans) -> Line:
    return [(s.text, "") if s.op == "same" else
            ((f"[-{s.text}-]", "del") if s.op == "del" else (f"{{+{s.text}+}}", "ins")) for s in spans]


def _line(*parts: str | Line) -> Line:
    """One line from plain text and marked pieces, in order."""
    out: Line = []
    for part in parts:
        out += [(part, "")] if isinstance(part, str) else part
    return out


def _details(change: BlockChange) -> list[Line]:
    if change.op in ("ins", "del"):
        return [_line(f"{MARKER[change.op]} {line}") for line in block_lines(change.block)]
    if change.entries:
        lines = [_line("~ ", _pieces(change.text))] if _differs(change.text) else []
        lines += [_line("~ Content fingerprint: ", _pieces(change.caption))] if _differs(change.caption) else []
        for entry in change.entries:
            name = _pieces(entry.rows[0].cells[1]) if entry.rows else []
            lines += [_line(f"{MARKER[r.op]} ", name, ": ", _pieces(r.cells[0]), ": ", _pieces(r.cells[1]))
                      for r in entry.rows if r.op != "same"]
        return lines
    if isinstance(change.new, Table):
        caption = [_line("~ caption: ", _pieces(change.caption))] if len(change.caption) > 1 else []
        return caption + [_row(change.new.columns, r) for r in change.rows if r.op != "same"]
    if change.rows:
        return [_line(f"{MARKER[r.op]} ", _pieces(r.cells[0]) if r.cells else []) for r in change.rows]
    return [_line("~ ", _pieces(change.text))]


def _row(columns: tuple[str, ...], row: RowChange) -> Line:
    """An added or removed row whole; a changed row by its first cell and the cells that changed."""
    if row.op != "changed":
        cells: Line = []
        for i, c in enumerate(row.cells):
            cells += _line(" | " if i else "", _pieces(c))
        return _line(f"{MARKER[row.op]} row: ", cells)
    changed: Line = []
    for col, c in zip(columns, row.cells):
        if _differs(c):
            changed += _line("; " if changed else "", f"{col}: ", _pieces(c))
    return _line("~ row ", _pieces(row.cells[0]), ": ", changed)


def _differs(spans: Spans) -> bool:
    return any(s.op != "same" for s in spans)
