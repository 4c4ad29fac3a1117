"""The build cache: skip a build whose inputs did not change, and reuse rendered documents.

Two levels, both keyed by content hashes, never by time:
- the whole build: a digest of every input (content files, templates, pmodocs' own code, the
  versions of the engines, SOURCE_DATE_EPOCH). If it equals the last successful build's and the
  published files are as that build left them, nothing is rendered and nothing is rewritten;
- each document: a digest of its composed document tree (plus templates and code), so after an
  edit only the deliverables whose tree changed are rendered again.

The cache only saves work: a cache folder that cannot be read counts as empty, and one that
cannot be written (a file where a folder should be, no permission, a full disk) is left as it
is. The build's outputs are the same either way; the build's summary says that the cache
could not be written (`BuildCache.unwritable`), since later builds may render again what this
one rendered.

This module is imported on the no-op path, so it must stay light (no pydantic, no renderers).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Callable, Iterable

from .files import write_atomically

CACHE_DIR = ".pmodocs-cache"
STATE = "state.json"
ENGINES = ("mkdocs", "mkdocs-material", "python-docx", "typst", "pikepdf", "pypdf", "pyhanko",
           "openpyxl", "jinja2")
"""Packages whose version changes the outputs: a new version means a fresh build."""


def _hash_tree(digest: "hashlib._Hash", root: Path, label: str) -> None:
    if not root.exists():
        digest.update(f"{label}:absent\n".encode())
        return
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(f"{label}/{path.relative_to(root).as_posix()}\n".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())


def code_digest() -> str:
    """pmodocs' own source, the templates and the engines' versions: what turns content into output."""
    from importlib.metadata import PackageNotFoundError, version

    from .paths import templates_dir

    digest = hashlib.sha256()
    _hash_tree(digest, Path(__file__).resolve().parent, "pmodocs")
    _hash_tree(digest, templates_dir(), "templates")
    for name in ENGINES:
        try:
            digest.update(f"{name}={version(name)}\n".encode())
        except PackageNotFoundError:
            digest.update(f"{name}=none\n".encode())
    return digest.hexdigest()


MAX_READ_BYTES = 10 * 1024 * 1024
"""No file the loader reads may be larger (YAML files 5 MB, branding files 10 MB, snapshots 5 MB):
a larger file is refused by its size alone, so its size and time stand in for its bytes."""


def input_digest(content_dir: Path, code: str) -> str:
    """Everything a build reads: the content tree, the code digest and SOURCE_DATE_EPOCH.

    Links are not followed: a link is hashed as a link (the loader refuses them), so a file that
    became a link to identical bytes elsewhere changes the digest. Files are read in chunks, and
    never one larger than any the build would read."""
    digest = hashlib.sha256(code.encode())
    digest.update(f"SOURCE_DATE_EPOCH={os.environ.get('SOURCE_DATE_EPOCH', '')}\n".encode())
    root = content_dir.resolve()
    if not root.is_dir():
        digest.update(b"content:absent\n")
        return digest.hexdigest()
    for folder, dirs, files in os.walk(root):  # never follows a linked folder
        dirs.sort()
        here = Path(folder)
        for name in sorted(files + [d for d in dirs if (here / d).is_symlink()]):
            path = here / name
            rel = path.relative_to(root).as_posix()
            st = path.lstat()
            if path.is_symlink():
                digest.update(f"content/{rel} link:{os.readlink(path)}\n".encode())
            elif not path.is_file():
                digest.update(f"content/{rel} special\n".encode())
            elif st.st_size > MAX_READ_BYTES:
                digest.update(f"content/{rel} size:{st.st_size} mtime:{st.st_mtime_ns}\n".encode())
            else:
                digest.update(f"content/{rel}\n".encode())
                with path.open("rb") as handle:
                    digest.update(hashlib.file_digest(handle, "sha256").digest())
    return digest.hexdigest()


def not_written(exc: OSError, where: Path) -> str:
    """What a cache could not write (the file the error names, else `where`), and why."""
    return f"{exc.filename if isinstance(exc.filename, str) else where}: {exc.strerror or exc}"


class BuildCache:
    """The cache folder of one output folder (inside it, beside the published items)."""

    def __init__(self, out_dir: Path, code: str):
        self.root = out_dir / CACHE_DIR
        self.code = code
        self.used: set[str] = set()
        self.unwritable: str | None = None
        """Why the cache could not be written, the first time it could not (else None)."""

    def _failed(self, exc: OSError) -> None:
        if self.unwritable is None:
            self.unwritable = not_written(exc, self.root)

    # whole-build level ---------------------------------------------------------------------
    def unchanged(self, digest: str, out_dir: Path) -> dict | None:
        """The last build's state if its inputs equal `digest` and its outputs are untouched."""
        try:
            state = json.loads((self.root / STATE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if state.get("digest") != digest:
            return None
        for rel, (size, mtime) in state.get("outputs", {}).items():
            try:
                st = (out_dir / rel).stat()
            except OSError:
                return None
            if st.st_size != size or st.st_mtime_ns != mtime:
                return None
        return state

    def record(self, digest: str, out_dir: Path, published: Iterable[str], warnings: list[dict]) -> None:
        """Remember a successful build: its input digest and the size/mtime of every output."""
        outputs = {}
        for top in published:
            base = out_dir / top
            paths = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
            for path in paths:
                st = path.stat()
                outputs[path.relative_to(out_dir).as_posix()] = (st.st_size, st.st_mtime_ns)
        state = {"digest": digest, "outputs": outputs, "warnings": warnings}
        try:
            self.root.mkdir(exist_ok=True)
            write_atomically(self.root / STATE, json.dumps(state, sort_keys=True))
            self._prune()
        except OSError as exc:
            self._failed(exc)

    # document level ------------------------------------------------------------------------
    def key(self, *parts: str | bytes) -> str:
        digest = hashlib.sha256(self.code.encode())
        for part in parts:
            digest.update(part if isinstance(part, bytes) else part.encode("utf-8"))
            digest.update(b"\0")
        return digest.hexdigest()

    def get(self, key: str, suffix: str) -> bytes | None:
        path = self.root / "objects" / f"{key}{suffix}"
        self.used.add(path.name)
        try:
            return path.read_bytes()
        except OSError:
            return None

    def has(self, key: str, suffix: str) -> bool:
        """Whether an object is stored (without reading it, or counting it as used)."""
        return (self.root / "objects" / f"{key}{suffix}").is_file()

    def put(self, key: str, suffix: str, data: bytes) -> None:
        folder = self.root / "objects"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            # two programs of a portfolio may write the same object at once: each its own temporary
            write_atomically(folder / f"{key}{suffix}", data)
        except OSError as exc:
            self._failed(exc)
            return
        self.used.add(f"{key}{suffix}")

    def _prune(self) -> None:
        """Keep only the objects the last build used, so the cache does not grow without end."""
        folder = self.root / "objects"
        if not folder.is_dir() or not self.used:
            return
        for path in folder.iterdir():
            if path.name not in self.used and not path.name.startswith("."):
                path.unlink(missing_ok=True)


def remembered(cache: BuildCache | None, suffix: str, make: Callable[[], bytes],
               *parts: str | bytes) -> bytes:
    """The bytes `make()` returns for these inputs (`parts`, hashed with the code digest by
    `BuildCache.key`): from the cache when made before, else made now and stored. Without a
    cache (a build that keeps none), just `make()`. The cache's one get-or-make entry point."""
    if cache is None:
        return make()
    key = cache.key(*parts)
    data = cache.get(key, suffix)
    if data is None:
        data = make()
        cache.put(key, suffix, data)
    return data
