"""What the writers are given that only the engines (or the template files) can make: Word's
chart pictures, drawn by typst from the charts' SVG and handed to the DOCX writers as a media
mapping, and a deliverable's typst source (its body inside the page template)."""

from __future__ import annotations

from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping

if TYPE_CHECKING:
    from .cache import BuildCache


def typst_source(doc: Any) -> str:
    """A deliverable's typst source: its body inside templates/typst/deliverable.typ.j2."""
    from .errors import RenderError
    from .render.typst import render_typst, typst_body, typst_template

    path = typst_template()
    try:
        template = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RenderError(f"template {path} cannot be read ({exc}); restore it from version "
                          "control") from None
    return render_typst(doc, typst_body(doc), template, str(path))


class ChartPictures(Mapping[tuple[str, float], bytes]):
    """The DOCX writers' media bag: (chart SVG, width in inches) -> PNG, drawn by typst when
    first asked for and reused from the build cache while the SVG and width stay the same (an
    edit that leaves a chart as it was does not draw it again)."""

    def __init__(self, cache: BuildCache | None = None):
        self.cache = cache
        self.drawn: dict[tuple[str, float], bytes] = {}
        self.ahead: dict[tuple[str, float], Future[bytes]] = {}

    def draw_ahead(self, keys: Iterable[tuple[str, float]],
                   submit: Callable[..., Future[bytes]]) -> None:
        """Have these pictures drawn by `submit` (a thread pool's) before they are asked for: the
        writer then finds them ready instead of waiting for typst on its own thread."""
        for key in keys:
            if key not in self.drawn and key not in self.ahead:
                self.ahead[key] = submit(self._draw, key)

    def __getitem__(self, key: tuple[str, float]) -> bytes:
        if key not in self.drawn:
            ahead = self.ahead.pop(key, None)
            self.drawn[key] = ahead.result() if ahead is not None else self._draw(key)
        return self.drawn[key]

    def _draw(self, key: tuple[str, float]) -> bytes:
        from .cache import remembered

        svg, width = key
        return remembered(self.cache, ".png", lambda: chart_png(svg, width), svg, f"{width:.3f}")

    def __iter__(self) -> Iterator[tuple[str, float]]:
        return iter(dict(self.drawn))

    def __len__(self) -> int:
        return len(self.drawn)


def chart_png(svg: str, width_in: float) -> bytes:
    """A chart's SVG drawn as Word's PNG picture, `width_in` inches wide, by typst."""
    import re

    from .engines import typst_to_png
    from .render.docx import CHART_PPI, chart_png_source

    title = re.search(r"<title>([^<]*)</title>", svg)
    return typst_to_png(chart_png_source(svg, width_in), ppi=CHART_PPI,
                        what=f"the chart {title.group(1) if title else ''!r}")
