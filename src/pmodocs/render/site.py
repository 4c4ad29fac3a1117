"""The site's source files from the composed site tree: Markdown pages, the meeting's .ics,
assets and mkdocs.yml. Everything is decided by compose/site.py; this only serialises it."""

from __future__ import annotations

import html
import re
from typing import Any, Mapping

from ..diff import Redline
from ..document import Site


def site_files(site: Site, redlines: Mapping[str, Redline], assets: Mapping[str, bytes],
               mkdocs_template: str) -> dict[str, bytes]:
    """site_src/ (pages, the calendar files, `assets`) and mkdocs.yml (from the template's
    text), keyed by path under the output folder; the document downloads the pages link to are
    listed by compose.site.download_sources.

    `redlines` (deliverable -> Redline) adds "Changes since approval" to those pages.
    """
    from .ics import render_ics
    from .markdown import render_document, render_page

    files: dict[str, bytes] = {}
    for page in site.deliverables:
        downloads = {link.text: link.href for link in page.downloads}
        files[f"site_src/{page.path}"] = render_document(
            page.document, downloads, redlines.get(page.kind), site.tags).encode("utf-8")
    for calendar in site.calendars:
        files[f"site_src/{calendar.path}"] = render_ics(calendar.event,
                                                        calendar.product).encode("utf-8")
    for other in site.pages:
        files[f"site_src/{other.path}"] = render_page(other, site.tags).encode("utf-8")
    for rel, data in assets.items():
        files[f"site_src/{rel}"] = data
    files["mkdocs.yml"] = mkdocs_config(site, mkdocs_template).encode("utf-8")
    return files


def mkdocs_config(site: Site, template: str) -> str:
    """mkdocs.yml text: every value from the content passes through `tojson` (valid YAML)."""
    return render_mkdocs_yml(template, site.name, site.description, site.copyright,
                             site.navigation, site.language)


def render_mkdocs_yml(template: str, site_name: str, description: str, copyright: str,
                      nav: list[tuple[str, Any]], language: str) -> str:
    """mkdocs.yml from the text of templates/site/mkdocs.yml.j2, for one program or a whole
    portfolio."""
    from jinja2 import Environment, StrictUndefined

    env = Environment(autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True)
    env.filters["tojson"] = yaml_quoted
    # mkdocs and mkdocs-material insert nav titles, the description and the copyright into
    # their HTML unescaped (they allow markup there), so content is HTML-escaped first.
    return env.from_string(template).render(
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
