"""The bad-input catalogue: every mistake and attack in tests/bad_inputs/ meets the house rules.

Each case file names the example file it patches, how, and what must happen. A mistake must make
`pmodocs build` exit non-zero with a message naming the file, the line and the field, print no
Python traceback, and leave the previously published outputs byte-identical. Hostile text must
build and appear literally in the site's HTML, the DOCX XML and the PDF text.

The CLI runs as a subprocess, exactly as a user runs it. Mistakes fail before rendering, so those
runs are cheap and run a few at a time; all hostile text goes into one content tree, built once.
"""

from __future__ import annotations

import hashlib
import html.parser
import os
import re
import shutil
import subprocess
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLE, edit_yaml, pdf_text, run

CASES_DIR = Path(__file__).parent / "bad_inputs"
SECRET = "TOP-SECRET-OUTSIDE-THE-CONTENT-FOLDER"


def _load_cases() -> dict[str, dict[str, Any]]:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe")
    return {p.stem: yaml.load(p.read_text(encoding="utf-8")) for p in sorted(CASES_DIR.glob("*.yaml"))}


CASES = _load_cases()
ERROR_CASES = sorted(n for n, c in CASES.items() if not c["expect"].get("builds"))
HOSTILE_CASES = sorted(n for n, c in CASES.items() if c["expect"].get("builds"))


# --- applying a case ------------------------------------------------------------------------

def parse_path(dotted: str) -> list[str | int]:
    """'risks[3].owner' -> ['risks', 3, 'owner'] (keys may contain dashes)."""
    parts: list[str | int] = []
    for token in re.findall(r"[^.\[\]]+|\[\d+\]", dotted):
        parts.append(int(token[1:-1]) if token.startswith("[") else token)
    return parts


def _walk(data: Any, path: list[str | int]) -> Any:
    for part in path:
        data = data[part]
    return data


def _fill(value: Any, scratch: Path) -> Any:
    """Replace {marker} (a file that must never appear) and {outside} (a file outside the content)."""
    if isinstance(value, str):
        return (value.replace("{marker}", str(scratch / "pwned"))
                .replace("{outside}", str(scratch / "outside-secret.txt")))
    return value


def apply_case(content: Path, case: dict[str, Any], scratch: Path) -> None:
    """Apply every patch step of `case` to the content tree at `content`."""
    (scratch / "outside-secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    for step in case["patch"]:
        step = {k: _fill(v, scratch) for k, v in step.items()}
        _apply_step(content, content / case["file"], step)


def _apply_step(content: Path, target: Path, step: dict[str, Any]) -> None:  # noqa: C901
    if "set" in step:
        *parent, last = parse_path(step["set"])
        edit_yaml(target, lambda d: _walk(d, parent).__setitem__(last, step["value"]))
    elif "drop" in step:
        *parent, last = parse_path(step["drop"])
        edit_yaml(target, lambda d: _walk(d, parent).pop(last))
    elif "insert" in step:
        edit_yaml(target, lambda d: _walk(d, parse_path(step["insert"])).insert(
            1, step["key"], step["value"]))
    elif "remove_item" in step:
        def remove(d: Any) -> None:
            items = _walk(d, parse_path(step["remove_item"]))
            items.pop(next(i for i, item in enumerate(items) if item["id"] == step["where_id"]))
        edit_yaml(target, remove)
    elif "replace" in step:
        text = target.read_text(encoding="utf-8")
        assert step["replace"] in text, f"the case's text {step['replace']!r} is not in {target}"
        text = text.replace(step["replace"], step["with"], step.get("count", 1))
        target.write_bytes(text.encode(step.get("encoding", "utf-8")))
    elif "write" in step:
        target.write_bytes(step["write"].encode(step.get("encoding", "utf-8")))
    elif "append_text" in step:
        target.write_bytes(target.read_bytes() + step["append_text"].encode("utf-8"))
    elif "prepend_hex" in step:
        target.write_bytes(bytes.fromhex(step["prepend_hex"]) + target.read_bytes())
    elif "grow_to_mb" in step:
        line = ("# " + "padding " * 100 + "\n").encode()
        with target.open("ab") as handle:
            while handle.tell() < step["grow_to_mb"] * 1024 * 1024:
                handle.write(line * 1000)
    elif "delete" in step:
        target.unlink()
    elif "rename" in step:
        target.rename(content / step["rename"])
    elif "symlink" in step:
        link = content / step["symlink"]
        link.unlink(missing_ok=True)
        os.symlink(step["to"], link)
    elif "create_hex" in step:  # a binary file: a PNG header on junk, a zip that is not Word
        (content / step["create_hex"]).parent.mkdir(parents=True, exist_ok=True)
        (content / step["create_hex"]).write_bytes(bytes.fromhex(step["hex"]))
    elif "create_zip" in step:
        with zipfile.ZipFile(content / step["create_zip"], "w") as archive:
            for name, text in step["members"].items():
                archive.writestr(name, text)
    elif "create_plain_docx" in step:  # a real Word file without the project's styles
        import docx

        docx.Document().save(str(content / step["create_plain_docx"]))
    elif "write_snapshot" in step:  # the example's kept snapshot, whatever its fingerprint
        [snap] = (content / "snapshots" / step["write_snapshot"]).glob("*.json")
        if "symlink_to" in step:
            snap.unlink()
            os.symlink(step["symlink_to"], snap)
        elif "edit" in step:
            snap.write_text(snap.read_text(encoding="utf-8").replace(step["edit"], step["to"], 1),
                            encoding="utf-8")
        else:
            snap.write_text(step["text"] * step.get("times", 1), encoding="utf-8")
    elif "create" in step:
        (content / step["create"]).parent.mkdir(parents=True, exist_ok=True)
        (content / step["create"]).write_text(step["text"], encoding="utf-8")
    else:
        raise AssertionError(f"unknown patch step {step}")


# --- running the CLI ------------------------------------------------------------------------

@dataclass
class Run:
    """One `pmodocs build` of a patched copy of the example into a copy of its outputs."""

    name: str
    folder: Path
    returncode: int
    stdout: str
    stderr: str

    @property
    def content(self) -> Path:
        return self.folder / "content"

    @property
    def out(self) -> Path:
        return self.folder / "out"


def tree_digest(root: Path) -> dict[str, str]:
    """SHA-256 of every file (and the target of every link) under `root`, by relative path."""
    digest = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if path.is_symlink():
            digest[rel] = "link:" + os.readlink(path)
        elif path.is_file():
            digest[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            digest[rel] = "dir"
    return digest


def cli_build(folder: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`python -m pmodocs.cli build --content content --out out`, run in `folder`."""
    return run("build", "--content", "content", "--out", "out", "--quiet", cwd=folder,
               timeout=timeout, env={"PMODOCS_DEBUG": ""})


def prepare(folder: Path, published: Path, cases: list[dict[str, Any]]) -> None:
    """A copy of the example content with `cases` applied, and a copy of the published outputs.

    The outputs are copied as hard links: cheap for a hundred cases, and any write into an
    existing file would change the digest taken of the original before the runs.
    """
    shutil.copytree(EXAMPLE, folder / "content")
    shutil.copytree(published, folder / "out", copy_function=os.link, symlinks=True)
    for case in cases:
        apply_case(folder / "content", case, folder)


def run_case(name: str, root: Path, published: Path) -> Run:
    folder = root / name
    folder.mkdir()
    prepare(folder, published, [CASES[name]])
    result = cli_build(folder)
    big = folder / "content" / CASES[name]["file"]
    if CASES[name]["expect"].get("message", "").startswith("is 50 MB"):
        big.unlink()  # do not keep 50 MB per session in the temporary folder
    return Run(name, folder, result.returncode, result.stdout, result.stderr)


def _selected(request: pytest.FixtureRequest, test_name: str) -> list[str]:
    """The case names of `test_name` that this session runs (so `-k` runs only those)."""
    names = []
    for item in request.session.items:
        if getattr(item, "originalname", None) == test_name:
            names.append(item.callspec.params["name"])
    return names


@pytest.fixture(scope="module")
def published(built_example: Path) -> tuple[Path, dict[str, str]]:
    """The example's published outputs and their digest, taken before any case runs."""
    return built_example, tree_digest(built_example)


@pytest.fixture(scope="module")
def error_runs(request: pytest.FixtureRequest, published, tmp_path_factory) -> dict[str, Run]:
    """Every selected mistake, run through the CLI a few at a time."""
    root = tmp_path_factory.mktemp("bad_inputs")
    names = _selected(request, "test_a_mistake_is_refused_with_its_place_and_nothing_changes")
    workers = (os.cpu_count() or 2) + 1  # the runs wait on their subprocess half the time
    with ThreadPoolExecutor(max_workers=workers) as pool:
        runs = list(pool.map(lambda n: run_case(n, root, published[0]), names))
    return {run.name: run for run in runs}


@pytest.fixture(scope="module")
def hostile_run(published, tmp_path_factory) -> Run:
    """One build of the example with every hostile text of the catalogue in it."""
    folder = tmp_path_factory.mktemp("hostile")
    prepare(folder, published[0], [CASES[n] for n in HOSTILE_CASES])
    result = cli_build(folder)
    return Run("hostile", folder, result.returncode, result.stdout, result.stderr)


# --- the specification ----------------------------------------------------------------------

def test_the_catalogue_covers_at_least_sixty_inputs():
    assert len(CASES) >= 60
    assert len(HOSTILE_CASES) >= 10


@pytest.mark.parametrize("name", ERROR_CASES)
def test_a_mistake_is_refused_with_its_place_and_nothing_changes(name, error_runs, published):
    case, run = CASES[name], error_runs[name]
    expect = case["expect"]
    output = run.stdout + run.stderr
    assert run.returncode == expect["exit"], output
    assert "Traceback" not in output and "internal error" not in output, output
    assert "nothing was written" in run.stderr, output
    [line] = [ln for ln in run.stderr.splitlines() if expect["message"] in ln][:1] or [None]
    assert line is not None, f"expected {expect['message']!r} in:\n{output}"
    _assert_located(line, case, run)
    assert tree_digest(run.out) == published[1], "the published outputs changed"
    if expect.get("marker_absent"):
        assert not (run.folder / "pwned").exists(), "a YAML tag ran code"
    assert SECRET not in output, "the content of a file outside the content folder was printed"
    assert "\x1b" not in output and "\x9b" not in output, "an escape sequence reached the terminal"


def _assert_located(line: str, case: dict[str, Any], run: Run) -> None:
    """The message starts `content/FILE:LINE: FIELD:` and LINE is where the mistake is."""
    expect = case["expect"]
    display = "content/" + expect.get("file", case["file"])
    if "*" in display:  # a snapshot, named by its fingerprint
        [found] = (run.folder / "content").glob(display.removeprefix("content/"))
        display = "content/" + found.relative_to(run.folder / "content").as_posix()
    if expect.get("line") == "none":  # a missing file has no line to point at
        assert line.startswith(f"{display}: "), line
        return
    match = re.match(re.escape(display) + r":(\d+): ", line)
    assert match, f"expected {display}:LINE: at the start of {line!r}"
    number = int(match.group(1))
    assert number > 0, line
    if isinstance(expect.get("line"), int):
        assert number == expect["line"], line
    if "field" in expect:
        assert line.startswith(f"{display}:{number}: {expect['field']}: "), line
    if "line_has" in expect:
        text = (run.content / case["file"]).read_text(encoding="utf-8", errors="replace")
        assert expect["line_has"] in text.splitlines()[number - 1], (line, text.splitlines()[number - 1])


def test_the_hostile_content_builds(hostile_run):
    output = hostile_run.stdout + hostile_run.stderr
    assert hostile_run.returncode == 0, output
    assert "Traceback" not in output, output


@pytest.mark.parametrize("name", HOSTILE_CASES)
def test_hostile_text_appears_literally_in_every_output(name, hostile_run):
    assert hostile_run.returncode == 0, hostile_run.stderr
    case = CASES[name]
    text = case["expect"]["text"]
    kind = Path(case["file"]).stem
    page = (hostile_run.out / "site" / case["expect"]["page"] if "page" in case["expect"]
            else site_page(hostile_run.out, kind))
    assert squash(text) in squash(html_text(page)), f"not literal in {page}"
    source = page.read_text(encoding="utf-8")
    if "<" in text:
        assert text not in source, "markup from the content reached the HTML unescaped"
    assert not re.search(r"""href=["']?\s*javascript:""", source, re.I)
    assert "<pre" not in source, "content became a code block"
    if case["expect"].get("documents") is False:  # program-wide text: no deliverable of its own
        return
    assert nospace(text) in nospace(docx_text(hostile_run.out / "dist/docx" / f"{kind}.docx"))
    pdf = pdf_text(hostile_run.out / "dist/pdf" / f"{kind}.pdf")
    assert nospace(text) in nospace(pdf), "not literal in the PDF"


def test_no_carriage_return_made_a_heading_list_or_calendar_property(hostile_run):
    """Bare CRs reached typst as line breaks (`= x` a heading, `- x` a list) and the .ics as
    property lines of their own: now each is a line break inside the text, escaped per target."""
    ics = (hostile_run.out / "site/downloads/launch-meeting.ics").read_bytes().decode("utf-8")
    assert "\r" not in ics.replace("\r\n", ""), "a bare CR in the calendar"
    lines = ics.split("\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in lines), "a line is not folded"
    unfolded = ics.replace("\r\n ", "").split("\r\n")
    assert not [ln for ln in unfolded if ln.startswith(("X-INJECTED", "BEGIN:VALARM"))], unfolded
    [summary] = [ln for ln in unfolded if ln.startswith("SUMMARY:")]
    assert summary == "SUMMARY:Launch\\; meeting\\, \\\\ \\nBEGIN:VALARM \\nX-INJECTED:1", summary
    page = site_page(hostile_run.out, "risk").read_text(encoding="utf-8")
    assert "Watch it <br>= Not a heading" in page
    pdf = pdf_text(hostile_run.out / "dist/pdf/risk.pdf")
    assert "= Not a heading" in pdf and "1. not numbered" in pdf and "- not a list" in pdf, pdf


def test_status_prints_titles_as_text_not_markup(hostile_run):
    """`status` read titles as rich markup: `[link=...]` became a live hyperlink, `[/bold]` crashed."""
    result = run("status", "--content", "content", cwd=hostile_run.folder, timeout=120,
                 env={"PMODOCS_DEBUG": "", "COLUMNS": "400", "FORCE_COLOR": "1"})
    assert result.returncode == 0, result.stderr
    plain = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)  # colours may stay; nothing else
    assert "[link=http://evil.example]click[/link] [/bold] [bold red]plan" in plain, plain
    assert "\x1b]8;" not in result.stdout, "a terminal hyperlink was printed"


def test_hostile_text_ran_nothing_in_any_output(hostile_run):
    """Nothing was evaluated: no file was read into a PDF, no template loop ran, no page broke out."""
    for pdf in (hostile_run.out / "dist/pdf").glob("*.pdf"):
        text = pdf_text(pdf)
        assert "root:x:0:0" not in text and "LOOPLOOP" not in text, pdf
    for page in (hostile_run.out / "site").rglob("*.html"):
        source = page.read_text(encoding="utf-8")
        assert "__pmodocs_injected" not in re.sub(r"&[a-z#0-9]+;", "", _script_bodies(source)), page
        assert "1337" not in html_text(page), page


# --- reading the outputs --------------------------------------------------------------------

def site_page(out: Path, kind: str) -> Path:
    from pmodocs.compose.site import page_path

    return out / "site" / page_path(kind).replace(".md", ".html")


def squash(text: str) -> str:
    return " ".join(text.split())


def nospace(text: str) -> str:
    """Text without whitespace: PDF and DOCX line breaks fall anywhere in a long string."""
    return "".join(text.split())


class _TextOf(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_text(page: Path) -> str:
    """The text a reader sees on the page (entities decoded, scripts and styles left out)."""
    parser = _TextOf()
    parser.feed(page.read_text(encoding="utf-8"))
    return "".join(parser.parts)


def _script_bodies(source: str) -> str:
    return "\n".join(re.findall(r"<script[^>]*>(.*?)</script>", source, re.S | re.I))


def docx_text(path: Path) -> str:
    """Every paragraph's text from word/document.xml, parsed as XML (so it must be well formed)."""
    from xml.etree import ElementTree

    ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(path) as docx:
        root = ElementTree.fromstring(docx.read("word/document.xml"))
    return "\n".join("".join(t.text or "" for t in p.iter(f"{ns}t")) for p in root.iter(f"{ns}p"))


# --- the no-op shortcut's digest ----------------------------------------------------------------

def test_a_file_that_became_a_link_to_identical_bytes_is_not_nothing_changed(published, tmp_path):
    """The no-op shortcut must see links: the same bytes through a link is a change, and the
    fresh build refuses the link (it used to say "nothing changed")."""
    prepare(tmp_path, published[0], [])
    again = cli_build(tmp_path)
    assert again.returncode == 0, again.stderr
    assert tree_digest(tmp_path / "out") == published[1], "an unchanged build rewrote outputs"
    people = tmp_path / "content/people.yaml"
    outside = tmp_path / "people-elsewhere.yaml"
    outside.write_bytes(people.read_bytes())
    people.unlink()
    people.symlink_to(outside)
    result = cli_build(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "content/people.yaml:1: is a link that leads outside the content folder" in result.stderr
    assert tree_digest(tmp_path / "out") == published[1]


def test_the_input_digest_reads_no_file_the_build_does_not_read(tmp_path, monkeypatch):
    """A 1.5 GB file beside the content costs no memory: the digest reads files in chunks and
    never one larger than any the loader reads (its size and time stand in for it)."""
    from pmodocs import cache

    content = tmp_path / "content"
    shutil.copytree(EXAMPLE, content)
    big = content / "recording.mp4"
    with big.open("wb") as handle:  # sparse: no disk space used
        handle.truncate(1536 * 1024 * 1024)
    opened: list[Path] = []
    real_open = Path.open
    monkeypatch.setattr(Path, "open", lambda self, *a, **k: (opened.append(self), real_open(self, *a, **k))[1])
    first = cache.input_digest(content, "code")
    assert big not in opened and content / "people.yaml" in opened
    os.utime(big, ns=(1, 1))
    assert cache.input_digest(content, "code") != first, "the big file's change went unseen"


def test_no_line_break_of_any_kind_makes_typst_markup():
    """Each kind of line break in text reaches typst as a line break inside the paragraph, and
    what follows it (`= `, `- `, `+ `, `1. `) stays text: no heading, no list, no numbered list."""
    from dataclasses import replace

    import typst

    from pmodocs.document import Paragraph
    from pmodocs.render.typst import typst_body
    from sample_tree import sample_document

    text = ("Start\r= heading one\r\n- bullet\x85+ plus\u20281. numbered\u2029  12. also\n"
            "== heading two")
    body = typst_body(replace(sample_document(), blocks=(Paragraph(text),)))
    assert "\r" not in body and "\u2028" not in body and "\x85" not in body, body
    source = body + "\n#context [ENUMS #query(enum).len() LISTS #query(list).len() HEADINGS " \
                    "#query(heading).len()]\n"
    pdf = typst.compile(source.encode("utf-8"), format="pdf")
    import io

    from pypdf import PdfReader

    shown = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "ENUMS 0 LISTS 0 HEADINGS 0" in shown, shown
    for line in ("= heading one", "- bullet", "+ plus", "1. numbered", "12. also", "== heading two"):
        assert line in shown, (line, shown)


def test_a_linked_program_folder_in_a_portfolio_is_refused(tmp_path):
    from pmodocs.errors import ContentError
    from pmodocs.portfolio import load_programs

    folder = tmp_path / "programs"
    shutil.copytree(EXAMPLE, folder / "alpha")
    shutil.copytree(EXAMPLE, tmp_path / "elsewhere")
    (folder / "beta").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(ContentError) as caught:
        load_programs(folder)
    [problem] = caught.value.problems
    assert problem.file.endswith("programs/beta") and problem.line == 1
    assert "is a symbolic link" in problem.message


@pytest.mark.parametrize("epoch", ["1", "99999999999"])
def test_a_source_date_epoch_zip_cannot_store_is_a_usage_error(epoch, monkeypatch):
    from pmodocs.errors import UsageError
    from pmodocs.load import load_content
    from pmodocs.dates import build_time

    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    with pytest.raises(UsageError, match="SOURCE_DATE_EPOCH"):
        build_time(load_content(EXAMPLE))
