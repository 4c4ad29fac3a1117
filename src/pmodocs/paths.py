"""Where the project's templates live (top-level templates/, overridable for tests)."""

from __future__ import annotations

import os
from pathlib import Path


def templates_dir() -> Path:
    override = os.environ.get("PMODOCS_TEMPLATES")
    return Path(override) if override else Path(__file__).resolve().parents[2] / "templates"
