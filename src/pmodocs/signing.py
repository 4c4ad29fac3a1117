"""PAdES signatures (pyhanko) on the PDF of every approved deliverable, and their verification.

The signature sits visibly on the approval page (the PDF's last page) and names the approvers
and the content fingerprint they approved, so the signed file says what was signed off.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from .errors import SigningError, VerifyFailed
from .model import Content
from .facts import Signoff

FIELD = "PMODOCS-Approval"
BOX_HEIGHT = 66.0
MARGIN = 72.0
FOOTER_TOP = 60.0
"""Text below this height (points from the page bottom) is the running footer."""


def _quiet_pyhanko() -> None:
    """pyhanko logs tracebacks for expected outcomes (an untrusted chain); we report them ourselves."""
    import logging

    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).addHandler(logging.NullHandler())


def load_signer(p12: Path, passphrase: bytes | None) -> Any:
    """A pyhanko signer from a PKCS#12 file; any problem is a SigningError saying what to fix."""
    from datetime import datetime, timezone

    from pyhanko.sign import signers

    _quiet_pyhanko()
    if not p12.is_file():
        raise SigningError(f"{p12}: no such certificate file (--sign-with expects a PKCS#12 "
                           ".p12 or .pfx file holding the key and certificate)")
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(p12.read_bytes(), [], passphrase=passphrase)
    except Exception:
        how = ("the passphrase is wrong" if passphrase else "it needs a passphrase")
        raise SigningError(f"{p12}: cannot open the certificate: {how}, or it is not a PKCS#12 "
                           "file with a private key (give the passphrase with --passphrase-file "
                           "FILE or PMODOCS_SIGN_PASSPHRASE)") from None
    cert = signer.signing_cert
    now = datetime.now(timezone.utc)
    if not cert.not_valid_before <= now <= cert.not_valid_after:
        raise SigningError(f"{p12}: the certificate of {cert.subject.human_friendly} is valid from "
                           f"{cert.not_valid_before:%Y-%m-%d} to {cert.not_valid_after:%Y-%m-%d}, "
                           "not today (use a current certificate)")
    return signer


def signed_pdfs(content: Content, signoffs: dict[str, Signoff], files: dict[str, bytes],
                sign_with: Path | None, passphrase: bytes | None) -> dict[str, bytes]:
    """dist/pdf/<id>.pdf, signed, for every approved deliverable (nothing when not asked to sign)."""
    if sign_with is None:
        return {}
    signer = load_signer(sign_with, passphrase)
    out = {}
    for kind, so in signoffs.items():
        if so.state != "approved":
            continue
        rel = f"dist/pdf/{kind}.pdf"
        names = ", ".join(content.person(a.person).name for a in so.approvers)
        doc = content.by_kind[kind].control
        out[rel] = sign_pdf(files[rel], signer,
                            reason=f"Approved by {names}; content fingerprint {so.fingerprint}",
                            location=content.program.department or content.program.name,
                            stamp=f"Approved by {names}\nContent fingerprint {so.fingerprint}\n"
                                  f"{doc.title}, version {doc.version}")
    return out


def sign_pdf(pdf: bytes, signer: Any, *, reason: str, location: str, stamp: str) -> bytes:
    """The PDF with a PAdES baseline signature, shown as a stamp on its last page."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    box = _stamp_box(pdf)
    if box is None:
        _append_page(writer, _page_size(pdf))
        box = _top_box(pdf)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD, reason=reason, location=location, md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES)
    style = TextStampStyle(stamp_text="Digitally signed by %(signer)s on %(ts)s\n" + stamp,
                           timestamp_format="%Y-%m-%d %H:%M %Z", border_width=1,
                           text_box_style=TextBoxStyle(font_size=8))
    pdf_signer = signers.PdfSigner(meta, signer, stamp_style=style,
                                   new_field_spec=fields.SigFieldSpec(
                                       FIELD, on_page=-1, box=cast(Any, box)))
    out = io.BytesIO()
    run_coroutine(lambda: pdf_signer.async_sign_pdf(writer, output=out))
    return out.getvalue()


def run_coroutine(make_coroutine: Any) -> Any:
    """Run pyhanko's async API; in a worker thread when the caller already runs an event loop
    (pyhanko's own sync wrappers call asyncio.run, which fails inside a running loop)."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make_coroutine())
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make_coroutine())).result()


def _page_size(pdf: bytes) -> tuple[float, float]:
    from pypdf import PdfReader

    box = PdfReader(io.BytesIO(pdf)).pages[-1].mediabox
    return float(box.width), float(box.height)


def _stamp_box(pdf: bytes) -> tuple[float, float, float, float] | None:
    """A box below the last line of the approval page, or None when the page has no room."""
    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(pdf)).pages[-1]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    lowest = [height - MARGIN]

    def visit(text: str, cm: list, tm: list, *_: Any) -> None:
        y = cm[5] + tm[5] * cm[3]
        if text.strip() and y > FOOTER_TOP:
            lowest.append(y)

    page.extract_text(visitor_text=visit)
    top = min(lowest) - 18
    if top - BOX_HEIGHT < FOOTER_TOP + 6:
        return None
    return (MARGIN, top - BOX_HEIGHT, width - MARGIN, top)


def _top_box(pdf: bytes) -> tuple[float, float, float, float]:
    width, height = _page_size(pdf)
    return (MARGIN, height - MARGIN - BOX_HEIGHT, width - MARGIN, height - MARGIN)


def _append_page(writer: Any, size: tuple[float, float]) -> None:
    """A blank page after the approval page, for a stamp that finds no room on it."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.writer import PageObject

    contents = writer.add_object(generic.StreamObject(stream_data=b""))
    writer.insert_page(PageObject(contents=contents, media_box=[0, 0, *size]))


@dataclass(frozen=True)
class SignatureReport:
    signer: str
    signed_at: str
    intact: bool
    valid: bool
    trusted: bool
    whole_file: bool


def verify_pdf(path: Path, trust: Path | None = None) -> list[SignatureReport]:
    """Every signature of a PDF; raises VerifyFailed naming the file when one does not hold."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.pdf_embedded import async_validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    _quiet_pyhanko()
    try:
        reader = PdfFileReader(io.BytesIO(path.read_bytes()), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:
        raise VerifyFailed([f"{path}: cannot be read as a PDF ({type(exc).__name__}: {exc})"]) from None
    if not signatures:
        raise VerifyFailed([f"{path}: has no digital signature (only approved deliverables are "
                            "signed, by `pmodocs build --sign-with CERT.p12`)"])
    context = ValidationContext(trust_roots=[_load_cert(trust)] if trust else [],
                                allow_fetching=False)
    reports, problems = [], []
    for sig in signatures:
        status = run_coroutine(lambda: async_validate_pdf_signature(sig, context))
        report = _report(status)
        reports.append(report)
        problems += _problems(path, report, trust is not None)
    if problems:
        raise VerifyFailed(problems)
    return reports


def _report(status: Any) -> SignatureReport:
    from pyhanko.sign.validation import SignatureCoverageLevel

    cert = status.signing_cert
    when = status.signer_reported_dt
    return SignatureReport(
        signer=cert.subject.human_friendly if cert else "unknown signer",
        signed_at=when.isoformat(timespec="minutes") if when else "unknown time",
        intact=bool(status.intact), valid=bool(status.valid), trusted=bool(status.trusted),
        whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE)


def _problems(path: Path, r: SignatureReport, need_trust: bool) -> list[str]:
    if not r.intact:
        return [f"{path}: the signature by {r.signer} is broken: the signed content was changed"]
    if not r.valid:
        return [f"{path}: the signature by {r.signer} does not verify with its certificate"]
    if not r.whole_file:
        return [f"{path}: content was added after {r.signer} signed it (the signature no longer "
                "covers the whole file)"]
    if need_trust and not r.trusted:
        return [f"{path}: the certificate of {r.signer} does not chain to the --trust certificate"]
    return []


def _load_cert(path: Path) -> Any:
    """An asn1crypto certificate from a PEM or DER file (the trust root for `verify --trust`)."""
    from asn1crypto import pem, x509

    try:
        data = path.read_bytes()
        if pem.detect(data):
            _, _, data = pem.unarmor(data)
        return x509.Certificate.load(data)
    except Exception as exc:
        from .errors import UsageError

        raise UsageError(f"{path}: is not a PEM or DER certificate ({type(exc).__name__})") from None
