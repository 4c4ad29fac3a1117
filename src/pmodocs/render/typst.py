"""Document tree -> typst source, for the PDF engine.

The body goes through pandoc (tree -> pandoc AST -> pandoc's typst writer), so every piece of
content is escaped by pandoc; page furniture (title page, running header/footer, outline) comes
from templates/typst/deliverable.typ.j2, where every value is passed as a typst string literal.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..document import (
    ApprovalPage, Block, BulletList, Callout, Chart, Document, Heading, Paragraph, Table,
    column_weights, landscape_flags,
)
from ..errors import RenderError
from ..fonts import typst_families

_ATTR: list[Any] = ["", [], []]
PORTRAIT_CHARS, LANDSCAPE_CHARS = 95, 135
"""About how many characters of 8.5 pt table text fit across a Letter page."""
PANDOC_API = [1, 23, 1]
PORTRAIT_TEXT_IN = 6.25  # A4 text width; Letter is 6.5 in


def typst_str(value: object) -> str:
    """A typst string literal: content is data, never markup."""
    text = str(value)
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r").replace("\t", "\\t"))
    return f'"{escaped}"'


CHART_PX_PER_IN = 80
"""A chart is drawn at most at its own size at 80 px an inch (its labels then print at 9-11 pt),
never wider than the text nor taller than `max_height_in`."""


def chart_width_in(svg: str, max_width_in: float, max_height_in: float = 6.0) -> float:
    """How wide (inches) to draw a chart, from its SVG's viewBox."""
    found = re.search(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"', svg)
    if not found:
        return max_width_in
    width, height = float(found.group(1)), float(found.group(2))
    natural = width / CHART_PX_PER_IN
    limit = max_height_in * width / height if height else max_width_in
    return round(min(max_width_in, natural, limit), 3)


def typst_bytes(data: bytes) -> str:
    """A typst bytes value built from numbers only, so an image travels inside the source and
    the compiler reads no file."""
    return f"bytes(({', '.join(str(b) for b in data)},))"


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


TEMPLATE_NAME = "deliverable.typ.j2"


def typst_template() -> Path:
    """Where the page-furniture template is (PMODOCS_TEMPLATES may point at another folder)."""
    from ..paths import templates_dir

    return templates_dir() / "typst" / TEMPLATE_NAME


def render_typst(doc: Document, body: str, template: str, where: str = TEMPLATE_NAME) -> str:
    """The full typst source: our page furniture (the text of the Jinja `template`, named
    `where` in errors) around pandoc's body."""
    from jinja2 import Environment, StrictUndefined, TemplateError

    env = Environment(autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True)
    env.filters["typst"] = typst_str
    m = doc.meta
    lang, _, region = m.language.partition("-")
    try:
        return env.from_string(template).render(
            meta=m, lang=lang, region=region.lower(), body=body, fonts=typst_families(),
            paper="us-letter" if m.paper == "letter" else "a4",
            logo=typst_bytes(m.logo) if m.logo else None)
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        at = f"{where}:{line}" if line else where
        raise RenderError(f"template {at} could not be rendered for {m.id}: "
                          f"{exc.message or type(exc).__name__}") from None


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
        from .charts import chart_svg

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


LONG_ROW_LINES = 24
"""A row taller than about this many lines of table text (well under a page) may continue on the
next page; shorter rows stay whole, as in the DOCX (w:cantSplit)."""


def _row_cells(row: tuple[str, ...], weights: list[float], total: float, width: int) -> list[Any]:
    """The row's cells; a row too long for a page gets `breakable: true` cells, so typst carries
    the rest of it to the next page instead of cutting it off."""
    lines = max((sum(-(-len(part) // max(1, int(width * w / total) - 1)) or 1
                     for part in text.split("\n"))
                 for text, w in zip(row, weights)), default=0)
    cells = [_cell(c) for c in row]
    if lines > LONG_ROW_LINES:
        for cell in cells:
            cell[0] = ["", [], [["typst:breakable", "true"]]]
    return cells


def role_codes(names: tuple[str, ...] | list[str]) -> list[str]:
    """Short unique codes for role names, the initials of their words ("Executive Sponsor
    (Customer)" -> "ESC", "IV&V Lead" -> "IL"), numbered when two roles share initials."""
    import re

    codes: list[str] = []
    for name in names:
        words = re.findall(r"[A-Za-z0-9][A-Za-z0-9&]*", name)
        code = "".join(wd[0].upper() for wd in words)[:4] or "R"
        base, n = code, 2
        while code in codes:
            code, n = f"{base}{n}", n + 1
        codes.append(code)
    return codes


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
