"""The fonts the PDF may draw with, and which characters they can draw.

typst brings Libertinus Serif and New Computer Modern; behind them come Debian's Noto fonts
(package fonts-noto-core) for Greek, Cyrillic, Arabic, Hebrew and symbols, Droid Sans Fallback
(fonts-droid-fallback) for Chinese, Japanese and Korean, and Carlito (fonts-crosextra-carlito) for
the charts Word shows. CJK comes from a TrueType font rather than Noto CJK: Noto CJK's CID-keyed
CFF fonts give per-font-dict widths that page-validation misreads as a PDF/UA width mismatch. `check` refuses text none of these
fonts can draw, so a build that passed `check` never fails on a missing glyph. Emoji are not
drawn: no colour font is embedded in an archival PDF/A file, so `check` refuses them with their
place in the content.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from functools import lru_cache
from pathlib import Path

from .files import write_atomically

FONT_DIRS = ("/usr/share/fonts/truetype/noto", "/usr/share/fonts/truetype/droid",
             "/usr/share/fonts/truetype/crosextra")
"""Where Debian installs the fonts; PMODOCS_FONT_DIRS (os.pathsep-separated) is searched first."""

FALLBACK_FILES = (
    "NotoSerif-Regular.ttf", "NotoSerif-Bold.ttf", "NotoSerif-Italic.ttf", "NotoSerif-BoldItalic.ttf",
    "NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf",
    "NotoSerifHebrew-Regular.ttf", "NotoSerifHebrew-Bold.ttf",
    "DroidSansFallbackFull.ttf",
    "NotoSansSymbols-Regular.ttf", "NotoSansSymbols2-Regular.ttf", "NotoSansMath-Regular.ttf",
)
"""The fallback fonts behind Libertinus Serif, in the order typst tries them."""

FALLBACK_FAMILIES = ("Noto Serif", "Noto Naskh Arabic", "Noto Serif Hebrew", "Droid Sans Fallback",
                     "Noto Sans Symbols", "Noto Sans Symbols 2", "Noto Sans Math")

CHART_FILES = ("Carlito-Regular.ttf", "Carlito-Bold.ttf")
"""Carlito, metric-compatible with Calibri: the font of Word's charts (the DOCX font)."""

_IGNORED = {"\n", "\r", "\t"}


def _search_dirs() -> list[Path]:
    extra = [d for d in os.environ.get("PMODOCS_FONT_DIRS", "").split(os.pathsep) if d]
    return [Path(d) for d in (*extra, *FONT_DIRS)]


def font_files(names: tuple[str, ...] = FALLBACK_FILES + CHART_FILES) -> list[Path]:
    """The installed font files among `names`, first found folder wins, in `names` order."""
    found: list[Path] = []
    dirs = _search_dirs()
    for name in names:
        for folder in dirs:
            if (folder / name).is_file():
                found.append(folder / name)
                break
    return found


def font_dirs() -> list[str]:
    """The folders holding the fonts typst is given (typst takes folders, not single files); the
    `font:` list names the families, and `check` only lets through what those families draw."""
    return sorted({str(p.parent) for p in font_files()})


def typst_families() -> str:
    """The typst `font:` list: Libertinus first, then the installed fallbacks."""
    return ", ".join(f'"{f}"' for f in ("Libertinus Serif", "New Computer Modern", *FALLBACK_FAMILIES))


_lock = threading.Lock()


@lru_cache(maxsize=1)
def coverage() -> frozenset[int]:
    """Every code point some fallback font maps to a glyph (read from the fonts' cmaps once, then
    kept in a cache file keyed by the files' names, sizes and times)."""
    files = font_files(FALLBACK_FILES)
    key = hashlib.sha256(json.dumps([(str(p), p.stat().st_size, p.stat().st_mtime_ns)
                                     for p in files]).encode()).hexdigest()[:20]
    cache = _cache_dir() / f"font-coverage-{key}.json"
    with _lock:
        try:
            return frozenset(json.loads(cache.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            pass
        points = _read_cmaps(files)
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(cache, json.dumps(sorted(points)))
        except OSError:
            pass  # a read-only home only costs the next run a second of reading
        return frozenset(points)


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pmodocs"


def _read_cmaps(files: list[Path]) -> set[int]:
    from fontTools.ttLib import TTCollection, TTFont

    points: set[int] = set()
    for path in files:
        fonts = TTCollection(str(path), lazy=True).fonts if path.suffix == ".ttc" \
            else [TTFont(str(path), lazy=True)]
        for font in fonts:
            cmap = font["cmap"].getBestCmap() or {}
            points.update(cmap)
    return points


def undrawable(text: str) -> list[str]:
    """The characters of `text` no PDF font can draw, each once, in order of appearance."""
    have = coverage()
    missing: list[str] = []
    for ch in text:
        if ch in _IGNORED or ord(ch) in have or ch in missing:
            continue
        if ord(ch) < 0x20 or ch == " ":
            continue
        missing.append(ch)
    return missing


def describe(ch: str) -> str:
    """`U+1F600 GRINNING FACE` for a message."""
    import unicodedata

    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'unassigned character')}"
