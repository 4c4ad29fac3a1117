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
from typing import TYPE_CHECKING

from .document import Document
from .model import Content
from .facts import Signoff, awaiting, respond_by

if TYPE_CHECKING:
    from .cache import BuildCache

"""Approvers are asked to decide within ten business days of the packet's date."""

MEMO = "transmittal-memo.docx"
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"


def packet_files(content: Content, docs: dict[str, Document], signoffs: dict[str, Signoff],
                 files: dict[str, bytes], cache: BuildCache | None = None,
                 memos: dict[str, bytes] | None = None) -> dict[str, bytes]:
    """dist/packets/<person>/… and dist/packets/<person>.zip for every approver with work waiting
    (`memos`: the transmittal memos `packet_memos` made already, by person).

    With a cache, a memo or zip whose inputs did not change since an earlier build is reused:
    after an edit, only the packets of that deliverable's approvers are made again.
    """
    from .cache import remembered
    from .dates import build_time

    when = build_time(content)
    out: dict[str, bytes] = {}
    for person, kinds in awaiting(content, signoffs).items():
        folder = packet(content, person, kinds, docs, signoffs, files, when.date(), cache,
                        (memos or {}).get(person))
        for name, data in folder.items():
            out[f"dist/packets/{person}/{name}"] = data
        out[f"dist/packets/{person}.zip"] = remembered(
            cache, ".zip", lambda: zip_folder(person, folder, when), person, when.isoformat(),
            *(f"{name}={_sha256(data)}" for name, data in sorted(folder.items())))
    return out


def packet_memos(content: Content, docs: dict[str, Document], signoffs: dict[str, Signoff],
                 files: dict[str, bytes], cache: BuildCache | None = None) -> dict[str, bytes]:
    """Every packet's transmittal memo (person -> DOCX). A memo needs the redlines in `files`
    but not the PDFs, so a build makes the memos while its PDFs render, and hands them to
    `packet_files` once the PDFs are there."""
    from .dates import build_time

    sent = build_time(content).date()
    return {person: _memo(content, person, kinds, docs, signoffs, files, sent, cache)
            for person, kinds in awaiting(content, signoffs).items()}


def packet(content: Content, person: str, kinds: list[str], docs: dict[str, Document],
           signoffs: dict[str, Signoff], files: dict[str, bytes], sent: date,
           cache: BuildCache | None = None, memo: bytes | None = None) -> dict[str, bytes]:
    """One person's packet: file name -> bytes, with manifest.json and SHA256SUMS over the rest
    (`memo`: its transmittal memo, when made already)."""
    due, _ = decision_due(content, kinds, sent)
    redlines = redlines_for(person, kinds, signoffs, files)
    folder = {MEMO: memo if memo is not None
              else _memo(content, person, kinds, docs, signoffs, files, sent, cache)}
    for kind in kinds:
        folder[f"{kind}.docx"] = files[f"dist/docx/{kind}.docx"]
        if f"dist/pdf/{kind}.pdf" in files:
            folder[sign_name(kind)] = files[f"dist/pdf/{kind}.pdf"]
    for kind in redlines:
        folder[redline_name(kind)] = files[f"dist/redline/{kind}.docx"]
    folder[MANIFEST] = manifest(content, person, kinds, docs, signoffs, folder, sent, due)
    folder[SUMS] = sha256sums(folder)
    return folder


def _memo(content: Content, person: str, kinds: list[str], docs: dict[str, Document],
          signoffs: dict[str, Signoff], files: dict[str, bytes], sent: date,
          cache: BuildCache | None = None) -> bytes:
    """One packet's transmittal memo, from the cache when none of its inputs changed."""
    from .cache import remembered

    due, why = decision_due(content, kinds, sent)
    redlines = redlines_for(person, kinds, signoffs, files)
    p = content.person(person)
    memo_inputs = (  # everything transmittal_memo reads, generously: a superset only costs a render
        person, repr(p), repr(content.organisation(p.organisation)), repr(content.program),
        repr(kinds), repr([(docs[k].meta, signoffs[k]) for k in kinds]), sent.isoformat(),
        due.isoformat(), why, repr(redlines), _sha256(_reference(content)),
        repr([(content.person(content.by_kind[k].control.owner),
               [content.person(a) for a in content.by_kind[k].control.approvers])
              for k in kinds]))
    return remembered(cache, ".memo.docx", lambda: transmittal_memo(
        content, person, kinds, docs, signoffs, sent, due, redlines, why), *memo_inputs)


def sign_name(kind: str) -> str:
    """The PDF in the packet that the approver signs (the DOCX beside it is to read)."""
    return f"{kind}.pdf"


def decision_due(content: Content, kinds: list[str], sent: date) -> tuple[date, str]:
    """The date a packet's decisions are due, and why: ten business days after it is sent, or
    the business day before the earliest meeting that needs one of its documents decided (a
    launch agenda is approved before its meeting), whichever comes first."""
    due, why = respond_by(sent), f"ten business days after {sent.isoformat()}"
    for kind in kinds:
        meeting = getattr(content.by_kind[kind], "meeting", None)
        when = getattr(meeting, "date", None)
        if not isinstance(when, date) or when <= sent:
            continue
        before = when - timedelta(days=1)
        while before.weekday() >= 5 and before > sent:
            before -= timedelta(days=1)
        if before < due:
            due = before
            why = (f"the {content.by_kind[kind].control.title} must be approved before its "
                   f"meeting on {when.isoformat()}")
    return due, why


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
            **({"sign": sign_name(kind)} if sign_name(kind) in folder else {}),
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


COMPRESSED = (".pdf", ".docx", ".xlsx", ".zip", ".png", ".jpg", ".jpeg")
"""Files a packet zip stores as they are: compressed already, deflating them again gained 5-12 %
of their size and was most of the time the packets took."""


def zip_folder(prefix: str, folder: dict[str, bytes], when: datetime) -> bytes:
    """The folder as a zip with sorted entries and fixed timestamps: same files, same bytes."""
    from .zips import deterministic_zip

    return deterministic_zip(folder, when, prefix=prefix, stored=COMPRESSED)


def transmittal_memo(content: Content, person: str, kinds: list[str], docs: dict[str, Document],
                     signoffs: dict[str, Signoff], sent: date, due: date,
                     redlines: list[str] | None = None, why: str = "") -> bytes:
    """The covering memo (DOCX), composed as a document tree (compose/memo.py) naming the
    packet's files, and written like the documents, with their reference document."""
    from .compose.memo import PacketFiles
    from .compose.memo import transmittal_memo as compose_memo
    from .render.docx import render_memo

    files = PacketFiles(read={k: f"{k}.docx" for k in kinds}, sign={k: sign_name(k) for k in kinds},
                        redline={k: redline_name(k) for k in redlines or []},
                        manifest=MANIFEST, sums=SUMS)
    memo = compose_memo(content, person, kinds, docs, signoffs, sent, due, redlines or [], why,
                        files)
    return render_memo(memo, reference=_reference(content))


def _reference(content: Content) -> bytes:
    """The program's reference DOCX (the documents' own): the memo looks like the documents."""
    from .branding import reference_document

    return reference_document(content)


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
        documents += [(d["sign"], d["fingerprint"]) for d in data["documents"] if "sign" in d]
    except (ValueError, KeyError, TypeError) as exc:
        return [f"{where}/{MANIFEST}: cannot be read ({type(exc).__name__}: {exc})"]
    problems = []
    for name, digest in sorted(entries.items()):
        if name in files and _sha256(files[name]) != digest:
            problems.append(f"{where}/{name}: SHA-256 differs from {MANIFEST} (the file was changed)")
        elif name not in files:
            problems.append(f"{where}/{name}: is listed in {MANIFEST} but missing")
    from .sigfields import pdf_fingerprint

    for name, fp in documents:
        read = pdf_fingerprint if name.endswith(".pdf") else docx_fingerprint
        found = read(files[name]) if name in files else None
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
