"""Document tree -> typst source, for the PDF engine.

The body is typst markup in which every piece of content is a typst string literal, so no
character of the content is ever read as markup; page furniture (title page, running header/footer, outline) comes
from templates/typst/deliverable.typ.j2, where every value is passed as a typst string literal.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from ..document import (
    ApprovalPage, Block, BulletList, Callout, Chart, Document, Heading, Paragraph, Table,
    column_weights, landscape_flags,
)
from ..errors import RenderError
from ..fonts import typst_families

PORTRAIT_CHARS, LANDSCAPE_CHARS = 95, 135
"""About how many characters of 8.5 pt table text fit across a Letter page."""
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


def typst_body(doc: Document) -> str:
    """The document body as typst markup. Every piece of content is a typst string literal
    (`#"..."`), so no character of it is markup; only the layout around it is generated here."""
    parts: list[str] = []
    landscape = False
    for block, wide in zip(doc.blocks, landscape_flags(doc.blocks)):
        if wide != landscape:
            parts.append(f"#set page(flipped: {'true' if wide else 'false'})")
            landscape = wide
        parts += _block(block)
    return "".join(part + "\n\n" for part in parts)


TEMPLATE_NAME = "deliverable.typ.j2"


def typst_template() -> Path:
    """Where the page-furniture template is (PMODOCS_TEMPLATES may point at another folder)."""
    from ..paths import templates_dir

    return templates_dir() / "typst" / TEMPLATE_NAME


def render_typst(doc: Document, body: str, template: str, where: str = TEMPLATE_NAME) -> str:
    """The full typst source: our page furniture (the text of the Jinja `template`, named
    `where` in errors) around the body."""
    from jinja2 import TemplateError

    m = doc.meta
    lang, _, region = m.language.partition("-")
    try:
        return _compiled(template).render(
            meta=m, lang=lang, region=region.lower(), body=body, fonts=typst_families(),
            paper="us-letter" if m.paper == "letter" else "a4",
            logo=typst_bytes(m.logo) if m.logo else None)
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        at = f"{where}:{line}" if line else where
        raise RenderError(f"template {at} could not be rendered for {m.id}: "
                          f"{exc.message or type(exc).__name__}") from None


@functools.lru_cache(maxsize=4)
def _compiled(template: str) -> Any:
    """The Jinja template of this text, compiled once (compiling it was half the time of making
    a document's typst source); a template that does not compile raises each time it is asked
    for. Jinja templates render from several threads at once."""
    from jinja2 import Environment, StrictUndefined

    env = Environment(autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True)
    env.filters["typst"] = typst_str
    return env.from_string(template)


_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
"""Every character some reader takes as a line break: each becomes a typst `linebreak()`
between string literals, never a raw break (typst would start a new line there)."""


def _text(text: str) -> str:
    """Content as typst markup that shows exactly `text`: string literals joined by line breaks,
    a tab shown as a space (as Word and the site show it). Nothing after an `#"..."` continues the
    expression: the callers end it with `]`, a line end or another `#`."""
    return "#linebreak()".join(f"#{typst_str(line.replace(chr(9), ' '))}" if line else ""
                               for line in _BREAKS.split(text))


def _content(text: str) -> str:
    """A content block `[...]` showing `text`."""
    return f"[{_text(text)}]"


def _block(block: Block) -> list[str]:
    if isinstance(block, Heading):
        return ["=" * min(block.level, 3) + " " + _text(block.text)]
    if isinstance(block, Paragraph):
        return [_text(block.text)]
    if isinstance(block, BulletList):
        mark = "+" if block.numbered else "-"
        return ["\n".join(f"{mark} {_text(item)}" for item in block.items)]
    if isinstance(block, Table):
        return [_table(block)]
    if isinstance(block, Callout):
        return [f"#strong{_content(block.title + ':')} {_text(block.text)}"]
    if isinstance(block, Chart):
        from .charts import chart_svg

        svg = chart_svg(block)
        width = chart_width_in(svg, PORTRAIT_TEXT_IN)
        return [f"#figure(image(bytes({typst_str(svg)}), format: \"svg\", "
                f"alt: {typst_str(block.alt)}, width: {width}in), "
                f"caption: {typst_str(block.caption)})"]
    if isinstance(block, ApprovalPage):
        return _approval(block)
    raise TypeError(f"no typst writer for {type(block).__name__}")


def _percent(share: float) -> str:
    """A column's share of the width: 0.28571 -> "28.57%"."""
    return f"{round(share * 100, 2):g}%"


def _table(t: Table, markup: dict[tuple[int, int], str] | None = None) -> str:
    """A captioned table figure (the caption above it, the header row repeated on every page);
    `markup` gives the typst of some cells (row, column) in place of their text."""
    weights = column_weights(t, LANDSCAPE_CHARS if t.wide else PORTRAIT_CHARS)
    total = sum(weights)
    width = LANDSCAPE_CHARS if t.wide else PORTRAIT_CHARS
    lines = ["#figure(", "  align(center)[#table(",
             f"    columns: ({', '.join(_percent(w / total) for w in weights)}),",
             f"    align: ({'auto,' * len(weights)}),",
             f"    table.header({''.join(_content(c) + ', ' for c in t.columns).rstrip()}),",
             "    table.hline(),"]
    for r, row in enumerate(t.rows):
        cells = _row_cells(row, weights, total, width)
        for (at_row, column), cell in (markup or {}).items():
            if at_row == r:
                cells[column] = cell
        lines.append("    " + " ".join(cell + "," for cell in cells))
    lines.append("  )]")
    if t.caption:
        lines.append(f"  , caption: {_content(t.caption)}")
    lines += ["  , kind: table", "  )"]
    return "\n".join(lines)


LONG_ROW_LINES = 24
"""A row taller than about this many lines of table text (well under a page) may continue on the
next page; shorter rows stay whole, as in the DOCX (w:cantSplit)."""


def row_lines(row: tuple[str, ...], weights: list[float], total: float, width: int) -> int:
    """About how many lines of table text the row's tallest cell takes (`width` characters
    across the table, shared by the columns' `weights`)."""
    return max((sum(-(-len(part) // max(1, int(width * w / total) - 1)) or 1
                    for part in text.split("\n"))
                for text, w in zip(row, weights)), default=0)


def _row_cells(row: tuple[str, ...], weights: list[float], total: float, width: int) -> list[str]:
    """The row's cells; a row too long for a page gets `breakable: true` cells, so typst carries
    the rest of it to the next page instead of cutting it off."""
    cells = [_content(c) for c in row]
    if row_lines(row, weights, total, width) > LONG_ROW_LINES:
        return [f"table.cell(breakable: true){cell}" for cell in cells]
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


SIGNATURE_LABEL = "pmodocs-signature"
"""The label of the metadata that tells where each approver's signature line was laid out."""
SIGNATURE_LINE = "_" * 40


def _approval(page: ApprovalPage) -> list[str]:
    parts = ["#pagebreak(weak: true)", "= " + _text(page.title), _text(page.statement),
             _text(f"Content fingerprint: {page.fingerprint}")]
    for e in page.entries:
        rows = [("Name", e.name), ("Title", e.title), ("Organisation", e.organisation),
                ("Decision", e.decision), ("Date", e.date or "________________"),
                ("Signature", "\n\n\n" + SIGNATURE_LINE), ("Comment", e.comment or "")]
        # three blank lines above the signature line: room for the signature field placed
        # over it after compiling (sigfields.py), at the place the marker reports
        parts.append(_table(Table(f"Approver: {e.name}", ("Field", "Entry"), tuple(rows), (1, 3)),
                            {(5, 1): "[" + "#linebreak()" * 3 + _signature_mark(e.person) + "]"}))
    return parts


def _signature_mark(person: str) -> str:
    """The signature line in a box, with metadata giving the person, the page and the point
    (x, y from the top left, in pt) where the line starts on its baseline: the box's top left
    plus the height of its text. It draws nothing: the PDF is the same with it or without."""
    line = f"#{typst_str(SIGNATURE_LINE)}"
    return (f"#box[#context [#metadata((person: {typst_str(person)}, page: here().page(), "
            f"x: here().position().x / 1pt, y: (here().position().y + measure[{line}].height) "
            f"/ 1pt))<{SIGNATURE_LABEL}>]{line}]")
