"""Approvers' own signatures: read each from a signed PDF, check it, record the approval it proves.

The PDF of a deliverable awaiting approval carries one empty signature field per required
approver (sigfields.py). Approvers sign their field in turn (Acrobat with a PIV/CAC card; each
signature is an incremental update), and `pmodocs approve DELIVERABLE --signed FILE.pdf` reads
every signature in the file. A signature proves an approval only when it is intact and covers
the file up to its revision, nothing but later signatures changed the file after it, its
certificate chains to a trusted root and was valid when it signed, the certificate belongs to
the approver the field is for (e-mail, or a pinned certificate SHA-256), and the signed revision
carries the deliverable's current content fingerprint. One failure refuses the whole file.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .errors import UsageError, VerifyFailed
from .model import Content

SIGNATURES = "signatures"
"""The folder under content/ keeping signed PDFs as evidence, one sub-folder per deliverable."""

CHANGES = {
    "NONE": "nothing",
    "LTA_UPDATES": "nothing but validation data",
    "FORM_FILLING": "later signatures only",
    "ANNOTATIONS": "annotations were added or changed",
    "OTHER": "the document was changed",
}


@dataclass(frozen=True)
class SignatureCheck:
    """What one signature in a PDF shows, and every reason it does not prove an approval."""

    field: str
    signer: str
    emails: tuple[str, ...]
    cert_sha256: str
    signed_at: datetime | None
    intact: bool
    trusted: bool
    changed_after: str
    fingerprint: str | None
    person: str | None = None
    problems: tuple[str, ...] = ()


def trust_roots(content: Content | None, extra: list[Path]) -> list[Any]:
    """asn1crypto certificates of program.yaml's `signoff.trust` and of `--trust` files."""
    from .signing import _load_cert

    from .errors import ContentError, Problem

    paths = list(extra)
    if content is not None:
        root = content.root.resolve()
        problems = []
        for i, rel in enumerate(content.program.signoff.trust):
            path = (content.root / rel).resolve()
            if root not in path.parents or not path.is_file():
                src = content.sources.get("program.yaml")
                line = src.line_of(("program", "signoff", "trust", i)) if src else 0
                problems.append(Problem(
                    src.display if src else str(content.root / "program.yaml"), line,
                    f"program.signoff.trust[{i}]", f"{rel!r} is not a file inside the content "
                    "folder (expected the path of a PEM root certificate such as "
                    "trust/federal-common-policy-ca-g2.pem)"))
            paths.append(path)
        if problems:
            raise ContentError(problems)
    for path in extra:
        if not Path(path).is_file():
            raise UsageError(f"--trust {path}: no such certificate file")
    return [_load_cert(Path(p)) for p in paths]


def read_signatures(data: bytes, roots: list[Any]) -> list[SignatureCheck]:
    """Every signature of a PDF with what pyhanko finds (intact, trusted, what changed after)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    from .signing import _quiet_pyhanko

    _quiet_pyhanko()
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception as exc:
        raise VerifyFailed([f"cannot be read as a PDF ({type(exc).__name__}: {exc})"]) from None
    later = {s.signed_revision for s in signatures}
    return [_check(data, sig, roots, reader, later) for sig in signatures]


def _check(data: bytes, sig: Any, roots: list[Any], reader: Any, signed_revisions: set[int]) -> SignatureCheck:
    from pyhanko.sign.validation import SignatureCoverageLevel
    from pyhanko.sign.validation.pdf_embedded import async_validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from .sigfields import pdf_fingerprint
    from .signing import run_coroutine

    when = sig.self_reported_timestamp
    context = ValidationContext(trust_roots=roots, allow_fetching=False,
                                moment=when or datetime.now(timezone.utc))
    status = run_coroutine(lambda: async_validate_pdf_signature(sig, context, diff_policy=diff_policy()))
    cert = status.signing_cert
    level = status.modification_level
    changed = CHANGES.get(level.name, level.name.lower()) if level is not None else "unknown"
    later = range(sig.signed_revision + 1, reader.xrefs.total_revisions)
    if level is not None and level.name == "FORM_FILLING" and any(r not in signed_revisions for r in later):
        changed = "form fields were filled in"
    start, length = sig.byte_range[2], sig.byte_range[3]
    covered = data[:start + length]
    problems = []
    if not (status.intact and status.valid):
        problems.append("is broken: the signed bytes were changed after signing")
    elif status.coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        problems.append("does not cover the whole file up to its revision")
    if changed not in ("nothing", "nothing but validation data", "later signatures only"):
        problems.append(f"was followed by changes that are not signatures: {changed}")
    if not status.trusted:
        problems.append(_untrusted_reason(cert, when))
    return SignatureCheck(
        field=sig.field_name, signer=cert.subject.human_friendly if cert else "unknown signer",
        emails=_emails(cert) if cert else (),
        cert_sha256=hashlib.sha256(cert.dump()).hexdigest() if cert else "",
        signed_at=when, intact=bool(status.intact and status.valid), trusted=bool(status.trusted),
        changed_after=changed, fingerprint=pdf_fingerprint(covered), problems=tuple(problems))


def _untrusted_reason(cert: Any, when: datetime | None) -> str:
    if cert is not None and when is not None:
        start, end = cert.not_valid_before, cert.not_valid_after
        if not start <= when <= end:
            return (f"was made with a certificate valid from {start:%Y-%m-%d} to {end:%Y-%m-%d}, "
                    f"not at signing time {when:%Y-%m-%d %H:%M} UTC (use a current certificate)")
    return ("has a certificate that does not chain to a trusted root (add the root's PEM file to "
            "program.signoff.trust in program.yaml, or pass --trust ROOT.pem)")


def _emails(cert: Any) -> tuple[str, ...]:
    found = []
    email = cert.subject.native.get("email_address")
    if email:
        found.append(str(email).lower())
    san = cert.subject_alt_name_value
    for name in san or []:
        if name.name == "rfc822_name":
            found.append(str(name.native).lower())
    return tuple(dict.fromkeys(found))


def diff_policy() -> Any:
    """pyhanko's standard policy, plus: a signature widget may also be referenced from the
    structure tree (its `Form` element), as PDF/UA requires, when a later signature fills it."""
    from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, StandardDiffPolicy

    return StandardDiffPolicy(global_rules=[*DEFAULT_DIFF_POLICY.global_rules, _TaggedWidgets()],  # type: ignore[list-item]
                              form_rule=DEFAULT_DIFF_POLICY.form_rule)


class _TaggedWidgets:
    """Clears the structure-tree paths (OBJR) to a signature field that a later revision signs;
    the form rule still has to explain the change of the field itself."""

    def apply_qualified(self, old: Any, new: Any) -> Any:
        from pyhanko.sign.diff_analysis import ModificationLevel
        from pyhanko.sign.diff_analysis.rules_api import Context, ReferenceUpdate

        old._load_reverse_xref_cache()
        for ref in new.explicit_refs_in_revision():
            try:
                obj = new(ref)
                if obj.get("/FT") != "/Sig" or obj.get("/Subtype") != "/Widget":
                    continue
            except Exception:
                continue
            for path in old._get_usages_of_ref(ref):
                if tuple(path.path[:2]) == ("/Root", "/StructTreeRoot"):
                    yield ModificationLevel.FORM_FILLING, ReferenceUpdate(
                        ref, context_checked=Context.from_absolute(old, path))


# --- collecting ---------------------------------------------------------------------------------

def match_people(content: Content, kind: str, checks: list[SignatureCheck], fp: str) -> list[SignatureCheck]:
    """Each check with its person, and the problems of who signed and for which content."""
    import dataclasses

    approvers = content.by_kind[kind].control.approvers
    out = []
    for c in checks:
        problems = list(c.problems)
        person = next((p for p in content.people if p.id == c.field), None)
        if person is None or person.id not in approvers:
            problems.append(f"is in field {c.field!r}, which is not a required approver of "
                            f"{kind} (its approvers: {', '.join(approvers)})")
        elif not (person.email.lower() in c.emails or person.certificate_sha256 == c.cert_sha256):
            problems.append(f"is by {c.signer}, not by {person.name}: the certificate's e-mail "
                            f"({', '.join(c.emails) or 'none'}) is not {person.email} and its "
                            f"SHA-256 is not pinned as certificate_sha256 in people.yaml")
        if c.fingerprint != fp:
            problems.append(f"signs the PDF made for content {(c.fingerprint or 'unknown')[:12]}, "
                            f"but {kind}'s current content is {fp[:12]} (sign the current "
                            f"dist/pdf/{kind}.pdf)")
        out.append(dataclasses.replace(c, person=person.id if person else None,
                                       problems=tuple(problems)))
    return out


# --- publishing ---------------------------------------------------------------------------------

def fully_signed(content: Content, signoffs: dict[str, Any]) -> dict[str, bytes]:
    """dist/signed/<id>.pdf: the kept PDF holding every required approver's signature, for every
    approved deliverable whose approvals are all proven by signatures."""
    out = {}
    for kind, so in signoffs.items():
        if so.state != "approved" or not all(a.evidence == "signature" for a in so.approvers):
            continue
        folder = content.root / SIGNATURES / kind
        wanted = {a.person for a in so.approvers}
        for path in sorted(folder.glob(f"{so.fingerprint}*.pdf")) if folder.is_dir() else []:
            data = path.read_bytes()
            if wanted <= set(signed_fields(data)):
                out[f"dist/signed/{kind}.pdf"] = data
                break
    return out


def signed_fields(data: bytes) -> list[str]:
    """Names of the signature fields of a PDF that hold a signature."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        return [s.field_name for s in PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures]
    except Exception:
        return []


# --- verify -------------------------------------------------------------------------------------

def verify_approver_pdf(path: Path, trust: list[Path], content: Content | None) -> list[str] | None:
    """`pmodocs verify FILE.pdf` for approvers' signatures: one line per signature (signer,
    person, time, intact, trusted, what changed after it); None when the file has none (an
    office signature from `build --sign-with` is checked by signing.verify_pdf)."""
    from .sigfields import pdf_fingerprint
    from .signing import FIELD

    data = path.read_bytes()
    names = signed_fields(data)
    if not names or all(n == FIELD for n in names):
        return None
    checks = read_signatures(data, trust_roots(content, trust))
    fp = pdf_fingerprint(data)
    kind = None
    if content is not None:
        from .signoff import fingerprint

        kind = next((k for k in content.deliverables if fingerprint(content, k) == fp), None)
        if kind is not None:
            checks = match_people(content, kind, checks, fp or "")
    lines = [f"{path}: made for content {(fp or 'unknown')[:12]}"
             + (f" ({kind}, its current content)" if kind else "")]
    problems = []
    if content is not None and kind is None:
        problems.append(f"{path}: content {(fp or 'unknown')[:12]} is not the current content of "
                        f"any deliverable in {content.root}")
    for c in checks:
        who = c.person or c.field
        when = f"{c.signed_at:%Y-%m-%d %H:%M} UTC" if c.signed_at else "unknown time"
        lines.append(f"{path}: field {c.field!r}: signed by {c.signer} (person: {who}) at {when}; "
                     f"intact: {'yes' if c.intact else 'no'}; trusted: "
                     f"{'yes' if c.trusted else 'no'}; changed after it: {c.changed_after}")
        problems += [f"{path}: the signature in field {c.field!r} {p}" for p in c.problems]
    if problems:
        print("\n".join(lines))
        raise VerifyFailed(problems)
    return lines


def verify_evidence(content: Content, kind: str, trust: list[Path]) -> list[str]:
    """Every recorded signature of the deliverable's current content, checked again from its
    kept file: the approvals.yaml record alone proves nothing (`pmodocs verify DELIVERABLE`)."""
    from .signoff import fingerprint

    fp = fingerprint(content, kind)
    records = [r for r in content.approvals
               if r.deliverable == kind and r.fingerprint == fp and r.signature]
    if not records:
        return []
    roots = trust_roots(content, trust)
    problems: list[str] = []
    cache: dict[str, list[SignatureCheck]] = {}
    for r in records:
        sig = r.signature
        assert sig is not None  # records are those with a signature
        path = content.root / sig.file
        where = f"{content.root / 'approvals.yaml'}: {kind}: {r.approver}'s signature"
        if content.root.resolve() not in path.resolve().parents or not path.is_file():
            problems.append(f"{where}: the signed file {sig.file} is missing")
            continue
        if sig.file not in cache:
            cache[sig.file] = match_people(content, kind,
                                                   read_signatures(path.read_bytes(), roots), fp)
        found = [c for c in cache[sig.file]
                 if c.person == r.approver and c.cert_sha256 == sig.sha256]
        if not found:
            problems.append(f"{where}: {sig.file} holds no signature of {r.approver} "
                            f"with certificate {sig.sha256[:12]}")
        problems += [f"{where}: {p}" for c in found for p in c.problems]
    return problems
