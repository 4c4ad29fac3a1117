"""A mkdocs plugin that lets a rebuild skip the work an unchanged page would repeat.

Two caches, both under the output folder's build cache, both keyed by content, never by time:
- compiled theme templates (`TemplateCache`, in the files of jinja's own bytecode cache):
  mkdocs-material's templates are compiled anew by every mkdocs build otherwise, about a quarter
  of a small site's build. A cold build has none yet: the site worker compiles the theme's
  templates (`precompile`) while the parent still loads and checks the content, and the build
  only loads them;
- each page's Markdown conversion (HTML, table of contents, title, anchors), keyed by the page's
  Markdown, its path, every file's path and URL (links are resolved against them) and the
  Markdown configuration and versions. Theme templates still render every page, so navigation
  and the pages around an edited one are always current;
- each page's entries in mkdocs-material's search index, keyed by what the index reads (the
  page's HTML, table of contents, URL, title and metadata). The index file itself is written
  anew by every build, from every page's entries.

Like the build cache (cache.py), these only save work: a cache file that cannot be read is a
miss, and a folder that cannot be written is left as it is (`SiteCache.unwritable` says why).

A page is remembered only from a build that logged no warning, so a cached page can never hide
a broken link from `--strict`: its links were checked against the same files when it was stored.
The plugin is added by pmodocs when it builds (mkdocs.yml does not name it), so the published
mkdocs.yml still builds with plain mkdocs.

Two adjustments need no cache, and `quicker(config)` makes both (the HTML is the same without):
- `skip_hidden_theme_folders`: mkdocs lists every file of the theme to find the static files it
  copies, and ignores every file under a folder whose name starts with a dot; mkdocs-material
  keeps its 14,000 icons in such a folder (`.icons`);
- the Markdown extension `RawHtmlBlocks`: the pages pmodocs generates are mostly HTML blocks,
  one per line, which md_in_html parses tag by tag with Python's HTML parser to find where each
  ends (half of a cold site build's Markdown time). A line that is one whole HTML block between
  blank lines, with no `markdown` attribute, is put in Markdown's store for raw HTML as it is,
  exactly as md_in_html would have put it there (tests/test_site.py converts every page both
  ways and compares).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from pathlib import Path
from typing import Any

from jinja2 import BytecodeCache, FileSystemBytecodeCache
from jinja2.bccache import Bucket
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from mkdocs.plugins import BasePlugin

from .cache import not_written
from .files import write_atomically

PAGES = "pages"
SEARCH = "search"
TEMPLATES = "templates"


class _WarningCount(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class TemplateCache(BytecodeCache):
    """Compiled theme templates: in this process's memory, then in `folder` (jinja's own file
    names, so an earlier build's files count). What is compiled stays in memory until `keep`
    writes it to the folder, which a build does only when it succeeded (like the pages). jinja
    checks every entry against its template's source, so a stale or foreign entry is compiled
    anew, never used."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.memory: dict[str, bytes] = {}
        self._files = FileSystemBytecodeCache(str(folder))
        self._fresh: set[str] = set()
        self.unwritable: str | None = None

    def load_bytecode(self, bucket: Bucket) -> None:
        data = self.memory.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)
        if bucket.code is None:
            try:
                self._files.load_bytecode(bucket)
            except OSError:
                bucket.reset()  # unreadable: compiled anew

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.memory[bucket.key] = bucket.bytecode_to_string()
        self._fresh.add(bucket.key)

    def empty(self) -> bool:
        """Whether the folder holds no compiled template yet (a cold build)."""
        return not any(self.folder.glob("__jinja2_*.cache"))

    def keep(self) -> None:
        """Write the templates compiled in this process to the folder."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for key in sorted(self._fresh):
                write_atomically(self.folder / f"__jinja2_{key}.cache", self.memory[key])
        except OSError as exc:
            self.unwritable = not_written(exc, self.folder)
        self._fresh.clear()

    def use_for(self, config: Any) -> None:
        """Give every Jinja environment of the config's theme this cache: mkdocs makes several
        per build (the search plugin's translations make their own before any plugin event)."""
        make_env = config.theme.get_env

        def get_env() -> Any:
            env = make_env()
            env.bytecode_cache = self
            return env
        config.theme.get_env = get_env


THEME = "material"
"""The theme the generated mkdocs.yml names (templates/site/mkdocs.yml.j2)."""


def precompile(cache: TemplateCache) -> None:
    """Compile into `cache` the templates of the theme that every site build renders: its main
    page template, its static templates and every template they name (include, extends, import),
    in the environment mkdocs makes for the theme, so the code is the code mkdocs would compile.
    The site worker calls this while it waits for its build; a template a site overrides has
    another file name, so it is compiled by the build itself. A template the cache holds
    already is not compiled again."""
    from jinja2 import meta
    from mkdocs.theme import Theme

    theme = Theme(name=THEME)
    env = theme.get_env()
    loader = env.loader
    assert loader is not None  # mkdocs gives every theme environment a file loader
    todo, seen = ["main.html", *theme.static_templates], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        source, filename, _ = loader.get_source(env, name)
        tree = env.parse(source, name, filename)
        bucket = cache.get_bucket(env, name, filename, source)
        if bucket.code is None:
            bucket.code = env.compile(tree, name, filename)
            cache.set_bucket(bucket)
        todo.extend(ref for ref in meta.find_referenced_templates(tree) if ref)


class SiteCache(BasePlugin):
    """Registered on a loaded mkdocs config (and `attach`ed to its theme) by
    `engines.mkdocs_build(cache_dir=...)`."""

    def __init__(self, folder: Path, templates: TemplateCache | None = None):
        super().__init__()
        self.folder = folder
        self.templates = templates if templates is not None else TemplateCache(folder / TEMPLATES)
        self._unwritable: str | None = None
        self.base = ""
        self.files_digest = ""
        self.pending: dict[str, dict[str, Any]] = {PAGES: {}, SEARCH: {}}
        self.used: dict[str, set[str]] = {PAGES: set(), SEARCH: set()}
        self.warnings = _WarningCount()

    def attach(self, config: Any) -> None:
        """Give every Jinja environment of the theme the compiled templates."""
        self.templates.use_for(config)

    # mkdocs events ---------------------------------------------------------------------------
    def on_pre_build(self, *, config: Any) -> None:
        logging.getLogger("mkdocs").addHandler(self.warnings)
        self.base = _config_digest(config)
        self._remember_search_entries(config)

    def on_files(self, files: Any, *, config: Any) -> Any:
        digest = hashlib.sha256()
        for f in sorted(files, key=lambda f: f.src_uri):
            digest.update(f"{f.src_uri}\0{f.dest_uri}\0{f.url}\0{f.inclusion}\n".encode())
        self.files_digest = digest.hexdigest()
        return files

    def on_page_markdown(self, markdown: str, *, page: Any, config: Any, files: Any) -> str:
        key = hashlib.sha256("\0".join(
            (self.base, self.files_digest, page.file.src_uri, markdown)).encode()).hexdigest()
        stored = self._load(PAGES, key)
        render = page.render
        if stored is not None:
            page.render = lambda config, files: _restore(page, stored, files)
        else:
            def render_and_remember(config: Any, files: Any) -> None:
                render(config, files)
                self.pending[PAGES][key] = _snapshot(page)
            page.render = render_and_remember
        return markdown

    def on_post_build(self, *, config: Any) -> None:
        logging.getLogger("mkdocs").removeHandler(self.warnings)
        if self.warnings.count:
            return  # a build with warnings fails under --strict: remember nothing from it
        self.templates.keep()
        for kind, entries in self.pending.items():
            folder = self.folder / kind
            try:
                folder.mkdir(parents=True, exist_ok=True)
                for key, entry in entries.items():
                    write_atomically(folder / f"{key}.json", json.dumps(entry))
                for path in folder.glob("*.json"):
                    if path.stem not in self.used[kind]:
                        path.unlink(missing_ok=True)
            except OSError as exc:
                self._unwritable = self._unwritable or not_written(exc, folder)

    @property
    def unwritable(self) -> str | None:
        """Why this build's pages, search entries or templates could not be kept (else None)."""
        return self._unwritable or self.templates.unwritable

    def on_build_error(self, *, error: Exception) -> None:
        logging.getLogger("mkdocs").removeHandler(self.warnings)  # and remember nothing

    # helpers ---------------------------------------------------------------------------------
    def _load(self, kind: str, key: str) -> Any:
        self.used[kind].add(key)
        try:
            return json.loads((self.folder / kind / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def _remember_search_entries(self, config: Any) -> None:
        """Wrap mkdocs-material's search index so a page's entries are computed once per content.

        The index parses every page's HTML again on each build; only the entries of pages whose
        HTML, table of contents, URL, title or metadata changed need that. Without the plugin
        (or with a version whose index looks different) nothing is wrapped.
        """
        search = next((p for name, p in config.plugins.items() if name.endswith("search")), None)
        index = getattr(search, "search_index", None)
        if index is None or not isinstance(getattr(index, "entries", None), list):
            return
        add = index.add_entry_from_context

        def add_entry_from_context(page: Any) -> None:
            key = hashlib.sha256("\0".join((
                self.base, page.url, str(page.title), repr(page.meta), page.content or "",
                json.dumps([_token(item) for item in page.toc or []]))).encode()).hexdigest()
            stored = self._load(SEARCH, key)
            if stored is not None:
                index.entries.extend(stored)
                return
            start = len(index.entries)
            add(page)
            self.pending[SEARCH][key] = index.entries[start:]
        index.add_entry_from_context = add_entry_from_context


RAW_HTML_EXTENSION = "pmodocs.sitecache:RawHtmlBlocks"
"""The Markdown extension below, by the name Markdown loads it by (a stable cache key)."""


def quicker(config: Any) -> None:
    """The adjustments that make a build of this loaded mkdocs config cheaper, not different."""
    skip_hidden_theme_folders(config.theme)
    if RAW_HTML_EXTENSION not in config["markdown_extensions"]:
        config["markdown_extensions"].append(RAW_HTML_EXTENSION)


_BLOCK_START = re.compile(r"<(?:address|article|aside|blockquote|details|div|dl|fieldset|figure|"
                          r"footer|form|h[1-6]|header|hr|nav|ol|p|section|table|ul)[\s>]")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)(?:\s[^<>]*)?>")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"})


def whole_html_block(line: str) -> bool:
    """Whether `line` is one block-level element from its first character to its last: its tags
    balance and close exactly at the end, no text outside a tag holds `<` or `>`, and nothing in
    it asks md_in_html for Markdown (`markdown`) or is a comment or declaration."""
    if not _BLOCK_START.match(line) or "markdown" in line or "<!" in line or "<?" in line:
        return False
    depth, end = 0, 0
    for tag in _TAG.finditer(line):
        if "<" in line[end:tag.start()] or ">" in line[end:tag.start()]:
            return False
        end = tag.end()
        name = tag.group(2).lower()
        if name in _VOID or tag.group(0).endswith("/>"):
            if depth == 0:
                return False
            continue
        depth += -1 if tag.group(1) else 1
        if depth < 0 or (depth == 0 and end != len(line)):
            return False
    return depth == 0 and end == len(line)


class _RawHtmlLines(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        out = []
        for i, line in enumerate(lines):
            if ((i == 0 or not lines[i - 1]) and (i + 1 == len(lines) or not lines[i + 1])
                    and whole_html_block(line)):
                out.append(self.md.htmlStash.store(line + "\n"))  # as md_in_html stores it
            else:
                out.append(line)
        return out


class RawHtmlBlocks(Extension):
    """Whole HTML blocks go to Markdown's raw-HTML store without being parsed (see above)."""

    def extendMarkdown(self, md: Any) -> None:
        md.preprocessors.register(_RawHtmlLines(md), "pmodocs_raw_html", 25)  # before html_block


def skip_hidden_theme_folders(theme: Any) -> None:
    """Make every Jinja environment of `theme` list its files without walking the folders whose
    files mkdocs would all leave out: a folder named with a leading dot whose files the listing's
    own filter rejects. The list is the one jinja gives (tests/test_site.py compares them); it
    was a tenth of a small site's build, spent walking material's icons."""
    import os

    from jinja2 import FileSystemLoader

    make_env = theme.get_env

    def get_env() -> Any:
        env = make_env()
        loader, listing = env.loader, env.list_templates
        if type(loader) is not FileSystemLoader:
            return env

        def list_templates(extensions: Any = None, filter_func: Any = None) -> list[str]:
            if extensions is not None or filter_func is None:
                return listing(extensions=extensions, filter_func=filter_func)
            found: set[str] = set()
            for root in loader.searchpath:
                for folder, subfolders, names in os.walk(root, followlinks=loader.followlinks):
                    rel = os.path.relpath(folder, root).replace(os.sep, "/")
                    prefix = "" if rel == "." else f"{rel}/"
                    subfolders[:] = [d for d in subfolders if not (d.startswith(".") and not any(
                        filter_func(f"{prefix}{d}/{probe}") for probe in ("a", "a.css", "a.js")))]
                    found.update(name for name in (prefix + n for n in names) if filter_func(name))
            return sorted(found)
        env.list_templates = list_templates
        return env
    theme.get_env = get_env


def _config_digest(config: Any) -> str:
    """What a page's HTML depends on besides its Markdown and the files: the Markdown setup."""
    from importlib.metadata import version

    parts = [repr(config["markdown_extensions"]), repr(sorted((config["mdx_configs"] or {}).items())),
             repr(config["use_directory_urls"]), repr(config["validation"]),
             *(f"{name}={version(name)}" for name in ("mkdocs", "markdown", "pymdown-extensions"))]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _snapshot(page: Any) -> dict:
    """What Page.render left on the page, as JSON (files are named by their source path)."""
    links = {f.src_uri: anchors for f, anchors in (page.links_to_anchors or {}).items()}
    return {"content": page.content, "toc": [_token(item) for item in page.toc],
            "title": page._title_from_render, "anchors": sorted(page.present_anchor_ids or ()),
            "links": links if page.links_to_anchors is not None else None}


def _token(item: Any) -> dict:
    return {"level": item.level, "id": item.id, "name": item.title,
            "children": [_token(child) for child in item.children]}


def _restore(page: Any, stored: dict, files: Any) -> None:
    """Put a remembered render back on the page, exactly as Page.render would have left it."""
    from mkdocs.structure.toc import get_toc

    page.content = stored["content"]
    page.toc = get_toc(stored["toc"])
    page._title_from_render = stored["title"]
    page.present_anchor_ids = set(stored["anchors"])
    if stored["links"] is not None:
        page.links_to_anchors = {files.get_file_from_path(src): anchors
                                 for src, anchors in stored["links"].items()}


class SearchFold(BasePlugin):
    """Accent folding for mkdocs-material's search: after the index is written, every entry whose
    text has accented words gets their plain spellings in a hidden span, so "Bronte" finds
    "Brontë". Material's tokenizer skips markup, so the span's words are indexed; its results
    render the span hidden, so previews show the text as written. Added by pmodocs when it builds
    (like SiteCache); the published mkdocs.yml builds without it."""

    def on_post_build(self, *, config: Any) -> None:
        path = Path(config["site_dir"]) / "search" / "search_index.json"
        if path.is_file():
            data = json.loads(path.read_text(encoding="utf-8"))
            if fold_index(data):
                path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                                encoding="utf-8")


def folded(word: str) -> str:
    """The word without accents: "Brontë" -> "Bronte", "Núñez" -> "Nunez"."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold_index(data: dict[str, Any]) -> bool:
    """Add folded spellings to every entry of a search index (title and text); True if any."""
    import re

    changed = False
    for doc in data.get("docs", []):
        words = re.findall(r"\w+", re.sub(r"<[^>]*>", " ", f"{doc.get('title', '')} {doc.get('text', '')}"))
        extra = sorted({f for w in words if not w.isascii() and (f := folded(w)) != w})
        if extra:
            doc["text"] = f"{doc.get('text', '')}<span hidden> {' '.join(extra)}</span>"
            changed = True
    return changed
