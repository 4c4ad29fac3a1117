"""Where the project's templates live (top-level templates/, overridable for tests)."""

from __future__ import annotations

import os
from pathlib import Path


def templates_dir() -> Path:
    override = os.environ.get("PMODOCS_TEMPLATES")
    return Path(override) if override else Path(__file__).resolve().parents[2] / "templates"


MKDOCS_TEMPLATE = "site/mkdocs.yml.j2"


def template_text(rel: str) -> str:
    """A template's text (`rel` under the templates folder), for a writer that is given it."""
    return (templates_dir() / rel).read_bytes().decode("utf-8")


def site_assets() -> dict[str, bytes]:
    """Static files copied into site_src/ (stylesheet, sorting script), keyed by their path there."""
    folder = templates_dir() / "site" / "assets"
    return {f"assets/{f.name}": f.read_bytes() for f in sorted(folder.iterdir()) if f.is_file()}
