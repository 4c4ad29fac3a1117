"""Sign-off that proves who approved exactly what they read: approvers sign their own field of the
PDF in turn (as Acrobat does with a PIV card: incremental updates), and `approve --signed` records
only what the signatures prove. The PKI is made here with `cryptography` (tests/pki.py)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import EXAMPLE, ROOT, edit_yaml, run
from pki import make_ca, make_person, sign_field, write_pem
from pmodocs.load import load_content
from pmodocs.signoff import fingerprint, signoff

KIND = "launch-agenda"  # in review; approvers Marisol Ortega, then Denise Carmichael
FIRST, SECOND = "marisol-ortega", "denise-carmichael"


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A test root CA and certificates, made once for the module."""
    folder = tmp_path_factory.mktemp("pki")
    ca, rogue = make_ca("Test Federal Root CA"), make_ca("Someone Else's Root")
    return {
        "ca": ca, "root_pem": write_pem(ca, folder / "root.pem"),
        "rogue": rogue, "rogue_pem": write_pem(rogue, folder / "rogue.pem"),
        FIRST: make_person(ca, "Marisol Ortega", "marisol.ortega@dha.example.gov"),
        SECOND: make_person(ca, "Denise Carmichael", "denise.carmichael@dha.example.gov"),
        "kevin": make_person(ca, "Kevin Tran", "kevin.tran@meridian-si.example.com"),
        "expired": make_person(ca, "Marisol Ortega", "marisol.ortega@dha.example.gov",
                               days_from=-800, days_to=-400),
        "untrusted": make_person(rogue, "Marisol Ortega", "marisol.ortega@dha.example.gov"),
    }


def render_pdf(content_dir: Path, kind: str = KIND) -> bytes:
    from pmodocs.outputs import compose_program
    from pmodocs.outputs import document_files

    content = load_content(content_dir)
    docs, _ = compose_program(content)
    return document_files(content, {kind: docs[kind]}, lambda _: None)[f"dist/pdf/{kind}.pdf"]


@pytest.fixture(scope="module")
def to_sign() -> bytes:
    """dist/pdf/launch-agenda.pdf of the example, as published while it awaits approval."""
    return render_pdf(EXAMPLE)


def sign(pdf: bytes, field: str, pki: dict, who: str | None = None) -> bytes:
    identity = pki[who or field]
    ca = pki["rogue"] if who == "untrusted" else pki["ca"]
    return sign_field(pdf, field, identity, ca)


def collect(content_dir: Path, data: bytes, pki: dict, *extra: str) -> subprocess.CompletedProcess:
    path = content_dir.parent / "signed.pdf"
    path.write_bytes(data)
    return run("approve", KIND, "--signed", str(path), "--trust", str(pki["root_pem"]),
               "--content", str(content_dir), *extra)


def approvers_json(content_dir: Path) -> dict[str, dict]:
    rows = json.loads(run("status", "--json", "--content", str(content_dir)).stdout)
    row = next(r for r in rows if r["id"] == KIND)
    return {a["person"]: a | {"state": row["state"]} for a in row["approvers"]}


# --- the PDF ready for signature -----------------------------------------------------------------

def test_every_pdf_awaiting_approval_has_a_tagged_field_per_approver_on_its_approval_page(built_example):
    import pikepdf

    from pmodocs.sigfields import pdf_fingerprint

    content = load_content(EXAMPLE)
    for kind, doc in content.deliverables.items():
        so = signoff(content, kind)
        path = built_example / f"dist/pdf/{kind}.pdf"
        assert pdf_fingerprint(path.read_bytes()) == so.fingerprint
        with pikepdf.open(path) as pdf:
            if so.state == "approved":
                assert "/AcroForm" not in pdf.Root
                continue
            fields = list(pdf.Root.AcroForm.Fields)
            assert [str(f.T) for f in fields] == list(doc.control.approvers)
            forms = [k for k in pdf.Root.StructTreeRoot.K[0].K
                     if isinstance(k, pikepdf.Dictionary) and k.get("/S") == "/Form"]
            assert len(forms) == len(fields)
            for f in fields:
                person = content.person(str(f.T))
                assert person.name in str(f.TU) and person.title in str(f.TU)
                assert f.FT == "/Sig" and "/V" not in f and int(f.F) == 4
                page = next(p for p in pdf.pages if any(a.objgen == f.objgen for a in p.get("/Annots", [])))
                assert page.Tabs == "/S"
                assert any(form.K[0].Obj.objgen == f.objgen for form in forms)
                number = [p.objgen for p in pdf.pages].index(page.objgen)
                from pypdf import PdfReader

                text = PdfReader(path).pages[number].extract_text()
                assert "Approval" in text and person.name in text  # on the approval page


def signature_lines(page) -> list[tuple[float, float]]:
    """(x, baseline y) of every run of 30 or more underscores on a PDF page, by pypdf's text
    extraction: where the reader sees the signature lines, found without typst's help."""
    found: list[tuple[float, float]] = []

    def visit(text, cm, tm, *_):
        if text.strip().startswith("_" * 30):
            found.append((cm[4] + tm[4] * cm[0], cm[5] + tm[5] * cm[3]))
    page.extract_text(visitor_text=visit)
    return sorted(found, key=lambda p: -p[1])


@pytest.mark.parametrize("program", ["content", "examples/federal"])
def test_each_field_lies_on_its_approvers_signature_line_with_the_blank_lines_above(program):
    """The field of each approver covers the signature line in that approver's table (the
    place typst reported while laying the page out) and the blank lines above it."""
    import io

    import pikepdf
    from pypdf import PdfReader

    from pmodocs.outputs import _Renderer, compose_program

    content = load_content(ROOT / program)
    docs, signoffs = compose_program(content)
    renderer = _Renderer(content, None)
    checked = 0
    for kind, doc in docs.items():
        if signoffs[kind].state == "approved":
            continue
        data = renderer.pdf(kind, doc)[0]
        reader = PdfReader(io.BytesIO(data))
        with pikepdf.open(io.BytesIO(data)) as pdf:
            fields = list(pdf.Root.AcroForm.Fields)
            pages = [p.objgen for p in pdf.pages]
            where = [(pages.index(f.P.objgen), -float(f.Rect[1])) for f in fields]
            assert where == sorted(where), f"{kind}: the fields are not in the approvers' order"
            for field in fields:
                index = pages.index(field.P.objgen)
                lines = signature_lines(reader.pages[index])
                x1, y1, x2, y2 = (float(v) for v in field.Rect)
                assert len(lines) >= 1, (kind, str(field.T))
                mine = [(x, y) for x, y in lines if abs(y - (y1 + 3)) < 1 and abs(x - x1) < 1]
                assert len(mine) == 1, (kind, str(field.T), (x1, y1, x2, y2), lines)
                assert y2 - mine[0][1] > 30, "the field covers the blank lines above the line"
                text = reader.pages[index].extract_text()
                name = content.person(str(field.T)).name
                assert name in text, (kind, name)
                checked += 1
    assert checked >= 5, checked


def test_an_approver_without_a_reported_line_still_gets_a_field_at_the_foot_of_the_last_page():
    """When typst reports no signature line for an approver (a template that moved the approval
    table), the field still exists, in a row of boxes at the foot of the last page, one above
    the other, and the approvers who were reported keep theirs."""
    import io
    from datetime import datetime

    import pikepdf

    from pmodocs.engines import typst_to_pdf_and_query
    from pmodocs.media import typst_source
    from pmodocs.outputs import compose_program
    from pmodocs.render.typst import SIGNATURE_LABEL
    from pmodocs.sigfields import prepare_pdf

    docs, signoffs = compose_program(load_content(EXAMPLE))
    kind = next(k for k, so in signoffs.items() if so.state != "approved"
                and len(docs[k].blocks[-1].entries) >= 3)
    pdf, marks = typst_to_pdf_and_query(typst_source(docs[kind]), when=datetime(2026, 11, 2),
                                        template="test", label=SIGNATURE_LABEL)
    kept, lost = marks[0], [m["person"] for m in marks[1:]]
    with pikepdf.open(io.BytesIO(prepare_pdf(pdf, docs[kind], [kept]))) as out:
        fields = {str(f.T): f for f in out.Root.AcroForm.Fields}
        last = out.pages[-1].obj.objgen
        assert set(fields) == {kept["person"], *lost}
        assert fields[kept["person"]].P.objgen == out.pages[kept["page"] - 1].obj.objgen
        feet = [fields[p] for p in lost]
        assert all(f.P.objgen == last and float(f.Rect[1]) >= 72 for f in feet)
        lows = sorted(float(f.Rect[1]) for f in feet)
        assert all(b - a >= 40 for a, b in zip(lows, lows[1:])), "boxes overlap"


def test_the_pdf_to_sign_is_pdf_ua1_and_adds_no_pdf_a_failure(to_sign, tmp_path):
    import page

    from pmodocs.outputs import compose_program
    from pmodocs.engines import typst_to_pdf
    from pmodocs.media import typst_source
    from pmodocs.dates import build_time

    path = tmp_path / "to-sign.pdf"
    path.write_bytes(to_sign)
    assert page.validate_pdf(path, profile="ua1").is_compliant
    content = load_content(EXAMPLE)
    doc = compose_program(content)[0][KIND]
    plain = tmp_path / "typst.pdf"
    plain.write_bytes(typst_to_pdf(typst_source(doc),
                                   when=build_time(content), template="test"))
    rules = lambda p: {f.rule_id for f in page.validate_pdf(p, profile="2a").failures}  # noqa: E731
    assert rules(path) <= rules(plain)


def test_every_published_pdf_is_pdf_ua1_and_the_charter_to_sign_pdf_a2a(built_example):
    import page

    for path in sorted((built_example / "dist/pdf").glob("*.pdf")):
        report = page.validate_pdf(path, profile="ua1")
        assert report.is_compliant, (path.name, [f.rule_id for f in report.failures])
    path = built_example / "dist/pdf/charter.pdf"
    assert signoff(load_content(EXAMPLE), "charter").state != "approved"
    assert page.validate_pdf(path, profile="2a").is_compliant


def test_adding_the_fields_is_deterministic(to_sign):
    assert render_pdf(EXAMPLE) == to_sign


# --- collecting signatures -----------------------------------------------------------------------

def test_two_approvers_sign_in_turn_and_the_build_publishes_the_signed_pdf(content_copy, to_sign, pki, tmp_path,
                                                                         cold_example):
    once = sign(to_sign, FIRST, pki)
    result = collect(content_copy, once, pki)
    assert result.returncode == 0, result.stderr
    mid = approvers_json(content_copy)
    assert mid[FIRST]["evidence"] == "signature" and "Marisol Ortega" in mid[FIRST]["certificate"]
    assert mid[FIRST]["state"] == "in review" and mid[SECOND]["decision"] is None

    twice = sign(once, SECOND, pki)
    result = collect(content_copy, twice, pki)
    assert result.returncode == 0, result.stderr
    done = approvers_json(content_copy)
    assert done[FIRST]["state"] == "approved"
    assert {a["evidence"] for a in done.values()} == {"signature"}
    fp = fingerprint(load_content(content_copy), KIND)
    kept = content_copy / f"signatures/{KIND}/{fp}.pdf"
    assert kept.read_bytes() == twice
    assert (content_copy / f"snapshots/{KIND}/{fp}.json").is_file()  # for a later redline
    records = [r for r in load_content(content_copy).approvals if r.deliverable == KIND]
    assert {r.approver for r in records} == {FIRST, SECOND}
    assert {r.signature.sha256 for r in records} == {pki[FIRST].sha256, pki[SECOND].sha256}

    from pmodocs.pipeline import build

    out = tmp_path / "out"
    shutil.copytree(cold_example.out, out, symlinks=True)  # the example's build, cache included
    assert KIND in build(content_copy, out).rendered
    signed = out / f"dist/signed/{KIND}.pdf"
    assert signed.read_bytes() == twice
    assert not (out / "dist/signed/charter.pdf").exists()
    verify = run("verify", str(signed), "--trust", str(pki["root_pem"]), "--content", str(content_copy))
    assert verify.returncode == 0, verify.stderr
    lines = [line for line in verify.stdout.splitlines() if "field" in line]
    assert len(lines) == 2 and "person: marisol-ortega" in lines[0] and "person: denise-carmichael" in lines[1]
    assert all("intact: yes; trusted: yes" in line for line in lines)
    assert "changed after it: later signatures only" in lines[0] and "changed after it: nothing" in lines[1]
    result = run("verify", KIND, "--trust", str(pki["root_pem"]), "--content", str(content_copy))
    assert result.returncode == 0, result.stderr


def test_a_hand_written_signature_record_proves_nothing(content_copy, to_sign, pki):
    """approvals.yaml is text anyone can edit: a signature counts only with its kept file, and
    `verify DELIVERABLE` checks the signature in that file again."""
    assert collect(content_copy, sign(to_sign, FIRST, pki), pki).returncode == 0
    text = (content_copy / "approvals.yaml").read_text(encoding="utf-8")
    forged = text[text.rindex("  - deliverable: launch-agenda"):].replace(FIRST, SECOND)
    (content_copy / "approvals.yaml").write_text(text + forged, encoding="utf-8")
    result = run("verify", KIND, "--trust", str(pki["root_pem"]), "--content", str(content_copy))
    assert result.returncode == 7 and f"holds no signature of {SECOND}" in result.stderr
    missing = forged.replace("signatures/launch-agenda/", "signatures/launch-agenda/nowhere-")
    (content_copy / "approvals.yaml").write_text(text + missing, encoding="utf-8")
    assert approvers_json(content_copy)[SECOND]["evidence"] == "recorded"


def refused(content_dir: Path, result: subprocess.CompletedProcess, before: str) -> str:
    """Exit 7, a clean message, and nothing recorded or kept."""
    assert result.returncode == 7, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "nothing was recorded" in result.stderr
    assert (content_dir / "approvals.yaml").read_text(encoding="utf-8") == before
    assert not (content_dir / "signatures").exists()
    return result.stderr


def test_a_signature_by_someone_else_is_refused(content_copy, to_sign, pki):
    before = (content_copy / "approvals.yaml").read_text(encoding="utf-8")
    err = refused(content_copy, collect(content_copy, sign(to_sign, FIRST, pki, "kevin"), pki), before)
    assert "not by Marisol Ortega" in err and "kevin.tran@meridian-si.example.com" in err


def test_a_certificate_pinned_in_people_yaml_is_accepted(content_copy, to_sign, pki):
    edit_yaml(content_copy / "people.yaml", lambda d: next(
        p for p in d["people"] if p["id"] == FIRST).__setitem__("certificate_sha256", pki["kevin"].sha256))
    result = collect(content_copy, sign(to_sign, FIRST, pki, "kevin"), pki)
    assert result.returncode == 0, result.stderr
    assert approvers_json(content_copy)[FIRST]["evidence"] == "signature"


def test_a_certificate_from_an_untrusted_root_is_refused(content_copy, to_sign, pki):
    before = (content_copy / "approvals.yaml").read_text(encoding="utf-8")
    err = refused(content_copy, collect(content_copy, sign(to_sign, FIRST, pki, "untrusted"), pki),
                  before)
    assert "does not chain to a trusted root" in err


def test_a_root_listed_in_program_yaml_is_trusted(content_copy, to_sign, pki):
    shutil.copy(pki["rogue_pem"], content_copy / "rogue-root.pem")
    edit_yaml(content_copy / "program.yaml",
              lambda d: d["program"].__setitem__("signoff", {"trust": ["rogue-root.pem"]}))
    path = content_copy.parent / "signed.pdf"
    path.write_bytes(sign(to_sign, FIRST, pki, "untrusted"))
    result = run("approve", KIND, "--signed", str(path), "--content", str(content_copy))
    assert result.returncode == 0, result.stderr


def test_a_trust_file_outside_the_content_folder_is_a_located_content_error(content_copy, to_sign, pki):
    edit_yaml(content_copy / "program.yaml", lambda d: d["program"].__setitem__(
        "signoff", {"trust": [str(pki["root_pem"])]}))
    path = content_copy.parent / "signed.pdf"
    path.write_bytes(sign(to_sign, FIRST, pki))
    result = run("approve", KIND, "--signed", str(path), "--content", str(content_copy))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "program.yaml:" in result.stderr and "program.signoff.trust[0]:" in result.stderr
    assert not (content_copy / "signatures").exists()


def test_an_expired_certificate_is_refused(content_copy, to_sign, pki):
    before = (content_copy / "approvals.yaml").read_text(encoding="utf-8")
    err = refused(content_copy, collect(content_copy, sign(to_sign, FIRST, pki, "expired"), pki), before)
    assert "not at signing time" in err


def test_a_file_signed_for_older_content_is_refused(content_copy, to_sign, pki):
    edit_yaml(content_copy / f"deliverables/{KIND}.yaml",
              lambda d: d["control"].__setitem__("purpose", d["control"]["purpose"] + " Revised."))
    before = (content_copy / "approvals.yaml").read_text(encoding="utf-8")
    err = refused(content_copy, collect(content_copy, sign(to_sign, FIRST, pki), pki), before)
    assert "current content is" in err and fingerprint(load_content(content_copy), KIND)[:12] in err


def test_a_byte_changed_after_the_first_signature_is_refused(content_copy, to_sign, pki):
    once = sign(to_sign, FIRST, pki)
    at = once.index(b"Typst 0.15")
    tampered = once[:at] + b"Typsx" + once[at + 5:]
    before = (content_copy / "approvals.yaml").read_text(encoding="utf-8")
    err = refused(content_copy, collect(content_copy, tampered, pki), before)
    assert "is broken" in err


def add_annotation(data: bytes) -> bytes:
    """A visible note on the approval page, added as an incremental update (not a signature)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    page_ref = writer.root["/Pages"]["/Kids"].raw_get(len(writer.root["/Pages"]["/Kids"]) - 1)
    page = page_ref.get_object()
    note = writer.add_object(generic.DictionaryObject({
        generic.NameObject("/Type"): generic.NameObject("/Annot"),
        generic.NameObject("/Subtype"): generic.NameObject("/FreeText"),
        generic.NameObject("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in (72, 72, 300, 120)]),
        generic.NameObject("/Contents"): generic.TextStringObject("Approved subject to a new budget"),
        generic.NameObject("/DA"): generic.TextStringObject("/Helv 12 Tf 0 g"),
    }))
    annots = page["/Annots"]
    annots.append(note)
    writer.update_container(annots if annots.container_ref else page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_visible_change_between_two_signatures_is_refused(content_copy, to_sign, pki):
    once = sign(to_sign, FIRST, pki)
    twice = sign(add_annotation(once), SECOND, pki)
    before = (content_copy / "approvals.yaml").read_text(encoding="utf-8")
    err = refused(content_copy, collect(content_copy, twice, pki), before)
    assert "'marisol-ortega'" in err and "followed by changes that are not signatures" in err
    path = content_copy.parent / "signed.pdf"
    result = run("verify", str(path), "--trust", str(pki["root_pem"]), "--content", str(content_copy))
    assert result.returncode == 7
    first = next(line for line in result.stdout.splitlines() if "'marisol-ortega'" in line)
    assert "changed after it: " in first
    assert not first.endswith(("changed after it: nothing", "changed after it: later signatures only"))


# --- evidence and policy -------------------------------------------------------------------------

def test_require_signatures_makes_recorded_approvals_not_count(content_copy):
    assert signoff(load_content(content_copy), "role-cards").state == "approved"  # recorded ones
    edit_yaml(content_copy / "program.yaml",
              lambda d: d["program"].__setitem__("signoff", {"require_signatures": True}))
    so = signoff(load_content(content_copy), "role-cards")
    assert so.state != "approved" and all(a.decision is None for a in so.approvers)


def test_status_json_says_how_each_decision_is_proven():
    rows = json.loads(run("status", "--json", "--content", str(EXAMPLE)).stdout)
    cards = next(r for r in rows if r["id"] == "role-cards")
    assert {a["evidence"] for a in cards["approvers"]} == {"recorded"}
    agenda = next(r for r in rows if r["id"] == KIND)
    assert {a["evidence"] for a in agenda["approvers"]} == {None}


def test_approve_needs_either_by_or_signed(content_copy, tmp_path):
    result = run("approve", KIND, "--content", str(content_copy))
    assert result.returncode == 2 and "--by PERSON" in result.stderr


def test_a_pdf_whose_page_stream_ends_in_a_cr_is_fixed_and_its_fields_keep_their_streams():
    """The rare file with a compressed page stream ending in a CR goes the long way (read back,
    padded, saved again): no stream ends in a CR, and every stream, the fields' empty appearance
    streams too, still decodes to what it held."""
    import io
    import zlib
    from datetime import datetime

    import pikepdf

    from pmodocs.engines import typst_to_pdf_and_query
    from pmodocs.media import typst_source
    from pmodocs.outputs import compose_program
    from pmodocs.render.typst import SIGNATURE_LABEL
    from pmodocs.sigfields import prepare_pdf

    docs, signoffs = compose_program(load_content(EXAMPLE))
    kind = next(k for k, so in signoffs.items() if so.state != "approved")
    pdf, marks = typst_to_pdf_and_query(typst_source(docs[kind]), when=datetime(2026, 11, 2),
                                        template="test", label=SIGNATURE_LABEL)
    with pikepdf.open(io.BytesIO(pdf)) as source:  # make the first page's stream end in a CR
        contents = source.pages[0].obj.Contents
        drawn = contents.read_bytes()
        padded = next(drawn + b"\n%" + b"x" * n for n in range(100_000)
                      if zlib.compress(drawn + b"\n%" + b"x" * n, 6).endswith(b"\r"))
        contents.write(zlib.compress(padded, 6), filter=pikepdf.Name.FlateDecode)
        buffer = io.BytesIO()
        source.save(buffer, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    assert b"\r\nendstream" in buffer.getvalue()
    fixed = prepare_pdf(buffer.getvalue(), docs[kind], marks)
    assert b"\r\nendstream" not in fixed
    with pikepdf.open(io.BytesIO(fixed)) as out:
        assert out.pages[0].obj.Contents.read_bytes().rstrip(b" ") == padded
        fields = list(out.Root.AcroForm.Fields)
        assert fields
        for field in fields:
            look = field.AP.N
            assert look.read_bytes() == b""
            assert "/Filter" not in look or len(look.read_raw_bytes()) > 0


def test_pikepdf_reads_each_pdf_from_a_scratch_file_of_the_thread_and_leaves_none_behind(
        monkeypatch):
    """prepare_pdf hands qpdf a file, never a Python stream: from a stream, qpdf calls back into
    Python (and waits for the GIL) on every read, which made this step three times slower, and
    twenty times slower while the DOCX writer held the GIL. The file is in the private scratch
    folder and removed afterwards, also when pikepdf fails; a scratch file that cannot be
    written is the clear error typst's scratch folder gives."""
    from datetime import datetime

    import pikepdf

    from pmodocs import files
    from pmodocs.engines import typst_to_pdf_and_query
    from pmodocs.errors import RenderError
    from pmodocs.media import typst_source
    from pmodocs.outputs import compose_program
    from pmodocs.render.typst import SIGNATURE_LABEL
    from pmodocs.sigfields import prepare_pdf

    docs, signoffs = compose_program(load_content(EXAMPLE))
    kind = next(k for k, so in signoffs.items() if so.state != "approved")
    pdf, marks = typst_to_pdf_and_query(typst_source(docs[kind]), when=datetime(2026, 11, 2),
                                        template="test", label=SIGNATURE_LABEL)
    opened: list[object] = []
    real_open = pikepdf.open

    def recording_open(source, *args, **kwargs):
        opened.append(source)
        return real_open(source, *args, **kwargs)

    monkeypatch.setattr(pikepdf, "open", recording_open)
    scratch = files.scratch_folder()
    with real_open(io.BytesIO(prepare_pdf(pdf, docs[kind], marks))) as out:
        assert len(out.Root.AcroForm.Fields) == len(marks)
    assert opened and all(isinstance(s, (str, Path)) and Path(s).parent == scratch
                          for s in opened), opened
    assert not list(scratch.glob("pdf-*")), "the scratch file is removed"
    with pytest.raises(pikepdf.PdfError):
        prepare_pdf(b"%PDF-1.7 not really", docs[kind], marks)
    assert not list(scratch.glob("pdf-*")), "removed when pikepdf fails too"

    def no_space() -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files, "scratch_folder", no_space)
    with pytest.raises(RenderError, match="scratch folder.*No space left on device.*TMPDIR"):
        prepare_pdf(pdf, docs[kind], marks)


def test_a_pdf_whose_object_stream_would_end_in_a_cr_is_written_without_object_streams():
    """qpdf's object streams and cross-reference stream cannot be padded the way a page's stream
    is: when one of them would end in a CR, the file is written without object streams, and
    still no stream ends in a CR."""
    import io
    from datetime import datetime
    from types import SimpleNamespace

    import pikepdf

    from pmodocs.engines import typst_to_pdf
    from pmodocs.media import typst_source
    from pmodocs.outputs import compose_program
    from pmodocs.sigfields import FINGERPRINT_KEY, _saved, prepare_pdf

    docs, _ = compose_program(load_content(EXAMPLE))
    compiled = typst_to_pdf(typst_source(docs["risk"]), when=datetime(2026, 11, 2),
                            template="test")
    doc = SimpleNamespace(meta=SimpleNamespace(fingerprint="sha256:" + "0" * 64,
                                               approval_state="approved"), blocks=[])

    def variant(n: int) -> bytes:  # the compiled file with a note on its first page
        with pikepdf.open(io.BytesIO(compiled)) as pdf:
            pdf.pages[0].obj.PieceInfo = pikepdf.Dictionary(Probe=pikepdf.String(f"{n:08d}"))
            buffer = io.BytesIO()
            pdf.save(buffer, stream_decode_level=pikepdf.StreamDecodeLevel.none)
            return buffer.getvalue()

    def packed(pdf: bytes) -> bytes:
        with pikepdf.open(io.BytesIO(pdf)) as out:
            out.docinfo[FINGERPRINT_KEY] = doc.meta.fingerprint
            return _saved(out, packed=True)
    pdf = next(v for v in map(variant, range(3000)) if b"\r\nendstream" in packed(v))
    fixed = prepare_pdf(pdf, doc, [])
    assert b"\r\nendstream" not in fixed and b"/ObjStm" not in fixed
    with pikepdf.open(io.BytesIO(fixed)) as out:
        assert str(out.docinfo[FINGERPRINT_KEY]) == doc.meta.fingerprint
    assert b"/ObjStm" in prepare_pdf(compiled, doc, []), "files are written with object streams"
