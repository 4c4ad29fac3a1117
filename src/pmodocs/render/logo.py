"""The example program's logo, drawn from code so the branding in content/branding/ is reviewable.

`python -m pmodocs.branding logo > content/branding/logo.png` writes it: a civic emblem (pediment,
four columns, base) in white on the program's blue, as an 8-bit RGB PNG with no alpha channel
(PDF/A-friendly) and no timestamp chunk, so the same code always gives the same bytes.
"""

from __future__ import annotations

import struct
import zlib

BLUE = (0x1F, 0x4E, 0x79)
WHITE = (0xFF, 0xFF, 0xFF)

# Shapes in unit coordinates (0..1 across and down the square).
_RECTS = (
    (0.20, 0.40, 0.80, 0.45),                      # entablature
    *((x - 0.035, 0.48, x + 0.035, 0.74) for x in (0.28, 0.42, 0.58, 0.72)),  # columns
    (0.16, 0.77, 0.84, 0.83),                      # base
)
_APEX, _EAVES_Y, _EAVES_X = (0.5, 0.17), 0.37, (0.17, 0.83)


def _inside_pediment(x: float, y: float) -> bool:
    """The triangular pediment: below the two roof lines and above the eaves."""
    if not _APEX[1] <= y <= _EAVES_Y:
        return False
    half = (y - _APEX[1]) / (_EAVES_Y - _APEX[1]) * (_EAVES_X[1] - _EAVES_X[0]) / 2
    return abs(x - _APEX[0]) <= half


def _inside_badge(x: float, y: float, radius: float = 0.14) -> bool:
    """The rounded square behind the emblem."""
    cx, cy = min(max(x, radius), 1 - radius), min(max(y, radius), 1 - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2


def _colour(x: float, y: float) -> tuple[int, int, int]:
    if not _inside_badge(x, y):
        return WHITE
    if _inside_pediment(x, y) or any(a <= x <= c and b <= y <= d for a, b, c, d in _RECTS):
        return WHITE
    return BLUE


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def logo_png(size: int = 192) -> bytes:
    """The emblem as PNG bytes, `size` pixels square (sampled at pixel centres)."""
    rows = bytearray()
    for py in range(size):
        rows.append(0)  # filter type: none
        for px in range(size):
            rows.extend(_colour((px + 0.5) / size, (py + 0.5) / size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + _chunk(b"IEND", b""))

