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
from .facts import Signoff, awaiting, respond_by

if TYPE_CHECKING:
    from .cache import BuildCache

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
    from .dates import build_time

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


def packet(content: Content, person: str, kinds: list[str], docs: dict[str, Document],
           signoffs: dict[str, Signoff], files: dict[str, bytes], sent: date,
           cache: BuildCache | None = None) -> dict[str, bytes]:
    """One person's packet: file name -> bytes, with manifest.json and SHA256SUMS over the rest."""
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
    folder = {MEMO: remembered(cache, ".memo.docx", lambda: transmittal_memo(
        content, person, kinds, docs, signoffs, sent, due, redlines, why), *memo_inputs)}
    for kind in kinds:
        folder[f"{kind}.docx"] = files[f"dist/docx/{kind}.docx"]
        if f"dist/pdf/{kind}.pdf" in files:
            folder[sign_name(kind)] = files[f"dist/pdf/{kind}.pdf"]
    for kind in redlines:
        folder[redline_name(kind)] = files[f"dist/redline/{kind}.docx"]
    folder[MANIFEST] = manifest(content, person, kinds, docs, signoffs, folder, sent, due)
    folder[SUMS] = sha256sums(folder)
    return folder


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


def zip_folder(prefix: str, folder: dict[str, bytes], when: datetime) -> bytes:
    """The folder as a zip with sorted entries and fixed timestamps: same files, same bytes."""
    from .zips import deterministic_zip

    return deterministic_zip(folder, when, prefix=prefix)


def transmittal_memo(content: Content, person: str, kinds: list[str], docs: dict[str, Document],
                     signoffs: dict[str, Signoff], sent: date, due: date,
                     redlines: list[str] | None = None, why: str = "") -> bytes:
    """The covering memo (DOCX) for a reader who never opens a terminal: what to read, how to
    sign in Acrobat with a PIV/CAC card, where to send the signed file, and by when."""
    from .render.docx import WordBody
    from .render.docxparts import docx_bytes, open_reference, package_parts

    word, ids, shared = open_reference(_reference(content))
    out = WordBody(word, ids)
    p, program = content.person(person), content.program
    owners = _owners(content, kinds)
    out.paragraph(f"{program.name} ({program.acronym})", "Subtitle")
    out.paragraph("Transmittal memorandum: documents for your signature", "Title")
    _pairs(out, [
        ("To", f"{p.name}, {p.title}, {content.organisation(p.organisation).name}"),
        ("From", "; ".join(f"{o.name}, {o.title}" for o in owners)),
        ("Date", _day(sent)),
        ("Subject", f"Approval of {program.acronym} {program.labels.documents} "
                    f"({len(kinds)} document{'s' if len(kinds) != 1 else ''})"),
        ("Please sign and return by", _day(due) + (f" ({why})" if why else "")),
    ])
    out.paragraph(
        f"You are a required approver of the document{'s' if len(kinds) != 1 else ''} below. "
        f"Please read each one, and if you approve it, sign it digitally and send it back by "
        f"{_day(due)}. Your signature approves exactly the version you were sent; if the "
        "document changes before you sign, you will receive a new packet.")
    _documents_table(out, kinds, docs, signoffs)
    out.heading("What to read", 2)
    for kind in kinds:
        m = docs[kind].meta
        out.paragraph(f"{m.number} {m.title}, version {m.version}: read {kind}.docx (Word) or "
                      f"{sign_name(kind)}; they hold the same words. The approval page at the "
                      "end lists every approver.", "List Bullet")
    if redlines:
        out.heading("What changed since you signed", 2)
        for kind in redlines:
            out.paragraph(
                f"{docs[kind].meta.number} changed after your earlier decision, which no longer "
                f"counts. {redline_name(kind)} is the current document with every change since "
                "the approved version shown as Word tracked changes (Review, then Next change).")
    out.heading("How to sign with your PIV or CAC card", 2)
    for step in _signing_steps(p.name):
        out.paragraph(step, "List Number")
    out.heading("Where to send the signed file", 2)
    for kind in kinds:
        owner = content.person(content.by_kind[kind].control.owner)
        others = [content.person(a).name for a in content.by_kind[kind].control.approvers
                  if a != person]
        out.paragraph(
            f"{sign_name(kind)}: e-mail the signed file to {owner.name} ({owner.email}) by "
            f"{_day(due)}. " + (f"The same file is then signed in turn by "
                                f"{_and(others)}; {owner.name} forwards it." if others else ""),
            "List Bullet")
    out.heading("If you do not approve", 2)
    out.paragraph(
        "Do not sign. Reply to the document owner by the same date saying what must change; "
        "your rejection and its reasons are recorded, and a revised document will be sent to "
        "you.")
    out.heading("For the program office", 2)
    out.paragraph(
        f"Each document is identified by its content fingerprint, printed on its approval page "
        f"and listed below; {MANIFEST} and {SUMS} hold the SHA-256 hash of every file in this "
        f"packet, so the office can confirm that nothing was changed on the way. Signed files "
        f"are checked (signer, certificate, and that nothing but signatures was added) before "
        f"the approval is recorded.")
    for kind in kinds:
        out.paragraph(f"{docs[kind].meta.number}: {signoffs[kind].fingerprint}")
    _memo_header_footer(word, ids, program.acronym, p.name, due)
    _properties(word, f"Transmittal to {p.name}", [f"{o.name}, {o.title}" for o in owners], sent)
    return docx_bytes(package_parts(word, shared), datetime(sent.year, sent.month, sent.day))


def _signing_steps(name: str) -> list[str]:
    return [
        "Insert your PIV or CAC card into the card reader of your computer.",
        "Open the PDF in Adobe Acrobat or the free Adobe Acrobat Reader (a web browser's PDF "
        "viewer cannot sign). Go to the approval page at the end, headed \"Approval\".",
        f"Click the signature box marked \"Signature of {name}\" (your name). Sign only your "
        "own box; the other boxes belong to the other approvers.",
        "When Acrobat asks for a digital ID, choose the certificate on your card meant for "
        "signing (it shows your name), then Continue and Sign.",
        "Save the signed file under the same name when Acrobat asks, and enter your card's PIN.",
        "Do not change anything else: no comments, highlights, stamps, text or pages. Any change "
        "besides signatures voids the signature for this approval.",
    ]


def _owners(content: Content, kinds: list[str]) -> list[Any]:
    ids = sorted({content.by_kind[k].control.owner for k in kinds})
    return [content.person(i) for i in ids]


def _day(d: date) -> str:
    """A date as a reader says it: "Wednesday 11 November 2026"."""
    return f"{d:%A} {d.day} {d:%B %Y}"


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _memo_header_footer(word: Any, ids: Any, acronym: str, name: str, due: date) -> None:
    """A running header (what and for whom) and a footer with "Page X of Y" on every page."""
    from .render.docxparts import add_run, page_footer

    for section in word.sections:
        section.header.is_linked_to_previous = False
        section.footer.is_linked_to_previous = False
        header = section.header.paragraphs[0]._p
        for run in header.r_lst:
            header.remove(run)
        header.style = ids.paragraph("Header")
        add_run(header, f"{acronym} · Transmittal memorandum to {name} · sign by {due.isoformat()}")
        page_footer(section.footer.paragraphs[0]._p, ids.paragraph("Footer"), f"{acronym} · ")


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
    header = ("Number", "Title", "Version", "State", "Fingerprint", "Files")
    for p, text in zip(add_row(table, grid.cells, keep_together=False), header):
        add_run(p, text, bold=True)
    for kind in kinds:
        m = docs[kind].meta
        cells = add_row(table, grid.cells, keep_together=False)
        for p, text in zip(cells, (m.number, m.title, m.version, signoffs[kind].state,
                                   m.short_fingerprint, f"{kind}.docx (read), "
                                   f"{sign_name(kind)} (sign)")):
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
