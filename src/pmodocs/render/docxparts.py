"""Raw OXML helpers python-docx lacks or makes slow: fields, body paragraphs and tables, a
reference document parsed once, custom properties and a reproducible zip.

python-docx resolves a style name by scanning every style of the document on each call and walks
its schema metadata for every element it adds; a deliverable has thousands of table cells, so the
writers build `w:p` and `w:tbl` elements here with plain lxml instead, element for element and
attribute for attribute what python-docx's `add_paragraph`, `add_table`, `cell.text`, `cell.width`
and `run.bold` produce, so the files stay byte-identical to the python-docx ones.
"""

from __future__ import annotations

import copy
import io
import re
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from lxml import etree

from ..zips import deterministic_zip, read_zip

_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_PROPERTY_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def w(name: str) -> str:
    """The Clark name of a WordprocessingML tag or attribute: `w("p")` is `{…/main}p`."""
    return f"{{{W_NS}}}{name}"


P, PPR, PSTYLE, R, RPR, B, T, TAB, BR = (w(n) for n in ("p", "pPr", "pStyle", "r", "rPr", "b", "t",
                                                        "tab", "br"))
TBL, TBLPR, TBLGRID, GRIDCOL, TR, TRPR, TC, TCPR, TCW = (w(n) for n in (
    "tbl", "tblPr", "tblGrid", "gridCol", "tr", "trPr", "tc", "tcPr", "tcW"))
SECTPR, VAL, TYPE, WIDTH = w("sectPr"), w("val"), w("type"), w("w")
_CANT_SPLIT, _TBL_HEADER = w("cantSplit"), w("tblHeader")
_BREAKS = re.compile(r"([\t\r\n])")


def new_element(tag: str) -> Any:
    """A detached WordprocessingML element (python-docx's element class, `w` prefix declared;
    the declaration is dropped again when the element joins the document)."""
    from docx.oxml.parser import oxml_parser

    return oxml_parser.makeelement(tag, nsmap={"w": W_NS})


SubElement = etree.SubElement
"""lxml's: appends a child (the hot loops below call it directly, with Clark-name attributes)."""


def sub(parent: Any, tag: str, **attributes: str) -> Any:
    """Append a child element; `attributes` are `w:` attributes, written in the order given."""
    return SubElement(parent, tag, {w(name): value for name, value in attributes.items()})


# --- body paragraphs and runs -------------------------------------------------------------------

def insert_block(body: Any, element: Any) -> Any:
    """Put a paragraph or table at the end of the body, before its final section properties
    (where python-docx's `add_paragraph` and `add_table` put them)."""
    end = body.find(SECTPR)
    if end is not None:
        end.addprevious(element)
    else:
        body.append(element)
    return element


def new_paragraph(style_id: str | None = None, *, styled: bool = False) -> Any:
    """A `w:p`. `styled` paragraphs were given a style by name: like python-docx, they get a
    `w:pPr` even when the name is the default style (id None) and so needs no `w:pStyle`."""
    p = new_element(P)
    if styled:
        ppr = sub(p, PPR)
        if style_id is not None:
            sub(ppr, PSTYLE, val=style_id)
    return p


def add_run(parent: Any, text: str = "", *, bold: bool = False) -> Any:
    """A `w:r` holding `text` as python-docx's `add_run(text)` writes it; bold adds `w:rPr/w:b`."""
    r = SubElement(parent, R)
    if bold:
        SubElement(SubElement(r, RPR), B)
    if text:
        append_text(r, text)
    return r


def set_bold(r: Any, value: bool | None) -> None:
    """`run.bold = value` as python-docx does it on a new run: a `w:rPr` always (empty for None)
    and `w:b` only for True."""
    rpr = r.find(RPR)
    if rpr is None:
        rpr = sub(r, RPR)
        r.insert(0, rpr)  # run properties come first
    if value:
        sub(rpr, B)


def append_text(r: Any, text: str) -> None:
    """python-docx's run text: tabs become `w:tab`, CR and LF `w:br`, the rest `w:t` elements
    (with xml:space="preserve" when they start or end with white space)."""
    for piece in _BREAKS.split(text) if ("\t" in text or "\r" in text or "\n" in text) else (text,):
        if piece == "\t":
            SubElement(r, TAB)
        elif piece in ("\r", "\n"):
            SubElement(r, BR)
        elif piece:
            t = SubElement(r, T)
            t.text = piece
            if len(piece.strip()) < len(piece):
                t.set(XML_SPACE, "preserve")


def add_page_break(p: Any) -> None:
    """A run holding a page break (`run.add_break(WD_BREAK.PAGE)`)."""
    sub(sub(p, R), BR, type="page")


def _fld_char(p: Any, kind: str) -> None:
    char = sub(sub(p, R), w("fldChar"), fldCharType=kind)
    if kind == "begin":
        char.set(w("dirty"), "true")


def field_begin(p: Any, instruction: str) -> None:
    """Open a field in paragraph element `p`; Word recomputes it (dirty) when the file opens."""
    _fld_char(p, "begin")
    instr = sub(sub(p, R), w("instrText"))
    instr.set(XML_SPACE, "preserve")
    instr.text = f" {instruction} "


def field_separate(p: Any) -> None:
    _fld_char(p, "separate")


def field_end(p: Any) -> None:
    _fld_char(p, "end")


def add_field(p: Any, instruction: str, cached: str) -> None:
    """A complete Word field (PAGE, NUMPAGES, DOCPROPERTY …) with a cached result."""
    field_begin(p, instruction)
    field_separate(p)
    add_run(p, cached)
    field_end(p)


def page_footer(footer: Any, style_id: str | None, prefix: str) -> None:
    """A centred footer "PREFIX Page X of Y" with live PAGE and NUMPAGES fields, replacing the
    reference document's runs (the deliverables and the transmittal memo both end so)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    for run in footer.r_lst:
        footer.remove(run)
    footer.style = style_id
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_run(footer, f"{prefix}Page ")
    add_field(footer, "PAGE", "1")
    add_run(footer, " of ")
    add_field(footer, "NUMPAGES", "1")


def keep_with_next(p: Any) -> Any:
    """Keep the paragraph on the page of the next one (`w:keepNext`): a heading or caption never
    ends a page apart from its table or picture."""
    ppr = p.find(PPR)
    if ppr is None:
        ppr = new_element(PPR)
        p.insert(0, ppr)
    if ppr.find(w("keepNext")) is None:
        keep = new_element(w("keepNext"))
        style = ppr.find(PSTYLE)
        if style is not None:
            style.addnext(keep)
        else:
            ppr.insert(0, keep)
    return p


def add_bookmark(p: Any, name: str, number: int) -> None:
    """Wrap the paragraph's runs in a bookmark (a PAGEREF field can then give its page)."""
    start = new_element(w("bookmarkStart"))
    start.set(w("id"), str(number))
    start.set(w("name"), name)
    end = new_element(w("bookmarkEnd"))
    end.set(w("id"), str(number))
    ppr = p.find(PPR)
    if ppr is not None:
        ppr.addnext(start)
    else:
        p.insert(0, start)
    p.append(end)


def set_row_height(tr: Any, twips: int) -> None:
    """At least `twips` high (`w:trHeight w:hRule="atLeast"`): room to sign by hand."""
    tr_pr = tr.find(TRPR)
    if tr_pr is None:
        tr_pr = new_element(TRPR)
        tr.insert(0, tr_pr)
    height = SubElement(tr_pr, w("trHeight"))
    height.set(w("val"), str(twips))
    height.set(w("hRule"), "atLeast")


def ask_fields_update(settings: Any) -> None:
    """`w:updateFields` in settings.xml: Word offers to update the contents' page numbers (and
    every other field) when the file is opened."""
    if settings.find(w("updateFields")) is not None:
        return
    update = new_element(w("updateFields"))
    update.set(w("val"), "true")
    later = ("hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids")
    for child in settings:
        if child.tag in {w(t) for t in later} or child.tag.endswith("}mathPr"):
            child.addprevious(update)
            return
    settings.append(update)


# --- tables ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Grid:
    """A table's widths in twips as python-docx and the writers leave them: `columns` for the
    `w:gridCol`s, `cells` for each cell's `w:tcW`, `total` for `w:tblW` (None: automatic).
    Columns without a width keep python-docx's even share of the text width, `default`."""

    columns: tuple[int, ...]
    cells: tuple[int, ...]
    total: int | None
    default: int

    @classmethod
    def even(cls, count: int, default: int) -> Grid:
        """The grid python-docx's `add_table` makes: every column `default` twips wide."""
        return cls((default,) * count, (default,) * count, None, default)

    @classmethod
    def inches(cls, count: int, widths: list[float], default: int) -> Grid:
        """Explicit widths in inches for the first columns (the rest keep `default`), rounded
        the way python-docx rounds `Inches(w)` for cells and `_fix_grid` rounded the grid and
        table widths (round(w * 1440))."""
        from docx.shared import Inches

        given = widths[:count]
        rest = (default,) * (count - len(given))
        return cls(tuple(round(x * 1440) for x in given) + rest,
                   tuple(Inches(x).twips for x in given) + rest,
                   sum(round(x * 1440) for x in widths), default)

    def row_cells(self, set_widths: int) -> tuple[int, ...]:
        """Cell widths of a row where only the first `set_widths` cells were given a width."""
        return self.cells[:set_widths] + (self.default,) * (len(self.cells) - set_widths)


def new_table(style_id: str | None, grid: Grid, *, fixed: bool = False,
              header_row: bool = True) -> Any:
    """A `w:tbl` as python-docx's `add_table` makes it, with `table.style`, `table.autofit =
    False` (`fixed`) and the writers' grid and table widths applied. Label/value tables
    (`header_row` False) switch off the style's shaded first row in `w:tblLook`."""
    tbl = new_element(TBL)
    tbl_pr = sub(tbl, TBLPR)
    if style_id is not None:
        sub(tbl_pr, w("tblStyle"), val=style_id)
    if grid.total is None:
        sub(tbl_pr, w("tblW"), type="auto", w="0")
    else:
        sub(tbl_pr, w("tblW"), type="dxa", w=str(grid.total))
    if fixed:
        sub(tbl_pr, w("tblLayout"), type="fixed")
    sub(tbl_pr, w("tblLook"), firstColumn="1", firstRow="1" if header_row else "0",
        lastColumn="0", lastRow="0", noHBand="0", noVBand="1", val="04A0" if header_row else "0480")
    columns = sub(tbl, TBLGRID)
    for width in grid.columns:
        sub(columns, GRIDCOL, w=str(width))
    return tbl


def add_row(tbl: Any, cell_widths: tuple[int, ...], *, keep_together: bool = True,
            header: bool = False) -> list[Any]:
    """A `w:tr` (then `tbl[-1]`) with one cell per width; returns each cell's empty paragraph.
    Rows that `keep_together` never split across pages; a `header` row repeats on every page."""
    tr = SubElement(tbl, TR)
    if keep_together:
        tr_pr = SubElement(tr, TRPR)
        SubElement(tr_pr, _CANT_SPLIT)
        if header:
            SubElement(tr_pr, _TBL_HEADER)
    paragraphs = []
    for width in cell_widths:
        tc = SubElement(tr, TC)
        SubElement(SubElement(tc, TCPR), TCW, {TYPE: "dxa", WIDTH: str(width)})
        paragraphs.append(SubElement(tc, P))
    return paragraphs


# --- the reference document, parsed once --------------------------------------------------------

class StyleIds:
    """Style names resolved to style ids once per reference document.

    The same answer as python-docx's `Styles.get_style_id` (its name lookup, None for the
    type's default style, its ValueError for a style of the wrong type), but python-docx looks
    for the default style by scanning every style on each call, for each paragraph."""

    def __init__(self, styles: Any):
        self._styles = styles
        self._ids: dict[Any, Any] = {}
        self._defaults: dict[Any, Any] = {}

    def paragraph(self, name: str) -> str | None:
        from docx.enum.style import WD_STYLE_TYPE

        return self._lookup(name, WD_STYLE_TYPE.PARAGRAPH)

    def table(self, name: str) -> str | None:
        from docx.enum.style import WD_STYLE_TYPE

        return self._lookup(name, WD_STYLE_TYPE.TABLE)

    def _lookup(self, name: str, kind: Any) -> str | None:
        key = (name, kind)
        if key not in self._ids:
            self._ids[key] = self._resolve(name, kind)
        return self._ids[key]

    def _resolve(self, name: str, kind: Any) -> str | None:
        style = self._styles[name]
        if style.type != kind:
            raise ValueError("assigned style is type %s, need type %s" % (style.type, kind))
        if kind not in self._defaults:
            self._defaults[kind] = self._styles.default(kind)
        return None if style == self._defaults[kind] else style.style_id


class _Reference:
    """A reference document opened and emptied once; each rendering gets a deep copy.

    The copies share the styles part (350 kB of XML the writers only read, through `ids`), and
    its serialised bytes, instead of parsing and serialising it for every file."""

    def __init__(self, data: bytes):
        import docx
        from docx.parts.styles import StylesPart

        self.word = docx.Document(io.BytesIO(data))
        body = self.word.element.body
        for child in list(body):
            if child.tag != SECTPR:
                body.remove(child)
        self.ids = StyleIds(self.word.styles)
        self.shared = {part: part.blob for part in self.word.part.package.iter_parts()
                       if isinstance(part, StylesPart)}

    def copy(self) -> Any:
        """A python-docx Document with its own parts, relationships and XML (but the shared)."""
        return copy.deepcopy(self.word, {id(part): part for part in self.shared})


_references = threading.local()
"""Reference bytes -> _Reference, per thread: the DOCX files render in a thread pool, and each
thread copies only lxml trees it parsed itself (lxml trees are not meant to be shared)."""


def open_reference(data: bytes) -> tuple[Any, StyleIds, dict[Any, bytes]]:
    """(a fresh python-docx Document of the reference with an empty body, its style ids, the
    serialised parts it shares with the cached reference) for `package_parts`."""
    cache = getattr(_references, "cache", None)
    if cache is None:
        cache = _references.cache = {}
    reference = cache.get(data)
    if reference is None:
        if len(cache) >= 4:
            cache.clear()
        reference = cache[data] = _Reference(data)
    return reference.copy(), reference.ids, reference.shared


# --- the package ----------------------------------------------------------------------------------

def package_parts(word: Any, shared: dict[Any, bytes] | None = None) -> dict[str, bytes]:
    """Zip member name -> bytes of every part, as python-docx's `Document.save` writes them
    (`shared` parts, unchanged since they were parsed, are taken ready-serialised).

    This follows python-docx's own package writer, including a private class of it; should a
    later python-docx move that, the parts are read back from `Document.save` instead (the
    same bytes, one zip round trip slower).
    """
    from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI

    try:
        from docx.opc.pkgwriter import _ContentTypesItem
    except ImportError:
        return saved_parts(word)
    package = word.part.package
    parts = package.parts
    for part in parts:
        part.before_marshal()
    out = {CONTENT_TYPES_URI.membername: _ContentTypesItem.from_parts(parts).blob,
           PACKAGE_URI.rels_uri.membername: package.rels.xml}
    shared = shared or {}
    for part in parts:
        out[part.partname.membername] = shared[part] if part in shared else part.blob
        if len(part.rels):
            out[part.partname.rels_uri.membername] = part.rels.xml
    return out


def saved_parts(word: Any) -> dict[str, bytes]:
    """Zip member name -> bytes, through python-docx's public `Document.save`."""
    out = io.BytesIO()
    word.save(out)
    return read_zip(out.getvalue())


def docx_bytes(parts: dict[str, bytes], when: datetime,
               properties: dict[str, str] | None = None) -> bytes:
    """The DOCX file in one zip pass: custom properties added (if any), fixed order and dates."""
    if properties:
        parts = with_custom_properties(parts, properties)
    return office_zip(parts, when)


def with_custom_properties(parts: dict[str, bytes], properties: dict[str, str]) -> dict[str, bytes]:
    """Add docProps/custom.xml so Word's DOCPROPERTY fields can quote number and fingerprint."""
    items = "".join(
        f'<property fmtid="{_PROPERTY_FMTID}" pid="{pid}" name="{escape(name, {chr(34): "&quot;"})}">'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(properties.items(), start=2))
    custom = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              f'<Properties xmlns="{_CUSTOM_NS}" xmlns:vt="{_VT_NS}">{items}</Properties>')
    parts = dict(parts)
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
    return parts


def normalise_zip(data: bytes, when: datetime) -> bytes:
    """Rewrite a zip with fixed timestamps and order, so equal content gives equal bytes."""
    return office_zip(read_zip(data), when)


def office_zip(parts: dict[str, bytes], when: datetime) -> bytes:
    """An Office file (DOCX, XLSX) from its parts: `[Content_Types].xml` first, as Office wants."""
    return deterministic_zip(parts, when, first=["[Content_Types].xml"])
