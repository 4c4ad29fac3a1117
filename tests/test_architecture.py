"""The stage boundaries of ARCHITECTURE.md, read from the code.

The import graph counts every import: at module level, inside functions and under
TYPE_CHECKING. A new arrow the table forbids, or any import cycle, fails here with the modules
named, so a boundary is fixed where it leaks instead of imported around.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "pmodocs"

STAGES: list[tuple[str, tuple[str, ...]]] = [
    ("base", ("errors", "paths", "files", "zips", "hints", "progress", "fonts", "document",
              "diff", "yamlsafe", "cache", "sitecache", "publish")),
    ("model", ("model", "load", "dates", "authoring.schema", "authoring.yamledit")),
    ("checks", ("checks", "authoring.registers")),
    ("facts", ("facts",)),
    ("compose", ("compose",)),
    ("render", ("render",)),
    ("derive", ("branding", "contenttree", "signoff", "redline", "limits", "consistency")),
    ("engines", ("engines", "sitebuild", "sigfields", "signing", "signatures", "media")),
    ("outputs", ("outputs", "packets", "portfolio")),
    ("publish", ("pipeline", "serve")),
    ("edit", ("contentedit", "migrate", "migrate_approvals", "scaffold", "reference",
              "authoring.workbook", "authoring")),
    ("verbs", ("cli",)),
]
"""Each stage may import its own and the stages above it (ARCHITECTURE.md's table)."""

RENDER_MAY_IMPORT = ("render", "document", "diff", "errors", "fonts", "paths", "zips")
"""Renderers are pure functions of the document tree: nothing that reads the model or decides,
runs an engine, or keeps a cache."""

WRITERS = {"files", "publish", "cache", "sitecache", "fonts", "pipeline", "serve", "contentedit"}
"""The only modules that write files: outputs and their caches, and content folders."""


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(p for p in parts if p != "__init__")


def imports_of(path: Path, name: str) -> set[str]:
    """Every pmodocs module `path` imports, wherever the import statement is."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name.removeprefix("pmodocs.") for a in node.names
                      if a.name.startswith("pmodocs.")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            elif (node.module or "").startswith("pmodocs"):
                target = (node.module or "").removeprefix("pmodocs").lstrip(".")
            else:
                continue
            for alias in node.names:  # `from . import facts` names a module, not a value
                sub = f"{target}.{alias.name}" if target else alias.name
                found.add(sub if (SRC / sub.replace(".", "/")).with_suffix(".py").exists()
                          or (SRC / sub.replace(".", "/")).is_dir() else target)
    return {m for m in found if m and m != name}


def import_graph() -> dict[str, set[str]]:
    return {module_name(p): imports_of(p, module_name(p)) for p in sorted(SRC.rglob("*.py"))}


def stage_of(module: str) -> int:
    """The stage whose longest listed prefix matches the module."""
    best, rank = -1, -1
    for i, (_, prefixes) in enumerate(STAGES):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, rank = len(prefix), i
    return rank


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


GRAPH = import_graph()


def test_the_graph_reader_sees_imports_inside_functions_and_type_checking_blocks():
    assert "contenttree" in GRAPH["signoff"]  # imported inside fingerprint's helper only
    assert "facts" in GRAPH["limits"]  # under TYPE_CHECKING only
    assert "compose" in GRAPH["contenttree"]


def test_compose_reads_no_file():
    """What compose shows comes from the model and the derived facts (the logo's bytes too)."""
    for path in sorted((SRC / "compose").glob("*.py")):
        found = [node.lineno for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                 if isinstance(node, ast.Call)
                 and getattr(node.func, "attr", getattr(node.func, "id", ""))
                 in {"open", "read_bytes", "read_text", "iterdir", "glob", "rglob"}]
        assert found == [], path.name


def test_no_import_cycle_counting_imports_inside_functions():
    assert cycles(GRAPH) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_every_module_belongs_to_a_stage():
    assert [m for m in GRAPH if m and stage_of(m) < 0] == []


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if m))
def test_a_module_imports_only_its_own_stage_and_the_stages_before_it(module):
    mine = stage_of(module)
    upward = sorted(f"{dep} ({STAGES[stage_of(dep)][0]})" for dep in GRAPH[module]
                    if dep and stage_of(dep) > mine)
    assert upward == [], f"{module} ({STAGES[mine][0]}) imports a later stage"


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if m.startswith("render")))
def test_a_renderer_imports_only_the_tree_and_other_renderers(module):
    allowed = [dep for dep in GRAPH[module]
               if dep == "" or any(dep == a or dep.startswith(a + ".") for a in RENDER_MAY_IMPORT)]
    assert sorted(GRAPH[module] - set(allowed)) == []


def writes_files(path: Path) -> list[str]:
    """Calls that create, replace or remove files, as `line: call`."""
    methods = {"write_bytes", "write_text", "unlink", "mkdir", "rmdir", "touch", "symlink_to",
               "hardlink_to", "write_atomically"}
    by_module = {"os": {"replace", "rename", "remove", "unlink", "makedirs", "mkdir", "link",
                        "symlink", "rmdir"},
                 "shutil": {"rmtree", "copytree", "copyfile", "copy", "copy2", "move"},
                 "tempfile": {"mkstemp", "mkdtemp", "TemporaryDirectory", "NamedTemporaryFile"}}
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        owner = func.value.id if (isinstance(func, ast.Attribute)
                                  and isinstance(func.value, ast.Name)) else ""
        if name == "open" and _write_mode(node):
            found.append(f"{node.lineno}: open(..., {_write_mode(node)!r})")
        elif name in by_module.get(owner, ()) or name in methods:
            found.append(f"{node.lineno}: {owner + '.' if owner in by_module else ''}{name}")
        elif (name in {"replace", "rename"} and isinstance(func, ast.Attribute)
              and len(node.args) == 1 and not node.keywords and owner != "dataclasses"):
            found.append(f"{node.lineno}: Path.{name}")  # str.replace takes two arguments
    return found


def _write_mode(call: ast.Call) -> str:
    mode = call.args[1] if len(call.args) > 1 else next(
        (k.value for k in call.keywords if k.arg == "mode"), None)
    if isinstance(mode, ast.Constant) and isinstance(mode.value, str) and set(mode.value) & set("wax+"):
        return mode.value
    return ""


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if m and m not in WRITERS))
def test_only_the_pipeline_and_contentedit_write_files(module):
    path = SRC / (module.replace(".", "/") + ".py")
    if not path.exists():
        path = SRC / module.replace(".", "/") / "__init__.py"
    assert writes_files(path) == [], f"{module} writes files; hand the bytes to the pipeline"


def test_the_writer_scan_finds_writes_and_ignores_string_replace(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import os, shutil\n"
                      "def f(p, t):\n"
                      "    t = t.replace('a', 'b')\n"
                      "    p.write_bytes(b'')\n"
                      "    os.replace(p, t)\n"
                      "    shutil.rmtree(t)\n"
                      "    p.replace(t)\n"
                      "    open(p, 'w')\n"
                      "    open(p, 'rb')\n", encoding="utf-8")
    assert writes_files(sample) == ["4: write_bytes", "5: os.replace", "6: shutil.rmtree",
                                     "7: Path.replace", "8: open(..., 'w')"]


def external_imports(path: Path) -> set[str]:
    """Top-level names of the modules outside the package a file imports."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            out.add(node.module.split(".")[0])
    return out - {"pmodocs"}


RENDERERS = sorted((SRC / "render").glob("*.py"))


@pytest.mark.parametrize("path", RENDERERS, ids=lambda p: p.stem)
def test_a_renderer_does_no_file_io(path):
    """Inputs (reference document, logo, templates, chart pictures) come in as arguments and
    outputs are returned: no render module opens, reads, lists or writes a file."""
    calls = {"open", "read_bytes", "read_text", "iterdir", "glob", "rglob", "FileSystemLoader"}
    found = [f"{node.lineno}: {getattr(node.func, 'attr', getattr(node.func, 'id', ''))}"
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.Call)
             and getattr(node.func, "attr", getattr(node.func, "id", "")) in calls]
    assert found + writes_files(path) == []


@pytest.mark.parametrize("path", RENDERERS, ids=lambda p: p.stem)
def test_a_renderer_runs_no_engine_and_imports_only_its_libraries(path):
    """Engines (typst, pandoc, mkdocs) run outside render/, which only makes their input."""
    allowed = set(sys.stdlib_module_names) | {"docx", "jinja2", "lxml", "openpyxl"}
    assert external_imports(path) <= allowed - {"subprocess", "multiprocessing"}


def test_the_tree_diff_imports_only_the_tree():
    assert GRAPH["diff"] <= {"document"}
