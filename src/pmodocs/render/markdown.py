"""Document tree -> Markdown pages for mkdocs-material.

All content text is escaped twice over: HTML-escaped (so `<script>` is text) and, outside raw
HTML blocks, backslash-escaped for Markdown (so `[x](javascript:...)` is not a link).
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from ..document import (
    ApprovalPage, Block, BulletList, Callout, CardGrid, Chart, Document, Heading, Meter, Page,
    Paragraph, Table,
)

if TYPE_CHECKING:
    from ..diff import BlockChange, Redline, RowChange, Spans

# Exactly Python-Markdown's escapable characters: escaping any other would print a backslash.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!])")
_LEADING_BLANKS = re.compile(r"^[ \t]+|(?<=\n)[ \t]+")
STATE_CLASS = {
    "draft": "draft", "in review": "review", "approved": "approved", "rejected": "rejected",
    "changed since approval": "changed",
}
SORTABLE = {"risk-register", "inventory", "change-requests", "people", "role-holders", "qasp",
            "key-decisions", "milestones"}
"""Table kinds long enough that a reader wants to sort them (assets/pmodocs.js does it)."""
BADGE_COLUMNS: dict[str, dict[str, str]] = {
    "Approval state": STATE_CLASS,
    "Met": {"Yes": "approved", "No": "rejected"},
}
"""Columns whose cells are states: shown as a badge, the word itself stays the text."""


def md_text(text: str) -> str:
    """Escape text for a Markdown paragraph, list item or heading."""
    escaped = html.escape(text, quote=False)
    escaped = _MD_SPECIAL.sub(r"\\\1", escaped)
    # Leading blanks as character references: four spaces or a tab would make a code block
    # (showing the escapes above as text), fewer would still shift a list item's nesting.
    escaped = _LEADING_BLANKS.sub(lambda m: m.group().replace(" ", "&#32;").replace("\t", "&#9;"),
                                  escaped)
    return escaped.replace("\n", "<br>")


def html_text(text: str) -> str:
    """Escape text for use inside a raw HTML block (Markdown is not processed there)."""
    return html.escape(text, quote=True).replace("\n", "<br>")


def badge(state: str) -> str:
    return (f'<span class="pm-badge pm-badge--{STATE_CLASS.get(state, "draft")}">'
            f"{html_text(state)}</span>")


def render_document(doc: Document, downloads: dict[str, str], redline: Redline | None = None,
                    tags: tuple[str, ...] = ()) -> str:
    """A deliverable page: title, state, download links, what changed since approval (when it
    did), then every block."""
    m = doc.meta
    out = [
        "---", *_tags(tags), f"title: {_yaml_str(m.title)}", *_register_front_matter(doc), "---", "",
        f"# {md_text(m.title)}", "",
        f'<p class="pm-docline">{html_text(m.number)} · version {html_text(m.version)} · '
        f"{badge(m.approval_state)} · fingerprint <code>{html_text(m.short_fingerprint)}</code></p>",
        "",
    ]
    if downloads:
        links = " ".join(f'<a class="md-button" href="{html_text(href)}">{html_text(label)}</a>'
                         for label, href in downloads.items())
        out += [f'<p class="pm-downloads">{links}</p>', ""]
    if redline is not None:
        out += changes_section(redline)
    out += _blocks(doc.blocks, base_level=2)
    return "\n".join(out).rstrip() + "\n"


REGISTER_COLUMNS = 6
"""A page holding a table this wide (or a landscape one) is a register page: no table of contents
beside it, so the table gets the page's full width."""


def _register_front_matter(doc: Document) -> list[str]:
    if any(t.wide or len(t.columns) >= REGISTER_COLUMNS for t in doc.tables()):
        return ["hide:", "  - toc"]
    return []


def render_page(page: Page, tags: tuple[str, ...] = ()) -> str:
    """A site page: its blocks may include site-only ones (card grids, progress meters)."""
    out = ["---", *_tags(tags), f"title: {_yaml_str(page.title)}", "---", "",
           f"# {md_text(page.title)}", ""]
    if page.links:
        out += [f"- [{md_text(l.text)}]({l.href})" for l in page.links] + [""]
    for block in page.blocks:
        if isinstance(block, CardGrid):
            out += card_grid(block) + [""]
        elif isinstance(block, Meter):
            out += [meter(block), ""]
        else:
            out += _block(block, 2) + [""]
    return "\n".join(out).rstrip() + "\n"


def card_grid(grid: CardGrid) -> list[str]:
    """mkdocs-material grid cards (md_in_html): titles are Markdown links, so mkdocs checks them."""
    out = ['<div class="grid cards pm-cards" markdown>', ""]
    for card in grid.cards:
        out.append(f"-   **[{md_text(card.title)}]({card.href})**")
        lines = [md_text(line) for line in card.lines] + ([badge(card.state)] if card.state else [])
        if lines:
            out += ["", "    ---", "", "    " + "<br>".join(lines)]
        out.append("")
    return out + ["</div>"]


def meter(m: Meter) -> str:
    """A progress bar whose numbers are also text (and ARIA values) for those who cannot see it."""
    share = 0.0 if m.total <= 0 else max(0.0, min(1.0, m.done / m.total))
    return (f'<div class="pm-meter"><div class="pm-meter__label"><strong>{html_text(m.label)}'
            f"</strong> <span>{html_text(m.text)}</span></div>"
            f'<div class="pm-meter__bar" role="progressbar" aria-label="{html_text(m.label)}" '
            f'aria-valuemin="0" aria-valuemax="{_decimal(m.total)}" '
            f'aria-valuenow="{_decimal(m.done)}" '
            f'aria-valuetext="{html_text(m.text)}"><span style="width: {share * 100:.1f}%">'
            "</span></div></div>")


def _decimal(number: float) -> str:
    """A plain decimal for an ARIA value ("6300000", "12.5"; never "6.3e+06", which is invalid)."""
    text = f"{number:.6f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def _tags(tags: tuple[str, ...]) -> list[str]:
    """Front matter for the page's tags: mkdocs-material shows a page's tags under each of its
    search results, so in a portfolio every result names its program. (Material's search script
    writes tags as text, so a tag is not HTML-escaped; JSON quoting keeps it a YAML string.)"""
    import json

    return ["tags:", *(f"  - {json.dumps(tag, ensure_ascii=False)}" for tag in tags)] if tags else []


def _yaml_str(text: str) -> str:
    """A front-matter title: mkdocs-material puts page titles into <title> and the header
    unescaped, so the title is HTML-escaped here (the browser shows the text as typed)."""
    import json

    return json.dumps(html.escape(text, quote=True), ensure_ascii=False)


def _blocks(blocks: tuple[Block, ...], base_level: int) -> list[str]:
    out: list[str] = []
    for block in blocks:
        out += _block(block, base_level) + [""]
    return out


def _block(block: Block, base: int) -> list[str]:
    if isinstance(block, Heading):
        return ["#" * min(6, block.level + base - 1) + " " + md_text(block.text)]
    if isinstance(block, Paragraph):
        return [md_text(block.text)]
    if isinstance(block, BulletList):
        marker = "1." if block.numbered else "-"
        return [f"{marker} {md_text(item)}" for item in block.items]
    if isinstance(block, Table):
        return [table_html(block)]
    if isinstance(block, Callout):
        return [f'<div class="admonition {block.kind}"><p class="admonition-title">'
                f"{html_text(block.title)}</p><p>{html_text(block.text)}</p></div>"]
    if isinstance(block, Chart):
        from .charts import chart_svg

        # The SVG carries role="img", <title> and <desc>; the figure adds the visible caption.
        # On a phone a chart keeps its own size (its labels stay legible) and scrolls sideways
        # in a focusable, labelled region.
        return [f'<figure class="pm-chart"><div class="pm-chart__scroll" role="region" '
                f'aria-label="{html_text(block.caption)}" tabindex="0">{chart_svg(block)}</div>'
                f"<figcaption>{html_text(block.caption)}</figcaption></figure>"]
    if isinstance(block, ApprovalPage):
        return _approval(block)
    raise TypeError(f"no Markdown writer for {type(block).__name__}")


def table_html(table: Table) -> str:
    """A table with classes the stylesheet and script key on: kind, highlighted rows, sorting."""
    head = " ".join(f'<th scope="col">{html_text(c)}</th>' for c in table.columns)
    # Cells and rows are separated by a space: the search index reads the HTML's text, and
    # without it "open" and "r-04" from neighbouring cells become one word.
    body = " ".join(
        ('<tr class="pm-row--attention">' if n in table.highlight else "<tr>")
        + " ".join(_cell(table, col, c) for col, c in zip(table.columns, row)) + "</tr>"
        for n, row in enumerate(table.rows))
    kind = f" pm-table--{table.kind}" if table.kind else ""
    sortable = ' data-sortable="true"' if table.kind in SORTABLE else ""
    stack = _stack_class(len(table.columns)) if table.kind != "raci" else ""
    return table_region(f"pm-table{kind}{stack}", table.caption,
                        f"<table{sortable}><caption>{html_text(table.caption)}</caption>"
                        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


STACK_COLUMNS = 4
"""Tables with at least this many columns become stacked records on a phone (pmodocs.css); the
RACI matrix stays a matrix (its activity column and role header stay in view as it scrolls)."""
_NOWRAP = re.compile(r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?|[-+]?\$[\d,.]+[kKmM]?|"
                     r"[-+]?[\d,.]+ ?%?|[A-Za-z]{0,6}-?\d[\w.-]{0,10}")
"""Cells that must not wrap: dates, money, numbers and short ids (`r-04`, `bc-31`, `1.2.3`)."""


LONG_CELL = 60
"""A cell longer than this gets room for whole phrases (pm-long: at least 16em) rather than a
word a line; the table then scrolls sideways in its region."""


def table_region(classes: str, caption: str, table: str) -> str:
    """The scroll box around a table: a labelled region a keyboard can focus and scroll."""
    return (f'<div class="{classes}" role="region" aria-label="{html_text(caption)}" '
            f'tabindex="0">{table}</div>')


def _stack_class(columns: int) -> str:
    return " pm-table--stack" if columns >= STACK_COLUMNS else ""


def _td(column: str, text: str, inner: str | None = None, classes: str = "") -> str:
    """A body cell carrying its column name (shown before it when a table is stacked)."""
    if _NOWRAP.fullmatch(text) or (len(text) <= 16 and not any(c.isspace() for c in text)):
        classes = (classes + " pm-nowrap").strip()
    elif len(text) > LONG_CELL:
        classes = (classes + " pm-long").strip()
    cls = f' class="{classes}"' if classes else ""
    return f'<td data-label="{html_text(column)}"{cls}>{html_text(text) if inner is None else inner}</td>'


def _cell(table: Table, column: str, text: str) -> str:
    """A body cell: state columns get a badge, RACI letters a class per letter."""
    states = BADGE_COLUMNS.get(column)
    if states and text in states:
        return _td(column, text, f'<span class="pm-badge pm-badge--{states[text]}">'
                                 f"{html_text(text)}</span>")
    if table.kind == "raci" and text and re.fullmatch(r"[A-Z/]{1,3}", text):
        letters = text.replace("/", "").lower()
        return _td(column, text, classes=f"pm-raci pm-raci--{letters}")
    return _td(column, text)


def _approval(page: ApprovalPage) -> list[str]:
    columns = ("Name", "Title", "Organisation", "Decision", "Date", "Comment")
    rows = "".join(
        "<tr>" + " ".join(_td(c, v) for c, v in zip(columns, (
            e.name, e.title, e.organisation, e.decision, e.date or "—", e.comment or "—")))
        + "</tr>" for e in page.entries)
    head = " ".join(f'<th scope="col">{c}</th>' for c in columns)
    return ["## " + md_text(page.title), "", md_text(page.statement), "",
            f"Content fingerprint: <code>{html_text(page.fingerprint)}</code>", "",
            table_region("pm-table pm-table--approval pm-table--stack", "Approval record",
                         "<table><caption>Approval record</caption>"
                         f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")]


# --- changes since approval -------------------------------------------------------------------

CHANGE_WORDS = {"ins": "added", "del": "removed", "changed": "changed"}
"""Each change is named in words as well as marked, so it reads without colour or styles."""


def changes_section(red: Redline) -> list[str]:
    """"Changes since approval": every change, under the heading it sits in, marked as inserted
    (<ins>, "[added]") or deleted (<del>, "[removed]")."""
    from ..diff import sections

    found = sections(red)
    intro = (f"This content changed after it was approved by {', '.join(red.approvals) or 'its approvers'}"
             f" (fingerprint {red.approved_fingerprint[:12]}); approvers must decide again. "
             f"{len(found)} change{'s' if len(found) != 1 else ''} follow: added text is underlined "
             "and marked [added], removed text is struck through and marked [removed]. The redline "
             "DOCX shows the same changes as Word tracked changes.")
    out = ["## Changes since approval", "", f'<p class="pm-redline-intro">{html_text(intro)}</p>', ""]
    for where, change in found:
        out += [f'<div class="pm-redline pm-redline--{change.op}"><p class="pm-redline__where">'
                f"<strong>{html_text(CHANGE_WORDS[change.op].capitalize())}</strong> "
                f"{html_text(_label(change))} in “{html_text(where)}”</p>{_change_html(change)}</div>", ""]
    return out


def _label(change: BlockChange) -> str:
    from ..diff import block_label

    return block_label(change.block)


def spans_html(spans: Spans) -> str:
    """Text with <ins>/<del> around changed words, each with a visible [added]/[removed] label."""
    out = []
    for s in spans:
        if s.op == "same":
            out.append(html_text(s.text))
        else:
            out.append(f'<{s.op}><span class="pm-change-label">[{CHANGE_WORDS[s.op]}] </span>'
                       f"{html_text(s.text)}</{s.op}>")
    return "".join(out)


def _change_html(change: BlockChange) -> str:
    from ..diff import Span, block_lines

    if change.op in ("ins", "del"):
        return "".join(f"<p>{spans_html((Span(change.op, line),))}</p>"
                       for line in block_lines(change.block))
    if change.entries:
        rows = [(e.rows[0].cells[1], r) for e in change.entries for r in e.rows if r.op != "same"]
        moved = any(s.op != "same" for s in change.caption)  # only with no bookkeeping filter
        return (f"<p>{spans_html(change.text)}</p>"
                + (f"<p>Content fingerprint: {spans_html(change.caption)}</p>" if moved else "")
                + (_rows_table("Approval record", ("Name", "Field", "Value"),
                               [(r.op, (name, *r.cells)) for name, r in rows]) if rows else ""))
    if isinstance(change.new, Table):
        return _rows_table(change.new.caption, change.new.columns,
                           [(r.op, r.cells) for r in change.rows if r.op != "same"],
                           caption=spans_html(change.caption))
    if change.rows:
        items = "".join(f"<li>{_row_word(r)}{spans_html(r.cells[0] if r.cells else ())}</li>"
                        for r in change.rows)
        return f"<ul>{items}</ul>"
    return f"<p>{spans_html(change.text)}</p>"


def _row_word(row: RowChange) -> str:
    return "" if row.op == "same" else f"<strong>{CHANGE_WORDS[row.op]}:</strong> "


def _rows_table(title: str, columns: tuple[str, ...], rows: list[tuple[str, tuple]],
                caption: str | None = None) -> str:
    """Only the rows that changed, each with a first column saying how."""
    head = '<th scope="col">Change</th>' + "".join(f'<th scope="col">{html_text(c)}</th>' for c in columns)
    body = "".join(f'<tr class="pm-row--{op}"><td>{CHANGE_WORDS[op]}</td>'
                   + "".join(f"<td>{spans_html(c)}</td>" for c in cells) + "</tr>"
                   for op, cells in rows)
    return table_region("pm-table pm-table--redline", f"{title} (changed rows)",
                        f"<table><caption>{caption or html_text(title)} (changed rows)</caption>"
                        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
