"""The stage layering, read from the source: what each module of src/pmodocs imports.

`import_graph()` reads every module with `ast` (imports at module level, inside functions and
under `if TYPE_CHECKING:` alike) and gives module -> the pmodocs modules it imports; tests of
other layering rules reuse it.
"""

from __future__ import annotations

import ast
import sys
from functools import lru_cache
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "pmodocs"


def module_name(path: Path) -> str:
    """pmodocs.render.docx for src/pmodocs/render/docx.py (a package is its __init__)."""
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(node: ast.AST, module: str, is_package: bool) -> list[str]:
    """The absolute names an import statement imports (`from . import x` gives both the
    package and package.x, since x may be a module)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[:len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    return [target] + [f"{target}.{alias.name}" for alias in node.names]


@lru_cache(maxsize=1)
def import_graph() -> dict[str, frozenset[str]]:
    """Every module of the package -> the package's modules it imports, wherever in the file."""
    files = sorted((SRC / PACKAGE).rglob("*.py"))
    modules = {module_name(f): f for f in files}
    graph: dict[str, frozenset[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        found: set[str] = set()
        for node in ast.walk(tree):
            for target in _imported(node, name, is_package):
                if target in modules and target != name:
                    found.add(target)
        graph[name] = frozenset(found)
    return graph


def external_imports(path: Path) -> set[str]:
    """Top-level names of the modules outside the package a file imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            out.add(node.module.split(".")[0])
    return out - {PACKAGE}


RENDER_MAY_IMPORT = {"pmodocs.document", "pmodocs.errors", "pmodocs.fonts", "pmodocs.paths",
                     "pmodocs.diff"}
"""Besides other render modules, the standard library and third-party libraries."""

PURE_DIFF_MAY_IMPORT = {"pmodocs.document"}


def _render_modules() -> list[str]:
    return [m for m in import_graph() if m.startswith("pmodocs.render")]


def test_the_graph_sees_imports_at_every_level():
    """Function-level, TYPE_CHECKING and relative imports all count (the graph itself works)."""
    graph = import_graph()
    assert "pmodocs.document" in graph["pmodocs.render.docx"]  # from ..document import (...)
    assert "pmodocs.render.charts" in graph["pmodocs.contenttree"]  # inside a function
    assert "pmodocs.model" in graph["pmodocs.contenttree"]  # under TYPE_CHECKING
    assert "pmodocs.compose.site" in graph["pmodocs.pipeline"]  # from .compose.site import ...
    assert len(_render_modules()) >= 10


def test_renderers_import_only_the_document_tree_and_each_other():
    """render/ is pure functions of the document tree: never the model, compose, the pipeline,
    sign-off, packets, the engines or the cache."""
    wrong = {m: sorted(t for t in import_graph()[m]
                       if not t.startswith("pmodocs.render") and t not in RENDER_MAY_IMPORT
                       and t != "pmodocs")
             for m in _render_modules()}
    assert {m: ts for m, ts in wrong.items() if ts} == {}


def test_renderers_import_no_package_module_by_absolute_name_or_the_package_root():
    """`import pmodocs.model` or `from pmodocs import pipeline` would slip past a check of
    relative imports only: the graph resolves both, and the root package is not a back door."""
    for m in _render_modules():
        assert "pmodocs" not in import_graph()[m], m


def test_renderers_do_no_file_io():
    """Inputs (reference document, logo, templates, chart pictures) come in as arguments and
    outputs are returned: no render module opens, reads or writes a file."""
    calls = {"open", "read_bytes", "read_text", "write_bytes", "write_text", "iterdir", "glob",
             "rglob", "mkdir", "FileSystemLoader"}
    found = []
    for path in sorted((SRC / PACKAGE / "render").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(
                    node.func, "id", "")
                if name in calls:
                    found.append(f"{path.name}:{node.lineno}: {name}")
    assert found == []


def test_renderers_run_no_engine_process():
    """Engines (typst, pandoc, mkdocs) run in the pipeline; render/ only makes their input."""
    for path in sorted((SRC / PACKAGE / "render").glob("*.py")):
        assert not {"subprocess", "typst"} & external_imports(path), path.name


def test_the_tree_diff_is_pure():
    assert import_graph()["pmodocs.diff"] <= PURE_DIFF_MAY_IMPORT


def test_the_standard_library_check_knows_the_renderers_imports():
    """A render module's outside imports are the standard library or declared dependencies."""
    allowed = set(sys.stdlib_module_names) | {"docx", "jinja2", "lxml", "openpyxl"}
    for path in sorted((SRC / PACKAGE / "render").glob("*.py")):
        assert external_imports(path) <= allowed, (path.name, external_imports(path) - allowed)
