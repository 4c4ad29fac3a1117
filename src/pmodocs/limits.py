"""What only an engine would notice, found by `check`: so a build never fails on content `check`
accepted.

- dates used as timestamps (the as-of date stamps zip entries, the gzip'd sitemap, the PDF and the
  Word properties; the launch agenda's dates stamp the calendar event) must fit zip's and gzip's
  range, 1980-01-01 to 2106-02-06;
- Word's core properties hold at most 255 characters (title, author, keywords);
- the logo must decode as an image (typst reads all of it; a PNG header on junk is not enough);
- the reference document must be a Word file with the project's styles;
- content ids must not take a generated page's name;
- every approved snapshot the build would read must be readable, unedited and still composable.

Each finding is a located Problem; `outputs.check_content` calls `engine_limits` and
`snapshot_problems`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ContentError, Problem

if TYPE_CHECKING:
    from .facts import Facts
    from .model import Content, Source

FIRST_DAY, LAST_DAY = date(1980, 1, 1), date(2106, 2, 6)
"""Zip stores years 1980-2107, gzip seconds since 1970 in 32 bits (to 2106-02-07)."""
MAX_PROPERTY = 255
"""python-docx (and Word) refuse a core property longer than this."""
RESERVED_ROLE_IDS = {"index"}
"""people/roles/<id>.md: `index` is the roles overview page itself."""
WORD_STYLES = ("Normal", "Title", "Caption", "Heading 1", "Heading 2", "Heading 3",
               "TOC 1", "TOC 2", "TOC 3")
MAX_SNAPSHOT_BYTES = 5 * 1024 * 1024


def _at(src: Source, path: tuple, message: str) -> Problem:
    from .yamlsafe import format_path

    return Problem(src.display, src.line_of(path), format_path(path), message)


def engine_limits(content: Content) -> list[Problem]:
    """Every limit an engine would hit, but the snapshots' (`snapshot_problems`)."""
    problems = _timestamps(content) + _properties(content) + _page_names(content)
    return problems + _logo(content) + _reference(content)


def _timestamps(content: Content) -> list[Problem]:
    where = [("program.yaml", ("program", "as_of"), content.program.as_of)]
    agenda = content.deliverables.get("launch-agenda")
    if agenda is not None:
        rel = "deliverables/launch-agenda.yaml"
        where += [(rel, ("control", "date"), agenda.control.date),
                  (rel, ("meeting", "date"), agenda.meeting.date)]
    return [_at(content.sources[rel], path, f"{day.isoformat()} cannot be stored as a file "
                f"timestamp (expected a date from {FIRST_DAY.isoformat()} to "
                f"{LAST_DAY.isoformat()}, the range zip and gzip can record)")
            for rel, path, day in where if not FIRST_DAY <= day <= LAST_DAY]


def _properties(content: Content) -> list[Problem]:
    """The values the Word writer puts into core properties (compose/common.py's meta)."""
    p = content.program
    problems = []
    for kind, doc in content.by_kind.items():
        src = content.sources[f"deliverables/{kind}.yaml"]
        c = doc.control
        keywords = ", ".join(p.document_keywords(c.title))
        for value, path, what in ((c.title, ("control", "title"), "title"),
                                  (keywords, ("control", "title"), "keywords (acronym, title and "
                                   "department)")):
            if len(value) > MAX_PROPERTY:
                problems.append(_at(src, path, f"makes the Word {what} property {len(value)} "
                                    f"characters long; Word allows at most {MAX_PROPERTY} "
                                    "(shorten it)"))
                break
    src = content.sources["people.yaml"]
    problems += [_at(src, ("people", i, "name"), f"is {len(person.name)} characters long; Word's "
                     f"author property allows at most {MAX_PROPERTY} (shorten it)")
                 for i, person in enumerate(content.people) if len(person.name) > MAX_PROPERTY]
    return problems


def _page_names(content: Content) -> list[Problem]:
    src = content.sources["roles.yaml"]
    return [_at(src, ("roles", i, "id"), f"'{r.id}' is the name of a generated page (the roles "
                "overview); expected another id")
            for i, r in enumerate(content.roles) if r.id in RESERVED_ROLE_IDS]


def _branding_target(content: Content, key: str) -> Path | None:
    from .checks import _branding_file_problem

    rel = getattr(content.program.branding, key)
    if rel is None or _branding_file_problem(content.root.resolve(), rel, key):
        return None  # checks._branding reports what is wrong with the path or the first bytes
    try:
        path = (content.root / rel).resolve()
        return path if path.is_relative_to(content.root.resolve()) and path.is_file() else None
    except (OSError, ValueError, RuntimeError):
        return None  # checks._branding reports the path itself


def _logo(content: Content) -> list[Problem]:
    path = _branding_target(content, "logo")
    if path is None:
        return []
    reason = image_problem(path.read_bytes())
    if reason is None:
        return []
    return [_at(content.sources["program.yaml"], ("program", "branding", "logo"),
                f"{content.program.branding.logo!r} cannot be read as an image ({reason}); "
                "expected a PNG or JPEG file that opens in an image viewer")]


_CHECKED: dict[str, str | None] = {}


def image_problem(data: bytes) -> str | None:
    """None if both image readers of the build accept `data`: python-docx (Word) reads its
    header, typst (PDF) decodes all of it. A PNG is checked by its structure (every chunk's CRC,
    the pixel data inflates to the size its header says), other images by typst itself."""
    import hashlib

    key = hashlib.sha256(data).hexdigest()
    if key not in _CHECKED:
        _CHECKED[key] = _image_problem(data)
    return _CHECKED[key]


def png_problem(data: bytes) -> str | None:
    """What is wrong with the structure of a PNG file, or None."""
    import struct
    import zlib

    pos, idat, header = 8, [], None
    while pos < len(data):
        if pos + 12 > len(data):
            return "it ends in the middle of a chunk"
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if len(body) != length or pos + 12 + length > len(data):
            return "it ends in the middle of a chunk"
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        if zlib.crc32(kind + body) != crc:
            return f"the checksum of its {kind.decode('latin-1')!r} chunk is wrong"
        if header is None and kind != b"IHDR":
            return "it does not start with an IHDR chunk"
        if kind == b"IHDR":
            if length != 13:
                return "its IHDR chunk has the wrong size"
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + length
    else:
        return "it has no IEND chunk (the file is cut short)"
    if header is None or not idat:
        return "it has no image data"
    width, height, depth, colour, _, _, interlace = header
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}.get(colour)
    if not channels or depth not in (1, 2, 4, 8, 16) or not 0 < width * height <= 50_000_000:
        return "its header describes no image a reader accepts"
    try:
        inflater = zlib.decompressobj()
        size = len(inflater.decompress(b"".join(idat), 200_000_000))
    except zlib.error:
        return "its pixel data does not decompress"
    if interlace == 0:
        expected = height * (1 + (width * channels * depth + 7) // 8)
        if size != expected:
            return f"its pixel data is {size} bytes, not the {expected} its header says"
    return None


def _image_problem(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        reason = png_problem(data)
        if reason:
            return reason
    try:
        from docx.image.image import Image

        Image.from_blob(data)
    except Exception as exc:  # python-docx raises its own and struct errors for junk
        return f"Word cannot read it: {type(exc).__name__}"
    if data.startswith(b"\x89PNG"):
        return None
    try:
        import typst

        from .render.typst import typst_bytes

        source = ("#set page(width: 2cm, height: 2cm, margin: 0pt)\n"
                  f"#image({typst_bytes(data)}, width: 2cm)\n")
        typst.compile(input=source.encode("utf-8"), format="png", ppi=8)
    except ImportError:
        return None
    except Exception as exc:  # typst's own errors: the image does not decode
        return "the PDF engine cannot decode it: " + " ".join(str(exc).split())[:160]
    return None


def _reference(content: Content) -> list[Problem]:
    from .paths import templates_dir

    if content.program.branding.reference_docx:
        path = _branding_target(content, "reference_docx")
        if path is None:
            return []
        src = content.sources["program.yaml"]
        def where(message: str) -> Problem:
            return _at(src, ("program", "branding", "reference_docx"),
                       f"{content.program.branding.reference_docx!r} {message}")
    else:
        path = templates_dir() / "reference.docx"
        if not path.is_file():
            return []

        def where(message: str) -> Problem:
            return Problem(str(path), 1, "", message)
    reason = reference_problem(path)
    return [where(reason)] if reason else []


def reference_problem(path: Path) -> str | None:
    """Why the reference document cannot be used, or None: a zip with Word's parts, which
    python-docx opens, holding every style the Word writer uses."""
    import zipfile

    from .render.reference import TABLE_STYLE

    if not zipfile.is_zipfile(path):
        return "is not a Word document (not a zip file; expected a .docx saved by Word)"
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        return f"is not a readable zip file ({exc})"
    missing = [n for n in ("[Content_Types].xml", "word/document.xml", "word/styles.xml")
               if n not in names]
    if missing:
        return f"is not a Word document (it has no {', '.join(missing)})"
    try:
        import docx

        styles = {s.name for s in docx.Document(str(path)).styles}
    except Exception as exc:  # python-docx's own errors, XML syntax errors, KeyError
        return f"cannot be opened as a Word document ({type(exc).__name__})"
    lacking = [s for s in (*WORD_STYLES, TABLE_STYLE) if s not in styles]
    if lacking:
        return (f"lacks the styles {', '.join(lacking)} (expected a document made from "
                "templates/reference.docx, which has them)")
    return None


def snapshot_problems(content: Content, facts: Facts) -> list[Problem]:
    """Exactly the snapshots a build reads (deliverables changed since approval), read as the
    build reads them: a refusal here is the build's refusal, found earlier. Only sound content
    has facts, so only sound content composes."""
    from .compose import compose_document
    from .redline import approved_fingerprint, redline, snapshot_path

    problems: list[Problem] = []
    for kind, so in facts.signoffs.items():
        fp = approved_fingerprint(content, so) if so.state == "changed since approval" else None
        if not fp:
            continue
        path = snapshot_path(content.root, kind, fp)
        display = _display(content, path)
        if path.is_symlink() or not path.is_file():
            continue  # a link is refused by the loader; a missing one means no redline
        if path.stat().st_size > MAX_SNAPSHOT_BYTES:
            problems.append(Problem(display, 1, "", f"is larger than {MAX_SNAPSHOT_BYTES // 2**20}"
                                    " MB; a snapshot is one deliverable (restore it from version "
                                    "control)"))
            continue
        problems += _json_problem(path, display, kind)
        if problems:
            continue
        try:
            redline(content, kind, compose_document(content, kind, so, facts), fp)
        except ContentError as exc:
            problems += [Problem(display, p.line or 1, p.field, p.message) for p in exc.problems]
        except RecursionError:
            problems.append(Problem(display, 1, "", "nests too deeply to be a snapshot (restore "
                                    "it from version control)"))
    return problems


def _json_problem(path: Path, display: str, kind: str) -> list[Problem]:
    import json

    try:
        data: Any = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        return [Problem(display, 1, "", "is not UTF-8 text (restore it from version control)")]
    except json.JSONDecodeError as exc:
        return [Problem(display, exc.lineno, "", f"is not valid JSON ({exc.msg}); restore it "
                        "from version control")]
    except RecursionError:
        return [Problem(display, 1, "", "nests too deeply to be a snapshot (restore it from "
                        "version control)")]
    if not isinstance(data, dict):
        return [Problem(display, 1, "", f"is not a {kind} snapshot (expected a JSON object)")]
    return _snapshot_text(data, display, ())


def _snapshot_text(node: Any, display: str, path: tuple) -> list[Problem]:
    """A snapshot's text obeys the one rule for text, as if it had come through the loader."""
    from .yamlsafe import YamlProblem, clean_text, format_path

    if isinstance(node, dict):
        return [p for k, v in node.items() for p in _snapshot_text(v, display, path + (str(k),))]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in _snapshot_text(v, display, path + (i,))]
    if isinstance(node, str):
        try:
            if clean_text(node, 1, format_path(path)) != node:
                return [Problem(display, 1, format_path(path), "has a carriage return or line "
                                "separator, which content never has (restore it from version "
                                "control)")]
        except YamlProblem as exc:
            return [Problem(display, 1, exc.field, exc.message)]
    return []


def _display(content: Content, path: Path) -> str:
    import os

    try:
        return str(Path(os.path.abspath(path)).relative_to(Path.cwd()))
    except ValueError:
        return str(path)
