"""The one module that writes into a content folder: approval records and snapshots
(`approve`), kept signed PDFs, the rewritten files of `migrate` and `import`, a new program's
files (`new`) and the editors' JSON Schemas. The other modules decide what to write and hand
it here.

Every write is atomic (written beside the file, then renamed), so an interrupted command never
leaves half a file; ruamel's round trip keeps comments, key order and quoting.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Literal, cast

from .errors import UsageError, VerifyFailed
from .files import write_atomically
from .hints import did_you_mean
from .model import Approval, Content, Deliverable
from .signoff import fingerprint, known_deliverable, signoff

if TYPE_CHECKING:
    from .signatures import SignatureCheck


def write_content(path: Path, data: str | bytes) -> None:
    """One content file written atomically (its folder made if need be)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, data)


def write_changed(root: Path, files: dict[str, str]) -> list[Path]:
    """Each file (path relative to `root` -> text) that differs from what is there; returns the
    files written."""
    written = []
    for rel, text in sorted(files.items()):
        path = root / rel
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            write_content(path, text)
            written.append(path)
    return written


def remove_content(path: Path) -> None:
    """A content file nothing needs any more (an old snapshot)."""
    path.unlink(missing_ok=True)


def replace_folder(folder: Path, files: dict[str, bytes]) -> None:
    """`folder` (e.g. snapshots/) holding exactly `files` (paths relative to it)."""
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    for rel, data in files.items():
        write_content(folder / rel, data)


def new_program(target: Path, files: dict[str, str]) -> list[Path]:
    """A new content tree in `target`, which must be empty or absent (`pmodocs new`), with the
    editors' schemas its files point to."""
    from .authoring.schema import SCHEMA_DIR

    if target.exists() and any(target.iterdir()):
        raise UsageError(f"{target} is not empty; `pmodocs new` only writes into a new folder")
    written = write_changed(target, files)
    write_schemas(target / SCHEMA_DIR)  # the `$schema` line of every file points here
    return written


def write_schemas(out: Path) -> list[Path]:
    """Every JSON Schema into `out`; returns the paths (unchanged files are left alone)."""
    from .authoring.schema import all_schemas

    schemas = all_schemas()
    write_changed(out, schemas)
    return [out / name for name in schemas]


def checked_with_changes(content_dir: Path, files: dict[str, str]) -> None:
    """Check the whole program as it would be with `files` changed, in a scratch copy; report
    problems by the real paths (`pmodocs import` writes nothing the build would refuse)."""
    import shutil

    from .errors import ContentError, Problem
    from .outputs import load_and_check

    if not files:
        return
    with tempfile.TemporaryDirectory(prefix="pmodocs-import-") as tmp:
        copy = Path(tmp) / "content"
        shutil.copytree(content_dir, copy, symlinks=True)
        for rel, text in files.items():
            (copy / rel).write_text(text, encoding="utf-8")
        try:
            load_and_check(copy)
        except ContentError as exc:
            prefix = str(copy)
            raise ContentError([
                Problem(p.file.replace(prefix, str(content_dir)), p.line, p.field,
                        p.message + " (after the workbook's changes)", p.severity)
                for p in exc.problems if p.severity == "error"]) from None


def approval_date(given: str | None) -> date:
    """--date if given, else SOURCE_DATE_EPOCH's day, else today: the day the decision is recorded."""
    if given:
        try:
            return date.fromisoformat(given)
        except ValueError:
            raise UsageError(f"--date {given!r} is not a date (expected a date such as "
                             "2026-11-02)") from None
    from .dates import today

    return today()


def record_approval(content_dir: Path, kind: str, person: str, decision: str, when: date,
                    comment: str | None = None) -> Approval:
    """Append one decision, bound to the current fingerprint, to approvals.yaml (layout kept)."""
    from .outputs import load_and_check

    content, _ = load_and_check(content_dir)
    _refuse_unknown(content, kind, person)
    record = _new_record(kind, person, decision, when, fingerprint(content, kind), comment)
    current = signoff(content, kind)
    mine = next(a for a in current.approvers if a.person == person)
    if mine.current and mine.decision == decision:
        raise UsageError(f"{person} already {decision} {kind} for its current content on "
                         f"{mine.date}; nothing was written")
    _keep_snapshot(content_dir, content, kind, record.fingerprint)
    _append_record(content_dir / "approvals.yaml", record)
    return record


def _keep_snapshot(content_dir: Path, content: Content, kind: str, fp: str) -> None:
    """content/snapshots/<kind>/<fingerprint>.json, written before the record that needs it, so
    a later build can show the approver what changed since this decision."""
    from .redline import snapshot_bytes, snapshot_path

    path = snapshot_path(content_dir, kind, fp)
    data = snapshot_bytes(content, kind)
    if path.is_file() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, data)


def _refuse_unknown(content: Content, kind: str, person: str) -> Deliverable:
    """The deliverable, after checking that `person` is one of its required approvers."""
    known_deliverable(content, kind)
    ids = [p.id for p in content.people]
    if person not in ids:
        hint = did_you_mean(person, ids, expected="expected a person id from people.yaml")
        raise UsageError(f"'{person}' is not a person in people.yaml ({hint})")
    doc = content.by_kind[kind]
    if person not in doc.control.approvers:
        raise UsageError(f"{person} is not a required approver of {kind} (its approvers are: "
                         f"{', '.join(doc.control.approvers)}; see control.approvers in "
                         f"deliverables/{kind}.yaml)")
    return doc


def _new_record(kind: str, person: str, decision: str, when: date, fp: str,
                comment: str | None) -> Approval:
    """The record as the model validates it, so approve never writes what check would refuse."""
    from pydantic import ValidationError

    try:
        return Approval(deliverable=kind, approver=person, date=when,
                        decision=cast(Literal["approved", "rejected"], decision),
                        fingerprint=fp, comment=comment)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        raise UsageError(f"--{field}: {err['msg']}") from None


def _append_record(path: Path, record: Approval) -> None:
    """ruamel round-trip: comments, key order and quoting of existing records survive."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100
    yaml.preserve_quotes = True
    data = yaml.load(path.read_text(encoding="utf-8"))
    records = data.get("approvals")
    if not isinstance(records, CommentedSeq):
        records = CommentedSeq(records or [])
        data["approvals"] = records
    records.fa.set_block_style()
    item = CommentedMap()
    for key in ("deliverable", "approver", "decision", "date", "fingerprint", "comment"):
        value = getattr(record, key)
        if value is not None:
            item[key] = value
    if record.signature is not None:
        item["signature"] = CommentedMap(record.signature.model_dump())
    records.append(item)
    out = io.StringIO()
    yaml.dump(data, out)
    write_atomically(path, out.getvalue())


# --- approvals proven by signatures (`approve --signed`) -----------------------------------

def collect(content_dir: Path, kind: str, signed: Path, trust: list[Path]) -> list[Approval]:
    """Check every signature of `signed`; when all hold, keep the file and record what each proves."""
    from .outputs import load_and_check
    from .signatures import match_people, read_signatures, trust_roots

    content, _ = load_and_check(content_dir)
    known_deliverable(content, kind)
    try:
        data = signed.read_bytes()
    except OSError as exc:
        raise UsageError(f"--signed {signed}: {exc.strerror}") from None
    fp = fingerprint(content, kind)
    checks = match_people(content, kind, read_signatures(data, trust_roots(content, trust)), fp)
    if not checks:
        raise VerifyFailed([f"{signed}: has no signature (approvers sign their field of "
                            f"dist/pdf/{kind}.pdf)"])
    problems = [f"{signed}: the signature in field {c.field!r} ({c.signer}) {p}"
                for c in checks for p in c.problems]
    if problems:
        raise VerifyFailed(problems + [f"{signed}: nothing was recorded"])
    now = {a.person: a for a in signoff(content, kind).approvers}
    evidence = keep_evidence(content_dir, kind, fp, data)
    records = []
    for c in checks:
        mine = now[c.person or ""]  # every check has its person once there are no problems
        if mine.current and mine.decision == "approved" and mine.evidence == "signature":
            continue
        records.append(_record(kind, c, fp, evidence))
    if not records:
        raise UsageError(f"{signed}: every signature in it is already recorded for {kind}'s "
                         "current content; nothing was written")
    _keep_snapshot(content_dir, content, kind, fp)  # for the redline once the content changes
    for record in records:
        _append_record(content_dir / "approvals.yaml", record)
    return records


def _record(kind: str, c: SignatureCheck, fp: str, evidence: str) -> Approval:
    from .model.approvals import SignatureEvidence

    day = (c.signed_at or datetime.now(timezone.utc)).date()
    return Approval(deliverable=kind, approver=c.person or "", decision="approved", date=day,
                    fingerprint=fp, comment=None,
                    signature=SignatureEvidence(file=evidence, subject=c.signer,
                                                sha256=c.cert_sha256))


def keep_evidence(content_dir: Path, kind: str, fp: str, data: bytes) -> str:
    """content/signatures/<id>/<fingerprint>.pdf: replaced by a file that extends it (signed
    further, in turn); a file signed apart from it is kept beside it. Returns the path kept."""
    from .signatures import SIGNATURES

    folder = content_dir / SIGNATURES / kind
    folder.mkdir(parents=True, exist_ok=True)
    main = folder / f"{fp}.pdf"
    if main.is_file():
        old = main.read_bytes()
        if old.startswith(data):
            return main.relative_to(content_dir).as_posix()
        if not data.startswith(old):
            main = folder / f"{fp}-{hashlib.sha256(data).hexdigest()[:12]}.pdf"
    write_atomically(main, data)
    return main.relative_to(content_dir).as_posix()
