"""The mkdocs configuration and site assets for a program's site."""

from __future__ import annotations

from ..model import Content
from ..paths import templates_dir


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
