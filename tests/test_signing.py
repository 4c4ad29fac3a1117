"""Digital signatures: approved deliverables' PDFs signed (PAdES) and checked by `verify`."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import pytest

# the verbs run through pmodocs.cli.main in this process (test_cli.py runs the command line)
from conftest import EXAMPLE, run_here as run
from pmodocs.load import load_content
from pmodocs.contentedit import record_approval
from pmodocs.signoff import signoff

PASSPHRASE = b"correct horse battery staple"
SIGNER = "SCAS Project Office Test Signer"


def make_certificate(folder: Path, *, days: tuple[int, int] = (-1, 30)) -> tuple[Path, Path]:
    """A self-signed signing certificate: (PKCS#12 with PASSPHRASE, PEM certificate)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SIGNER),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Department of Human Assistance")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now + dt.timedelta(days=days[0]))
            .not_valid_after(now + dt.timedelta(days=days[1]))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=True, crl_sign=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    p12, pem = folder / "signer.p12", folder / "signer.pem"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        b"signer", key, cert, None, serialization.BestAvailableEncryption(PASSPHRASE)))
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return p12, pem


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("cert"))


@pytest.fixture(scope="module")
def signed_build(tmp_path_factory, certificate) -> Path:
    """The example with the launch agenda fully approved, built with --sign-with (env passphrase)."""
    root = tmp_path_factory.mktemp("signed")
    content = root / "content"
    shutil.copytree(EXAMPLE, content)
    for person in ("marisol-ortega", "denise-carmichael"):
        record_approval(content, "launch-agenda", person, "approved", dt.date(2026, 11, 2))
    result = run("build", "--content", str(content), "--out", str(root / "out"), "--quiet",
                 "--sign-with", str(certificate[0]),
                 env={"PMODOCS_SIGN_PASSPHRASE": PASSPHRASE.decode()})
    assert result.returncode == 0, result.stderr
    return root


@pytest.mark.slow  # a signed build (signed_build)
def test_every_approved_deliverable_pdf_is_signed_and_verifies(signed_build, certificate):
    content = load_content(signed_build / "content")
    approved = [k for k in content.deliverables if signoff(content, k).state == "approved"]
    assert "launch-agenda" in approved
    for kind in approved:
        result = run("verify", str(signed_build / f"out/dist/pdf/{kind}.pdf"),
                     "--trust", str(certificate[1]))
        assert result.returncode == 0, result.stderr
        assert SIGNER in result.stdout and "intact" in result.stdout and "trusted" in result.stdout


@pytest.mark.slow  # a signed build (signed_build)
def test_pdfs_not_approved_carry_no_signature(signed_build):
    result = run("verify", str(signed_build / "out/dist/pdf/quality.pdf"))
    assert result.returncode == 7
    assert "quality.pdf: has no digital signature" in result.stderr


@pytest.mark.slow  # a signed build (signed_build)
def test_the_signature_is_visible_on_the_approval_page_below_its_text(signed_build):
    from pypdf import PdfReader

    path = signed_build / "out/dist/pdf/launch-agenda.pdf"
    reader = PdfReader(path)
    page = reader.pages[-1]
    assert "Approval" in page.extract_text()
    widgets = [a.get_object() for a in page.get("/Annots", [])]
    sig = next(w for w in widgets if w.get("/FT") == "/Sig")
    x1, y1, x2, y2 = (float(v) for v in sig["/Rect"])
    assert x2 - x1 > 300 and y2 - y1 > 40, "a visible stamp, not an invisible field"
    assert "/AP" in sig
    lowest = []
    page.extract_text(visitor_text=lambda t, cm, tm, *_: lowest.append(cm[5] + tm[5] * cm[3])
                      if t.strip() and cm[5] + tm[5] * cm[3] > 60 else None)
    assert y2 < min(lowest), "the stamp must not cover the approval page's text"


@pytest.mark.slow  # a signed build (signed_build)
def test_the_signature_names_the_approvers_and_the_fingerprint(signed_build):
    from pyhanko.pdf_utils.reader import PdfFileReader

    content = load_content(signed_build / "content")
    so = signoff(content, "launch-agenda")
    with open(signed_build / "out/dist/pdf/launch-agenda.pdf", "rb") as handle:
        sig = PdfFileReader(handle).embedded_signatures[0]
        reason = str(sig.sig_object["/Reason"])
    assert so.fingerprint in reason and "Marisol Ortega" in reason and "Denise Carmichael" in reason


@pytest.mark.slow  # a signed build (signed_build)
def test_a_pdf_changed_after_signing_fails_verify(signed_build, tmp_path):
    data = bytearray((signed_build / "out/dist/pdf/launch-agenda.pdf").read_bytes())
    start = data.index(b"stream\n") + 50  # inside the first content stream: signed bytes
    data[start] ^= 0x01
    changed = tmp_path / "launch-agenda.pdf"
    changed.write_bytes(bytes(data))
    result = run("verify", str(changed))
    assert result.returncode == 7
    assert "launch-agenda.pdf" in result.stderr and "signed content was changed" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow  # a signed build (signed_build)
def test_a_revision_added_after_signing_fails_verify(signed_build, tmp_path):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    original = (signed_build / "out/dist/pdf/launch-agenda.pdf").read_bytes()
    writer = IncrementalPdfFileWriter(io.BytesIO(original), strict=False)
    writer.root["/Lang"] = generic.TextStringObject("fr-CA")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    changed = tmp_path / "launch-agenda.pdf"
    changed.write_bytes(out.getvalue())
    result = run("verify", str(changed))
    assert result.returncode == 7 and "content was added after" in result.stderr


@pytest.mark.slow  # a signed build (signed_build)
def test_verify_with_another_trust_root_says_the_certificate_is_not_trusted(signed_build, tmp_path):
    _, other = make_certificate(tmp_path / "other")
    result = run("verify", str(signed_build / "out/dist/pdf/launch-agenda.pdf"), "--trust", str(other))
    assert result.returncode == 7 and "does not chain to the --trust certificate" in result.stderr


def test_a_wrong_passphrase_fails_at_once_with_exit_6_and_builds_nothing(certificate, tmp_path):
    result = run("build", "--out", str(tmp_path), "--sign-with", str(certificate[0]),
                 env={"PMODOCS_SIGN_PASSPHRASE": "wrong"})
    assert result.returncode == 6
    assert "signer.p12: cannot open the certificate: the passphrase is wrong" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "dist").exists()


def test_a_missing_passphrase_or_certificate_is_a_clean_error(certificate, tmp_path):
    env = {"PMODOCS_SIGN_PASSPHRASE": ""}
    result = run("build", "--out", str(tmp_path), "--sign-with", str(certificate[0]), env=env)
    assert result.returncode == 6 and "it needs a passphrase" in result.stderr
    result = run("build", "--out", str(tmp_path), "--sign-with", str(tmp_path / "none.p12"))
    assert result.returncode == 6 and "no such certificate file" in result.stderr


def test_an_expired_certificate_is_refused(tmp_path):
    p12, _ = make_certificate(tmp_path, days=(-400, -35))
    result = run("build", "--out", str(tmp_path / "out"), "--sign-with", str(p12),
                 env={"PMODOCS_SIGN_PASSPHRASE": PASSPHRASE.decode()})
    assert result.returncode == 6 and "not today" in result.stderr


def test_the_passphrase_comes_from_a_file_never_from_an_argument(certificate, tmp_path):
    from pmodocs.cli import _build_options, _parser

    secret = tmp_path / "passphrase"
    secret.write_bytes(PASSPHRASE + b"\n")
    args = _parser().parse_args(["build", "--sign-with", str(certificate[0]),
                                 "--passphrase-file", str(secret)])
    options = _build_options(args)
    assert options.sign_with == certificate[0] and options.passphrase == PASSPHRASE
    assert run("build", "--sign-with", str(certificate[0]), "--passphrase", "x").returncode == 2


def test_a_full_approval_page_gets_the_stamp_on_a_page_of_its_own(certificate, tmp_path):
    import typst
    from pypdf import PdfReader

    from pmodocs.signing import load_signer, sign_pdf, verify_pdf

    source = (b'#set page(width: 612pt, height: 792pt, margin: 72pt)\n'
              b'= Approval\n#lorem(60)\n#v(1fr)\nLast line at the foot of the page.\n')
    pdf = typst.compile(source)
    signer = load_signer(certificate[0], PASSPHRASE)
    signed = sign_pdf(pdf, signer, reason="test", location="test", stamp="Approved by test")
    pages = PdfReader(io.BytesIO(signed)).pages
    assert len(pages) == len(PdfReader(io.BytesIO(pdf)).pages) + 1
    assert any(a.get_object().get("/FT") == "/Sig" for a in pages[-1].get("/Annots", []))
    path = tmp_path / "full.pdf"
    path.write_bytes(signed)
    [report] = verify_pdf(path)
    assert report.intact and report.valid and report.whole_file


def test_signing_and_verifying_work_inside_a_running_event_loop(certificate, tmp_path):
    """Regression: pyhanko's sync API calls asyncio.run, which fails under playwright or serve."""
    import asyncio

    import typst

    from pmodocs.signing import load_signer, sign_pdf, verify_pdf

    async def inside_a_loop() -> list:
        pdf = typst.compile(b"= Approval\nApproved.\n")
        path = tmp_path / "signed.pdf"
        path.write_bytes(sign_pdf(pdf, load_signer(certificate[0], PASSPHRASE), reason="test",
                                  location="test", stamp="Approved by test"))
        return verify_pdf(path, certificate[1])

    from concurrent.futures import ThreadPoolExecutor

    # A thread of its own, so the test's loop is the only one running there (a session fixture
    # such as playwright's may already run one in the main thread).
    with ThreadPoolExecutor(max_workers=1) as pool:
        [report] = pool.submit(lambda: asyncio.run(inside_a_loop())).result()
    assert report.intact and report.trusted and report.whole_file
