"""The site's source files: Markdown pages, downloads, the meeting's .ics, assets, mkdocs.yml."""

from __future__ import annotations

import html
import re
from typing import Any

from ..document import Document
from ..model import Content
from ..paths import templates_dir
from ..facts import Facts

ICS_PATH = "downloads/launch-meeting.ics"
"""Where the launch meeting's calendar event lives under site_src/."""


def site_files(content: Content, docs: dict[str, Document], facts: Facts,
               redlines: dict | None = None) -> dict[str, bytes]:
    """site_src/ (pages, the meeting's .ics, assets) and mkdocs.yml, keyed by path under the
    output folder; the document downloads they link to are listed by `download_sources`.

    `redlines` (deliverable -> Redline) adds "Changes since approval" to those pages.
    """
    from ..compose.site import meeting_event, navigation, page_path, site_pages
    from .ics import render_ics
    from .markdown import render_document, render_page

    files: dict[str, bytes] = {}
    for kind, doc in docs.items():
        up = "../" * page_path(kind).count("/")
        downloads = {"Word (DOCX)": f"{up}downloads/{kind}.docx", "PDF": f"{up}downloads/{kind}.pdf"}
        if kind == "launch-agenda":
            downloads["Add to calendar (.ics)"] = up + ICS_PATH
        red = (redlines or {}).get(kind)
        if red is not None:
            downloads["Redline (DOCX)"] = f"{up}downloads/{kind}-redline.docx"
        files[f"site_src/{page_path(kind)}"] = render_document(doc, downloads, red).encode("utf-8")
    if "launch-agenda" in content.deliverables:
        product = f"{content.program.acronym} {content.program.labels.documents}"
        files[f"site_src/{ICS_PATH}"] = render_ics(meeting_event(content), product).encode("utf-8")
    for page in site_pages(content, facts):
        files[f"site_src/{page.path}"] = render_page(page).encode("utf-8")
    for rel, data in site_assets().items():
        files[f"site_src/{rel}"] = data
    files["mkdocs.yml"] = mkdocs_config(content, navigation(content)).encode("utf-8")
    return files


def download_sources(docs: dict[str, Document], redlines: dict | None = None,
                     packets: list[str] | tuple[str, ...] = ()) -> dict[str, str]:
    """site_src/downloads/<file> -> the dist/ file it is a copy of, for every page's downloads
    (and each signatory's packet zip, which the "Who signs what" page links)."""
    out = {f"site_src/downloads/packets/{person}.zip": f"dist/packets/{person}.zip"
           for person in packets}
    for kind in docs:
        out[f"site_src/downloads/{kind}.docx"] = f"dist/docx/{kind}.docx"
        out[f"site_src/downloads/{kind}.pdf"] = f"dist/pdf/{kind}.pdf"
    for kind in redlines or {}:
        out[f"site_src/downloads/{kind}-redline.docx"] = f"dist/redline/{kind}.docx"
    return out


def mkdocs_config(content: Content, nav: list[tuple[str, Any]]) -> str:
    """mkdocs.yml text: every value from the content passes through `tojson` (valid YAML)."""
    p = content.program
    return render_mkdocs_yml(f"{p.acronym} {p.labels.documents}", p.summary, p.department or "",
                             nav, p.language)


def render_mkdocs_yml(site_name: str, description: str, copyright: str,
                      nav: list[tuple[str, Any]], language: str) -> str:
    """mkdocs.yml from templates/site/mkdocs.yml.j2, for one program or a whole portfolio."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(str(templates_dir() / "site")), autoescape=False,
                      undefined=StrictUndefined, keep_trailing_newline=True)
    env.filters["tojson"] = yaml_quoted
    # mkdocs and mkdocs-material insert nav titles, the description and the copyright into
    # their HTML unescaped (they allow markup there), so content is HTML-escaped first.
    return env.get_template("mkdocs.yml.j2").render(
        site_name=site_name, site_description=html.escape(description),
        copyright=html.escape(copyright), nav=_escape_nav(nav),
        language=language.split("-")[0])


_YAML_UNSAFE = re.compile("[^\t\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe"
                          "\uff00-\ufffd\U00010000-\U0010ffff]")


def yaml_quoted(value: object) -> str:
    """A YAML double-quoted scalar that reads back as exactly `value`: JSON's escapes, but
    characters outside the Basic Multilingual Plane (emoji) stay as they are, because PyYAML
    (mkdocs' reader) turns a JSON surrogate pair into two lone surrogates; YAML line breaks
    (U+0085, U+2028, U+2029) and other non-printables are escaped, and <, >, &, ' as Jinja does."""
    import json

    text = json.dumps(str(value), ensure_ascii=False)
    text = _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("'", "\\u0027"))


def _escape_nav(nav: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """Nav entries with HTML-escaped titles; sections (title, [entries]) nest."""
    return [(html.escape(title), _escape_nav(target) if isinstance(target, list) else target)
            for title, target in nav]


def site_assets() -> dict[str, bytes]:
    """Static files copied into site_src/ (stylesheet, sorting script), keyed by their path there."""
    folder = templates_dir() / "site" / "assets"
    return {f"assets/{f.name}": f.read_bytes() for f in sorted(folder.iterdir()) if f.is_file()}
