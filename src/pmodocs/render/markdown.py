"""Document tree -> Markdown pages for mkdocs-material.

All content text is escaped twice over: HTML-escaped (so `<script>` is text) and, outside raw
HTML blocks, backslash-escaped for Markdown (so `[x](javascript:...)` is not a link).
"""

from __future__ import annotations

import html
import re

from ..document import (
    ApprovalPage, Block, BulletList, Callout, Chart, Document, Heading, Page, Paragraph, Table,
)

# Exactly Python-Markdown's escapable characters: escaping any other would print a backslash.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!])")
STATE_CLASS = {
    "draft": "draft", "in review": "review", "approved": "approved", "rejected": "rejected",
    "changed since approval": "changed",
}


def md_text(text: str) -> str:
    """Escape text for a Markdown paragraph, list item or heading."""
    escaped = html.escape(text, quote=False)
    escaped = _MD_SPECIAL.sub(r"\\\1", escaped)
    return escaped.replace("\n", "<br>")


def html_text(text: str) -> str:
    """Escape text for use inside a raw HTML block (Markdown is not processed there)."""
    return html.escape(text, quote=True).replace("\n", "<br>")


def badge(state: str) -> str:
    return (f'<span class="pm-badge pm-badge--{STATE_CLASS.get(state, "draft")}">'
            f"{html_text(state)}</span>")


def render_document(doc: Document, downloads: dict[str, str]) -> str:
    """A deliverable page: title, state, download links, then every block."""
    m = doc.meta
    out = [
        "---", f"title: {_yaml_str(m.title)}", "---", "",
        f"# {md_text(m.title)}", "",
        f'<p class="pm-docline">{html_text(m.number)} · version {html_text(m.version)} · '
        f"{badge(m.approval_state)} · fingerprint <code>{html_text(m.short_fingerprint)}</code></p>",
        "",
    ]
    if downloads:
        links = " ".join(f'<a class="md-button" href="{html_text(href)}">{html_text(label)}</a>'
                         for label, href in downloads.items())
        out += [f'<p class="pm-downloads">{links}</p>', ""]
    out += _blocks(doc.blocks, base_level=2)
    return "\n".join(out).rstrip() + "\n"


def render_page(page: Page) -> str:
    out = ["---", f"title: {_yaml_str(page.title)}", "---", "", f"# {md_text(page.title)}", ""]
    if page.links:
        out += [f"- [{md_text(l.text)}]({l.href})" for l in page.links] + [""]
    out += _blocks(page.blocks, base_level=2)
    return "\n".join(out).rstrip() + "\n"


def _yaml_str(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


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
        return [f'<figure class="pm-chart" role="img" aria-label="{html_text(block.alt)}">'
                f"{block.svg}<figcaption>{html_text(block.caption)}</figcaption></figure>"]
    if isinstance(block, ApprovalPage):
        return _approval(block)
    raise TypeError(f"no Markdown writer for {type(block).__name__}")


def table_html(table: Table) -> str:
    head = "".join(f'<th scope="col">{html_text(c)}</th>' for c in table.columns)
    body = "".join("<tr>" + "".join(f"<td>{html_text(c)}</td>" for c in row) + "</tr>"
                   for row in table.rows)
    kind = f" pm-table--{table.kind}" if table.kind else ""
    return (f'<div class="pm-table{kind}"><table><caption>{html_text(table.caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")


def _approval(page: ApprovalPage) -> list[str]:
    rows = "".join(
        f"<tr><td>{html_text(e.name)}</td><td>{html_text(e.title)}</td>"
        f"<td>{html_text(e.organisation)}</td><td>{html_text(e.decision)}</td>"
        f"<td>{html_text(e.date or '—')}</td><td>{html_text(e.comment or '—')}</td></tr>"
        for e in page.entries)
    return ["## " + md_text(page.title), "", md_text(page.statement), "",
            f"Content fingerprint: <code>{html_text(page.fingerprint)}</code>", "",
            '<div class="pm-table pm-table--approval"><table><caption>Approval record</caption>'
            '<thead><tr><th scope="col">Name</th><th scope="col">Title</th>'
            '<th scope="col">Organisation</th><th scope="col">Decision</th>'
            '<th scope="col">Date</th><th scope="col">Comment</th></tr></thead>'
            f"<tbody>{rows}</tbody></table></div>"]
