"""Fuzzing the loader: whatever a person does to a content file, pmodocs answers with its own error.

hypothesis mutates one file of the example (drops keys, retypes values, duplicates list items and
lines, injects text and stray characters) and load_content + run_checks must either accept the
result or raise ContentError whose every problem names a file and a line (> 0 for a file that
exists). Any other exception is a bug.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLE
from pmodocs.checks import run_checks
from pmodocs.errors import ContentError
from pmodocs.load import load_content

FILES = sorted(str(p.relative_to(EXAMPLE)) for p in EXAMPLE.rglob("*.yaml"))

VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
    st.dates(min_value=date(1, 1, 1)), st.text(max_size=30), st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(min_size=1, max_size=5), st.integers(), max_size=2),
    st.sampled_from(["../../x", "<script>alert(1)</script>", "{{ 7*7 }}", "#read(\"/etc/passwd\")",
                     "\x07bell", "\ud800", "2026-02-30", "-1", "1e999", "cfo", ""]),
)
SNIPPETS = st.sampled_from([
    "\t", ":", "- ", "&a ", "*a", "!!python/object:os.system ", "!x ", "[", "{", "'", '"', "#",
    "\x00", "\x1b", "---\n", "? ", "<<: ", "%TAG ! x:\n", "\ufeff", "\n  extra: 1\n", "\\u", "|",
])

MUTATIONS = st.sampled_from(["drop", "retype", "duplicate_item", "unknown_key", "duplicate_line",
                             "delete_line", "insert_text"])


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fuzz") / "content"
    shutil.copytree(EXAMPLE, root)
    return root


def _paths(node: Any, path: tuple = ()) -> list[tuple]:
    """Every key path in the data (mappings and list items)."""
    out = [path] if path else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, path + (i,))
    return out


def _parent(data: Any, path: tuple) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


def mutate_data(text: str, mutation: str, pick: int, value: Any) -> str:
    """Apply a structural mutation to a YAML file's data and dump it back as YAML."""
    from io import StringIO

    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    data = yaml.load(text)
    paths = _paths(data)
    if not paths:
        return text
    path = paths[pick % len(paths)]
    parent, last = _parent(data, path), path[-1]
    if mutation == "drop":
        del parent[last]
    elif mutation == "retype":
        parent[last] = value
    elif mutation == "duplicate_item" and isinstance(parent, list):
        parent.insert(last, parent[last])
    elif mutation == "unknown_key" and isinstance(parent[last], dict):
        parent[last]["unexpected_" + str(abs(hash(str(value))) % 1000)] = 1
    else:
        parent[last] = value
    out = StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def mutate_text(text: str, mutation: str, pick: int, snippet: str) -> str:
    """Apply a textual mutation: duplicate or delete a line, or insert a stray piece of text."""
    lines = text.splitlines(keepends=True)
    i = pick % max(1, len(lines))
    if mutation == "duplicate_line":
        lines.insert(i, lines[i])
    elif mutation == "delete_line":
        del lines[i]
    else:
        line = lines[i]
        at = pick % max(1, len(line))
        lines[i] = line[:at] + snippet + line[at:]
    return "".join(lines)


@settings(max_examples=100, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rel=st.sampled_from(FILES), mutation=MUTATIONS, pick=st.integers(0, 10_000), value=VALUES,
       snippet=SNIPPETS)
def test_a_mutated_file_is_accepted_or_refused_with_located_problems(tree, rel, mutation, pick,
                                                                     value, snippet):
    path, original = tree / rel, (EXAMPLE / rel).read_text(encoding="utf-8")
    if mutation in ("drop", "retype", "duplicate_item", "unknown_key"):
        mutated = mutate_data(original, mutation, pick, value)
    else:
        mutated = mutate_text(original, mutation, pick, snippet)
    path.write_bytes(mutated.encode("utf-8", errors="surrogatepass"))
    try:
        try:
            problems = run_checks(load_content(tree))  # accepted: the checks may still object
        except ContentError as error:
            problems = error.problems
            assert problems
        for problem in problems:
            assert problem.file, problem
            assert problem.line > 0 or not Path(problem.file).exists(), f"no line: {problem}"
    finally:
        path.write_text(original, encoding="utf-8")


# --- any text in any field kind (issue 19) ---------------------------------------------------
# One rule for text (yamlsafe.clean_text): whatever Unicode a person types into a field, `check`
# accepts it or refuses it with its place; text it accepts builds, and reads back literally in the
# site, the DOCX, the PDF and the workbook.

FIELD_KINDS = {
    "title": ("deliverables/risk.yaml", ("control", "title")),
    "table text": ("deliverables/risk.yaml", ("risks", 0, "title")),
    "paragraph": ("deliverables/charter.yaml", ("vision",)),
    "name": ("people.yaml", ("people", 0, "name")),
    "e-mail": ("people.yaml", ("people", 0, "email")),
    "id": ("deliverables/risk.yaml", ("risks", 0, "id")),
    "path": ("program.yaml", ("program", "branding", "logo")),
    "date as text": ("program.yaml", ("program", "as_of")),
}
HOSTILE_BITS = st.sampled_from([
    "\r", "\r\n", "\x85", "\u2028", "\u2029", "\x1b[2J", "\x9b", "\u202e", "\u2066", "\x00",
    "\x7f", "\ufeff", "\U0001F680", "[/bold]", "[link=http://x]", "    ", "= ", "- ", "1. ",
    "<b>", "&amp;", "#read(", "{{ x }}", "\\", ";", ",", "\t",
])
ANY_TEXT = st.lists(st.one_of(st.text(max_size=12), HOSTILE_BITS), min_size=1, max_size=4).map("".join)


def _set(path: Path, where: tuple, value: str) -> None:
    from conftest import edit_yaml

    def change(data: Any) -> None:
        for part in where[:-1]:
            data = data[part]
        data[where[-1]] = value
    edit_yaml(path, change)


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(kind=st.sampled_from(sorted(FIELD_KINDS)), text=ANY_TEXT)
def test_any_text_in_any_field_kind_is_accepted_or_refused_at_its_place(tree, kind, text):
    rel, where = FIELD_KINDS[kind]
    path, original = tree / rel, (EXAMPLE / rel).read_text(encoding="utf-8")
    _set(path, where, text)
    try:
        try:
            problems = [p for p in run_checks(load_content(tree)) if p.severity == "error"]
        except ContentError as error:
            problems = error.problems
        for problem in problems:
            assert problem.file and problem.line > 0, problem
            assert "\x1b" not in str(problem) and "\u202e" not in str(problem), problem
        if any(ch in text for ch in "\x1b\x9b\u202e\u2066\x00\x7f"):
            assert any(p.file.endswith(rel) for p in problems), f"{text!r} was accepted in {kind}"
    finally:
        path.write_text(original, encoding="utf-8")


# What the bundled PDF fonts draw (their coverage is another issue): Latin, Greek, Cyrillic, and
# every markup character of every target; line breaks of every kind and tabs.
DRAWABLE = ([chr(c) for c in range(0x20, 0x7F)] + [chr(c) for c in range(0xC0, 0x180)]
            + [chr(c) for c in range(0x391, 0x3AA)] + [chr(c) for c in range(0x3B1, 0x3CA)]
            + [chr(c) for c in range(0x410, 0x450)] + ["\n", "\r", "\r\n", "\t", "\u2028"])
MARKUP = st.sampled_from([
    "\r= not a heading", "\r- not a list", "\r1. not numbered", "    <b>not code</b>", "*a* _b_",
    "#read(\"/etc/passwd\")", "{{ 7*7 }}", "[c](javascript:d)", "\\", "&amp; &lt;", "`e`",
    "</td><td>", "]]>", "$x$ @ref <lbl>", "\r\nBEGIN:VALARM;X,Y", "| a | b |", "!!! note",
])
DRAWABLE_TEXT = (st.tuples(st.lists(st.sampled_from(DRAWABLE), max_size=20).map("".join), MARKUP,
                           st.lists(st.sampled_from(DRAWABLE), max_size=20).map("".join))
                 .map("".join)
                 .filter(lambda t: t.strip() and not t.lstrip().upper().startswith("TODO")))
BUILT_FIELDS = [("deliverables/risk.yaml", ("risks", 0, "title")),
                ("deliverables/risk.yaml", ("risks", 1, "response")),
                ("deliverables/risk.yaml", ("risks", 2, "trigger"))]


def _bare(text: str) -> str:
    """Without whitespace or hyphens: PDF, DOCX and HTML break lines (and hyphenate) anywhere."""
    return "".join(text.split()).replace("-", "").replace("\u00ad", "")


@settings(max_examples=2, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(texts=st.lists(DRAWABLE_TEXT, min_size=3, max_size=3))
def test_accepted_text_builds_and_reads_back_literally_everywhere(texts, built_example,
                                                                  tmp_path_factory):
    """One build per example (reusing the example's build cache), three texts in it."""
    from openpyxl import load_workbook

    from test_bad_inputs import cli_build, docx_text, html_text, pdf_text, site_page

    folder = tmp_path_factory.mktemp("anytext")
    shutil.copytree(EXAMPLE, folder / "content")
    shutil.copytree(built_example, folder / "out", symlinks=True)
    for text, (rel, where) in zip(texts, BUILT_FIELDS):
        _set(folder / "content" / rel, where, text)
    try:
        run_checks(load_content(folder / "content"))
    except ContentError as error:  # refused: every problem located
        assert all(p.line > 0 for p in error.problems), error.problems
        return
    result = cli_build(folder)
    assert result.returncode == 0, result.stdout + result.stderr
    out = folder / "out"
    page = _bare(html_text(site_page(out, "risk")))
    word = _bare(docx_text(out / "dist/docx/risk.docx"))
    pdf = _bare(pdf_text(out / "dist/pdf/risk.pdf"))
    book = load_workbook(out / "dist/registers.xlsx")
    cells = _bare(" ".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows()
                           for c in row if c.value is not None))
    for text in texts:
        want = _bare(text)
        assert want in page, ("site", text)
        assert want in word, ("docx", text)
        assert want in pdf, ("pdf", text)
        assert want in cells, ("workbook", text)
