"""Signatory packets: for each approver, what awaits their decision, with a memo and hashes.

A packet is `dist/packets/<person>/` (transmittal memo, the DOCX of every deliverable awaiting
that person, manifest.json, SHA256SUMS) and the same files in `dist/packets/<person>.zip`. Both
are functions of the content alone, so two builds of the same content give identical bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .document import Document
from .model import Content
from .signoff import Signoff

if TYPE_CHECKING:
    from .cache import BuildCache

REVIEW_BUSINESS_DAYS = 10
"""Approvers are asked to decide within ten business days of the packet's date."""

MEMO = "transmittal-memo.docx"
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"


def packet_files(content: Content, docs: dict[str, Document], signoffs: dict[str, Signoff],
                 files: dict[str, bytes], cache: BuildCache | None = None) -> dict[str, bytes]:
    """dist/packets/<person>/… and dist/packets/<person>.zip for every approver with work waiting.

    With a cache, a memo or zip whose inputs did not change since an earlier build is reused:
    after an edit, only the packets of that deliverable's approvers are made again.
    """
    from .cache import remembered
    from .pipeline import build_time

    when = build_time(content)
    out: dict[str, bytes] = {}
    for person, kinds in awaiting(content, signoffs).items():
        folder = packet(content, person, kinds, docs, signoffs, files, when.date(), cache)
        for name, data in folder.items():
            out[f"dist/packets/{person}/{name}"] = data
        out[f"dist/packets/{person}.zip"] = remembered(
            cache, ".zip", lambda: zip_folder(person, folder, when), person, when.isoformat(),
            *(f"{name}={_sha256(data)}" for name, data in sorted(folder.items())))
    return out


def awaiting(content: Content, signoffs: dict[str, Signoff]) -> dict[str, list[str]]:
    """Person -> deliverables submitted for review that still need their decision on this content.

    Author drafts are not sent (not ready for decision) and rejected ones wait for a revision.
    """
    out: dict[str, list[str]] = {}
    for kind, so in signoffs.items():
        if content.deliverables[kind].control.status == "draft" or so.state == "rejected":
            continue
        for person in so.waiting_for:
            out.setdefault(person, []).append(kind)
    return dict(sorted(out.items()))


def respond_by(sent: date, business_days: int = REVIEW_BUSINESS_DAYS) -> date:
    """The packet's date plus the review period, counting Monday to Friday only."""
    day, left = sent, business_days
    while left:
        day += timedelta(days=1)
        left -= day.weekday() < 5
    return day


def packet(content: Content, person: str, kinds: list[str], docs: dict[str, Document],
           signoffs: dict[str, Signoff], files: dict[str, bytes], sent: date,
           cache: BuildCache | None = None) -> dict[str, bytes]:
    """One person's packet: file name -> bytes, with manifest.json and SHA256SUMS over the rest."""
    from .cache import remembered

    due = respond_by(sent)
    redlines = redlines_for(person, kinds, signoffs, files)
    p = content.person(person)
    memo_inputs = (  # everything transmittal_memo reads, generously: a superset only costs a render
        person, repr(p), repr(content.organisation(p.organisation)), repr(content.program),
        repr(kinds), repr([(docs[k].meta, signoffs[k]) for k in kinds]), sent.isoformat(),
        due.isoformat(), repr(redlines), _sha256(_reference(content)))
    folder = {MEMO: remembered(cache, ".memo.docx", lambda: transmittal_memo(
        content, person, kinds, docs, signoffs, sent, due, redlines), *memo_inputs)}
    for kind in kinds:
        folder[f"{kind}.docx"] = files[f"dist/docx/{kind}.docx"]
    for kind in redlines:
        folder[redline_name(kind)] = files[f"dist/redline/{kind}.docx"]
    folder[MANIFEST] = manifest(content, person, kinds, docs, signoffs, folder, sent, due)
    folder[SUMS] = sha256sums(folder)
    return folder


def redline_name(kind: str) -> str:
    return f"{kind}-redline.docx"


def redlines_for(person: str, kinds: list[str], signoffs: dict[str, Signoff],
                 files: dict[str, bytes]) -> list[str]:
    """The deliverables this person approved or rejected before they changed: they re-sign, so
    their packet carries the redline showing what changed since."""
    out = []
    for kind in kinds:
        mine = next(a for a in signoffs[kind].approvers if a.person == person)
        if mine.decision and not mine.current and f"dist/redline/{kind}.docx" in files:
            out.append(kind)
    return out


def manifest(content: Content, person: str, kinds: list[str], docs: dict[str, Document],
             signoffs: dict[str, Signoff], folder: dict[str, bytes], sent: date,
             due: date) -> bytes:
    """What was sent, to whom, for which exact content, and the hash of every file."""
    p = content.person(person)
    data = {
        "packet": person,
        "to": {"id": p.id, "name": p.name, "title": p.title,
               "organisation": content.organisation(p.organisation).name, "email": p.email},
        "date": sent.isoformat(),
        "respond_by": due.isoformat(),
        "asked": "approve or reject each document for the content identified by its fingerprint",
        "documents": [{
            "id": kind, "number": docs[kind].meta.number, "title": docs[kind].meta.title,
            "version": docs[kind].meta.version, "state": signoffs[kind].state,
            "fingerprint": signoffs[kind].fingerprint, "file": f"{kind}.docx",
            **({"redline": redline_name(kind)} if redline_name(kind) in folder else {}),
        } for kind in kinds],
        "files": [{"path": name, "sha256": _sha256(data), "bytes": len(data)}
                  for name, data in sorted(folder.items())],
    }
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def sha256sums(folder: dict[str, bytes]) -> bytes:
    """`sha256sum -c` compatible list of every file in the packet but itself."""
    lines = [f"{_sha256(data)}  {name}\n" for name, data in sorted(folder.items()) if name != SUMS]
    return "".join(lines).encode("utf-8")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def zip_folder(prefix: str, folder: dict[str, bytes], when: datetime) -> bytes:
    """The folder as a zip with sorted entries and fixed timestamps: same files, same bytes."""
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(folder):
            info = zipfile.ZipInfo(f"{prefix}/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, folder[name])
    return out.getvalue()


def transmittal_memo(content: Content, person: str, kinds: list[str], docs: dict[str, Document],
                     signoffs: dict[str, Signoff], sent: date, due: date,
                     redlines: list[str] | None = None) -> bytes:
    """The covering memo (DOCX): to, from, date, the documents and their fingerprints, what and when."""
    from .render.docx import WordBody
    from .render.docxparts import docx_bytes, open_reference, package_parts

    word, ids, shared = open_reference(_reference(content))
    out = WordBody(word, ids)
    p, program = content.person(person), content.program
    owners = sorted({docs[k].meta.owner + ", " + docs[k].meta.owner_title for k in kinds})
    out.paragraph(f"{program.name} ({program.acronym})", "Subtitle")
    out.paragraph("Transmittal memorandum: documents for your decision", "Title")
    _pairs(out, [
        ("To", f"{p.name}, {p.title}, {content.organisation(p.organisation).name}"),
        ("From", "; ".join(owners)),
        ("Date", sent.isoformat()),
        ("Subject", f"Approval of {program.acronym} {program.labels.documents} "
                    f"({len(kinds)} document{'s' if len(kinds) != 1 else ''})"),
        ("Decision needed by", due.isoformat()),
    ])
    out.paragraph(
        f"You are a required approver of the documents below. Please review each one and record "
        f"your decision, approved or rejected (with a comment saying why), by {due.isoformat()}. "
        "Your decision applies to the exact content identified by the document's fingerprint, "
        "which is also printed on its approval page; if the content changes before you decide, "
        "you will receive a new packet.")
    _documents_table(out, kinds, docs, signoffs)
    if redlines:
        out.heading("What changed since you signed", 2)
        for kind in redlines:
            out.paragraph(
                f"{docs[kind].meta.number} changed after your earlier decision, which no longer "
                f"counts. {redline_name(kind)} is the current document with every change since "
                "the approved version shown as Word tracked changes (Review, then Next change).")
    out.heading("Fingerprints", 2)
    for kind in kinds:
        out.paragraph(f"{docs[kind].meta.number}: {signoffs[kind].fingerprint}")
    out.heading("How to respond and check this packet", 2)
    out.paragraph(
        f"Send your decision to the document owner, who records it with \"pmodocs approve "
        f"DOCUMENT --by {person} --decision approved\" (or rejected). {MANIFEST} and {SUMS} list "
        f"the SHA-256 hash of every file in this packet; \"pmodocs verify\" (or \"sha256sum -c "
        f"{SUMS}\") confirms that nothing was changed on the way.")
    _properties(word, f"Transmittal to {p.name}", owners, sent)
    return docx_bytes(package_parts(word, shared), datetime(sent.year, sent.month, sent.day))


def _reference(content: Content) -> bytes:
    """The program's reference DOCX, else the built-in one: the memo looks like the documents."""
    from .render.reference import reference_docx

    ref = content.program.branding.reference_docx
    return (content.root / ref).read_bytes() if ref else reference_docx()


def _pairs(out: Any, rows: list[tuple[str, str]]) -> None:
    """Bold labels beside their values, in an evenly split table."""
    from .render.docxparts import add_row, add_run

    grid = out.even_grid(2)
    table = out.table(grid)
    for label, value in rows:
        cells = add_row(table, grid.cells, keep_together=False)
        add_run(cells[0], label, bold=True)
        add_run(cells[1], value)


def _documents_table(out: Any, kinds: list[str], docs: dict[str, Document],
                     signoffs: dict[str, Signoff]) -> None:
    """Number, title, version, state, fingerprint and file of each document, under a bold header."""
    from .render.docxparts import add_row, add_run

    out.paragraph("Documents for decision", "Caption")
    grid = out.even_grid(6)
    table = out.table(grid)
    header = ("Number", "Title", "Version", "State", "Fingerprint", "File")
    for p, text in zip(add_row(table, grid.cells, keep_together=False), header):
        add_run(p, text, bold=True)
    for kind in kinds:
        m = docs[kind].meta
        cells = add_row(table, grid.cells, keep_together=False)
        for p, text in zip(cells, (m.number, m.title, m.version, signoffs[kind].state,
                                   m.short_fingerprint, f"{kind}.docx")):
            add_run(p, text)


def _properties(word: Any, title: str, owners: list[str], sent: date) -> None:
    cp = word.core_properties
    when = datetime(sent.year, sent.month, sent.day)
    cp.title, cp.author, cp.last_modified_by = title, "; ".join(owners), "pmodocs"
    cp.category, cp.revision = "Transmittal memorandum", 1
    cp.created = cp.modified = cp.last_printed = when


def read_packet(path: Path) -> tuple[str, dict[str, bytes]]:
    """(display name, file name -> bytes) of a packet folder or zip, for `verify`."""
    if path.is_dir():
        return str(path), {f.relative_to(path).as_posix(): f.read_bytes()
                           for f in sorted(path.rglob("*")) if f.is_file()}
    try:
        with zipfile.ZipFile(path) as zf:
            entries = {i.filename: zf.read(i) for i in zf.infolist() if not i.is_dir()}
    except (zipfile.BadZipFile, OSError) as exc:
        from .errors import VerifyFailed

        raise VerifyFailed([f"{path}: is not a readable zip file ({exc})"]) from None
    prefixes = {name.split("/", 1)[0] for name in entries}
    if len(prefixes) == 1 and all("/" in n for n in entries):
        prefix = prefixes.pop() + "/"
        entries = {n[len(prefix):]: d for n, d in entries.items()}
    return str(path), entries


def verify_packet(path: Path) -> list[str]:
    """Every mismatch in a packet (folder or zip): hashes, listed files, DOCX fingerprints."""
    where, files = read_packet(path)
    if SUMS not in files:
        return [f"{where}: has no {SUMS} (is this a pmodocs packet?)"]
    problems = _check_sums(where, files)
    problems += _check_manifest(where, files)
    return problems


def _check_sums(where: str, files: dict[str, bytes]) -> list[str]:
    problems, listed = [], set()
    for number, line in enumerate(files[SUMS].decode("utf-8", "replace").splitlines(), start=1):
        digest, _, name = line.partition("  ")
        if not name:
            problems.append(f"{where}/{SUMS}:{number}: cannot read '{line}' (expected HASH  NAME)")
            continue
        listed.add(name)
        if name not in files:
            problems.append(f"{where}/{name}: is listed in {SUMS} but missing")
        elif _sha256(files[name]) != digest:
            problems.append(f"{where}/{name}: SHA-256 differs from {SUMS} (the file was changed)")
    for name in sorted(set(files) - listed - {SUMS}):
        problems.append(f"{where}/{name}: is not listed in {SUMS} (added after the packet was made)")
    return problems


def _check_manifest(where: str, files: dict[str, bytes]) -> list[str]:
    """The manifest's own hashes, and each DOCX carrying the fingerprint the manifest names."""
    if MANIFEST not in files:
        return [f"{where}/{MANIFEST}: is missing"]
    try:
        data = json.loads(files[MANIFEST])
        entries = {e["path"]: e["sha256"] for e in data["files"]}
        documents = [(d["file"], d["fingerprint"]) for d in data["documents"]]
    except (ValueError, KeyError, TypeError) as exc:
        return [f"{where}/{MANIFEST}: cannot be read ({type(exc).__name__}: {exc})"]
    problems = []
    for name, digest in sorted(entries.items()):
        if name in files and _sha256(files[name]) != digest:
            problems.append(f"{where}/{name}: SHA-256 differs from {MANIFEST} (the file was changed)")
        elif name not in files:
            problems.append(f"{where}/{name}: is listed in {MANIFEST} but missing")
    for name, fp in documents:
        found = docx_fingerprint(files[name]) if name in files else None
        if name in files and found != fp:
            problems.append(f"{where}/{name}: carries fingerprint {found or 'none'}, but the "
                            f"manifest sends it for {fp}")
    return problems


def docx_fingerprint(data: bytes) -> str | None:
    """The Fingerprint custom property of a pmodocs DOCX, if it has one."""
    import re

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            xml = zf.read("docProps/custom.xml").decode("utf-8")
    except (zipfile.BadZipFile, KeyError):
        return None
    found = re.search(r'name="Fingerprint"><vt:lpwstr>([0-9a-f]{64})</vt:lpwstr>', xml)
    return found.group(1) if found else None
