"""Raw OXML helpers python-docx lacks: fields, custom properties, a reproducible zip."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_PROPERTY_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def _fld_char(paragraph: Any, kind: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    if kind == "begin":
        char.set(qn("w:dirty"), "true")
    run._r.append(char)


def field_begin(paragraph: Any, instruction: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    _fld_char(paragraph, "begin")
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)


def field_separate(paragraph: Any) -> None:
    _fld_char(paragraph, "separate")


def field_end(paragraph: Any) -> None:
    _fld_char(paragraph, "end")


def add_field(paragraph: Any, instruction: str, cached: str) -> None:
    """A complete Word field (PAGE, NUMPAGES, DOCPROPERTY …) with a cached result."""
    field_begin(paragraph, instruction)
    field_separate(paragraph)
    paragraph.add_run(cached)
    field_end(paragraph)


def add_custom_properties(data: bytes, properties: dict[str, str]) -> bytes:
    """Add docProps/custom.xml so Word's DOCPROPERTY fields can quote number and fingerprint."""
    items = "".join(
        f'<property fmtid="{_PROPERTY_FMTID}" pid="{pid}" name="{escape(name, {chr(34): "&quot;"})}">'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(properties.items(), start=2))
    custom = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              f'<Properties xmlns="{_CUSTOM_NS}" xmlns:vt="{_VT_NS}">{items}</Properties>')
    src = zipfile.ZipFile(io.BytesIO(data))
    parts = {name: src.read(name) for name in src.namelist()}
    ct = parts["[Content_Types].xml"].decode("utf-8")
    if "/docProps/custom.xml" not in ct:
        ct = ct.replace("</Types>", f'<Override PartName="/docProps/custom.xml" '
                        f'ContentType="{_CUSTOM_CT}"/></Types>')
    rels = parts["_rels/.rels"].decode("utf-8")
    if _CUSTOM_REL not in rels:
        rels = rels.replace("</Relationships>", f'<Relationship Id="rIdCustomProps" '
                            f'Type="{_CUSTOM_REL}" Target="docProps/custom.xml"/></Relationships>')
    parts["[Content_Types].xml"], parts["_rels/.rels"] = ct.encode(), rels.encode()
    parts["docProps/custom.xml"] = custom.encode("utf-8")
    return _zip(parts, datetime(1980, 1, 1))


def normalise_zip(data: bytes, when: datetime) -> bytes:
    """Rewrite a zip with fixed timestamps and order, so equal content gives equal bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    return _zip({name: src.read(name) for name in src.namelist()}, when)


def _zip(parts: dict[str, bytes], when: datetime) -> bytes:
    first = ["[Content_Types].xml"]
    order = first + sorted(n for n in parts if n not in first)
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, parts[name])
    return out.getvalue()
