"""Helpers written once (issue 21): atomic writes, deterministic zips, "did you mean", the cache's
one get-or-make entry point, a new program's acronym; and the verbs that only call them
(`export` under the build lock, `diff` coloured from the redline's own marks)."""

from __future__ import annotations

import io
import os
import stat
import threading
import time
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest

from conftest import EXAMPLE, edit_yaml
from pmodocs import files
from pmodocs.files import write_atomically
from pmodocs.hints import did_you_mean
from pmodocs.zips import deterministic_zip, read_zip


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# --- write_atomically ---------------------------------------------------------------------------

def test_an_atomic_write_replaces_the_whole_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "approvals.yaml"
    write_atomically(target, "first: é\n")
    assert target.read_bytes() == "first: é\n".encode("utf-8")
    write_atomically(target, b"\x00second")
    assert target.read_bytes() == b"\x00second"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_a_failed_atomic_write_leaves_the_old_file_intact_and_no_temporary(tmp_path, monkeypatch,
                                                                           failing):
    target = tmp_path / "state.json"
    target.write_bytes(b"old contents")

    def disk_full(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, failing, disk_full)
    with pytest.raises(OSError):
        write_atomically(target, b"new contents", durable=True)
    assert target.read_bytes() == b"old contents"
    assert leftovers(tmp_path) == []


def test_an_interrupted_atomic_write_leaves_the_old_file_intact(tmp_path, monkeypatch):
    """Ctrl-C between writing and renaming: the old file stays, the temporary goes."""
    target = tmp_path / "risk.yaml"
    target.write_text("title: old\n", encoding="utf-8")

    def interrupted(*_args):
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, "title: new\n")
    assert target.read_text(encoding="utf-8") == "title: old\n"
    assert leftovers(tmp_path) == []


def test_an_atomic_write_keeps_the_permissions_of_the_file_it_replaces(tmp_path):
    target = tmp_path / "people.yaml"
    target.write_text("x\n", encoding="utf-8")
    target.chmod(0o640)
    write_atomically(target, "y\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    fresh = tmp_path / "new.yaml"
    write_atomically(fresh, "z\n")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask


def test_concurrent_atomic_writes_of_one_file_never_mix(tmp_path):
    """Two programs of a portfolio may store the same cache object at once."""
    target = tmp_path / "object.pdf"
    bodies = [bytes([n]) * 200_000 for n in range(8)]
    seen: list[bytes] = []

    def writer(body: bytes) -> None:
        for _ in range(5):
            write_atomically(target, body)
            seen.append(target.read_bytes())

    threads = [threading.Thread(target=writer, args=(b,)) for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen and all(data in bodies for data in seen)
    assert leftovers(tmp_path) == []


# --- deterministic_zip --------------------------------------------------------------------------

ENTRIES = {"word/document.xml": b"<w:document/>" * 50, "[Content_Types].xml": b"<Types/>",
           "_rels/.rels": b"<Relationships/>", "docProps/core.xml": b"<core/>"}


def test_a_deterministic_zip_has_the_same_bytes_whatever_the_order_of_entries_and_the_clock(
        monkeypatch):
    when = datetime(2026, 11, 2, 15, 30)
    first = deterministic_zip(ENTRIES, when)
    reversed_entries = dict(reversed(list(ENTRIES.items())))
    monkeypatch.setattr(time, "time", lambda: 2_000_000_000.0)  # another day, another hour
    monkeypatch.setattr(time, "localtime", lambda *_: time.gmtime(2_000_000_000))
    assert deterministic_zip(reversed_entries, when) == first
    with zipfile.ZipFile(io.BytesIO(first)) as zf:
        assert zf.namelist() == sorted(ENTRIES)
        for info in zf.infolist():
            assert info.date_time == (2026, 11, 2, 0, 0, 0)
            assert info.compress_type == zipfile.ZIP_DEFLATED
            assert info.external_attr == 0o644 << 16
    assert read_zip(first) == ENTRIES
    assert deterministic_zip(ENTRIES, date(2026, 11, 3)) != first  # the date is in the bytes


def test_a_deterministic_zip_puts_the_named_entries_first_and_the_rest_in_a_folder():
    office = deterministic_zip(ENTRIES, date(2026, 1, 1), first=["[Content_Types].xml"])
    assert zipfile.ZipFile(io.BytesIO(office)).namelist() == [
        "[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "word/document.xml"]
    packet = deterministic_zip({"b.pdf": b"b", "a.pdf": b"a"}, date(1970, 5, 6), prefix="denise")
    with zipfile.ZipFile(io.BytesIO(packet)) as zf:
        assert zf.namelist() == ["denise/a.pdf", "denise/b.pdf"]
        assert zf.infolist()[0].date_time == (1980, 5, 6, 0, 0, 0)  # zip's epoch at the earliest


ODD = {"é/ünïcode name.txt": "Zoë".encode(), "empty": b"", "空.bin": bytes(range(256)) * 300,
       "[Content_Types].xml": b"<Types/>", "big.xml": b"<style/>" * 100_000}


@pytest.mark.parametrize("when, prefix", [(date(2026, 11, 2), ""), (date(1970, 1, 1), "zoë-ortega")])
def test_the_zip_writer_gives_the_bytes_zipfile_gives(when, prefix):
    """pmodocs assembles its zips itself (zipfile cannot take an entry already deflated); the
    bytes are zipfile's own, for Office parts, names beyond ASCII, empty and large entries."""
    from pmodocs.zips import zipfile_zip

    for entries in (ENTRIES, ODD):
        order = ["[Content_Types].xml"] + sorted(n for n in entries if n != "[Content_Types].xml")
        ours = deterministic_zip(entries, when, prefix=prefix, first=["[Content_Types].xml"])
        assert ours == zipfile_zip(entries, order, when, prefix)
        assert read_zip(ours) == {f"{prefix}/" * bool(prefix) + n: entries[n] for n in order}
        with zipfile.ZipFile(io.BytesIO(ours)) as zf:
            assert zf.testzip() is None
        stored = (".bin", ".txt", ".xml")  # some entries stored as they are, the rest deflated
        mixed = deterministic_zip(entries, when, prefix=prefix, first=["[Content_Types].xml"],
                                  stored=stored)
        assert mixed == zipfile_zip(entries, order, when, prefix, stored)
        assert read_zip(mixed) == read_zip(ours)
        with zipfile.ZipFile(io.BytesIO(mixed)) as zf:
            assert zf.testzip() is None
            assert {i.filename.rsplit("/", 1)[-1]: i.compress_type for i in zf.infolist()} == {
                n.rsplit("/", 1)[-1]: zipfile.ZIP_STORED if n.endswith(stored)
                else zipfile.ZIP_DEFLATED for n in order}


def test_a_part_met_again_is_deflated_once_and_a_changed_part_anew(monkeypatch):
    import zlib

    from pmodocs import zips

    calls: list[int] = []
    real = zlib.compressobj
    monkeypatch.setattr(zips.zlib, "compressobj", lambda *a: (calls.append(1), real(*a))[1])
    stamp = bytes(str(time.time_ns()), "ascii")  # parts new to this process
    styles, other = b"<w:styles>" + stamp * 1000, b"<other>" + stamp
    first = deterministic_zip({"word/styles.xml": styles}, date(2026, 1, 1))
    again = deterministic_zip({"word/styles.xml": styles, "x": other}, date(2026, 1, 1))
    assert len(calls) == 2, "the styles were deflated again"  # the styles, then the other part
    changed = deterministic_zip({"word/styles.xml": styles + b" "}, date(2026, 1, 1))
    assert len(calls) == 3 and read_zip(changed)["word/styles.xml"] == styles + b" "
    assert read_zip(first)["word/styles.xml"] == read_zip(again)["word/styles.xml"] == styles


def test_a_zip_of_a_gigabyte_or_more_is_left_to_zipfile(monkeypatch):
    from pmodocs import zips

    monkeypatch.setattr(zips, "ZIP64_FROM", 10)
    monkeypatch.setattr(zips, "zipfile_zip", lambda *a: b"by zipfile")
    assert deterministic_zip(ODD, date(2026, 1, 1)) == b"by zipfile"


def test_docx_and_xlsx_are_written_by_the_one_zip_writer():
    """The workbook and a Word file read back as Office zips in the writer's order and date."""
    from pmodocs.authoring.registers import register_book
    from pmodocs.load import load_content
    from pmodocs.render.docxparts import normalise_zip
    from pmodocs.render.xlsx import render_xlsx

    content = load_content(EXAMPLE)
    when = datetime(2026, 11, 2)
    book = render_xlsx(register_book(content), when)
    parts = read_zip(book)
    assert list(parts)[0] == "[Content_Types].xml"
    assert book == deterministic_zip(parts, when, first=["[Content_Types].xml"])
    assert normalise_zip(book, when) == book


# --- did_you_mean -------------------------------------------------------------------------------

def test_did_you_mean_names_the_close_choice_else_what_was_expected():
    people = ["marisol-ortega", "denise-carmichael", "hannah-lindqvist"]
    assert did_you_mean("marisol-ortga", people) == "did you mean 'marisol-ortega'?"
    assert did_you_mean("zzz", people) == ("expected one of: marisol-ortega, denise-carmichael, "
                                           "hannah-lindqvist")
    assert did_you_mean("zzz", people, expected="expected a person id") == "expected a person id"
    assert did_you_mean("risks", {"risk": 1, "quality": 2}) == "did you mean 'risk'?"  # any iterable


def test_approve_and_diff_suggest_the_close_id_and_write_nothing(content_copy, capsys):
    from pmodocs.cli import main

    before = (content_copy / "approvals.yaml").read_bytes()
    assert main(["approve", "risk", "--by", "marisol-ortga", "--content", str(content_copy)]) == 2
    assert ("'marisol-ortga' is not a person in people.yaml (did you mean 'marisol-ortega'?)"
            in capsys.readouterr().err)
    assert main(["approve", "comunication", "--by", "denise-carmichael",
                 "--content", str(content_copy)]) == 2
    assert "'comunication' is not a deliverable (did you mean 'communication'?)" in capsys.readouterr().err
    assert main(["diff", "comunication", "--content", str(content_copy)]) == 2
    assert "(did you mean 'communication'?)" in capsys.readouterr().err
    assert (content_copy / "approvals.yaml").read_bytes() == before


# --- the cache's one entry point ----------------------------------------------------------------

def test_remembered_makes_once_per_inputs_and_keeps_it_for_the_next_build(tmp_path):
    from pmodocs.cache import BuildCache, remembered

    calls: list[str] = []

    def make(tag: str):
        def run() -> bytes:
            calls.append(tag)
            return f"made {tag}".encode()
        return run

    cache = BuildCache(tmp_path, "code-1")
    assert remembered(cache, ".pdf", make("a"), "tree a", b"ref") == b"made a"
    assert remembered(cache, ".pdf", make("a again"), "tree a", b"ref") == b"made a"
    assert remembered(cache, ".pdf", make("b"), "tree b", b"ref") == b"made b"
    assert calls == ["a", "b"]
    later = BuildCache(tmp_path, "code-1")  # the next build, another process
    assert remembered(later, ".pdf", make("c"), "tree a", b"ref") == b"made a"
    newer_code = BuildCache(tmp_path, "code-2")  # pmodocs itself changed: made again
    assert remembered(newer_code, ".pdf", make("d"), "tree a", b"ref") == b"made d"
    assert remembered(None, ".pdf", make("e"), "tree a") == b"made e"  # a build without cache
    assert remembered(None, ".pdf", make("f"), "tree a") == b"made f"
    assert calls == ["a", "b", "d", "e", "f"]
    assert leftovers(cache.root / "objects") == []


# --- a new program's acronym --------------------------------------------------------------------

@pytest.mark.parametrize("name, given, acronym", [
    ("Statewide Licensing System", None, "SLS"),
    ("statewide licensing — phase 2", None, "SLP2"),
    ("Statewide Licensing System", "sls-2!", "SLS-2"),
    ("Any", "ABCDEFGHIJKLMN", "ABCDEFGHIJ"),
    ("— ·", None, "PRG"),
])
def test_a_new_programs_acronym_is_its_initials_unless_given(name, given, acronym):
    from pmodocs.model.program import program_acronym

    assert program_acronym(name, given) == acronym


def test_pmodocs_new_without_acronym_writes_the_initials(tmp_path, monkeypatch):
    from pmodocs.cli import main

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    target = tmp_path / "licensing"
    assert main(["new", str(target), "--program", "Statewide Licensing System"]) == 0
    from pmodocs.load import load_content

    assert load_content(target).program.acronym == "SLS"


# --- export: under the build's lock, written in one step ----------------------------------------

def test_export_refuses_while_a_build_holds_the_folder(tmp_path, capsys):
    from pmodocs.cli import main
    from pmodocs.errors import EXIT_BUSY
    from pmodocs.publish import build_lock

    out = tmp_path / "out"
    out.mkdir()
    with build_lock(out):
        assert main(["export", "--content", str(EXAMPLE), "--out", str(out)]) == EXIT_BUSY
    assert "another pmodocs build is writing to" in capsys.readouterr().err
    assert not (out / "registers.xlsx").exists()
    assert main(["export", "--content", str(EXAMPLE), "--out", str(out)]) == 0
    assert f"wrote {out / 'registers.xlsx'}" in capsys.readouterr().out
    assert leftovers(out) == []


def test_export_is_the_builds_workbook_and_replaces_the_old_one_whole(tmp_path):
    import openpyxl

    from pmodocs.authoring.registers import register_book
    from pmodocs.cli import main
    from pmodocs.load import load_content
    from pmodocs.dates import build_time
    from pmodocs.render.xlsx import render_xlsx

    target = tmp_path / "mine.xlsx"
    target.write_bytes(b"an older workbook")
    assert main(["export", "--content", str(EXAMPLE), "--output", str(target)]) == 0
    content = load_content(EXAMPLE)  # what a build publishes as dist/registers.xlsx
    assert target.read_bytes() == render_xlsx(register_book(content), build_time(content))
    assert openpyxl.load_workbook(target).sheetnames[0] == "Risks"
    assert leftovers(tmp_path) == []


# --- diff: coloured from the redline's marks, never by reading its text back ---------------------

def test_diff_colours_exactly_the_removed_and_added_words(content_copy, monkeypatch, capsys):
    """A literal `[-x-]` in the content is text, not a removal: it stays uncoloured."""
    from pmodocs.cli import main
    from pmodocs.contentedit import record_approval

    purpose = "Brackets such as [-x-] and {+y+} are text. We keep each other informed."
    edit_yaml(content_copy / "deliverables/communication.yaml",
              lambda d: d["control"].__setitem__("purpose", purpose))
    record_approval(content_copy, "communication", "denise-carmichael", "approved",
                    date(2026, 11, 2))
    edit_yaml(content_copy / "deliverables/communication.yaml",
              lambda d: d["control"].__setitem__("purpose", purpose.replace("each other",
                                                                            "one another")))
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert main(["diff", "communication", "--content", str(content_copy)]) == 0
    out = capsys.readouterr().out
    red, green, reset = "\x1b[31m", "\x1b[32m", "\x1b[0m"
    assert f"{red}[- each other-]{reset}{green}{{+ one another+}}{reset}" in out
    assert "such as [-x-] and {+y+} are text" in out  # no colour inside the plain text
    assert f"{red}[-removed text-]{reset} {green}{{+added text+}}{reset}" in out  # the legend

    from pmodocs.outputs import compose_program
    from pmodocs.load import load_content
    from pmodocs.redline import all_redlines
    from pmodocs.render.redline_text import redline_lines, render_redline_text

    content = load_content(content_copy)
    red_line = all_redlines(content, *compose_program(content))["communication"]
    lines = redline_lines(red_line)
    assert "".join("".join(t for t, _ in line) + "\n" for line in lines) == render_redline_text(
        red_line)
    marked = [(t, m) for line in lines for t, m in line if m]
    assert (" each other", "del") not in marked  # the marks carry their brackets
    assert ("[- each other-]", "del") in marked and ("{+ one another+}", "ins") in marked
    assert all(t.startswith("[-") if m == "del" else t.startswith("{+") for t, m in marked)


def test_the_tools_epoch_is_set_for_the_block_and_restored_after_it_even_on_error(monkeypatch):
    """One helper sets SOURCE_DATE_EPOCH for mkdocs in the build and in the preview."""
    import os

    from pmodocs.dates import epoch_for_tools

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    with epoch_for_tools(1767225600):
        assert os.environ["SOURCE_DATE_EPOCH"] == "1767225600"
    assert "SOURCE_DATE_EPOCH" not in os.environ
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    with pytest.raises(RuntimeError), epoch_for_tools(1767225600):
        raise RuntimeError("the tool failed")
    assert os.environ["SOURCE_DATE_EPOCH"] == "1700000000"


def test_a_scratch_file_lives_for_its_block_only():
    """typst reads a queried source from the scratch folder; the file is gone after the block,
    also when the block fails, so a killed process leaves at most an empty folder."""
    from pmodocs.files import scratch_file

    with scratch_file("probe.typ", "= é") as path:
        assert path.read_text(encoding="utf-8") == "= é"
    assert not path.exists()
    with pytest.raises(RuntimeError):
        with scratch_file("probe.typ", b"x") as path:
            raise RuntimeError("typst failed")
    assert not path.exists() and path.parent.is_dir()
