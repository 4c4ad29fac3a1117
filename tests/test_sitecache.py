"""The site cache: a page's Markdown conversion is reused only when it is known to be clean."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pmodocs.engines import mkdocs_build
from pmodocs.errors import RenderError

CONFIG = """site_name: Cache test
docs_dir: docs
site_dir: site
use_directory_urls: false
theme:
  name: material
  font: false
nav:
  - Home: index.md
  - Other: other.md
validation:
  links:
    not_found: warn
    anchors: warn
"""


def site(root: Path, index: str, other: str = "# Other\n\n## Section two\n") -> Path:
    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    (root / "docs/index.md").write_text(index, encoding="utf-8")
    (root / "docs/other.md").write_text(other, encoding="utf-8")
    return root / "mkdocs.yml"


def pages(cache: Path) -> dict[str, dict]:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in (cache / "pages").glob("*.json")}


def test_a_clean_build_remembers_each_page_and_a_rebuild_gives_the_same_site(tmp_path):
    cache = tmp_path / "cache"
    config = site(tmp_path / "a", "# Home\n\nSee [section two](other.md#section-two).\n")
    mkdocs_build(config, 0, cache_dir=cache)
    first = (tmp_path / "a/site/index.html").read_bytes()
    index = (tmp_path / "a/site/search/search_index.json").read_bytes()
    stored = pages(cache)
    assert len(stored) == 2
    assert any("section-two" in entry["anchors"] for entry in stored.values())
    assert len(list((cache / "search").glob("*.json"))) == 2
    mkdocs_build(config, 0, cache_dir=cache)
    assert (tmp_path / "a/site/index.html").read_bytes() == first
    assert (tmp_path / "a/site/search/search_index.json").read_bytes() == index
    assert b"Section two" in index
    assert pages(cache) == stored
    assert list((cache / "templates").iterdir()), "compiled theme templates are kept"


def test_a_page_with_a_broken_link_is_never_remembered_so_strict_keeps_failing(tmp_path):
    cache = tmp_path / "cache"
    config = site(tmp_path / "b", "# Home\n\nSee [nowhere](missing.md).\n")
    for _ in range(2):
        with pytest.raises(RenderError, match="missing.md"):
            mkdocs_build(config, 0, cache_dir=cache)
    assert pages(cache) == {}


def test_a_remembered_page_still_fails_when_the_anchor_it_links_to_goes(tmp_path):
    """Anchors are checked across pages on every build, from the remembered anchor lists too."""
    cache = tmp_path / "cache"
    config = site(tmp_path / "c", "# Home\n\nSee [section two](other.md#section-two).\n")
    mkdocs_build(config, 0, cache_dir=cache)
    (tmp_path / "c/docs/other.md").write_text("# Other\n\n## Renamed\n", encoding="utf-8")
    with pytest.raises(RenderError, match="section-two"):
        mkdocs_build(config, 0, cache_dir=cache)


def test_an_edited_page_is_converted_again_and_unused_entries_are_dropped(tmp_path):
    cache = tmp_path / "cache"
    config = site(tmp_path / "d", "# Home\n\nFirst wording.\n")
    mkdocs_build(config, 0, cache_dir=cache)
    before = set(pages(cache))
    (tmp_path / "d/docs/index.md").write_text("# Home\n\nSecond wording.\n", encoding="utf-8")
    mkdocs_build(config, 0, cache_dir=cache)
    assert "Second wording." in (tmp_path / "d/site/index.html").read_text(encoding="utf-8")
    after = set(pages(cache))
    assert len(after) == 2 and len(after & before) == 1
