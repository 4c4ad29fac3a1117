"""Which branding files a program's documents use, read once on the pipeline's side so that the
writers get bytes and never open files: the reference document (Word styles) and the logo."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Content


def reference_document(content: Content) -> bytes:
    """The reference document every DOCX of the program is styled by (deliverables, redlines,
    transmittal memos alike): `program.branding.reference_docx` when set, else the project's
    templates/reference.docx, else the built-in one it is made from."""
    from .paths import templates_dir
    from .render.reference import reference_docx

    ref = content.program.branding.reference_docx
    if ref:
        return (content.root / ref).read_bytes()
    default = templates_dir() / "reference.docx"
    return default.read_bytes() if default.is_file() else reference_docx()


def logo(content: Content) -> bytes | None:
    """The program's logo (PNG or JPEG bytes), if `program.branding.logo` names one; read once
    the checks have vouched for the path, and carried to compose in the derived facts."""
    name = content.program.branding.logo
    return (content.root / name).read_bytes() if name else None


def main(argv: list[str]) -> int:
    """`python -m pmodocs.branding reference|logo > FILE`: the bytes of the reference document
    (templates/reference.docx) or of the example's logo (content/branding/logo.png), both drawn
    by code in render/, on standard output (`make reference` puts them in place)."""
    from .render.logo import logo_png
    from .render.reference import reference_file

    makers = {"reference": reference_file, "logo": logo_png}
    if len(argv) != 1 or argv[0] not in makers:
        print("usage: python -m pmodocs.branding reference|logo > FILE", file=sys.stderr)
        return 2
    sys.stdout.buffer.write(makers[argv[0]]())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
