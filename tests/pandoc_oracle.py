"""The test oracle for the typst writer: pandoc's typst writer, fed the pandoc AST that pmodocs
built before it wrote typst itself (the code of src/pmodocs/render/typst.py at 9b2d8d0).

The build no longer runs pandoc (one pandoc process per PDF was a tenth of a cold build); these
functions stay so a test can show that the PDFs are the ones pandoc's writer gives.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pypandoc

from pmodocs.document import (
    ApprovalPage, Block, BulletList, Callout, Chart, Document, Heading, Paragraph, Table,
    column_weights, landscape_flags,
)
from pmodocs.render.typst import (
    LANDSCAPE_CHARS, LONG_ROW_LINES, PORTRAIT_CHARS, PORTRAIT_TEXT_IN, chart_width_in, row_lines,
    typst_str,
)

_ATTR: list[Any] = ["", [], []]
PANDOC_API = [1, 23, 1]


def pandoc_body(doc: Document) -> str:
    """The document body as pandoc's typst writer writes it."""
    return pypandoc.convert_text(pandoc_ast(doc), "typst", format="json", extra_args=["--wrap=none"])


def pandoc_ast(doc: Document) -> str:
    """The document body as pandoc JSON; raw typst only for layout we generate ourselves."""
    blocks: list[Any] = []
    landscape = False
    for block, wide in zip(doc.blocks, landscape_flags(doc.blocks)):
        if wide != landscape:
            blocks.append(_raw(f"#set page(flipped: {'true' if wide else 'false'})"))
            landscape = wide
        blocks += _block(block)
    return json.dumps({"pandoc-api-version": PANDOC_API, "meta": {}, "blocks": blocks},
                      ensure_ascii=False)


def _raw(text: str) -> dict[str, Any]:
    return {"t": "RawBlock", "c": ["typst", text]}


_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
"""Every character some reader takes as a line break: each becomes a pandoc LineBreak, never a
raw break in a Str (typst would start a new line there, and `= x` or `- x` after it would be
a heading or a list)."""


_ENUM = re.compile(r"^(\s*\d+)\.")
"""`1. ` at the start of a line is a typst numbered list, and pandoc's writer does not escape it."""


def _inlines(text: str) -> list[Any]:
    out: list[Any] = []
    for i, line in enumerate(_BREAKS.split(text)):
        if i:
            out.append({"t": "LineBreak"})
        number = _ENUM.match(line)
        if number:  # the dot as escaped typst, so the number stays text
            out += [{"t": "Str", "c": number.group(1)}, {"t": "RawInline", "c": ["typst", "\\."]}]
            line = line[number.end():]
        if line:
            out += _literal_str(line)
    return out


_SHORTHAND = re.compile(r"-(?=[0-9?])|\.(?=\.\.)")
"""What typst markup would turn into other characters and pandoc leaves alone: `-` before a digit
(a minus sign, U+2212), `-?` (a soft hyphen) and `...` (an ellipsis)."""


def _literal_str(text: str) -> list[Any]:
    """A pandoc Str whose characters stay themselves in the PDF: typst shorthands are escaped, so
    "-0042" is found in the PDF's text as "-0042"."""
    out: list[Any] = []
    start = 0
    for match in _SHORTHAND.finditer(text):
        if match.start() > start:
            out.append({"t": "Str", "c": text[start:match.start()]})
        out.append({"t": "RawInline", "c": ["typst", "\\" + match.group()]})
        start = match.end()
    if start < len(text):
        out.append({"t": "Str", "c": text[start:]})
    return out


def _plain(text: str) -> list[Any]:
    return [{"t": "Plain", "c": _inlines(text)}]


def _cell(text: str) -> list[Any]:
    return [_ATTR, {"t": "AlignDefault"}, 1, 1, _plain(text)]


def _block(block: Block) -> list[Any]:
    if isinstance(block, Heading):
        return [{"t": "Header", "c": [min(block.level, 3), _ATTR, _inlines(block.text)]}]
    if isinstance(block, Paragraph):
        return [{"t": "Para", "c": _inlines(block.text)}]
    if isinstance(block, BulletList):
        items = [[{"t": "Plain", "c": _inlines(item)}] for item in block.items]
        if block.numbered:
            return [{"t": "OrderedList", "c": [[1, {"t": "Decimal"}, {"t": "Period"}], items]}]
        return [{"t": "BulletList", "c": items}]
    if isinstance(block, Table):
        return [_table(block)]
    if isinstance(block, Callout):
        return [{"t": "Para", "c": [{"t": "Strong", "c": _inlines(block.title + ":")},
                                    {"t": "Space"}, *_inlines(block.text)]}]
    if isinstance(block, Chart):
        from pmodocs.render.charts import chart_svg

        svg = chart_svg(block)
        width = chart_width_in(svg, PORTRAIT_TEXT_IN)
        return [_raw(f"#figure(image(bytes({typst_str(svg)}), format: \"svg\", "
                     f"alt: {typst_str(block.alt)}, width: {width}in), "
                     f"caption: {typst_str(block.caption)})")]
    if isinstance(block, ApprovalPage):
        return _approval(block)
    raise TypeError(f"no typst writer for {type(block).__name__}")


def _table(t: Table) -> dict[str, Any]:
    weights = column_weights(t, LANDSCAPE_CHARS if t.wide else PORTRAIT_CHARS)
    total = sum(weights)
    colspecs = [[{"t": "AlignDefault"}, {"t": "ColWidth", "c": w / total}] for w in weights]
    head = [_ATTR, [[_ATTR, [_cell(c) for c in t.columns]]]]
    width = LANDSCAPE_CHARS if t.wide else PORTRAIT_CHARS
    body = [[_ATTR, 0, [], [[_ATTR, _row_cells(row, weights, total, width)] for row in t.rows]]]
    caption = [None, [{"t": "Plain", "c": _inlines(t.caption)}]]
    attr = ["", ["wide"] if t.wide else [], []]
    return {"t": "Table", "c": [attr, caption, colspecs, head, body, [_ATTR, []]]}


def _row_cells(row: tuple[str, ...], weights: list[float], total: float, width: int) -> list[Any]:
    """The row's cells; a row too long for a page gets `breakable: true` cells, so typst carries
    the rest of it to the next page instead of cutting it off."""
    cells = [_cell(c) for c in row]
    if row_lines(row, weights, total, width) > LONG_ROW_LINES:
        for cell in cells:
            cell[0] = ["", [], [["typst:breakable", "true"]]]
    return cells


def _approval(page: ApprovalPage) -> list[Any]:
    blocks: list[Any] = [_raw("#pagebreak(weak: true)"),
                         {"t": "Header", "c": [1, _ATTR, _inlines(page.title)]},
                         {"t": "Para", "c": _inlines(page.statement)},
                         {"t": "Para", "c": _inlines(f"Content fingerprint: {page.fingerprint}")}]
    for e in page.entries:
        rows = [("Name", e.name), ("Title", e.title), ("Organisation", e.organisation),
                ("Decision", e.decision), ("Date", e.date or "________________"),
                ("Signature", "\n\n\n" + "_" * 40), ("Comment", e.comment or "")]
        # three blank lines above the signature line: room for the signature field placed
        # over it after compiling (sigfields.py)
        blocks.append(_table(Table(f"Approver: {e.name}", ("Field", "Entry"), tuple(rows), (1, 3))))
    return blocks
