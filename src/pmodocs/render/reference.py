"""The reference document: fonts, colours, margins and named styles every DOCX inherits.

Made from code so the branding is reviewable; `python -m pmodocs.branding reference > OUT.docx`
(`make reference`) writes it (templates/reference.docx is that output). A program can point
`program.branding.reference_docx` at its own file, made from this one.
"""

from __future__ import annotations

import io
from datetime import datetime
from functools import lru_cache

TABLE_STYLE = "PMO Table"
BODY_FONT = "Calibri"
HEADING_COLOUR = "1F4E79"


@lru_cache(maxsize=1)
def reference_docx() -> bytes:
    """The built-in reference document as DOCX bytes."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt, RGBColor

    word = docx.Document()
    styles = word.styles
    normal = styles["Normal"]
    normal.font.name, normal.font.size = BODY_FONT, Pt(10.5)
    normal.paragraph_format.space_after = Pt(6)
    for level, size in ((1, 16), (2, 13), (3, 11.5)):
        heading = styles[f"Heading {level}"]
        heading.font.name, heading.font.size = BODY_FONT, Pt(size)
        heading.font.color.rgb = RGBColor.from_string(HEADING_COLOUR)
        heading.paragraph_format.keep_with_next = True
    styles["Title"].font.color.rgb = RGBColor.from_string(HEADING_COLOUR)
    caption = styles["Caption"]
    caption.font.size, caption.font.bold = Pt(9), True
    caption.paragraph_format.keep_with_next = True
    for level in (1, 2, 3):
        name = f"TOC {level}"
        if name not in [s.name for s in styles]:
            toc = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            toc.base_style = normal
            toc.paragraph_format.left_indent = Pt(14 * (level - 1))
            toc.paragraph_format.space_after = Pt(2)
    if TABLE_STYLE not in [s.name for s in styles]:
        table = styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.TABLE)
        table.base_style = styles["Table Grid"]
        table.font.size = Pt(9)
        _shade_header_row(table)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _shade_header_row(style) -> None:  # type: ignore[no-untyped-def]
    """Give the named table style a shaded, bold first row (a conditional table format)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    style.element.append(parse_xml(
        f'<w:tblStylePr {nsdecls("w")} w:type="firstRow"><w:rPr><w:b/></w:rPr>'
        f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="D9E2F3"/></w:tcPr></w:tblStylePr>'))


REFERENCE_DATE = datetime(2026, 1, 1)
"""The timestamp inside templates/reference.docx, so `make reference` gives the same bytes."""


def reference_file() -> bytes:
    """templates/reference.docx's bytes: the built-in reference with fixed zip timestamps."""
    from .docxparts import normalise_zip

    return normalise_zip(reference_docx(), REFERENCE_DATE)
