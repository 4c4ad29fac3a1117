"""The PDF ready for signature: one empty signature field per required approver, and the
content fingerprint the file was made for.

typst cannot make form fields, so they are added after compiling: a pure function of the
compiled PDF and the document tree (the pipeline calls it; it writes no output, only the
scratch file pikepdf reads the compiled PDF from: engines.opened_pdf). Each field is
named after the approver's person id and labelled (`/TU`) with their name and title, placed
over their signature line on the approval page, and tagged as a `Form` structure element next
to the approver's table, so the file stays PDF/UA-1 (and PDF/A-2: every widget printable, with
an appearance). The fingerprint goes into the document information dictionary
(`/PMODOCSFingerprint`), so a signed file can be matched to the content it was made for.
The result is rewritten by pikepdf with a deterministic /ID: same input, same bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from .document import ApprovalPage, Document

FINGERPRINT_KEY = "/PMODOCSFingerprint"
"""The document information entry holding the content fingerprint."""
FIELD_HEIGHT = 40.0
FIELD_WIDTH = 220.0


@dataclass(frozen=True)
class Signatory:
    person: str
    label: str


def signatories(doc: Document) -> list[Signatory]:
    """Who signs this document, in approval-page order (person id, "Name, Title")."""
    return [Signatory(e.person, f"Signature of {e.name}, {e.title}")
            for b in doc.blocks if isinstance(b, ApprovalPage) for e in b.entries if e.person]


def prepare_pdf(pdf: bytes, doc: Document, marks: list[dict[str, Any]]) -> bytes:
    """The compiled PDF with its fingerprint, and, unless approved, one field per approver,
    placed over the signature line that `marks` (typst's report of the layout) locate."""
    from .engines import opened_pdf

    with opened_pdf(pdf) as out:
        out.docinfo[FINGERPRINT_KEY] = doc.meta.fingerprint
        if doc.meta.approval_state != "approved":
            people = signatories(doc)
            if people:
                _add_fields(out, people, _signature_places(out, people, marks))
        data = _saved(out, packed=True)
    # A stream that ends in a CR (`\r`, then the EOL qpdf writes before `endstream`) is the
    # rare case, read back from the saved file (qpdf's second save of one PDF object writes the
    # streams the first one compressed with a filter and no data): a page's own stream is
    # padded; one that qpdf made (an object stream, the cross-reference stream) cannot be, so
    # that file is written without object streams, as typst wrote it.
    if b"\r\nendstream" not in data:
        return data
    with opened_pdf(data) as saved:
        if _no_stream_ends_in_cr(saved):
            data = _saved(saved, packed=True)
    if b"\r\nendstream" not in data:
        return data
    with opened_pdf(data) as saved:
        return _saved(saved, packed=False)


def _saved(pdf: Any, *, packed: bool) -> bytes:
    """The file's bytes: deterministic; typst's compressed streams kept as they came (decoding
    and compressing them again was most of the time this step took), new ones compressed; and,
    `packed`, the objects that are not streams compressed into object streams (a third of the
    size; PDF/A-2 allows them)."""
    import pikepdf

    buffer = io.BytesIO()
    pdf.save(buffer, deterministic_id=True, compress_streams=True,
             stream_decode_level=pikepdf.StreamDecodeLevel.none,
             object_stream_mode=pikepdf.ObjectStreamMode.generate if packed
             else pikepdf.ObjectStreamMode.disable)
    return buffer.getvalue()


def _no_stream_ends_in_cr(pdf: Any) -> bool:
    """Rewrite every compressed content stream whose bytes end in a carriage return.

    Such a stream is valid PDF, but a reader that takes the CR and the LF after it as the EOL
    before `endstream` (page-validation's PDF/A stream-length rule does) counts one byte fewer
    than /Length. The last bytes of Flate data are the Adler-32 checksum of what it holds, so
    only other content changes them: a content stream gets a trailing space, which changes
    nothing it draws; the result stays deterministic. True if any stream was rewritten."""
    import zlib

    import pikepdf

    contents = {c.objgen for page in pdf.pages
                for c in (page.obj.get("/Contents") if isinstance(page.obj.get("/Contents"), pikepdf.Array)
                          else [page.obj.get("/Contents")]) if c is not None}
    changed = False
    for obj in pdf.objects:  # one pass; the cheap tests first
        if (not isinstance(obj, pikepdf.Stream) or obj.get("/Filter") != pikepdf.Name.FlateDecode
                or "/DecodeParms" in obj or not obj.read_raw_bytes().endswith(b"\r")
                or not (obj.objgen in contents or obj.get("/Subtype") == pikepdf.Name.Form)):
            continue
        data = obj.read_bytes()
        for pad in range(1, 9):
            packed = zlib.compress(data + b" " * pad, 6)
            if not packed.endswith(b"\r"):
                obj.write(packed, filter=pikepdf.Name.FlateDecode)
                changed = True
                break
    return changed


def _signature_places(pdf: Any, people: list[Signatory], marks: list[dict[str, Any]]
                      ) -> list[tuple[int, tuple[float, float, float, float]]]:
    """(page index, field rectangle) of each person's signature line, from the marks typst
    reported while laying the approval page out (render/typst.py): the field covers the line
    and the blank lines above it. A person without a mark (a template that moved the approval
    table) gets a field in a row of boxes at the foot of the last page, so every approver still
    has a field to sign."""
    at = {str(m.get("person")): m for m in marks}
    places: list[tuple[int, tuple[float, float, float, float]]] = []
    last = len(pdf.pages) - 1
    box = pdf.pages[last].mediabox
    width = float(box[2]) - float(box[0])
    missing = [p for p in people if p.person not in at]
    for who in people:
        mark = at.get(who.person)
        if mark is not None:
            index = int(mark["page"]) - 1
            height = float(pdf.pages[index].mediabox[3])
            x, baseline = float(mark["x"]), height - float(mark["y"])
            places.append((index, (x, baseline - 3, x + FIELD_WIDTH, baseline - 3 + FIELD_HEIGHT)))
        else:  # no room found: a row of boxes at the foot of the last page
            n = len(missing) - missing.index(who)
            x = width - 72 - FIELD_WIDTH
            places.append((last, (x, 72 + (n - 1) * (FIELD_HEIGHT + 6), x + FIELD_WIDTH,
                                  72 + (n - 1) * (FIELD_HEIGHT + 6) + FIELD_HEIGHT)))
    return places


def _add_fields(pdf: Any, people: list[Signatory],
                places: list[tuple[int, tuple[float, float, float, float]]]) -> None:
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    root = pdf.Root
    tree = root.StructTreeRoot
    top = tree.K[0] if isinstance(tree.K, pikepdf.Array) else tree.K
    kids = top.K if isinstance(top.K, pikepdf.Array) else Array([top.K])
    tables = [i for i, k in enumerate(kids)
              if isinstance(k, pikepdf.Dictionary) and k.get("/S") == Name.Table]
    after = tables[-len(people):] if len(tables) >= len(people) else []
    nums = tree.ParentTree.Nums
    next_key = int(tree.get("/ParentTreeNextKey", len(nums) // 2))
    fields = Array()
    forms: list[tuple[int, Any]] = []
    for k, (who, (index, rect)) in enumerate(zip(people, places)):
        page = pdf.pages[index]
        width, height = rect[2] - rect[0], rect[3] - rect[1]
        look = pdf.make_stream(b"", Type=Name.XObject, Subtype=Name.Form,
                               BBox=Array([0, 0, width, height]), Resources=Dictionary())
        widget = pdf.make_indirect(Dictionary(
            Type=Name.Annot, Subtype=Name.Widget, FT=Name.Sig, T=String(who.person),
            TU=String(who.label), Rect=Array([round(v, 2) for v in rect]), F=4, P=page.obj,
            AP=Dictionary(N=look), StructParent=next_key,
            MK=Dictionary(BC=Array([0.4, 0.4, 0.4]))))
        form = pdf.make_indirect(Dictionary(
            Type=Name.StructElem, S=Name.Form, P=top, Alt=String(who.label),
            K=Array([Dictionary(Type=Name.OBJR, Obj=widget, Pg=page.obj)])))
        nums.append(next_key)
        nums.append(form)
        next_key += 1
        if "/Annots" not in page.obj:
            page.obj.Annots = Array()
        page.obj.Annots.append(widget)
        page.obj.Tabs = Name.S
        fields.append(widget)
        forms.append((after[k] if after else len(kids) - 1, form))
    for position, form in sorted(forms, key=lambda p: -p[0]):
        kids.insert(position + 1, form)
    top.K = kids
    tree.ParentTreeNextKey = next_key
    root.AcroForm = pdf.make_indirect(Dictionary(Fields=fields))


def pdf_fingerprint(data: bytes) -> str | None:
    """The content fingerprint a pmodocs PDF was made for (its latest revision), if any."""
    from pypdf import PdfReader

    try:
        info: Any = PdfReader(io.BytesIO(data)).metadata or {}
    except Exception:
        return None
    value = info.get(FINGERPRINT_KEY)
    return str(value) if value else None
