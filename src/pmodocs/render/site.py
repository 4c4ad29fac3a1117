"""The mkdocs configuration and site assets for a program's site."""

from __future__ import annotations

from ..document import Document
from ..model import Content
from ..paths import templates_dir
from ..signoff import Signoff


def site_files(content: Content, docs: dict[str, Document], signoffs: dict[str, Signoff],
               documents: dict[str, bytes]) -> dict[str, bytes]:
    """site_src/ (pages, downloads, assets) and mkdocs.yml, keyed by path under the output folder.

    `documents` holds the already rendered dist/ files, copied into the site as downloads.
    """
    from ..compose.site import navigation, page_path, site_pages
    from .markdown import render_document, render_page

    files: dict[str, bytes] = {}
    for rel, data in documents.items():
        if rel.startswith(("dist/docx/", "dist/pdf/")):
            files[f"site_src/downloads/{rel.rsplit('/', 1)[1]}"] = data
    for kind, doc in docs.items():
        up = "../" * page_path(kind).count("/")
        downloads = {"Word (DOCX)": f"{up}downloads/{kind}.docx", "PDF": f"{up}downloads/{kind}.pdf"}
        files[f"site_src/{page_path(kind)}"] = render_document(doc, downloads).encode("utf-8")
    for page in site_pages(content, signoffs):
        files[f"site_src/{page.path}"] = render_page(page).encode("utf-8")
    for rel, data in site_assets().items():
        files[f"site_src/{rel}"] = data
    files["mkdocs.yml"] = mkdocs_config(content, navigation(content)).encode("utf-8")
    return files


def mkdocs_config(content: Content, nav: list[tuple[str, list[tuple[str, str]]]]) -> str:
    """mkdocs.yml text: every value from the content passes through `tojson` (valid YAML)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(str(templates_dir() / "site")), autoescape=False,
                      undefined=StrictUndefined, keep_trailing_newline=True)
    p = content.program
    return env.get_template("mkdocs.yml.j2").render(
        site_name=f"{p.acronym} M&O plans", site_description=p.summary,
        copyright=f"{p.department}", nav=nav, language=p.language.split("-")[0])


def site_assets() -> dict[str, bytes]:
    """Static files copied into site_src/ (stylesheets), keyed by their path there."""
    folder = templates_dir() / "site" / "assets"
    return {f"assets/{f.name}": f.read_bytes() for f in sorted(folder.iterdir()) if f.is_file()}
